package ops_test

import (
	"math"
	"testing"

	"github.com/zkinfer/zkinfer/internal/optest"
)

func TestTrig(t *testing.T) {
	cases := []unaryCase{
		{op: "Sin", x: optest.Ramp([]int{33}, -8, 8), f: math.Sin, tol: 3e-3},
		{op: "Cos", x: optest.Ramp([]int{33}, -8, 8), f: math.Cos, tol: 3e-3},
		{op: "Tan", x: optest.Ramp([]int{21}, -1.2, 1.2), f: math.Tan, tol: 5e-3},
		{op: "Asin", x: optest.Ramp([]int{21}, -0.95, 0.95), f: math.Asin, tol: 3e-3},
		{op: "Acos", x: optest.Ramp([]int{21}, -0.95, 0.95), f: math.Acos, tol: 3e-3},
		{op: "Atan", x: optest.Ramp([]int{21}, -16, 16), f: math.Atan, tol: 5e-3},
	}
	for _, c := range cases {
		t.Run(c.op, func(t *testing.T) { runUnary(t, c) })
	}
	for _, c := range []struct {
		op string
		x  float64
	}{{"Sin", 9}, {"Tan", 1.6}, {"Asin", 1.01}} {
		oc := optest.Case{Node: node(c.op, []string{"x"}, []string{"y"}, nil),
			Inputs: []optest.Named{{Name: "x", Tensor: optest.T([]int{1}, c.x)}}}
		m, vals, _ := oc.Compile()
		if _, err := m.Eval(vals); err == nil {
			t.Errorf("%s(%g): no error outside the domain", c.op, c.x)
		}
	}
}
