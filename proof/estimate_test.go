package proof_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/internal/testkit"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/proof"
	"github.com/zkinfer/zkinfer/quant"
)

// TestCostKeySizes: the estimate's key sizes are those of the files setup
// writes, byte for byte, for circuits with 0, 1 and 2 Groth16 commitments.
// (The times depend on the machine and are not asserted.)
func TestCostKeySizes(t *testing.T) {
	for _, tc := range []struct {
		name string
		opt  proof.CompileOptions
	}{
		{"bits", proof.CompileOptions{Quant: quant.Default, Visibility: circuit.DefaultVisibility, RangeCheck: circuit.RangeBits}},
		{"lookup", proof.CompileOptions{Quant: quant.Default, Visibility: circuit.DefaultVisibility, RangeCheck: circuit.RangeLookup}},
		{"pedersen and lookup", proof.CompileOptions{Quant: quant.Default, RangeCheck: circuit.RangeLookup,
			Visibility: circuit.Visibility{Input: circuit.Private, Params: circuit.Hashed, Output: circuit.Public, ParamBits: 20}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := proof.CompileWith(creditModel, t.TempDir(), tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			cost, err := c.Cost(proof.Calibration{})
			if err != nil {
				t.Fatal(err)
			}
			if cost.Setup != 0 || cost.Prove != 0 {
				t.Errorf("times %v, %v without a calibration", cost.Setup, cost.Prove)
			}
			if err := c.Setup(nil); err != nil {
				t.Fatal(err)
			}
			for _, k := range []struct {
				file string
				want int64
			}{{proof.ProvingKey, cost.ProvingKeyBytes}, {proof.VerifyingKey, cost.VerifyingKeyBytes}} {
				st, err := os.Stat(filepath.Join(c.Dir, k.file))
				if err != nil {
					t.Fatal(err)
				}
				if st.Size() != k.want {
					t.Errorf("%s: %d bytes, estimated %d", k.file, st.Size(), k.want)
				}
			}
			t.Logf("%d constraints, %d groth16 commitments: %s", c.Settings.Constraints, c.Settings.Groth16Commitments, cost)
		})
	}
}

// TestCostEstimate compares the estimated setup and prove times with
// measured ones on corpus models (the figures of docs/SETUP.md, "Cost
// estimate"). It times, so it only logs, and runs only with
// ZKINFER_COST_MODELS set to a list of corpus models:
//
//	ZKINFER_COST_MODELS=accuracy,2l_relu_fc go test -run TestCostEstimate -v ./proof
func TestCostEstimate(t *testing.T) {
	for _, name := range testkit.ModelsFromEnv(t, "ZKINFER_COST_MODELS") {
		path, input := testkit.CorpusModel(t, name)
		c, err := proof.CompileWith(path, t.TempDir(), proof.CompileOptions{Quant: quant.Default, Visibility: circuit.DefaultVisibility})
		if err != nil {
			t.Fatal(err)
		}
		// Each step is timed right after a calibration, which reflects the
		// machine's load at that moment, and proving is timed three times.
		estimate := func() *proof.Cost {
			cal, err := proof.Calibrate()
			if err != nil {
				t.Fatal(err)
			}
			cost, err := c.Cost(cal)
			if err != nil {
				t.Fatal(err)
			}
			return cost
		}
		cost := estimate()
		start := time.Now()
		if err := c.Setup(nil); err != nil {
			t.Fatal(err)
		}
		setup := time.Since(start)
		in, err := model.ReadInput(input)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %d constraints, N = %d, %d G1 and %d G2 key points, %d terms, unit %v: setup %v estimated %v (%.2f)", name, cost.Constraints, cost.Domain,
			cost.G1Points, cost.G2Points, cost.Terms, cost.Calibration.Unit, setup.Round(time.Millisecond), cost.Setup.Round(time.Millisecond), float64(setup)/float64(cost.Setup))
		for range 3 {
			cost := estimate()
			start := time.Now()
			if _, err := c.Prove(in, nil); err != nil {
				t.Fatal(err)
			}
			prove := time.Since(start)
			t.Logf("%s: unit %v: prove %v estimated %v (%.2f)", name, cost.Calibration.Unit, prove.Round(time.Millisecond), cost.Prove.Round(time.Millisecond), float64(prove)/float64(cost.Prove))
		}
	}
}
