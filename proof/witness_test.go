package proof

import (
	"bytes"
	"math/big"
	"slices"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/internal/testkit"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/ops"
	"github.com/zkinfer/zkinfer/quant"
)

// TestFullWitness checks the prover's witness builder (fullWitness)
// against gnark's frontend.NewWitness on real models under each kind of
// visibility: the same public and secret counts and the same field
// elements in the same order, for the full witness and its public part.
// A builder that put the secret values first, dropped a segment or
// converted a negative value differently fails here.
func TestFullWitness(t *testing.T) {
	in, err := model.ReadInput("../examples/credit/input.json")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, path string
		in         [][]float64
		vis        circuit.Visibility
	}{
		{"credit private", creditModel, in, circuit.Visibility{Input: circuit.Private, Params: circuit.Fixed, Output: circuit.Public}},
		{"credit public claim", creditModel, in, circuit.Visibility{Input: circuit.Public, Params: circuit.Fixed, Output: circuit.Private, Claim: "output[0] >= 0.7"}},
		{"credit hashed", creditModel, in, circuit.Visibility{Input: circuit.Hashed, Params: circuit.Hashed, Output: circuit.Hashed}},
		{"credit private weights", creditModel, in, circuit.Visibility{Input: circuit.Public, Params: circuit.Private, Output: circuit.Public}},
	}
	for _, cc := range []struct {
		model string
		vis   circuit.Visibility
	}{
		{"1l_conv", circuit.Visibility{Input: circuit.Public, Params: circuit.Hashed, Output: circuit.Public}},
		{"multihead_attention", circuit.Visibility{Input: circuit.Private, Params: circuit.Fixed, Output: circuit.Hashed}},
	} {
		if path, cin, ok := corpusCase(t, cc.model); ok {
			cases = append(cases, struct {
				name, path string
				in         [][]float64
				vis        circuit.Visibility
			}{cc.model, path, cin, cc.vis})
		}
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.vis.SecretParams() {
				tc.vis.ParamBits = 20 // the credit model's weights need 20 bits
			}
			c, _, err := LoadModel(tc.path, quant.Default, tc.vis, Groth16)
			if err != nil {
				t.Fatal(err)
			}
			m, vis := c.Model, c.Settings.Visibility // with compile's defaults
			w := &circuit.Witness{Salt: big.NewInt(12345), ParamSalt: big.NewInt(7), Context: []byte("witness test")}
			if vis.SecretParams() {
				if m, err = c.loadWeights(tc.path); err != nil {
					t.Fatal(err)
				}
				if w.Params, err = m.ParamValues(); err != nil {
					t.Fatal(err)
				}
			}
			if w.Inputs, err = m.Quantize(tc.in); err != nil {
				t.Fatal(err)
			}
			if w.Outputs, err = model.Run(m, &ops.IntArith{}, append(slices.Clone(w.Inputs), w.Params...)); err != nil {
				t.Fatal(err)
			}
			a, err := circuit.AssignWitness(m, vis, w)
			if err != nil {
				t.Fatal(err)
			}
			want, err := frontend.NewWitness(a, ecc.BN254.ScalarField())
			if err != nil {
				t.Fatal(err)
			}
			got, err := fullWitness(a)
			if err != nil {
				t.Fatal(err)
			}
			negative := false
			for _, v := range a.Private {
				if x, ok := v.(int64); ok && x < 0 {
					negative = true
				}
			}
			if !negative && len(w.Params) > 0 {
				t.Fatal("the weights have no negative value: the test would not see a wrong conversion")
			}
			same(t, "full", want, got)
			wp, err := want.Public()
			if err != nil {
				t.Fatal(err)
			}
			gp, err := got.Public()
			if err != nil {
				t.Fatal(err)
			}
			same(t, "public", wp, gp)
		})
	}
}

// same fails unless the two witnesses encode to the same bytes (the
// public and secret counts, then every element).
func same(t *testing.T, what string, want, got interface{ MarshalBinary() ([]byte, error) }) {
	t.Helper()
	a, err := want.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	b, err := got.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Fatalf("%s witness: %d bytes from frontend.NewWitness, %d from fullWitness, and they differ", what, len(a), len(b))
	}
}

// corpusCase is a corpus model and its input, when the corpus is present.
func corpusCase(t *testing.T, name string) (string, [][]float64, bool) {
	if _, _, ok := testkit.LookupCorpusModel(name); !ok {
		t.Logf("no corpus model %s: its case is left out", name)
		return "", nil, false
	}
	path, in := testkit.CorpusInput(t, name)
	return path, in, true
}
