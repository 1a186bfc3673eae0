package ops_test

import (
	"testing"

	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/internal/optest"
)

// TestSelectOps covers the gather, scatter, arg and top-k ops with constant
// and computed indices; computed ones go through one-hot selection.
func TestSelectOps(t *testing.T) {
	x := optest.T([]int{2, 4}, 0.5, -1, 3, 2, -2, 4, 0.25, 4)
	xin := []optest.Named{{Name: "x", Tensor: x}}
	idx := intTensor([]int{2}, 3, -4)
	axis := func(a int64) map[string]graph.Attr { return map[string]graph.Attr{"axis": i64(a)} }
	cases := []optest.Case{
		{Name: "gather computed indices from constant table", Node: node("Gather", []string{"d", "i"}, []string{"y"}, nil),
			Inputs: []optest.Named{{Name: "i", Tensor: intTensor([]int{4}, 3, 5, 7, -1)}},
			Consts: map[string]*graph.Tensor{"d": intTensor([]int{8}, 0, 0, 0, 5, 0, 2, 0, 7)}, Want: []float64{5, 2, 7, 7}},
		{Name: "gather computed indices axis 1", Node: node("Gather", []string{"x", "i"}, []string{"y"}, axis(1)),
			Inputs: []optest.Named{{Name: "x", Tensor: x}, {Name: "i", Tensor: idx}}, Want: []float64{2, 0.5, 4, -2}},
		{Name: "gather constant indices", Node: node("Gather", []string{"x", "i"}, []string{"y"}, axis(1)),
			Inputs: xin, Consts: map[string]*graph.Tensor{"i": idx}, Want: []float64{2, 0.5, 4, -2}},
		{Name: "gather elements", Node: node("GatherElements", []string{"x", "i"}, []string{"y"}, axis(1)),
			Inputs: []optest.Named{{Name: "x", Tensor: x}, {Name: "i", Tensor: intTensor([]int{2, 2}, 1, 1, 0, 3)}}, Want: []float64{-1, -1, -2, 4}},
		{Name: "gather nd", Node: node("GatherND", []string{"x", "i"}, []string{"y"}, nil),
			Inputs: []optest.Named{{Name: "x", Tensor: x}, {Name: "i", Tensor: intTensor([]int{2, 2}, 1, 2, 0, 3)}}, Want: []float64{0.25, 2}},
		{Name: "scatter elements computed", Node: node("ScatterElements", []string{"x", "i", "u"}, []string{"y"}, axis(1)),
			Inputs: []optest.Named{{Name: "x", Tensor: x}, {Name: "i", Tensor: intTensor([]int{2, 1}, 2, 0)}, {Name: "u", Tensor: optest.T([]int{2, 1}, 9, 8)}},
			Want:   []float64{0.5, -1, 9, 2, 8, 4, 0.25, 4}},
		{Name: "scatter nd constant indices", Node: node("ScatterND", []string{"x", "i", "u"}, []string{"y"}, nil),
			Inputs: []optest.Named{{Name: "x", Tensor: x}, {Name: "u", Tensor: optest.T([]int{1, 4}, 1, 2, 3, 4)}},
			Consts: map[string]*graph.Tensor{"i": intTensor([]int{1, 1}, 0)}, Want: []float64{1, 2, 3, 4, -2, 4, 0.25, 4}},
		{Name: "scatter nd add computed", Node: node("ScatterND", []string{"x", "i", "u"}, []string{"y"}, map[string]graph.Attr{"reduction": {Kind: graph.AttrString, String: "add"}}),
			Inputs: []optest.Named{{Name: "x", Tensor: x}, {Name: "i", Tensor: intTensor([]int{1, 2}, 1, 1)}, {Name: "u", Tensor: optest.T([]int{1}, 1)}},
			Want:   []float64{0.5, -1, 3, 2, -2, 5, 0.25, 4}},
		{Name: "one hot", Node: node("OneHot", []string{"i", "d", "v"}, []string{"y"}, nil),
			Inputs: []optest.Named{{Name: "i", Tensor: intTensor([]int{2}, 2, -1)}},
			Consts: map[string]*graph.Tensor{"d": intTensor(nil, 3), "v": optest.T([]int{2}, -1, 1)}, Want: []float64{-1, -1, 1, -1, -1, 1}},
		{Name: "argmax first of ties", Node: node("ArgMax", []string{"x"}, []string{"y"}, axis(1)), Inputs: xin, Want: []float64{2, 1}},
		{Name: "argmax last of ties", Node: node("ArgMax", []string{"x"}, []string{"y"}, map[string]graph.Attr{"axis": i64(1), "select_last_index": i64(1)}), Inputs: xin, Want: []float64{2, 3}},
		{Name: "argmin axis 0", Node: node("ArgMin", []string{"x"}, []string{"y"}, map[string]graph.Attr{"keepdims": i64(0)}), Inputs: xin, Want: []float64{1, 0, 1, 0}},
		{Name: "topk largest", Node: node("TopK", []string{"x", "k"}, []string{"v", "i"}, nil), Inputs: xin,
			Consts: map[string]*graph.Tensor{"k": intTensor([]int{1}, 2)}, Want: []float64{3, 2, 4, 4}},
		{Name: "topk smallest", Node: node("TopK", []string{"x", "k"}, []string{"v", "i"}, map[string]graph.Attr{"largest": i64(0)}), Inputs: xin,
			Consts: map[string]*graph.Tensor{"k": intTensor([]int{1}, 3)}, Want: []float64{-1, 0.5, 2, -2, 0.25, 4}},
	}
	for _, c := range cases {
		c.Tol = 1e-3
		t.Run(c.Name, func(t *testing.T) { optest.Run(t, c) })
	}
}
