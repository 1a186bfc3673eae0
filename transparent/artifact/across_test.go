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
	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/internal/onnxbuild"
	"github.com/zkinfer/zkinfer/internal/testkit"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/proof/verifier"
	"github.com/zkinfer/zkinfer/quant"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/wire"
)

// weightComs decodes a hashed proof's weight commitments, whatever its kind.
func weightComs(t *testing.T, p *verifier.Proof) []pcs.Commitment {
	t.Helper()
	raw, err := hex.DecodeString(p.Proof)
	if err != nil {
		t.Fatal(err)
	}
	if q, err := wire.DecodeMLPCommitted(raw); err == nil {
		return q.Weights
	}
	if q, err := wire.DecodeCNNCommitted(raw); err == nil {
		return q.Weights
	}
	q, err := wire.DecodeResidualCommitted(raw)
	if err != nil {
		t.Fatalf("not a hashed proof: %v", err)
	}
	return q.Weights
}

// TestHashedAcrossProofs: for a dense chain, a CNN and a residual network
// with hashed weights, two proofs under one salt carry other weight
// commitments (fresh in every proof) and the same model commitment, the
// one WeightsCommitment prints, and both verify against it; another
// salt's commitment is refused as the expected one, and listed in the
// proof file in place of the proof's own it is refused by the transparent
// proof (which binds its root).
func TestHashedAcrossProofs(t *testing.T) {
	dense, denseIn := testkit.CorpusModel(t, "2l_relu_fc")
	d := t.TempDir()
	stem := filepath.Join(d, "stem.onnx")
	if err := os.WriteFile(stem, onnxbuild.Bytes(onnxbuild.ConvStem(4)), 0o644); err != nil {
		t.Fatal(err)
	}
	res, _ := resnetFiles(t)
	for _, c := range []struct{ name, model, input, kind string }{
		{"dense", dense, denseIn, "row(s)"},
		{"cnn", stem, "", "convolution blocks"},
		{"residual", res, "", "residual network"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "h")
			vis := circuit.Visibility{Input: circuit.Private, Params: circuit.Hashed, Output: circuit.Public}
			if _, err := Compile(c.model, dir, quant.Default, vis); err != nil {
				t.Fatal(err)
			}
			h, err := Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(h.Chain.Describe(), c.kind) {
				t.Fatalf("lowered to %s, want a %s chain", h.Chain.Describe(), c.kind)
			}
			var in [][]float64
			if c.input != "" {
				if in, err = model.ReadInput(c.input); err != nil {
					t.Fatal(err)
				}
			} else {
				rng := rand.New(rand.NewPCG(9, 9))
				x := make([]float64, graph.NumElements(h.Settings.Inputs[0].Shape))
				for i := range x {
					x[i] = rng.Float64()*2 - 1
				}
				in = [][]float64{x}
			}
			w, err := h.Weighted(c.model)
			if err != nil {
				t.Fatal(err)
			}
			salt, otherSalt := big.NewInt(0x5eed), big.NewInt(0x5eee)
			mc, err := h.WeightsCommitment(c.model, salt)
			if err != nil {
				t.Fatal(err)
			}
			omc, err := h.WeightsCommitment(c.model, otherSalt)
			if err != nil {
				t.Fatal(err)
			}
			if mc == omc || len(mc) != 66 || !strings.HasPrefix(mc, "0x") {
				t.Fatalf("model commitments %s (salt) and %s (another salt): want two 0x + 64 hex", mc, omc)
			}
			var proofs []*verifier.Proof
			for range 2 {
				p, err := w.ProveHashed(in, salt, nil)
				if err != nil {
					t.Fatal(err)
				}
				if p.Commitments["params"] != mc {
					t.Fatalf("proof's commitment %s, WeightsCommitment %s", p.Commitments["params"], mc)
				}
				if err := h.Verify(p, verifier.Options{ModelCommitment: mc}); err != nil {
					t.Fatalf("honest proof: %v", err)
				}
				proofs = append(proofs, p)
			}
			a, b := weightComs(t, proofs[0]), weightComs(t, proofs[1])
			for i := range a {
				if a[i] == b[i] {
					t.Fatalf("weight commitment %d repeats across two proofs under one salt", i)
				}
			}
			if err := h.Verify(proofs[0], verifier.Options{ModelCommitment: omc}); err == nil || !strings.Contains(err.Error(), "is not the expected") {
				t.Errorf("another salt's commitment expected: %v", err)
			}
			relisted := *proofs[0]
			relisted.Commitments = map[string]string{"params": omc}
			if err := h.Verify(&relisted, verifier.Options{}); err == nil || !strings.Contains(err.Error(), "does not hold") {
				t.Errorf("another salt's commitment listed: %v", err)
			}
		})
	}
}
