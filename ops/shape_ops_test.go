package ops_test

import (
	"testing"

	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/internal/optest"
)

func TestStructuralOps(t *testing.T) {
	x := optest.T([]int{2, 3}, 1, 2, 3, 4, 5, 6)
	in := []optest.Named{{Name: "x", Tensor: x}}
	cst := func(kv ...any) map[string]*graph.Tensor {
		m := map[string]*graph.Tensor{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1].(*graph.Tensor)
		}
		return m
	}
	cases := []optest.Case{
		{Name: "concat axis 1 mixed scales", Node: node("Concat", []string{"x", "z"}, []string{"y"}, map[string]graph.Attr{"axis": i64(1)}),
			Inputs: []optest.Named{{Name: "x", Tensor: x}, {Name: "z", Tensor: intTensor([]int{2, 1}, 7, 8)}},
			Want:   []float64{1, 2, 3, 7, 4, 5, 6, 8}},
		{Name: "concat with constant", Node: node("Concat", []string{"x", "c"}, []string{"y"}, map[string]graph.Attr{"axis": i64(0)}),
			Inputs: in, Consts: cst("c", optest.T([]int{1, 3}, -1, -2, -3)), Want: []float64{1, 2, 3, 4, 5, 6, -1, -2, -3}},
		{Name: "slice negative step", Node: node("Slice", []string{"x", "s", "e", "a", "st"}, []string{"y"}, nil), Inputs: in,
			Consts: cst("s", intTensor([]int{1}, -1), "e", intTensor([]int{1}, -9e18), "a", intTensor([]int{1}, 1), "st", intTensor([]int{1}, -2)),
			Want:   []float64{3, 1, 6, 4}},
		{Name: "slice to end", Node: node("Slice", []string{"x", "s", "e"}, []string{"y"}, nil), Inputs: in,
			Consts: cst("s", intTensor([]int{2}, 1, 1), "e", intTensor([]int{2}, 9.2e18, 9.2e18)), Want: []float64{5, 6}},
		{Name: "split uneven", Node: node("Split", []string{"x", "sp"}, []string{"y", "z"}, map[string]graph.Attr{"axis": i64(1)}), Inputs: in,
			Consts: cst("sp", intTensor([]int{2}, 1, 2)), Want: []float64{1, 4}},
		{Name: "pad constant", Node: node("Pad", []string{"x", "p", "v"}, []string{"y"}, nil), Inputs: in,
			Consts: cst("p", intTensor([]int{4}, 0, 1, 0, 0), "v", optest.T(nil, 9)), Want: []float64{9, 1, 2, 3, 9, 4, 5, 6}},
		{Name: "pad reflect", Node: node("Pad", []string{"x", "p"}, []string{"y"}, map[string]graph.Attr{"mode": {Kind: graph.AttrString, String: "reflect"}}), Inputs: in,
			Consts: cst("p", intTensor([]int{4}, 0, 2, 0, 1)), Want: []float64{3, 2, 1, 2, 3, 2, 6, 5, 4, 5, 6, 5}},
		{Name: "pad edge", Node: node("Pad", []string{"x", "p"}, []string{"y"}, map[string]graph.Attr{"mode": {Kind: graph.AttrString, String: "edge"}}), Inputs: in,
			Consts: cst("p", intTensor([]int{4}, 1, 0, 0, 1)), Want: []float64{1, 2, 3, 3, 1, 2, 3, 3, 4, 5, 6, 6}},
		{Name: "transpose", Node: node("Transpose", []string{"x"}, []string{"y"}, nil), Inputs: in, Want: []float64{1, 4, 2, 5, 3, 6}},
		{Name: "tril", Node: node("Trilu", []string{"x"}, []string{"y"}, map[string]graph.Attr{"upper": i64(0)}), Inputs: in, Want: []float64{1, 0, 0, 4, 5, 0}},
		{Name: "triu k=1", Node: node("Trilu", []string{"x", "k"}, []string{"y"}, nil), Inputs: in, Consts: cst("k", intTensor(nil, 1)), Want: []float64{0, 2, 3, 0, 0, 6}},
	}
	for _, c := range cases {
		c.Tol = 1e-3
		t.Run(c.Name, func(t *testing.T) { optest.Run(t, c) })
	}
}
