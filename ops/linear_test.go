package ops_test

import (
	"testing"

	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/internal/optest"
)

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
