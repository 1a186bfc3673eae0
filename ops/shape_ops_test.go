package ops_test

import (
	"strings"
	"testing"

	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/internal/optest"
)

func TestStructuralOps(t *testing.T) {
	x := optest.T([]int{2, 3}, 1, 2, 3, 4, 5, 6)
	in := []optest.Named{{Name: "x", Tensor: x}}
	cases := []optest.Case{
		{Name: "concat axis 1 mixed scales", Node: node("Concat", []string{"x", "z"}, []string{"y"}, map[string]graph.Attr{"axis": i64(1)}),
			Inputs: []optest.Named{{Name: "x", Tensor: x}, {Name: "z", Tensor: intTensor([]int{2, 1}, 7, 8)}},
			Want:   []float64{1, 2, 3, 7, 4, 5, 6, 8}},
		{Name: "concat with constant", Node: node("Concat", []string{"x", "c"}, []string{"y"}, map[string]graph.Attr{"axis": i64(0)}),
			Inputs: in, Consts: consts("c", optest.T([]int{1, 3}, -1, -2, -3)), Want: []float64{1, 2, 3, 4, 5, 6, -1, -2, -3}},
		{Name: "slice negative step", Node: node("Slice", []string{"x", "s", "e", "a", "st"}, []string{"y"}, nil), Inputs: in,
			Consts: consts("s", intTensor([]int{1}, -1), "e", intTensor([]int{1}, -9e18), "a", intTensor([]int{1}, 1), "st", intTensor([]int{1}, -2)),
			Want:   []float64{3, 1, 6, 4}},
		{Name: "slice to end", Node: node("Slice", []string{"x", "s", "e"}, []string{"y"}, nil), Inputs: in,
			Consts: consts("s", intTensor([]int{2}, 1, 1), "e", intTensor([]int{2}, 9.2e18, 9.2e18)), Want: []float64{5, 6}},
		{Name: "split uneven", Node: node("Split", []string{"x", "sp"}, []string{"y", "z"}, map[string]graph.Attr{"axis": i64(1)}), Inputs: in,
			Consts: consts("sp", intTensor([]int{2}, 1, 2)), Want: []float64{1, 4}},
		{Name: "pad constant", Node: node("Pad", []string{"x", "p", "v"}, []string{"y"}, nil), Inputs: in,
			Consts: consts("p", intTensor([]int{4}, 0, 1, 0, 0), "v", optest.T(nil, 9)), Want: []float64{9, 1, 2, 3, 9, 4, 5, 6}},
		{Name: "pad reflect", Node: node("Pad", []string{"x", "p"}, []string{"y"}, map[string]graph.Attr{"mode": {Kind: graph.AttrString, String: "reflect"}}), Inputs: in,
			Consts: consts("p", intTensor([]int{4}, 0, 2, 0, 1)), Want: []float64{3, 2, 1, 2, 3, 2, 6, 5, 4, 5, 6, 5}},
		{Name: "pad edge", Node: node("Pad", []string{"x", "p"}, []string{"y"}, map[string]graph.Attr{"mode": {Kind: graph.AttrString, String: "edge"}}), Inputs: in,
			Consts: consts("p", intTensor([]int{4}, 1, 0, 0, 1)), Want: []float64{1, 2, 3, 3, 1, 2, 3, 3, 4, 5, 6, 6}},
		{Name: "transpose", Node: node("Transpose", []string{"x"}, []string{"y"}, nil), Inputs: in, Want: []float64{1, 4, 2, 5, 3, 6}},
		{Name: "tril", Node: node("Trilu", []string{"x"}, []string{"y"}, map[string]graph.Attr{"upper": i64(0)}), Inputs: in, Want: []float64{1, 0, 0, 4, 5, 0}},
		{Name: "triu k=1", Node: node("Trilu", []string{"x", "k"}, []string{"y"}, nil), Inputs: in, Consts: consts("k", intTensor(nil, 1)), Want: []float64{0, 2, 3, 0, 0, 6}},
	}
	for _, c := range cases {
		c.Tol = 1e-3
		t.Run(c.Name, func(t *testing.T) { optest.Run(t, c) })
	}
}

