package ops_test

import (
	"math"
	"testing"

	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/internal/optest"
)

func TestSoftmax(t *testing.T) {
	x := optest.T([]int{2, 4}, 0.1, -3, 2.5, 2.5, -20, 7, 0.3, 1)
	for _, c := range []struct {
		op   string
		axis int64
		f    func(xs []float64, i int) float64
	}{
		{"Softmax", -1, func(xs []float64, i int) float64 {
			s := 0.0
			for _, v := range xs {
				s += math.Exp(v)
			}
			return math.Exp(xs[i]) / s
		}},
		{"LogSoftmax", 1, func(xs []float64, i int) float64 {
			s := 0.0
			for _, v := range xs {
				s += math.Exp(v)
			}
			return xs[i] - math.Log(s)
		}},
	} {
		oc := optest.Case{Name: c.op, Node: node(c.op, []string{"x"}, []string{"y"}, map[string]graph.Attr{"axis": i64(c.axis)}),
			Inputs: []optest.Named{{Name: "x", Tensor: x}}, Tol: 3e-3}
		optest.Run(t, oc)
		m, vals, _ := oc.Compile()
		q, err := m.Eval(vals)
		if err != nil {
			t.Fatal(err)
		}
		got := m.Dequantize(q)[0]
		for i := range got {
			row := x.Data[i/4*4 : i/4*4+4]
			if want := c.f(row, i%4); math.Abs(got[i]-want) > 3e-3*max(1, math.Abs(want)) {
				t.Errorf("%s[%d] = %g, want %g", c.op, i, got[i], want)
			}
		}
	}
	// axis 0 of a 3-D input: the slice is strided.
	optest.Run(t, optest.Case{Node: node("Softmax", []string{"x"}, []string{"y"}, map[string]graph.Attr{"axis": i64(0)}),
		Inputs: []optest.Named{{Name: "x", Tensor: optest.Ramp([]int{3, 2, 2}, -2, 3)}}, Tol: 3e-3})
}
