// Package onnxbuild builds ONNX models in code for tests: any small graph
// from its nodes, initializers, inputs and outputs (Node, WithAttrs,
// Floats, Ints, Value, Model, Bytes), a small valid model (GemmRelu), and
// BadModels, the malformed models that the loader's and the CLI's
// robustness tests and the fuzzers' seed corpora feed to zkinfer.
package onnxbuild

import (
	"encoding/binary"
	"math"

	"google.golang.org/protobuf/proto"

	"github.com/zkinfer/zkinfer/onnx"
)

// Node returns an ONNX node.
func Node(name, op string, ins, outs []string) *onnx.NodeProto {
	return &onnx.NodeProto{Name: proto.String(name), OpType: proto.String(op), Input: ins, Output: outs}
}

// WithAttrs adds attributes to a node and returns it.
func WithAttrs(n *onnx.NodeProto, attrs ...*onnx.AttributeProto) *onnx.NodeProto {
	n.Attribute = append(n.Attribute, attrs...)
	return n
}

// IntAttr returns an integer attribute.
func IntAttr(name string, v int64) *onnx.AttributeProto {
	return &onnx.AttributeProto{Name: proto.String(name), Type: onnx.AttributeProto_INT.Enum(), I: proto.Int64(v)}
}

// FloatAttr returns a float attribute.
func FloatAttr(name string, v float32) *onnx.AttributeProto {
	return &onnx.AttributeProto{Name: proto.String(name), Type: onnx.AttributeProto_FLOAT.Enum(), F: proto.Float32(v)}
}

// IntsAttr returns an integer list attribute.
func IntsAttr(name string, vs ...int64) *onnx.AttributeProto {
	return &onnx.AttributeProto{Name: proto.String(name), Type: onnx.AttributeProto_INTS.Enum(), Ints: vs}
}

// Value returns a graph input or output of the given element type and
// dimensions.
func Value(name string, et onnx.TensorProto_DataType, dims ...int64) *onnx.ValueInfoProto {
	shape := &onnx.TensorShapeProto{}
	for _, d := range dims {
		shape.Dim = append(shape.Dim, &onnx.TensorShapeProto_Dimension{Value: &onnx.TensorShapeProto_Dimension_DimValue{DimValue: d}})
	}
	return &onnx.ValueInfoProto{Name: proto.String(name), Type: &onnx.TypeProto{Value: &onnx.TypeProto_TensorType{
		TensorType: &onnx.TypeProto_Tensor{ElemType: proto.Int32(int32(et)), Shape: shape}}}}
}

// Floats returns a float initializer.
func Floats(name string, dims []int64, vs ...float32) *onnx.TensorProto {
	b := make([]byte, 4*len(vs))
	for i, v := range vs {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
	}
	return &onnx.TensorProto{Name: proto.String(name), Dims: dims, DataType: proto.Int32(int32(onnx.TensorProto_FLOAT)), RawData: b}
}

// Ints returns an int64 initializer.
func Ints(name string, dims []int64, vs ...int64) *onnx.TensorProto {
	return &onnx.TensorProto{Name: proto.String(name), Dims: dims, DataType: proto.Int32(int32(onnx.TensorProto_INT64)), Int64Data: vs}
}

// Model returns a model of opset 13 with the given graph parts.
func Model(nodes []*onnx.NodeProto, inits []*onnx.TensorProto, ins, outs []*onnx.ValueInfoProto) *onnx.ModelProto {
	return &onnx.ModelProto{
		IrVersion:   proto.Int64(8),
		OpsetImport: []*onnx.OperatorSetIdProto{{Domain: proto.String(""), Version: proto.Int64(13)}},
		Graph:       &onnx.GraphProto{Name: proto.String("model"), Node: nodes, Initializer: inits, Input: ins, Output: outs},
	}
}

// Bytes serializes m.
func Bytes(m *onnx.ModelProto) []byte {
	b, err := proto.Marshal(m)
	if err != nil {
		panic(err)
	}
	return b
}

const f32 = onnx.TensorProto_FLOAT

// GemmRelu is a small valid model, y = Relu(x·W + b) for x of shape
// [1, 4]: the model each bad model edits, and one for tests that need any.
func GemmRelu() *onnx.ModelProto {
	return Model(
		[]*onnx.NodeProto{Node("gemm", "Gemm", []string{"x", "W", "b"}, []string{"h"}), Node("relu", "Relu", []string{"h"}, []string{"y"})},
		[]*onnx.TensorProto{Floats("W", []int64{4, 2}, 0.5, -1, 0.25, 0.75, -0.5, 1, 0.125, -0.25), Floats("b", []int64{2}, 0.1, -0.1)},
		[]*onnx.ValueInfoProto{Value("x", f32, 1, 4)},
		[]*onnx.ValueInfoProto{Value("y", f32, 1, 2)},
	)
}

// ConvStem is a small CNN whose first block cannot be cut (a 3×3 Conv of
// 2 input and c output channels on 6×6, its ReLU fused into the rescale,
// the 2×2 max pool that takes the rescale over), then Flatten and a Gemm
// to 4 outputs: the model output-channel splits are tested on. Its
// weights are pseudo-random with about 16 significant bits (none exact at
// a coarse scale).
func ConvStem(c int) *onnx.ModelProto {
	seed := uint32(12345)
	rnd := func(n int, s float32) []float32 {
		out := make([]float32, n)
		for i := range out {
			seed = seed*1664525 + 1013904223
			out[i] = (float32(seed>>8)/float32(1<<24) - 0.5) * s
		}
		return out
	}
	pooled := int64(c * 3 * 3)
	return Model(
		[]*onnx.NodeProto{
			WithAttrs(Node("conv1", "Conv", []string{"x", "conv1.W", "conv1.b"}, []string{"conv1"}),
				IntsAttr("kernel_shape", 3, 3), IntsAttr("pads", 1, 1, 1, 1)),
			Node("relu1", "Relu", []string{"conv1"}, []string{"relu1"}),
			WithAttrs(Node("pool1", "MaxPool", []string{"relu1"}, []string{"pool1"}),
				IntsAttr("kernel_shape", 2, 2), IntsAttr("strides", 2, 2)),
			WithAttrs(Node("flat", "Flatten", []string{"pool1"}, []string{"flat"}), IntAttr("axis", 1)),
			WithAttrs(Node("fc", "Gemm", []string{"flat", "fc.W", "fc.b"}, []string{"y"}), IntAttr("transB", 1)),
		},
		[]*onnx.TensorProto{
			Floats("conv1.W", []int64{int64(c), 2, 3, 3}, rnd(c*18, 1)...),
			Floats("conv1.b", []int64{int64(c)}, rnd(c, 0.5)...),
			Floats("fc.W", []int64{4, pooled}, rnd(4*int(pooled), 0.5)...),
			Floats("fc.b", []int64{4}, rnd(4, 0.5)...),
		},
		[]*onnx.ValueInfoProto{Value("x", f32, 1, 2, 6, 6)},
		[]*onnx.ValueInfoProto{Value("y", f32, 1, 4)},
	)
}
