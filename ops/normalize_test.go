package ops_test

import (
	"testing"

	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/internal/optest"
)

func TestNormalization(t *testing.T) {
	x := optest.Ramp([]int{1, 2, 2, 3}, -1.5, 2.5)
	x.Data[3], x.Data[7] = 0.9, -2 // not a ramp per group
	ch := func(v ...float64) *graph.Tensor { return optest.T([]int{2}, v...) }
	cases := []optest.Case{
		{Name: "batchnorm", Node: node("BatchNormalization", []string{"x", "g", "b", "m", "v"}, []string{"y"}, nil),
			Inputs: []optest.Named{{Name: "x", Tensor: x}},
			Consts: map[string]*graph.Tensor{"g": ch(1, 0.5), "b": ch(0, 0.3), "m": ch(0.1, -0.2), "v": ch(0.9, 2)}, Tol: 2e-3},
		{Name: "instancenorm", Node: node("InstanceNormalization", []string{"x", "g", "b"}, []string{"y"}, nil),
			Inputs: []optest.Named{{Name: "x", Tensor: x}}, Consts: map[string]*graph.Tensor{"g": ch(1, 0.5), "b": ch(0, 0.3)}, Tol: 3e-3},
		{Name: "instancenorm small spread", Node: node("InstanceNormalization", []string{"x", "g", "b"}, []string{"y"}, nil),
			Inputs: []optest.Named{{Name: "x", Tensor: optest.T([]int{1, 1, 2, 2}, 0.001, 0.07, 0.03, 0.05)}},
			Consts: map[string]*graph.Tensor{"g": optest.T([]int{1}, 1), "b": optest.T([]int{1}, 0)}, Tol: 1e-2},
		{Name: "layernorm", Node: node("LayerNormalization", []string{"x", "g", "b"}, []string{"y"}, map[string]graph.Attr{"axis": i64(-1)}),
			Inputs: []optest.Named{{Name: "x", Tensor: x}},
			Consts: map[string]*graph.Tensor{"g": optest.T([]int{3}, 1, 2, 0.5), "b": optest.T([]int{3}, 0.1, 0, -0.1)}, Tol: 3e-3},
		{Name: "layernorm two axes no bias", Node: node("LayerNormalization", []string{"x", "g"}, []string{"y"}, map[string]graph.Attr{"axis": i64(2)}),
			Inputs: []optest.Named{{Name: "x", Tensor: x}}, Consts: map[string]*graph.Tensor{"g": optest.T([]int{1}, 1)}, Tol: 3e-3},
		{Name: "constant group", Node: node("LayerNormalization", []string{"x", "g"}, []string{"y"}, nil),
			Inputs: []optest.Named{{Name: "x", Tensor: optest.T([]int{2, 2}, 1, 1, 3, -3)}}, Consts: map[string]*graph.Tensor{"g": optest.T([]int{1}, 1)}, Tol: 3e-3},
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) { optest.Run(t, c) })
	}
}
