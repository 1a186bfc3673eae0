package ops_test

import (
	"testing"

	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/ops"
	"github.com/zkinfer/zkinfer/quant"
)

// TestViews: the views of a compiled Conv → Relu → MaxPool → Flatten → Gemm
// chain give the plans' integers (the weights at the parameter scale, the
// pool's window sources, the rescales) and refuse other plans.
func TestViews(t *testing.T) {
	ints := func(v ...int64) graph.Attr { return graph.Attr{Kind: graph.AttrInts, Ints: v} }
	w := graph.NewTensor(graph.Float, []int{2, 1, 1, 1})
	w.Data = []float64{0.5, -0.25}
	fc := graph.NewTensor(graph.Float, []int{3, 8})
	for i := range fc.Data {
		fc.Data[i] = float64(i%5) / 8
	}
	g := &graph.Graph{Consts: map[string]*graph.Tensor{"w": w, "fc": fc},
		Inputs:  []graph.Value{{Name: "x", DType: graph.Float, Shape: []int{1, 1, 4, 4}}},
		Outputs: []graph.Value{{Name: "y", DType: graph.Float}},
		Nodes: []*graph.Node{
			{Name: "c", Op: "Conv", Inputs: []string{"x", "w"}, Outputs: []string{"c"}, Attrs: map[string]graph.Attr{"kernel_shape": ints(1, 1)}},
			{Name: "r", Op: "Relu", Inputs: []string{"c"}, Outputs: []string{"r"}, Attrs: map[string]graph.Attr{}},
			{Name: "p", Op: "MaxPool", Inputs: []string{"r"}, Outputs: []string{"p"}, Attrs: map[string]graph.Attr{"kernel_shape": ints(2, 2), "strides": ints(2, 2)}},
			{Name: "f", Op: "Flatten", Inputs: []string{"p"}, Outputs: []string{"f"}, Attrs: map[string]graph.Attr{}},
			{Name: "y", Op: "Gemm", Inputs: []string{"f", "fc"}, Outputs: []string{"y"}, Attrs: map[string]graph.Attr{"transB": {Kind: graph.AttrInt, Int: 1}}},
		}}
	mod, err := model.Compile(g, quant.Default)
	if err != nil {
		t.Fatal(err)
	}
	if mod.NumSteps() != 5 {
		t.Fatalf("%d steps, want 5", mod.NumSteps())
	}
	conv, relu, pool, flat, gemm := mod.Step(0), mod.Step(1), mod.Step(2), mod.Step(3), mod.Step(4)
	if !relu.Fused || conv.Fused || conv.Op != "Conv" || pool.Op != "MaxPool" {
		t.Fatalf("steps %s %s %s: fused %v %v", conv.Op, relu.Op, pool.Op, conv.Fused, relu.Fused)
	}
	cv, ok := ops.ViewConv(conv.Plan)
	if !ok {
		t.Fatalf("ViewConv refused the Conv's plan %T", conv.Plan)
	}
	// 0.5 and −0.25 are exact at scale 2: the smallest scale holding them.
	if len(cv.W) != 2 || cv.W[0] != 2*cv.W[1]*-1 || cv.W[0] <= 0 || cv.RQ.Shift != 0 {
		t.Errorf("conv view %+v: weights 0.5, −0.25 and its rescale handed to the pool", cv)
	}
	gv, ok := ops.ViewGroup(pool.Plan)
	if !ok || gv.RQ == nil || !gv.RQ.Relu || gv.RQ.Shift == 0 || len(gv.Off) != 2*4+1 {
		t.Fatalf("pool view %+v", gv)
	}
	if got := gv.Src[gv.Off[0]:gv.Off[1]]; len(got) != 4 {
		t.Errorf("window 0 reads %v", got)
	}
	if mv, ok := ops.ViewMove(flat.Plan); !ok || mv.Index != nil || len(mv.Shape) != 2 {
		t.Errorf("flatten view %+v %v", mv, ok)
	}
	mm, ok := ops.ViewMatMul(gemm.Plan)
	if !ok || mm.M != 1 || mm.K != 8 || mm.N != 3 || len(mm.W) != 24 {
		t.Fatalf("gemm view %+v %v", mm, ok)
	}
	// W is K×N: fc (N×K, transB) transposed, at one power-of-two scale.
	scale := float64(mm.W[1*3+1]) / fc.Data[1*8+1] // fc[1][1] = 2/8
	for k := 0; k < 8; k++ {
		for n := 0; n < 3; n++ {
			if float64(mm.W[k*3+n]) != fc.Data[n*8+k]*scale {
				t.Fatalf("gemm W[%d][%d] = %d for fc[%d][%d] = %v at scale %v", k, n, mm.W[k*3+n], n, k, fc.Data[n*8+k], scale)
			}
		}
	}
	for _, s := range []model.Step{conv, pool, gemm} {
		if _, ok := ops.ViewMove(s.Plan); ok {
			t.Errorf("ViewMove accepted %s's plan", s.Op)
		}
	}
	if _, ok := ops.ViewConv(gemm.Plan); ok {
		t.Error("ViewConv accepted a Gemm's plan")
	}
}
