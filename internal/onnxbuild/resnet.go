package onnxbuild

import (
	"fmt"
	"math"

	"github.com/zkinfer/zkinfer/onnx"
)

// ResNet is bench/genmodels.py's resnet_cN, small: on a 1×3×S×S input, a
// stem Conv(3→n, 3×3) → Relu → MaxPool 2, a block n→n (identity skip), a
// block n→2n (stride 2, 1×1 projection skip), GlobalAveragePool, Flatten,
// Gemm(10). Each block is conv-relu-conv plus the skip, Add, then Relu: a
// residual network (a DAG, not a chain). S must be a multiple of 4 so the
// pooled plane is a power of two for S = 8 or 16. Weights are He-scaled
// and pseudo-random from a fixed seed.
func ResNet(n, s int) *onnx.ModelProto {
	seed := uint32(424242)
	unif := func() float64 {
		seed = seed*1664525 + 1013904223
		return float64(seed>>8)/float64(1<<24) - 0.5
	}
	var nodes []*onnx.NodeProto
	var inits []*onnx.TensorProto
	param := func(name string, shape []int64, fanIn int) {
		k := 1
		for _, d := range shape {
			k *= int(d)
		}
		w := make([]float32, k)
		for i := range w {
			w[i] = float32(unif() * math.Sqrt(24/float64(fanIn))) // variance 2/fanIn
		}
		b := make([]float32, shape[0])
		for i := range b {
			b[i] = float32(unif() * 0.1)
		}
		inits = append(inits, Floats(name+".W", shape, w...), Floats(name+".b", shape[:1], b...))
	}
	node := func(op, name string, ins ...string) string {
		nodes = append(nodes, Node(name, op, ins, []string{name}))
		return name
	}
	conv := func(x, name string, cin, cout, k, stride int) string {
		param(name, []int64{int64(cout), int64(cin), int64(k), int64(k)}, cin*k*k)
		p := int64(k / 2)
		nodes = append(nodes, WithAttrs(Node(name, "Conv", []string{x, name + ".W", name + ".b"}, []string{name}),
			IntsAttr("kernel_shape", int64(k), int64(k)), IntsAttr("pads", p, p, p, p), IntsAttr("strides", int64(stride), int64(stride))))
		return name
	}
	block := func(x, name string, cin, cout, stride int) string {
		y := node("Relu", name+".r1", conv(x, name+".conv1", cin, cout, 3, stride))
		y = conv(y, name+".conv2", cout, cout, 3, 1)
		skip := x
		if stride != 1 || cin != cout {
			skip = conv(x, name+".down", cin, cout, 1, stride)
		}
		return node("Relu", name+".relu", node("Add", name+".add", y, skip))
	}
	x := node("Relu", "stem.relu", conv("x", "stem", 3, n, 3, 1))
	nodes = append(nodes, WithAttrs(Node("stem.pool", "MaxPool", []string{x}, []string{"stem.pool"}),
		IntsAttr("kernel_shape", 2, 2), IntsAttr("strides", 2, 2)))
	x = block("stem.pool", "layer1", n, n, 1)
	x = block(x, "layer2", n, 2*n, 2)
	x = node("GlobalAveragePool", "gap", x)
	nodes = append(nodes, WithAttrs(Node("flat", "Flatten", []string{x}, []string{"flat"}), IntAttr("axis", 1)))
	param("fc", []int64{10, int64(2 * n)}, 2*n)
	nodes = append(nodes, WithAttrs(Node("fc", "Gemm", []string{"flat", "fc.W", "fc.b"}, []string{"y"}), IntAttr("transB", 1)))
	if s%4 != 0 {
		panic(fmt.Sprintf("onnxbuild: ResNet input of %d, want a multiple of 4", s))
	}
	return Model(nodes, inits,
		[]*onnx.ValueInfoProto{Value("x", f32, 1, 3, int64(s), int64(s))},
		[]*onnx.ValueInfoProto{Value("y", f32, 1, 10)})
}
