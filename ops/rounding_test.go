package ops_test

import (
	"math"
	"testing"

	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/internal/optest"
)

func TestRoundingAndPow(t *testing.T) {
	x := optest.T([]int{8}, -2.5, -1.75, -0.25, 0, 0.25, 1.5, 2.75, 3)
	cases := []unaryCase{
		{op: "Floor", x: x, f: math.Floor},
		{op: "Ceil", x: x, f: math.Ceil},
		{op: "Round", x: optest.T([]int{10}, -2.75, -2.5, -1.5, -0.5, -0.4, 0.3, 0.5, 1.5, 2.5, 2.6), f: math.RoundToEven},
	}
	for _, c := range cases {
		t.Run(c.op, func(t *testing.T) { runUnary(t, c) })
	}
	pw := func(p float64, x *graph.Tensor, tol float64) optest.Case {
		return optest.Case{Node: node("Pow", []string{"x", "p"}, []string{"y"}, nil),
			Inputs: []optest.Named{{Name: "x", Tensor: x}}, Consts: map[string]*graph.Tensor{"p": optest.T(nil, p)}, Tol: tol}
	}
	pos := optest.Ramp([]int{10}, 0.05, 3)
	for _, c := range []optest.Case{
		pw(2, optest.Ramp([]int{10}, -3, 3), 1e-3), pw(3, optest.Ramp([]int{10}, -2, 2), 1e-3),
		pw(0, pos, 0), pw(0.5, pos, 1e-3), pw(-0.1, pos, 2e-3), pw(1.5, pos, 2e-3), pw(-1, pos, 1e-2),
		{Name: "10^x", Node: node("Pow", []string{"b", "x"}, []string{"y"}, nil),
			Inputs: []optest.Named{{Name: "x", Tensor: optest.Ramp([]int{10}, -3, 3)}}, Consts: map[string]*graph.Tensor{"b": optest.T(nil, 10)}, Tol: 5e-3},
	} {
		optest.Run(t, c)
	}
}
