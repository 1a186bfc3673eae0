package ops_test

import (
	"math"
	"testing"

	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/internal/optest"
)

func TestPiecewiseLinear(t *testing.T) {
	x := optest.Ramp([]int{2, 3, 5}, -4, 4)
	hsig := func(al, be float64) func(float64) float64 {
		return func(x float64) float64 { return min(1, max(0, al*x+be)) }
	}
	cases := []unaryCase{
		{op: "LeakyRelu", attrs: map[string]graph.Attr{"alpha": f64(0.05)}, x: x, f: func(x float64) float64 { return max(x, 0.05*x) }, tol: 1e-3},
		{op: "LeakyRelu", attrs: map[string]graph.Attr{"alpha": f64(0.5)}, x: x, f: func(x float64) float64 { return max(x, 0.5*x) }, tol: 2e-4},
		{op: "HardSigmoid", attrs: map[string]graph.Attr{"alpha": f64(1.0 / 6), "beta": f64(0.5)}, x: x, f: hsig(1.0/6, 0.5), tol: 1e-3},
		{op: "HardSigmoid", x: x, f: hsig(0.2, 0.5), tol: 1e-3},
		{op: "HardSwish", x: x, f: func(x float64) float64 { return x * hsig(1.0/6, 0.5)(x) }, tol: 2e-3},
		{op: "Clip", attrs: map[string]graph.Attr{"min": f64(-1), "max": f64(2.5)}, x: x, f: func(x float64) float64 { return min(2.5, max(-1, x)) }, tol: 2e-4},
		{op: "Abs", x: x, f: math.Abs, tol: 2e-4},
		{op: "Neg", x: x, f: func(x float64) float64 { return -x }, tol: 2e-4},
		{op: "Sign", x: optest.T([]int{5}, -2, -0.001, 0, 0.001, 3), f: func(x float64) float64 {
			if x == 0 {
				return 0
			}
			return math.Copysign(1, x)
		}, tol: 0},
	}
	for _, c := range cases {
		t.Run(c.op, func(t *testing.T) { runUnary(t, c) })
	}
}

func TestPReluClipInputs(t *testing.T) {
	x := optest.Ramp([]int{1, 3, 2, 2}, -2, 2)
	slope := optest.T([]int{3, 1, 1}, 0.1, 0.25, -0.5)
	optest.Run(t, optest.Case{Node: node("PRelu", []string{"x", "s"}, []string{"y"}, nil),
		Inputs: []optest.Named{{Name: "x", Tensor: x}}, Consts: map[string]*graph.Tensor{"s": slope}, Tol: 1e-3})
	optest.Run(t, optest.Case{Node: node("Clip", []string{"x", "lo", "hi"}, []string{"y"}, nil),
		Inputs: []optest.Named{{Name: "x", Tensor: x}}, Consts: map[string]*graph.Tensor{"lo": optest.T(nil, 0.4), "hi": optest.T(nil, 0.8)},
		Tol: 1e-3})
	optest.Run(t, optest.Case{Node: node("Clip", []string{"x", "", "hi"}, []string{"y"}, nil),
		Inputs: []optest.Named{{Name: "x", Tensor: x}}, Consts: map[string]*graph.Tensor{"hi": optest.T(nil, 0.8)},
		Tol: 1e-3})
}
