package circuit_test

import (
	"math/big"
	"testing"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/internal/optest"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/ops"
	"github.com/zkinfer/zkinfer/quant"
)

// TestClaimSoundness: a claim on a hidden output holds in the circuit
// exactly when it holds for the output the model computes. The outputs are
// left free (circuit.LooseOutputs) and, for a false claim, the witness's
// outputs are forged to meet it, so that nothing but the claim's own
// constraints can object; each public value of a true claim (its tag,
// bounds) moved by one is rejected too. The model is the identity on four
// values, so each claim's edge is exact.
func TestClaimSoundness(t *testing.T) {
	g := &graph.Graph{
		Inputs:  []graph.Value{{Name: "x", DType: graph.Float, Shape: []int{1, 4}}},
		Outputs: []graph.Value{{Name: "y"}},
		Consts:  map[string]*graph.Tensor{},
		Nodes:   []*graph.Node{{Name: "id", Op: "Identity", Inputs: []string{"x"}, Outputs: []string{"y"}, Attrs: map[string]graph.Attr{}}},
	}
	m, err := model.Compile(g, quant.Default)
	if err != nil {
		t.Fatal(err)
	}
	in, err := m.Quantize([][]float64{{0.25, -0.5, 0.75, 0.75}})
	if err != nil {
		t.Fatal(err)
	}
	out, err := model.Run(m, &ops.IntArith{}, in)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		claim string
		holds bool
	}{
		{"output[0] >= 0.25", true}, {"output[0] >= 0.2501", false},
		{"output[0] > 0.2499", true}, {"output[0] > 0.25", false},
		{"output[1] <= -0.5", true}, {"output[1] <= -0.5001", false},
		{"output[1] < -0.4999", true}, {"output[1] < -0.5", false},
		{"output[0] in [0.25, 0.25]", true}, {"output[0] in [0.1, 0.2499]", false}, {"output[0] in [0.2501, 0.3]", false},
		{"argmax(output) == 2", true},
		{"argmax(output) == 3", false}, // a tie with 2: the first index wins
		{"argmax(output) == 0", false}, {"argmax(output) == 1", false},
	} {
		t.Run(c.claim, func(t *testing.T) {
			claim, err := circuit.ParseClaim(c.claim)
			if err != nil {
				t.Fatal(err)
			}
			if got := claim.Holds(m.Outputs, out); got != c.holds {
				t.Fatalf("holds = %v on %v", got, out[0].Data)
			}
			vis := circuit.Visibility{Input: circuit.Private, Params: circuit.Fixed, Output: circuit.Private, Claim: c.claim}
			circ, err := circuit.New(m, vis)
			if err != nil {
				t.Fatal(err)
			}
			circ.RangeCheck = ops.RangeBits
			circuit.LooseOutputs(circ)
			cs, err := optest.CompileR1CS(circ)
			if err != nil {
				t.Fatal(err)
			}
			w := &circuit.Witness{Inputs: in, Outputs: forge(claim, m, out)}
			a, err := circuit.AssignWitness(m, vis, w)
			if err != nil {
				t.Fatal(err)
			}
			if err := optest.SolveAssignment(t, cs, a); (err == nil) != c.holds {
				t.Fatalf("solved: %v; the claim holds: %v", err, c.holds)
			}
			if !c.holds {
				return
			}
			off := circuit.Layout(m, vis).Offset("claim")
			for i := range len(claim.PublicValues(m.Outputs)) {
				a, _ := circuit.AssignWitness(m, vis, w)
				v := a.Public[off+i].(*big.Int)
				a.Public[off+i] = new(big.Int).Add(v, big.NewInt(1))
				if optest.SolveAssignment(t, cs, a) == nil {
					t.Errorf("claim public value %d moved by one: solved", i)
				}
			}
		})
	}
}

// forge returns outputs that meet the claim: out itself when it does,
// else out with the claimed entry moved to the claim's bound (or above
// every other entry, for argmax).
func forge(c *circuit.Claim, m *model.Model, out []ops.Tensor[int64]) []ops.Tensor[int64] {
	if c.Holds(m.Outputs, out) {
		return out
	}
	fake := make([]ops.Tensor[int64], len(out))
	for i, o := range out {
		fake[i] = ops.Tensor[int64]{Shape: o.Shape, Data: append([]int64(nil), o.Data...)}
	}
	y := fake[c.Output].Data
	if c.Kind == "argmax" {
		for _, v := range y {
			y[c.Argmax] = max(y[c.Argmax], v+1)
		}
		return fake
	}
	lo, hi := c.Bounds(m.Outputs[c.Output])
	if lo != nil {
		y[c.Index] = lo.Int64()
	} else {
		y[c.Index] = hi.Int64()
	}
	return fake
}
