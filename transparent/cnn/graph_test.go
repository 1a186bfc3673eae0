package cnn

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/onnx"
	"github.com/zkinfer/zkinfer/quant"
)

// arch is bench/genmodels.py's cnn_cN family at a given size:
// 1×C×S×S → Conv(C→N, 3×3, pad 1) → Relu → MaxPool 2 → Conv(N→2N) → Relu →
// MaxPool 2 → Flatten → Gemm(Hidden) → Relu → Gemm(Out). cnn_c32 is
// {3, 32, 32, 56, 10}.
type arch struct{ C, S, N, Hidden, Out int }

// cnnGraph builds the architecture's graph with He-initialised weights from
// rng, as genmodels.py does (its weights differ; the shapes and the compiled
// plans' kinds are the same).
func cnnGraph(a arch, rng *rand.Rand) *graph.Graph {
	g := &graph.Graph{Consts: map[string]*graph.Tensor{}, Opset: 13,
		Inputs:  []graph.Value{{Name: "input", DType: graph.Float, Shape: []int{1, a.C, a.S, a.S}}},
		Outputs: []graph.Value{{Name: "output", DType: graph.Float}}}
	he := func(name string, shape []int, fanIn int) {
		t := graph.NewTensor(graph.Float, shape)
		for i := range t.Data {
			t.Data[i] = rng.NormFloat64() * math.Sqrt(2/float64(fanIn))
		}
		g.Consts[name] = t
	}
	small := func(name string, n int) {
		t := graph.NewTensor(graph.Float, []int{n})
		for i := range t.Data {
			t.Data[i] = rng.NormFloat64() * 0.01
		}
		g.Consts[name] = t
	}
	ints := func(v ...int64) graph.Attr { return graph.Attr{Kind: graph.AttrInts, Ints: v} }
	node := func(op string, ins []string, out string, attrs map[string]graph.Attr) {
		if attrs == nil {
			attrs = map[string]graph.Attr{}
		}
		g.Nodes = append(g.Nodes, &graph.Node{Name: out, Op: op, Inputs: ins, Outputs: []string{out}, Attrs: attrs})
	}
	x, cin := "input", a.C
	for i, cout := range []int{a.N, 2 * a.N} {
		name := []string{"conv1", "conv2"}[i]
		he(name+".W", []int{cout, cin, 3, 3}, cin*9)
		small(name+".b", cout)
		node("Conv", []string{x, name + ".W", name + ".b"}, name, map[string]graph.Attr{
			"kernel_shape": ints(3, 3), "pads": ints(1, 1, 1, 1), "strides": ints(1, 1), "dilations": ints(1, 1)})
		node("Relu", []string{name}, name+".relu", nil)
		node("MaxPool", []string{name + ".relu"}, name+".pool", map[string]graph.Attr{"kernel_shape": ints(2, 2), "strides": ints(2, 2)})
		x, cin = name+".pool", cout
	}
	node("Flatten", []string{x}, "flat", map[string]graph.Attr{"axis": {Kind: graph.AttrInt, Int: 1}})
	flat := 2 * a.N * (a.S / 4) * (a.S / 4)
	he("fc1.W", []int{a.Hidden, flat}, flat)
	small("fc1.b", a.Hidden)
	node("Gemm", []string{"flat", "fc1.W", "fc1.b"}, "fc1", map[string]graph.Attr{"transB": {Kind: graph.AttrInt, Int: 1}})
	node("Relu", []string{"fc1"}, "fc1.relu", nil)
	he("fc2.W", []int{a.Out, a.Hidden}, a.Hidden)
	small("fc2.b", a.Out)
	node("Gemm", []string{"fc1.relu", "fc2.W", "fc2.b"}, "output", map[string]graph.Attr{"transB": {Kind: graph.AttrInt, Int: 1}})
	return g
}

// compiled returns the compiled architecture, the transparent chain built
// from it and a quantized random input in [−1, 1).
func compiled(t testing.TB, g *graph.Graph, rng *rand.Rand) (*model.Model, *Model, [][]float64) {
	t.Helper()
	mod, err := model.Compile(g, quant.Default)
	if err != nil {
		t.Fatal(err)
	}
	m, err := FromModel(mod)
	if err != nil {
		t.Fatal(err)
	}
	in := make([]float64, mod.Inputs[0].Size())
	for i := range in {
		in[i] = rng.Float64()*2 - 1
	}
	return mod, m, [][]float64{in}
}

// c32 returns cnn_c32: the ONNX file bench/genmodels.py writes when
// ZKINFER_CNN_C32 names its directory, else the same architecture built here.
func c32(t testing.TB) *graph.Graph {
	if dir := getenv("ZKINFER_CNN_C32"); dir != "" {
		g, err := onnx.Load(dir + "/network.onnx")
		if err != nil {
			t.Fatal(err)
		}
		return g
	}
	return cnnGraph(arch{3, 32, 32, 56, 10}, rand.New(rand.NewPCG(32, 32)))
}
