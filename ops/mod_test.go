package ops_test

import (
	"strings"
	"testing"

	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/internal/optest"
)

func TestModSum(t *testing.T) {
	x := intTensor([]int{8}, 7, -7, 9, -9, 0, 5, -1, 100)
	d := intTensor([]int{8}, 3, 3, -4, -4, 2, 5, 4, -7)
	fx := optest.T([]int{2, 3}, 5.5, -5.5, 0.75, -2.25, 3, -0.125)
	fd := optest.T([]int{2, 3}, 2, 2, -0.5, 1.5, -1.25, 0.5)
	mod := func(fmod int64, ins ...string) *graph.Node {
		return node("Mod", ins, []string{"r"}, attrs("fmod", fmod))
	}
	in := func(kv ...any) []optest.Named {
		var out []optest.Named
		for i := 0; i < len(kv); i += 2 {
			out = append(out, optest.In(kv[i].(string), kv[i+1].(*graph.Tensor)))
		}
		return out
	}
	cases := []optest.Case{
		{Name: "integers, sign of the divisor", Node: mod(0, "x", "d"), Inputs: in("x", x, "d", d),
			Want: []float64{1, 2, -3, -1, 0, 0, 3, -5}},
		{Name: "integers, sign of the dividend (fmod)", Node: mod(1, "x", "d"), Inputs: in("x", x, "d", d),
			Want: []float64{1, -1, 1, -1, 0, 0, -1, 2}},
		{Name: "integers by a constant", Node: mod(0, "x", "c"), Inputs: in("x", x),
			Consts: consts("c", intTensor(nil, 4)), Want: []float64{3, 1, 1, 3, 0, 1, 3, 0}},
		{Name: "integers by a negative constant, fmod", Node: mod(1, "x", "c"), Inputs: in("x", x),
			Consts: consts("c", intTensor([]int{1}, -4)), Want: []float64{3, -3, 1, -1, 0, 1, -1, 0}},
		{Name: "constant dividend", Node: mod(0, "c", "d"), Inputs: in("d", d),
			Consts: consts("c", intTensor(nil, 10)), Want: []float64{1, 1, -2, -2, 0, 0, 2, -4}},
		{Name: "reals, fmod", Node: mod(1, "x", "d"), Inputs: in("x", fx, "d", fd),
			Want: []float64{1.5, -1.5, 0.25, -0.75, 0.5, -0.125}},
		{Name: "reals, sign of the divisor", Node: mod(0, "x", "d"), Inputs: in("x", fx, "d", fd),
			Want: []float64{1.5, 0.5, -0.25, 0.75, -0.75, 0.375}},
		{Name: "reals by a broadcast constant", Node: mod(1, "x", "c"), Inputs: in("x", fx),
			Consts: consts("c", optest.T([]int{3}, 1.5, -2, 0.25)), Want: []float64{1, -1.5, 0, -0.75, 1, -0.125}},
		{Name: "sum of three, broadcast", Node: node("Sum", []string{"a", "b", "c"}, []string{"s"}, nil),
			Inputs: in("a", fx, "b", optest.T([]int{3}, 1, -2, 0.5), "c", optest.T([]int{2, 1}, 0.25, -0.25)),
			Want:   []float64{6.75, -7.25, 1.5, -1.5, 0.75, 0.125}},
		{Name: "sum of one", Node: node("Sum", []string{"a"}, []string{"s"}, nil), Inputs: in("a", fx), Want: fx.Data},
		{Name: "sum of integers and a constant", Node: node("Sum", []string{"a", "c"}, []string{"s"}, nil), Inputs: in("a", x),
			Consts: consts("c", intTensor(nil, 1)), Want: []float64{8, -6, 10, -8, 1, 6, 0, 101}},
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) { optest.Run(t, c) })
	}
}

// TestModByZero: a zero divisor is an error, at compile time when it is a
// constant and in the evaluator when it is computed.
func TestModByZero(t *testing.T) {
	x := intTensor([]int{3}, 7, -7, 9)
	c := optest.Case{Node: node("Mod", []string{"x", "c"}, []string{"r"}, nil), Inputs: []optest.Named{optest.In("x", x)},
		Consts: consts("c", intTensor([]int{3}, 2, 0, 1))}
	if _, _, err := c.Compile(); err == nil || !strings.Contains(err.Error(), "division by zero") {
		t.Fatalf("compile: %v, want a division by zero", err)
	}
	for _, fmod := range []int64{0, 1} {
		c := optest.Case{Node: node("Mod", []string{"x", "d"}, []string{"r"}, attrs("fmod", fmod)),
			Inputs: []optest.Named{optest.In("x", x), optest.In("d", intTensor([]int{3}, 2, 0, 1))}}
		m, vals, err := c.Compile()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := m.Eval(vals); err == nil {
			t.Fatalf("fmod=%d: mod by zero evaluated", fmod)
		}
	}
}
