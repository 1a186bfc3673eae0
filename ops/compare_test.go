package ops_test

import (
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/constraint/solver"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/internal/optest"
	"github.com/zkinfer/zkinfer/ops"
)

func boolTensor(shape []int, data ...float64) *graph.Tensor {
	t := optest.T(shape, data...)
	t.DType = graph.Bool
	return t
}

func TestCompareOps(t *testing.T) {
	x := optest.T([]int{2, 3}, -1.5, 0.25, 2, 0.5, -0.75, 3)
	y := optest.T([]int{3}, 0.25, 0.25, -1)
	b1 := boolTensor([]int{4}, 0, 0, 1, 1)
	b2 := boolTensor([]int{4}, 0, 1, 0, 1)
	bin := func(op string) *graph.Node { return node(op, []string{"a", "b"}, []string{"y"}, nil) }
	xy := []optest.Named{{Name: "a", Tensor: x}, {Name: "b", Tensor: y}}
	bb := []optest.Named{{Name: "a", Tensor: b1}, {Name: "b", Tensor: b2}}
	cases := []optest.Case{
		{Name: "equal", Node: bin("Equal"), Inputs: xy, Want: []float64{0, 1, 0, 0, 0, 0}},
		{Name: "less", Node: bin("Less"), Inputs: xy, Want: []float64{1, 0, 0, 0, 1, 0}},
		{Name: "greater", Node: bin("Greater"), Inputs: xy, Want: []float64{0, 0, 1, 1, 0, 1}},
		{Name: "less or equal", Node: bin("LessOrEqual"), Inputs: xy, Want: []float64{1, 1, 0, 0, 1, 0}},
		{Name: "greater or equal", Node: bin("GreaterOrEqual"), Inputs: xy, Want: []float64{0, 1, 1, 1, 0, 1}},
		{Name: "greater than int constant", Node: bin("Greater"), Inputs: xy[:1],
			Consts: map[string]*graph.Tensor{"b": intTensor([]int{1}, 0)}, Want: []float64{0, 1, 1, 1, 0, 1}},
		{Name: "and", Node: bin("And"), Inputs: bb, Want: []float64{0, 0, 0, 1}},
		{Name: "or", Node: bin("Or"), Inputs: bb, Want: []float64{0, 1, 1, 1}},
		{Name: "xor", Node: bin("Xor"), Inputs: bb, Want: []float64{0, 1, 1, 0}},
		{Name: "not", Node: node("Not", []string{"a"}, []string{"y"}, nil), Inputs: bb[:1], Want: []float64{1, 1, 0, 0}},
		{Name: "where computed", Node: node("Where", []string{"c", "a", "b"}, []string{"y"}, nil),
			Inputs: []optest.Named{{Name: "c", Tensor: boolTensor([]int{3}, 1, 0, 1)}, {Name: "a", Tensor: x}, {Name: "b", Tensor: y}},
			Want:   []float64{-1.5, 0.25, 2, 0.5, 0.25, 3}},
		{Name: "where constant branches", Node: node("Where", []string{"c", "a", "b"}, []string{"y"}, nil),
			Inputs: []optest.Named{{Name: "c", Tensor: boolTensor([]int{3}, 1, 0, 1)}},
			Consts: map[string]*graph.Tensor{"a": optest.T([]int{1}, 2.5), "b": y}, Want: []float64{2.5, 0.25, 2.5}},
		{Name: "max of three", Node: node("Max", []string{"a", "b", "c"}, []string{"y"}, nil),
			Inputs: []optest.Named{{Name: "a", Tensor: x}, {Name: "b", Tensor: y}}, Consts: map[string]*graph.Tensor{"c": optest.T([]int{1}, 1)},
			Want: []float64{1, 1, 2, 1, 1, 3}},
		{Name: "min", Node: bin("Min"), Inputs: xy, Want: []float64{-1.5, 0.25, -1, 0.25, -0.75, -1}},
	}
	for _, c := range cases {
		c.Tol = 1e-3
		t.Run(c.Name, func(t *testing.T) { optest.Run(t, c) })
	}
}

