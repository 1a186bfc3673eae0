package model_test

import (
	"strings"
	"testing"

	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/internal/optest"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/quant"
)

func n(op string, ins, outs []string, attrs map[string]graph.Attr) *graph.Node {
	return &graph.Node{Name: outs[0], Op: op, Inputs: ins, Outputs: outs, Attrs: attrs}
}

// mlp is x → Gemm → Relu → Gemm, with the second layer's weight computed
// from constants (Transpose-free: Reshape of a constant by a Shape-derived
// shape), as exporters often leave it.
func mlp() *graph.Graph {
	return &graph.Graph{
		Inputs:  []graph.Value{{Name: "x", DType: graph.Float, Shape: []int{1, 3}}},
		Outputs: []graph.Value{{Name: "y"}},
		Consts: map[string]*graph.Tensor{
			"w1": optest.Ramp([]int{3, 4}, -0.8, 0.9),
			"b1": optest.T([]int{4}, 0.1, 0.2, -0.3, 0.05),
			"w2": optest.Ramp([]int{8}, 0.7, -0.6),
		},
		Nodes: []*graph.Node{
			n("Gemm", []string{"x", "w1", "b1"}, []string{"h"}, nil),
			n("Relu", []string{"h"}, []string{"r"}, nil),
			n("Shape", []string{"w1"}, []string{"s"}, nil), // [3 4]: folded
			n("ConstantOfShape", []string{"s"}, []string{"z"}, nil),
			n("Shape", []string{"h"}, []string{"hs"}, nil), // [1 4]: known from shapes
			n("Reshape", []string{"w2", "two"}, []string{"w2m"}, nil),
			n("Gemm", []string{"r", "w2m"}, []string{"y"}, nil),
		},
	}
}

func TestCompileFoldsAndFuses(t *testing.T) {
	g := mlp()
	g.Consts["two"] = &graph.Tensor{DType: graph.Int, Shape: []int{2}, Data: []float64{4, 2}}
	m, err := model.Compile(g, quant.Default)
	if err != nil {
		t.Fatal(err)
	}
	// Gemm, fused Relu (an identity), Gemm: the shape subgraph and the
	// weight reshape are folded away.
	if m.NumSteps() != 3 {
		t.Fatalf("%d steps, want 3", m.NumSteps())
	}
	if info, _ := m.Info("w2m"); info == nil || info.Const == nil {
		t.Fatalf("w2m not folded to a constant: %+v", info)
	}
	in := [][]float64{{0.5, -1.25, 2}}
	ref, err := m.EvalFloat(in)
	if err != nil {
		t.Fatal(err)
	}
	q, err := m.Eval(in)
	if err != nil {
		t.Fatal(err)
	}
	if e := optest.RelErr(m.Dequantize(q)[0], ref[0]); e > 1e-3 {
		t.Fatalf("error %g", e)
	}
	qin, _ := m.Quantize(in)
	optest.CheckCircuit(t, m, qin, q)
}

// TestFusedReluSavesConstraints: fusing the ReLU into the rescale removes a
// range check per neuron without changing any value.
func TestFusedReluSavesConstraints(t *testing.T) {
	g := mlp()
	g.Consts["two"] = &graph.Tensor{DType: graph.Int, Shape: []int{2}, Data: []float64{4, 2}}
	fused, err := model.Compile(g, quant.Default)
	if err != nil {
		t.Fatal(err)
	}
	// Reading h twice (as an output too) prevents the fusion.
	g2 := mlp()
	g2.Consts["two"] = g.Consts["two"]
	g2.Outputs = append(g2.Outputs, graph.Value{Name: "h"})
	plain, err := model.Compile(g2, quant.Default)
	if err != nil {
		t.Fatal(err)
	}
	cf, _ := optest.Constraints(fused)
	cp, _ := optest.Constraints(plain)
	if cf >= cp {
		t.Fatalf("fused %d constraints, unfused %d", cf, cp)
	}
	in := [][]float64{{-0.5, 1.25, -2}}
	a, _ := fused.Eval(in)
	b, _ := plain.Eval(in)
	if a[0].Data[0] != b[0].Data[0] || a[0].Data[1] != b[0].Data[1] {
		t.Fatalf("fusion changed the outputs: %v vs %v", a[0].Data, b[0].Data)
	}
}

func TestRangeErrors(t *testing.T) {
	g := mlp()
	g.Consts["two"] = &graph.Tensor{DType: graph.Int, Shape: []int{2}, Data: []float64{4, 2}}
	g.Consts["w1"] = optest.Ramp([]int{3, 4}, -900, 900)
	m, err := model.Compile(g, quant.Default)
	if err != nil {
		t.Fatal(err)
	}
	// 2·900 ≫ 2^11, the activation range at the default settings.
	_, err = m.Eval([][]float64{{-2, 0, 2}})
	if err == nil || !strings.Contains(err.Error(), `node "h" (Gemm)`) || !strings.Contains(err.Error(), "range") {
		t.Fatalf("error %v, want an out-of-range error naming node h", err)
	}
	// A product whose bound exceeds 2^62 is a compile error.
	g.Consts["w1"] = optest.Ramp([]int{3, 4}, -1e12, 1e12)
	if _, err := model.Compile(g, quant.Default); err == nil || !strings.Contains(err.Error(), "2^62") {
		t.Fatalf("error %v, want a bound error", err)
	}
}
