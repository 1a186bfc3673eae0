package ops_test

import (
	"testing"

	"github.com/consensys/gnark/frontend"

	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/internal/optest"
	"github.com/zkinfer/zkinfer/ops"
)

func TestIntegerDiv(t *testing.T) {
	n := intTensor([]int{8}, 7, -7, 7, -7, 0, 9, -1, 100)
	d := intTensor([]int{8}, 2, 2, -2, -2, 5, 3, 4, 7)
	cases := []optest.Case{
		{Name: "truncates toward zero", Node: node("Div", []string{"n", "d"}, []string{"q"}, nil),
			Inputs: []optest.Named{optest.In("n", n), optest.In("d", d)},
			Want:   []float64{3, -3, -3, 3, 0, 3, 0, 14}},
		{Name: "by an integer constant", Node: node("Div", []string{"n", "c"}, []string{"q"}, nil),
			Inputs: []optest.Named{optest.In("n", n)}, Consts: map[string]*graph.Tensor{"c": intTensor([]int{1}, 3)},
			Want: []float64{2, -2, 2, -2, 0, 3, 0, 33}},
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) { optest.Run(t, c) })
	}
	zero := optest.Case{Node: node("Div", []string{"n", "d"}, []string{"q"}, nil),
		Inputs: []optest.Named{optest.In("n", n), optest.In("d", intTensor([]int{8}, 1, 1, 1, 0, 1, 1, 1, 1))}}
	m, vals, err := zero.Compile()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Eval(vals); err == nil {
		t.Fatal("integer division by zero evaluated")
	}
}

// TestIntegerDivSoundness: a prover claiming a quotient off by one, or
// dividing by zero, cannot satisfy the circuit.
func TestIntegerDivSoundness(t *testing.T) {
	div := func(a *ops.CircuitArith, x frontend.Variable) frontend.Variable {
		return a.Mul(a.Lin([]ops.Q{{F: 2, I: 2}}, []frontend.Variable{a.Sign(x, 10)}, ops.Q{F: -1, I: -1}),
			a.DivRound(a.Lin([]ops.Q{{F: 2, I: 2}}, []frontend.Variable{a.Mul(a.Lin([]ops.Q{{F: 2, I: 2}}, []frontend.Variable{a.Sign(x, 10)}, ops.Q{F: -1, I: -1}), x)}, ops.Q{F: -3, I: -3}), 6, 4, 12))
	}
	// trunc(-7/3) = -2
	if !solves(t, div, -7, -2, nil, nil) {
		t.Fatal("honest quotient rejected")
	}
	for _, y := range []int64{-3, -1, 2} {
		if solves(t, div, -7, y, nil, nil) {
			t.Fatalf("quotient %d accepted for -7/3", y)
		}
	}
}