// TestComparisonSoundness compiles ops whose outputs hinge on hinted sign
// bits (including ties, where a plain Sign(0) would accept either bit) and
// checks that a wrong hint leaves the R1CS unsatisfied.
func TestComparisonSoundness(t *testing.T) {
	tie := optest.T([]int{4}, 1, -2, 1, 0.5)
	flip := func(f *big.Int, in, out []*big.Int) error {
		ops.SignHint(f, in, out)
		out[0].Sub(big.NewInt(1), out[0])
		return nil
	}
	// flipZeroOnly flips only signs of the odd values ±1: the closest
	// call, a tie 2·0+1 or its neighbour.
	flipNear := func(f *big.Int, in, out []*big.Int) error {
		ops.SignHint(f, in, out)
		if v := ops.Signed(f, in[0]); v.CmpAbs(big.NewInt(1)) == 0 {
			out[0].Sub(big.NewInt(1), out[0])
		}
		return nil
	}
	divOff := func(f *big.Int, in, out []*big.Int) error {
		if err := ops.DivHint(f, in, out); err != nil {
			return err
		}
		out[0].Add(out[0], big.NewInt(1))
		out[1].Sub(out[1], in[1]).Mod(out[1], f)
		return nil
	}
	cases := []struct {
		name string
		c    optest.Case
		hint solver.Hint
		bad  solver.Hint
	}{
		{"greater or equal on a tie", optest.Case{Node: node("GreaterOrEqual", []string{"a", "b"}, []string{"y"}, nil),
			Inputs: []optest.Named{{Name: "a", Tensor: tie}}, Consts: map[string]*graph.Tensor{"b": optest.T([]int{1}, 1)}}, ops.SignHint, flipNear},
		{"equal", optest.Case{Node: node("Equal", []string{"a", "b"}, []string{"y"}, nil),
			Inputs: []optest.Named{{Name: "a", Tensor: tie}}, Consts: map[string]*graph.Tensor{"b": optest.T([]int{1}, 1)}}, ops.SignHint, flipNear},
		{"argmax with ties", optest.Case{Node: node("ArgMax", []string{"a"}, []string{"y"}, nil),
			Inputs: []optest.Named{{Name: "a", Tensor: tie}}}, ops.SignHint, flipNear},
		{"topk", optest.Case{Node: node("TopK", []string{"a", "k"}, []string{"v", "i"}, nil),
			Inputs: []optest.Named{{Name: "a", Tensor: tie}}, Consts: map[string]*graph.Tensor{"k": intTensor([]int{1}, 2)}}, ops.SignHint, flip},
		// Computed data and index: the one-hot path (from constant data a
		// computed index is a table lookup, see TestGatherLookup).
		{"gather computed index", optest.Case{Node: node("Gather", []string{"d", "i"}, []string{"y"}, nil),
			Inputs: []optest.Named{{Name: "d", Tensor: tie}, {Name: "i", Tensor: intTensor([]int{2}, 2, 0)}}}, ops.SignHint, flip},
		{"max pool", optest.Case{Node: node("MaxPool", []string{"a"}, []string{"y"}, map[string]graph.Attr{"kernel_shape": ints(2)}),
			Inputs: []optest.Named{{Name: "a", Tensor: optest.T([]int{1, 1, 4}, 1, -2, 3, 0.5)}}}, ops.SignHint, flip},
		{"average pool by 3", optest.Case{Node: node("AveragePool", []string{"a"}, []string{"y"}, map[string]graph.Attr{"kernel_shape": ints(3)}),
			Inputs: []optest.Named{{Name: "a", Tensor: optest.T([]int{1, 1, 4}, 1, -2, 3, 0.5)}}}, ops.DivHint, divOff},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m, vals, err := tc.c.Compile()
			if err != nil {
				t.Fatal(err)
			}
			in, _ := m.Quantize(vals)
			out, err := m.Eval(vals)
			if err != nil {
				t.Fatal(err)
			}
			circ, _ := circuit.New(m, circuit.DefaultVisibility)
			cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, circ)
			if err != nil {
				t.Fatal(err)
			}
			assign, _ := circuit.Assign(m, circuit.DefaultVisibility, in, out)
			w, err := frontend.NewWitness(assign, ecc.BN254.ScalarField())
			if err != nil {
				t.Fatal(err)
			}
			if err := cs.IsSolved(w); err != nil {
				t.Fatalf("honest witness rejected: %v", err)
			}
			if err := cs.IsSolved(w, solver.OverrideHint(solver.GetHintID(tc.hint), tc.bad)); err == nil {
				t.Fatal("circuit satisfied with a wrong hint")
			}
		})
	}
}
