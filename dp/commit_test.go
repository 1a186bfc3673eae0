package dp_test

import (
	"testing"

	"github.com/consensys/gnark/constraint/solver"
	"github.com/consensys/gnark/frontend"

	"github.com/zkinfer/zkinfer/dp"
	"github.com/zkinfer/zkinfer/internal/optest"
	"github.com/zkinfer/zkinfer/ops"
)

// threeDraws draws three noises under lookup or bit range checks.
type threeDraws struct {
	Seed, Coins frontend.Variable
	Noise       [3]frontend.Variable `gnark:",public"`
	rc          ops.RangeCheck
}

func (c *threeDraws) Define(api frontend.API) error {
	m := dp.Mechanism{Kind: dp.Laplace, Epsilon: dp.Decimal{Num: 1, Den: 1}, Sensitivity: 2}
	s, err := dp.NewSampler(api, ops.NewRangeChecker(api, c.rc), m, c.Seed, c.Coins)
	if err != nil {
		return err
	}
	for j := range c.Noise {
		api.AssertIsEqual(s.Draw(j), c.Noise[j])
	}
	return nil
}

// TestSamplerCommitsEveryWire: the magnitude table's log-derivative
// argument is sound only if its challenge is drawn after the prover fixed
// every wire its queries are linear in (each draw's v, row, d0 and d1)
// and every multiplicity: in the compiled circuit the challenge's
// commitment depends on each of them. Under bit range checks the
// sampler's own commitment is the only one these wires are in (lookup
// range checks commit their checked values too).
func TestSamplerCommitsEveryWire(t *testing.T) {
	for _, rc := range []ops.RangeCheck{ops.RangeBits, ops.RangeLookup} {
		t.Run(rc.String(), func(t *testing.T) { commitsEveryWire(t, rc) })
	}
}

func commitsEveryWire(t *testing.T, rc ops.RangeCheck) {
	cs, err := optest.CompileR1CS(&threeDraws{rc: rc})
	if err != nil {
		t.Fatal(err)
	}
	committed, err := optest.Committed(cs)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range []struct {
		name string
		hint solver.Hint
		outs []int // the outputs that must be committed
	}{{"split (v)", dp.SplitHint, []int{0}}, {"row, d0, d1", dp.SampleHint, []int{0, 1, 2}}, {"multiplicities", dp.CountHint, nil}} {
		calls, err := optest.CallsOf(cs, h.hint)
		if err != nil {
			t.Fatal(err)
		}
		if len(calls) == 0 {
			t.Fatalf("%s: no call in the circuit", h.name)
		}
		for i, call := range calls {
			outs := h.outs
			if outs == nil {
				for o := range call.Out {
					outs = append(outs, o)
				}
			}
			for _, o := range outs {
				if !committed[call.Out[o]] {
					t.Errorf("%s, call %d: output %d (wire %d) is not committed: a prover can choose it after the challenge", h.name, i, o, call.Out[o])
				}
			}
		}
	}
}