func TestShapeOps(t *testing.T) {
	x := optest.Ramp([]int{1, 2, 3}, -1, 1)
	cases := []optest.Case{
		{Name: "flatten", Node: node("Flatten", []string{"x"}, []string{"y"}, map[string]graph.Attr{"axis": i64(2)}), Inputs: []optest.Named{optest.In("x", x)}},
		{Name: "reshape -1 and 0", Node: node("Reshape", []string{"x", "s"}, []string{"y"}, nil), Inputs: []optest.Named{optest.In("x", x)},
			Consts: map[string]*graph.Tensor{"s": intTensor([]int{2}, 0, -1)}},
		{Name: "squeeze all", Node: node("Squeeze", []string{"x"}, []string{"y"}, nil), Inputs: []optest.Named{optest.In("x", x)}},
		{Name: "squeeze axes input", Node: node("Squeeze", []string{"x", "a"}, []string{"y"}, nil), Inputs: []optest.Named{optest.In("x", x)},
			Consts: map[string]*graph.Tensor{"a": intTensor([]int{1}, 0)}},
		{Name: "unsqueeze", Node: node("Unsqueeze", []string{"x"}, []string{"y"}, map[string]graph.Attr{"axes": ints(0, -1)}), Inputs: []optest.Named{optest.In("x", x)}},
		{Name: "identity", Node: node("Identity", []string{"x"}, []string{"y"}, nil), Inputs: []optest.Named{optest.In("x", x)}},
		{Name: "cast to double", Node: node("Cast", []string{"x"}, []string{"y"}, map[string]graph.Attr{"to": i64(11)}), Inputs: []optest.Named{optest.In("x", x)}},
		{Name: "expand", Node: node("Expand", []string{"x", "s"}, []string{"y"}, nil), Inputs: []optest.Named{optest.In("x", x)},
			Consts: map[string]*graph.Tensor{"s": intTensor([]int{3}, 2, 1, 1)},
			Want:   append(append([]float64{}, x.Data...), x.Data...)},
		{Name: "tile", Node: node("Tile", []string{"x", "r"}, []string{"y"}, nil), Inputs: []optest.Named{optest.In("x", optest.T([]int{1, 2}, 1, 2))},
			Consts: map[string]*graph.Tensor{"r": intTensor([]int{2}, 2, 2)},
			Want:   []float64{1, 2, 1, 2, 1, 2, 1, 2}},
	}
	for _, c := range cases {
		c.Tol = 1e-3
		t.Run(c.Name, func(t *testing.T) { optest.Run(t, c) })
	}
}

// TestShapeErrors: malformed nodes are compile errors naming the node.
func TestShapeErrors(t *testing.T) {
	x := optest.Ramp([]int{2, 3}, -1, 1)
	cases := []optest.Case{
		{Name: "reshape size", Node: node("Reshape", []string{"x", "s"}, []string{"y"}, nil), Consts: map[string]*graph.Tensor{"s": intTensor([]int{1}, 5)}},
		{Name: "gemm mismatch", Node: node("Gemm", []string{"x", "w"}, []string{"y"}, nil), Consts: map[string]*graph.Tensor{"w": optest.Ramp([]int{2, 2}, 0, 1)}},
		{Name: "add mismatch", Node: node("Add", []string{"x", "w"}, []string{"y"}, nil), Consts: map[string]*graph.Tensor{"w": optest.Ramp([]int{4}, 0, 1)}},
		{Name: "squeeze non-1", Node: node("Squeeze", []string{"x"}, []string{"y"}, map[string]graph.Attr{"axes": ints(1)})},
		{Name: "unsupported", Node: node("NoSuchOp", []string{"x"}, []string{"y"}, nil)},
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			c.Inputs = []optest.Named{optest.In("x", x)}
			if _, _, err := c.Compile(); err == nil {
				t.Fatal("compiled")
			} else if want := c.Node.Op; !strings.Contains(err.Error(), want) {
				t.Fatalf("error %q does not name %s", err, want)
			}
		})
	}
}
