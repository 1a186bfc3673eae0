package artifact

import (
	"encoding/hex"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/internal/onnxbuild"
	"github.com/zkinfer/zkinfer/proof/verifier"
	"github.com/zkinfer/zkinfer/quant"
	"github.com/zkinfer/zkinfer/transparent/cnn"
	"github.com/zkinfer/zkinfer/transparent/wire"
)

// TestResidualDirectory: a residual network (onnxbuild.ResNet) compiles to
// a residual chain, proves (kind 6) and verifies after Open; a proof whose
// average pool's rescale (no ReLU) carries a ReLU's value is refused as
// not one this zkinfer writes. (Hashed weights: TestResidualHashed.)
func TestResidualDirectory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "resnet.onnx")
	if err := os.WriteFile(path, onnxbuild.Bytes(onnxbuild.ResNet(2, 8)), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := Compile(path, filepath.Join(t.TempDir(), "d"), quant.Default, circuit.DefaultVisibility)
	if err != nil {
		t.Fatal(err)
	}
	if c.Chain.Res == nil || !strings.Contains(c.Chain.Describe(), "residual") {
		t.Fatalf("lowered to %s", c.Chain.Describe())
	}
	o, err := Open(c.Dir)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(4, 4))
	x := make([]float64, 3*8*8)
	for i := range x {
		x[i] = rng.Float64()*2 - 1
	}
	p, err := o.Prove([][]float64{x}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := o.Verify(p, verifier.Options{}); err != nil {
		t.Fatalf("honest proof rejected: %v", err)
	}
	raw, _ := hex.DecodeString(p.Proof)
	prf, err := wire.DecodeResidual(raw)
	if err != nil {
		t.Fatal(err)
	}
	avg := -1
	for i, n := range o.Chain.Res.Nodes {
		if n.Kind == cnn.NodeAvg {
			avg = i
		}
	}
	fin := prf.Nodes[avg].Rq.Check.Finals
	fin[len(fin)-1].SetOne()
	b, err := wire.EncodeResidual(prf)
	if err != nil {
		t.Fatal(err)
	}
	bad := *p
	bad.Proof = hex.EncodeToString(b)
	if err := o.Verify(&bad, verifier.Options{}); err == nil || !strings.Contains(err.Error(), "rescale") {
		t.Fatalf("an average pool's rescale with a changed value: %v", err)
	}
}
