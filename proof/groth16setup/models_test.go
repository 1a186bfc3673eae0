package groth16setup_test

import (
	"math/big"
	"testing"

	cs "github.com/consensys/gnark/constraint/bn254"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/internal/testkit"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/proof"
	"github.com/zkinfer/zkinfer/quant"
)

const (
	creditModel = "../../examples/credit/model.onnx"
	creditInput = "../../examples/credit/input.json"
)

var (
	fixed  = circuit.DefaultVisibility
	hashed = circuit.Visibility{Input: circuit.Private, Params: circuit.Hashed, Output: circuit.Public, ParamBits: 20, ParamCommitment: circuit.Pedersen}
)

// modelPaths returns a model's ONNX file and input, skipping the test
// when a corpus model is absent.
func modelPaths(t *testing.T, name string) (string, string) {
	t.Helper()
	if name == "credit" {
		return creditModel, creditInput
	}
	return testkit.CorpusModel(t, name)
}

// TestModels: on zkinfer's circuits with 0, 1 and 2 Groth16 commitments
// (lookup range checks, Pedersen-committed weights, both), our keys are
// gnark's byte for byte on the same randomness (where gnark's setup is
// quick enough to run), pass the pairing checks, and `zkinfer setup`'s
// keys (ours) prove and verify, against the model commitment when the
// weights are committed.
func TestModels(t *testing.T) {
	for _, tc := range []struct {
		model        string
		rangeCheck   circuit.RangePolicy
		vis          circuit.Visibility
		commitments  int
		compareGnark bool
	}{
		{"credit", circuit.RangeBits, fixed, 0, true},
		{"credit", circuit.RangeLookup, fixed, 1, true},
		{"credit", circuit.RangeBits, hashed, 1, false},
		{"1l_mlp", circuit.RangeBits, hashed, 1, true},
		{"credit", circuit.RangeLookup, hashed, 2, true},
		{"1l_mlp", circuit.RangeLookup, hashed, 2, true},
		{"3l_relu_conv_fc", circuit.RangeLookup, fixed, 1, false},
	} {
		name := tc.model + "/" + tc.rangeCheck.String()
		if tc.vis.PedersenParams() {
			name += "/pedersen"
		}
		t.Run(name, func(t *testing.T) {
			path, input := modelPaths(t, tc.model)
			c, err := proof.CompileWith(path, t.TempDir(), proof.CompileOptions{Quant: quant.Default, Visibility: tc.vis, RangeCheck: tc.rangeCheck})
			if err != nil {
				t.Fatal(err)
			}
			if got := c.Settings.Groth16Commitments; got != tc.commitments {
				t.Fatalf("%d commitments, want %d", got, tc.commitments)
			}
			if tc.compareGnark {
				ccs, err := c.ReadCircuit()
				if err != nil {
					t.Fatal(err)
				}
				pk, vk := sameAsGnark(t, ccs.(*cs.R1CS), 7)
				checkStructure(t, pk, vk)
			}
			if err := c.Setup(nil); err != nil {
				t.Fatal(err)
			}
			in, err := model.ReadInput(input)
			if err != nil {
				t.Fatal(err)
			}
			var opt proof.ProveOptions
			var vopt proof.VerifyOptions
			if tc.vis.PedersenParams() {
				salt := big.NewInt(7)
				opt = proof.ProveOptions{Weights: path, ParamSalt: salt}
				if vopt.ModelCommitment, err = c.PedersenModelCommitment(path, salt); err != nil {
					t.Fatal(err)
				}
			}
			p, err := c.ProveWith(in, opt)
			if err != nil {
				t.Fatal(err)
			}
			if err := c.VerifyWith(p, vopt); err != nil {
				t.Fatal(err)
			}
		})
	}
}
