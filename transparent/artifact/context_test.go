package artifact

import (
	"encoding/hex"
	"math/big"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/internal/onnxbuild"
	"github.com/zkinfer/zkinfer/internal/testkit"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/proof/verifier"
	"github.com/zkinfer/zkinfer/quant"
)

// TestContext: a proof bound to a context A, for each kind of chain (dense,
// CNN, residual, hashed dense weights), verifies with A expected and with
// none, and is refused with B expected; its statement edited consistently
// to B (the context and its public input), or to no context, passes the
// statement checks and is refused by the transparent proof: the context
// changed the transcript. (Without Compiled.bound the edits verify.)
func TestContext(t *testing.T) {
	ctxA, ctxB := []byte{0xaa, 0x01}, []byte{0xbb, 0x02}
	hashed := circuit.Visibility{Input: circuit.Private, Params: circuit.Hashed, Output: circuit.Public}
	for _, k := range []struct {
		name  string
		model func(t *testing.T) (string, [][]float64)
		vis   circuit.Visibility
	}{
		{"mlp", corpus("1l_mlp"), circuit.DefaultVisibility},
		{"cnn", corpus("3l_relu_conv_fc"), circuit.DefaultVisibility},
		{"residual", resnet, circuit.DefaultVisibility},
		{"hashed mlp", corpus("2l_relu_fc"), hashed},
	} {
		t.Run(k.name, func(t *testing.T) {
			path, in := k.model(t)
			c, err := Compile(path, filepath.Join(t.TempDir(), "d"), quant.Default, k.vis)
			if err != nil {
				t.Fatal(err)
			}
			var p *verifier.Proof
			if k.vis.Params == circuit.Hashed {
				w, err := c.Weighted(path)
				if err != nil {
					t.Fatal(err)
				}
				p, err = w.ProveHashed(in, big.NewInt(7), ctxA)
			} else {
				p, err = c.Prove(in, ctxA)
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.Context != "0x"+hex.EncodeToString(ctxA) {
				t.Fatalf("proof's context %q, want 0x%x", p.Context, ctxA)
			}
			for _, want := range [][]byte{ctxA, nil} {
				if err := c.Verify(p, verifier.Options{Context: want}); err != nil {
					t.Fatalf("expecting %x: honest proof rejected: %v", want, err)
				}
			}
			if err := c.Verify(p, verifier.Options{Context: ctxB}); err == nil || !strings.Contains(err.Error(), "not to the expected 0xbb02") {
				t.Fatalf("expecting B: %v", err)
			}
			segs := c.fixedSettings()
			off := segs.Layout().Offset(circuit.SegContext)
			for _, e := range []struct {
				name string
				ctx  []byte
			}{{"B", ctxB}, {"none", nil}} {
				q := *p
				q.PublicInputs = append([]string(nil), p.PublicInputs...)
				q.Context = ""
				if e.ctx != nil {
					q.Context = "0x" + hex.EncodeToString(e.ctx)
				}
				q.PublicInputs[off] = verifier.FieldHex(circuit.ContextValue(e.ctx))
				bare := q
				bare.Commitments = nil
				if _, err := verifier.CheckStatement(&segs, &bare, verifier.Options{}); err != nil {
					t.Fatalf("edited to %s: the edit is not consistent: %v", e.name, err)
				}
				if err := c.Verify(&q, verifier.Options{}); err == nil || !strings.Contains(err.Error(), "the transparent proof does not hold") {
					t.Fatalf("edited to %s: %v", e.name, err)
				}
			}
		})
	}
}

func corpus(name string) func(t *testing.T) (string, [][]float64) {
	return func(t *testing.T) (string, [][]float64) {
		path, input := testkit.CorpusModel(t, name)
		in, err := model.ReadInput(input)
		if err != nil {
			t.Fatal(err)
		}
		return path, in
	}
}

func resnet(t *testing.T) (string, [][]float64) {
	path := filepath.Join(t.TempDir(), "resnet.onnx")
	if err := os.WriteFile(path, onnxbuild.Bytes(onnxbuild.ResNet(2, 8)), 0o644); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 5))
	x := make([]float64, 3*8*8)
	for i := range x {
		x[i] = rng.Float64()*2 - 1
	}
	return path, [][]float64{x}
}
