package ops_test

import (
	"testing"

	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/internal/optest"
)

func node(op string, ins, outs []string, attrs map[string]graph.Attr) *graph.Node {
	return &graph.Node{Name: op, Op: op, Inputs: ins, Outputs: outs, Attrs: attrs}
}

func ints(v ...int64) graph.Attr { return graph.Attr{Kind: graph.AttrInts, Ints: v} }
func i64(v int64) graph.Attr     { return graph.Attr{Kind: graph.AttrInt, Int: v} }
func f64(v float64) graph.Attr   { return graph.Attr{Kind: graph.AttrFloat, Float: v} }

func intTensor(shape []int, data ...float64) *graph.Tensor {
	t := optest.T(shape, data...)
	t.DType = graph.Int
	return t
}

func TestLinearOps(t *testing.T) {
	x23 := optest.Ramp([]int{2, 3}, -1.5, 2)
	w34 := optest.Ramp([]int{3, 4}, -0.7, 0.9)
	w43 := optest.Ramp([]int{4, 3}, 0.3, -0.8)
	cases := []optest.Case{
		{Name: "gemm const B with bias",
			Node:   node("Gemm", []string{"x", "w", "b"}, []string{"y"}, nil),
			Inputs: []optest.Named{optest.In("x", x23)}, Consts: map[string]*graph.Tensor{"w": w34, "b": optest.T([]int{4}, 0.1, -0.2, 0.3, 0.5)},
			Tol: 2e-3},
		{Name: "gemm transB alpha beta",
			Node:   node("Gemm", []string{"x", "w", "b"}, []string{"y"}, map[string]graph.Attr{"transB": i64(1), "alpha": f64(0.5), "beta": f64(2)}),
			Inputs: []optest.Named{optest.In("x", x23)}, Consts: map[string]*graph.Tensor{"w": w43, "b": optest.T([]int{1, 4}, 0.1, -0.2, 0.3, 0.5)},
			Tol: 2e-3},
		{Name: "gemm transA const A",
			Node:   node("Gemm", []string{"w", "x"}, []string{"y"}, map[string]graph.Attr{"transA": i64(1)}),
			Inputs: []optest.Named{optest.In("x", optest.Ramp([]int{4, 2}, -1, 1))}, Consts: map[string]*graph.Tensor{"w": w43},
			Tol: 2e-3},
		{Name: "matmul two computed operands",
			Node:   node("MatMul", []string{"a", "b"}, []string{"y"}, nil),
			Inputs: []optest.Named{optest.In("a", x23), optest.In("b", w34)},
			Tol:    2e-3},
		{Name: "matmul batched broadcast",
			Node:   node("MatMul", []string{"a", "w"}, []string{"y"}, nil),
			Inputs: []optest.Named{optest.In("a", optest.Ramp([]int{2, 2, 3}, -2, 2))}, Consts: map[string]*graph.Tensor{"w": w34},
			Tol: 2e-3},
		{Name: "matmul vector",
			Node:   node("MatMul", []string{"a", "w"}, []string{"y"}, nil),
			Inputs: []optest.Named{optest.In("a", optest.Ramp([]int{3}, -2, 2))}, Consts: map[string]*graph.Tensor{"w": w34},
			Tol: 2e-3},
		{Name: "matmul integer weights need no rescale",
			Node:   node("MatMul", []string{"a", "w"}, []string{"y"}, nil),
			Inputs: []optest.Named{optest.In("a", x23)}, Consts: map[string]*graph.Tensor{"w": optest.T([]int{3, 2}, 1, 0, 0, 2, -1, 3)},
			Tol: 1e-3, Want: []float64{-1.4, -1.9, -1.4, 8.6}},
		{Name: "add broadcast",
			Node:   node("Add", []string{"a", "b"}, []string{"y"}, nil),
			Inputs: []optest.Named{optest.In("a", x23), optest.In("b", optest.T([]int{3}, 1, 2, 3))},
			Tol:    1e-3},
		{Name: "sub constant",
			Node:   node("Sub", []string{"a", "c"}, []string{"y"}, nil),
			Inputs: []optest.Named{optest.In("a", x23)}, Consts: map[string]*graph.Tensor{"c": optest.T([]int{2, 1}, 0.25, -4)},
			Tol: 1e-3},
		{Name: "mul computed",
			Node:   node("Mul", []string{"a", "b"}, []string{"y"}, nil),
			Inputs: []optest.Named{optest.In("a", x23), optest.In("b", optest.Ramp([]int{2, 3}, 3, -3))},
			Tol:    1e-3},
		{Name: "mul by constant first",
			Node:   node("Mul", []string{"c", "a"}, []string{"y"}, nil),
			Inputs: []optest.Named{optest.In("a", x23)}, Consts: map[string]*graph.Tensor{"c": optest.T([]int{3}, 0.5, -3, 0.1)},
			Tol: 1e-3},
		{Name: "relu",
			Node:   node("Relu", []string{"x"}, []string{"y"}, nil),
			Inputs: []optest.Named{optest.In("x", x23)},
			Tol:    1e-3, Want: []float64{0, 0, 0, 0.6, 1.3, 2}},
	}
	for _, c := range cases {
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
			} else if want := c.Node.Op; !contains(err.Error(), want) {
				t.Fatalf("error %q does not name %s", err, want)
			}
		})
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

// TestNonZeroFolds: NonZero of a constant folds to its indices; of a
// computed tensor it is a compile error (its output shape would depend on
// the data).
func TestNonZeroFolds(t *testing.T) {
	c := optest.Case{
		Node:   node("Add", []string{"x", "nzf"}, []string{"y"}, nil),
		Inputs: []optest.Named{optest.In("x", optest.T([]int{2, 2}, 1, 2, 3, 4))},
		Consts: map[string]*graph.Tensor{"c": optest.T([]int{2, 2}, 0, 3, -1, 0)},
	}
	g := []*graph.Node{node("NonZero", []string{"c"}, []string{"nz"}, nil), node("Cast", []string{"nz"}, []string{"nzf"}, map[string]graph.Attr{"to": i64(1)})}
	m, vals, err := c.CompileWith(g...)
	if err != nil {
		t.Fatal(err)
	}
	// Nonzeros at (0,1) and (1,0): indices [[0 1] [1 0]].
	if info, _ := m.Info("nz"); info == nil || info.Const == nil || !equal(info.Const.Data, []float64{0, 1, 1, 0}) {
		t.Fatalf("NonZero folded to %+v", info)
	}
	if m.NumSteps() != 1 {
		t.Fatalf("%d steps, want only the Add", m.NumSteps())
	}
	q, err := m.Eval(vals)
	if err != nil || !equal(m.Dequantize(q)[0], []float64{1, 3, 4, 4}) {
		t.Fatalf("y = %v, %v", q, err)
	}
	bad := optest.Case{Node: node("NonZero", []string{"x"}, []string{"y"}, nil), Inputs: c.Inputs}
	if _, _, err := bad.Compile(); err == nil || !contains(err.Error(), "constant") {
		t.Fatalf("NonZero of a computed tensor: %v", err)
	}
}

func equal(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
