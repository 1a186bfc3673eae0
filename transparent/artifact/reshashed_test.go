package artifact

import (
	"encoding/binary"
	"encoding/hex"
	"math"
	"math/big"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/internal/onnxbuild"
	"github.com/zkinfer/zkinfer/proof/verifier"
	"github.com/zkinfer/zkinfer/quant"
	"github.com/zkinfer/zkinfer/transparent/wire"
)

// resnetFiles writes onnxbuild.ResNet(2, 8) and, as other.onnx, the same
// network with one weight of its skip path's 1×1 projection convolution
// (layer2.down) changed by 0.05: the same architecture, other weights.
func resnetFiles(t *testing.T) (path, other string) {
	t.Helper()
	d := t.TempDir()
	path, other = filepath.Join(d, "resnet.onnx"), filepath.Join(d, "other.onnx")
	m := onnxbuild.ResNet(2, 8)
	if err := os.WriteFile(path, onnxbuild.Bytes(m), 0o644); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, in := range m.Graph.Initializer {
		if in.GetName() == "layer2.down.W" {
			v := math.Float32frombits(binary.LittleEndian.Uint32(in.RawData))
			binary.LittleEndian.PutUint32(in.RawData, math.Float32bits(v+0.05))
			found = true
		}
	}
	if !found {
		t.Fatal("no layer2.down.W in onnxbuild.ResNet")
	}
	if err := os.WriteFile(other, onnxbuild.Bytes(m), 0o644); err != nil {
		t.Fatal(err)
	}
	return path, other
}

// TestResidualHashed: a residual network compiles with hashed weights (its
// directory holds no weights; its architecture.json lists the nodes, no
// convolution weight), proves with its weights and salt under ZKParams
// (kind 7: every convolution node's and dense layer's weights committed,
// the average pool's public), verifies with the model commitment
// WeightsCommitment gives; the same architecture with one projection
// weight changed proves under another commitment, which the first's
// --model-commitment refuses, as it refuses the first proof carrying the
// other's weight commitments; Open refuses an edited node in
// architecture.json.
func TestResidualHashed(t *testing.T) {
	path, other := resnetFiles(t)
	dir := filepath.Join(t.TempDir(), "h")
	vis := circuit.Visibility{Input: circuit.Private, Params: circuit.Hashed, Output: circuit.Public}
	if _, err := Compile(path, dir, quant.Default, vis); err != nil {
		t.Fatalf("hashed weights of a residual network: %v", err)
	}
	c, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if c.Chain.Res == nil {
		t.Fatalf("opened as %s", c.Chain.Describe())
	}
	rng := rand.New(rand.NewPCG(5, 5))
	x := make([]float64, 3*8*8)
	for i := range x {
		x[i] = rng.Float64()*2 - 1
	}
	in := [][]float64{x}
	salt := big.NewInt(0x5eed)
	prove := func(model string) (*verifier.Proof, string) {
		w, err := c.Weighted(model)
		if err != nil {
			t.Fatal(err)
		}
		p, err := w.ProveHashed(in, salt, []byte("ctx"))
		if err != nil {
			t.Fatal(err)
		}
		mc, err := c.WeightsCommitment(model, salt)
		if err != nil {
			t.Fatal(err)
		}
		if p.Commitments["params"] != mc {
			t.Fatalf("proof's commitment %s, WeightsCommitment %s", p.Commitments["params"], mc)
		}
		return p, mc
	}
	p, mc := prove(path)
	raw, _ := hex.DecodeString(p.Proof)
	prf, err := wire.DecodeResidualCommitted(raw)
	if err != nil {
		t.Fatalf("not a kind-7 proof: %v", err)
	}
	if want := 2 * (len(c.Chain.Res.ConvNodes()) + len(c.Chain.Res.Dense)); len(prf.Weights) != want {
		t.Fatalf("%d weight commitments, want %d (each convolution's and dense layer's weights and bias)", len(prf.Weights), want)
	}
	opt := verifier.Options{ModelCommitment: mc, Context: []byte("ctx")}
	if err := c.Verify(p, opt); err != nil {
		t.Fatalf("honest proof with its commitment expected: %v", err)
	}
	fixed, err := Compile(path, filepath.Join(t.TempDir(), "f"), quant.Default, circuit.DefaultVisibility)
	if err != nil {
		t.Fatal(err)
	}
	fp, err := fixed.Prove(in, []byte("ctx"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(fp.PublicInputs, ",") != strings.Join(p.PublicInputs, ",") {
		t.Fatal("the hashed proof's outputs differ from the fixed directory's")
	}
	if c.Settings.ZeroKnowledge != fixed.Settings.ZeroKnowledge {
		t.Errorf("zero knowledge %v, the fixed directory's %v: one rule for both", c.Settings.ZeroKnowledge, fixed.Settings.ZeroKnowledge)
	}

	q, omc := prove(other)
	if omc == mc {
		t.Fatal("another weight gave the same model commitment")
	}
	if strings.Join(q.PublicInputs, ",") == strings.Join(p.PublicInputs, ",") {
		t.Log("the changed weight leaves the outputs as they were")
	}
	if err := c.Verify(q, opt); err == nil || !strings.Contains(err.Error(), "is not the expected") {
		t.Errorf("a proof with another weight under the expected commitment: %v", err)
	}
	if err := c.Verify(q, verifier.Options{ModelCommitment: omc, Context: []byte("ctx")}); err != nil {
		t.Errorf("the other weights' honest proof: %v", err)
	}
	// The first proof with the other weights' commitments (and their
	// model commitment listed): its transcript bound the first's.
	oraw, _ := hex.DecodeString(q.Proof)
	oprf, err := wire.DecodeResidualCommitted(oraw)
	if err != nil {
		t.Fatal(err)
	}
	prf.Weights = oprf.Weights
	b, err := wire.EncodeResidualCommitted(prf)
	if err != nil {
		t.Fatal(err)
	}
	swapped := *p
	swapped.Proof = hex.EncodeToString(b)
	swapped.Commitments = map[string]string{"params": omc}
	if err := c.Verify(&swapped, verifier.Options{ModelCommitment: omc, Context: []byte("ctx")}); err == nil || !strings.Contains(err.Error(), "does not hold") {
		t.Errorf("a proof with another model's weight commitments: %v", err)
	}

	a := filepath.Join(dir, ArchFile)
	orig, _ := os.ReadFile(a)
	if strings.Contains(string(orig), `"W": [`) {
		t.Fatalf("%s lists weights", ArchFile)
	}
	edited := strings.Replace(string(orig), `"UpA": 0`, `"UpA": 1`, 1)
	if edited == string(orig) {
		t.Fatal("no add's alignment to edit")
	}
	os.WriteFile(a, []byte(edited), 0o644)
	if _, err := Open(dir); err == nil || !strings.Contains(err.Error(), "circuit_sha256") {
		t.Errorf("an edited architecture: %v", err)
	}
}
