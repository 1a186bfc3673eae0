package ops_test

import (
	"math"
	"strings"
	"testing"

	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/internal/optest"
)

// unaryCase is one elementwise op checked three ways: evaluator vs float
// reference and circuit vs evaluator (optest.Run), and evaluator vs the
// true function f within tol (absolute, real units).
type unaryCase struct {
	op    string
	attrs map[string]graph.Attr
	x     *graph.Tensor
	f     func(float64) float64
	tol   float64
}

func runUnary(t *testing.T, c unaryCase) {
	t.Helper()
	oc := optest.Case{Name: c.op, Node: node(c.op, []string{"x"}, []string{"y"}, c.attrs),
		Inputs: []optest.Named{{Name: "x", Tensor: c.x}}, Tol: c.tol}
	optest.Run(t, oc)
	m, vals, err := oc.Compile()
	if err != nil {
		t.Fatal(err)
	}
	q, err := m.Eval(vals)
	if err != nil {
		t.Fatal(err)
	}
	got := m.Dequantize(q)[0]
	for i, x := range c.x.Data {
		if e := math.Abs(got[i] - c.f(x)); e > c.tol {
			t.Errorf("%s(%g) = %g, want %g (error %.3g > %.3g)", c.op, x, got[i], c.f(x), e, c.tol)
		}
	}
}

func TestTableActivations(t *testing.T) {
	wide := optest.Ramp([]int{4, 25}, -12, 12)
	mid := optest.Ramp([]int{3, 17}, -3, 3)
	gelu := func(x float64) float64 { return 0.5 * x * (1 + math.Erf(x/math.Sqrt2)) }
	elu := func(al float64) func(float64) float64 {
		return func(x float64) float64 {
			if x > 0 {
				return x
			}
			return al * math.Expm1(x)
		}
	}
	selu := func(x float64) float64 {
		const al, ga = 1.67326319217681884765625, 1.05070102214813232421875
		if x > 0 {
			return ga * x
		}
		return ga * al * math.Expm1(x)
	}
	softplus := func(x float64) float64 { return math.Log1p(math.Exp(x)) }
	cases := []unaryCase{
		{op: "Sigmoid", x: wide, f: func(x float64) float64 { return 1 / (1 + math.Exp(-x)) }, tol: 1e-3},
		{op: "Tanh", x: wide, f: math.Tanh, tol: 2e-3},
		{op: "Erf", x: mid, f: math.Erf, tol: 2e-3},
		{op: "Gelu", x: wide, f: gelu, tol: 2e-3},
		{op: "Softplus", x: wide, f: softplus, tol: 2e-3},
		{op: "Mish", x: wide, f: func(x float64) float64 { return x * math.Tanh(softplus(x)) }, tol: 3e-3},
		{op: "Elu", x: wide, f: elu(1), tol: 2e-3},
		{op: "Elu", attrs: map[string]graph.Attr{"alpha": f64(0.5)}, x: mid, f: func(x float64) float64 { return elu(0.5)(x) }, tol: 2e-3},
		{op: "Celu", attrs: map[string]graph.Attr{"alpha": f64(2)}, x: mid, f: func(x float64) float64 {
			return max(0, x) + min(0, 2*math.Expm1(x/2))
		}, tol: 2e-3},
		{op: "Selu", x: wide, f: selu, tol: 4e-3},
		{op: "Exp", x: optest.Ramp([]int{30}, -20, 7.5), f: math.Exp, tol: 2e-3 * math.Exp(7.5)},
		{op: "Exp", x: mid, f: math.Exp, tol: 2e-3 * math.Exp(3)},
		{op: "Log", x: optest.Ramp([]int{40}, 0.001, 15.9), f: math.Log, tol: 0.13}, // 0.001 = 4.1 units: argument rounding
		{op: "Log", x: optest.Ramp([]int{40}, 0.05, 15.9), f: math.Log, tol: 3e-3},
	}
	for _, c := range cases {
		t.Run(c.op, func(t *testing.T) { runUnary(t, c) })
	}
}

// TestTableDomain: an input beyond a hard edge of a table's domain is an
// error of the evaluator, never a silently wrong value.
func TestTableDomain(t *testing.T) {
	cases := []struct {
		op   string
		x    float64
		want string
	}{
		{"Log", 0, "outside the table's domain"},
		{"Log", -1, "outside the table's domain"},
		{"Log", 17, "outside the table's domain"},
		{"Exp", 8, "outside the table's domain"},
	}
	for _, c := range cases {
		oc := optest.Case{Node: node(c.op, []string{"x"}, []string{"y"}, nil),
			Inputs: []optest.Named{{Name: "x", Tensor: optest.T([]int{2}, 1, c.x)}}}
		m, vals, err := oc.Compile()
		if err != nil {
			t.Fatal(err)
		}
		_, err = m.Eval(vals)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), c.op) {
			t.Errorf("%s(%g): error %v, want one naming the node and %q", c.op, c.x, err, c.want)
		}
	}
}
