package onnxbuild

import (
	"math/rand/v2"

	"google.golang.org/protobuf/proto"

	"github.com/zkinfer/zkinfer/onnx"
)

// BadModel is one malformed model: loading or compiling it must fail with
// an error on one line that contains Want.
type BadModel struct {
	Name string
	Data []byte
	Want string
}

// BadModels returns the malformed models. Each error names the node,
// input, output or initializer at fault.
func BadModels() []BadModel {
	valid := Bytes(GemmRelu())
	random := make([]byte, 512)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range random {
		random[i] = byte(r.Uint32())
	}
	edit := func(f func(m *onnx.ModelProto)) []byte {
		m := GemmRelu()
		f(m)
		return Bytes(m)
	}
	return []BadModel{
		{"truncated", valid[:len(valid)-7], "not a valid ONNX model"},
		{"random bytes", random, "not a valid ONNX model"},
		{"empty", nil, "no graph"},
		{"cycle", edit(func(m *onnx.ModelProto) {
			m.Graph.Node[0].Input[0] = "y" // gemm reads relu's output
		}), `node "gemm" (Gemm): input "y" is produced by node "relu" (Relu), which comes later: the graph has a cycle`},
		{"dangling input", edit(func(m *onnx.ModelProto) {
			m.Graph.Node[1].Input[0] = "nowhere"
		}), `node "relu" (Relu): input "nowhere" is not defined before use`},
		{"output defined twice", edit(func(m *onnx.ModelProto) {
			m.Graph.Node[1].Output[0] = "h"
		}), `node "relu" (Relu): output "h" is already defined`},
		{"missing graph output", edit(func(m *onnx.ModelProto) {
			m.Graph.Output[0].Name = proto.String("z")
		}), `output "z" is not produced`},
		{"huge declared input", edit(func(m *onnx.ModelProto) {
			m.Graph.Input[0] = Value("x", f32, 1, 1e9, 1e9)
		}), `input "x": declared`},
		{"huge initializer dims", edit(func(m *onnx.ModelProto) {
			m.Graph.Initializer[0].Dims = []int64{1 << 32, 1 << 32}
			m.Graph.Initializer[0].RawData = nil
		}), `initializer "W": dimension`},
		{"initializer dims overflow", edit(func(m *onnx.ModelProto) {
			m.Graph.Initializer[0].Dims = []int64{1 << 22, 1 << 22, 1 << 22, 1 << 22}
			m.Graph.Initializer[0].RawData = nil
		}), `initializer "W": shape`},
		{"initializer data count", edit(func(m *onnx.ModelProto) {
			m.Graph.Initializer[0].Dims = []int64{4, 3}
		}), `initializer "W": raw data has 32 bytes, want 48`},
		{"unsupported op", edit(func(m *onnx.ModelProto) {
			m.Graph.Node[1].OpType = proto.String("FrobnicateV2")
		}), `node "relu" (FrobnicateV2): unsupported operator`},
		{"foreign domain", edit(func(m *onnx.ModelProto) {
			m.Graph.Node[1].Domain = proto.String("com.example")
		}), `node "relu" (Relu): operator domain "com.example" is not supported`},
		{"dtype mismatch", edit(func(m *onnx.ModelProto) {
			m.Graph.Input = append(m.Graph.Input, Value("k", onnx.TensorProto_INT64, 1, 2))
			m.Graph.Node = append(m.Graph.Node, Node("add", "Add", []string{"y", "k"}, []string{"z"}))
			m.Graph.Output[0] = Value("z", f32, 1, 2)
		}), `node "add" (Add): operand types float and int differ`},
		{"shape mismatch", edit(func(m *onnx.ModelProto) {
			m.Graph.Input[0] = Value("x", f32, 1, 5)
		}), `node "gemm" (Gemm)`},
		{"huge broadcast", Bytes(Model(
			[]*onnx.NodeProto{Node("add", "Add", []string{"a", "b"}, []string{"y"})}, nil,
			[]*onnx.ValueInfoProto{Value("a", f32, 1, 1<<23), Value("b", f32, 1<<23, 1)},
			[]*onnx.ValueInfoProto{Value("y", f32)})), `node "add" (Add): broadcasting`},
		{"huge ConstantOfShape", Bytes(Model(
			[]*onnx.NodeProto{Node("fill", "ConstantOfShape", []string{"shape"}, []string{"c"}), Node("add", "Add", []string{"x", "c"}, []string{"y"})},
			[]*onnx.TensorProto{Ints("shape", []int64{3}, 1, 1e9, 1e9)},
			[]*onnx.ValueInfoProto{Value("x", f32, 1)},
			[]*onnx.ValueInfoProto{Value("y", f32)})), `node "fill" (ConstantOfShape)`},
		{"huge Expand", Bytes(Model(
			[]*onnx.NodeProto{Node("expand", "Expand", []string{"x", "shape"}, []string{"y"})},
			[]*onnx.TensorProto{Ints("shape", []int64{2}, 1<<40, 1<<40)},
			[]*onnx.ValueInfoProto{Value("x", f32, 1)},
			[]*onnx.ValueInfoProto{Value("y", f32)})), `node "expand" (Expand)`},
		{"indices beyond the data", Bytes(Model(
			[]*onnx.NodeProto{{Name: proto.String("pick"), OpType: proto.String("GatherElements"), Input: []string{"x", "i"}, Output: []string{"y"},
				Attribute: []*onnx.AttributeProto{{Name: proto.String("axis"), Type: onnx.AttributeProto_INT.Enum(), I: proto.Int64(0)}}}}, nil,
			[]*onnx.ValueInfoProto{Value("x", f32, 2, 3), Value("i", onnx.TensorProto_INT64, 2, 5)},
			[]*onnx.ValueInfoProto{Value("y", f32)})), `node "pick" (GatherElements): indices [2 5] exceed data [2 3] on axis 1`},
		{"huge Range", Bytes(Model(
			[]*onnx.NodeProto{Node("range", "Range", []string{"lo", "hi", "step"}, []string{"r"}), Node("cast", "Cast", []string{"r"}, []string{"rf"}), Node("add", "Add", []string{"x", "rf"}, []string{"y"})},
			[]*onnx.TensorProto{Ints("lo", nil, 0), Ints("hi", nil, 1<<62), Ints("step", nil, 1)},
			[]*onnx.ValueInfoProto{Value("x", f32, 1)},
			[]*onnx.ValueInfoProto{Value("y", f32)})), `node "range" (Range)`},
	}
}
