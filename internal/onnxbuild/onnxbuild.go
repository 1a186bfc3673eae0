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
