// Package onnx reads ONNX models into zkinfer's graph IR, and writes a
// model back with chosen initializers zeroed (StripWeights): its
// architecture without its weights.
//
// The protobuf types in onnx.pb.go are generated from the onnx.proto that
// Debian's libonnx-dev ships; gen.sh regenerates them.
package onnx

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"

	"google.golang.org/protobuf/proto"

	"github.com/zkinfer/zkinfer/graph"
)

// maxModelBytes bounds what Load reads, so a wrong path to a huge file fails
// quickly instead of exhausting memory.
const maxModelBytes = 1 << 30

// Load reads and converts the ONNX model at path.
func Load(path string) (*graph.Graph, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("onnx: %w", err)
	}
	if st.Size() > maxModelBytes {
		return nil, fmt.Errorf("onnx: %s: model is %d bytes, more than the %d this tool reads", path, st.Size(), maxModelBytes)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("onnx: %w", err)
	}
	g, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("onnx: %s: %w", path, err)
	}
	return g, nil
}

// Parse converts a serialized ONNX ModelProto.
func Parse(b []byte) (*graph.Graph, error) {
	var m ModelProto
	if err := proto.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("not a valid ONNX model: %w", err)
	}
	if m.Graph == nil {
		return nil, errors.New("not a valid ONNX model: no graph")
	}
	opset := int64(0)
	for _, o := range m.OpsetImport {
		if o.GetDomain() == "" || o.GetDomain() == "ai.onnx" {
			opset = o.GetVersion()
		}
	}
	g, err := convertGraph(m.Graph)
	if err != nil {
		return nil, err
	}
	g.Opset = opset
	return g, nil
}

func convertGraph(pg *GraphProto) (*graph.Graph, error) {
	g := &graph.Graph{Name: pg.GetName(), Consts: map[string]*graph.Tensor{}}
	for _, t := range pg.Initializer {
		ct, err := convertTensor(t)
		if err != nil {
			return nil, fmt.Errorf("initializer %q: %w", t.GetName(), err)
		}
		g.Consts[t.GetName()] = ct
	}
	for _, vi := range pg.Input {
		// Old exporters list initializers among the inputs: those are constants.
		if _, ok := g.Consts[vi.GetName()]; ok {
			continue
		}
		v, err := convertValue(vi)
		if err != nil {
			return nil, fmt.Errorf("input %q: %w", vi.GetName(), err)
		}
		g.Inputs = append(g.Inputs, v)
	}
	for _, vi := range pg.Output {
		v, err := convertValue(vi)
		if err != nil {
			return nil, fmt.Errorf("output %q: %w", vi.GetName(), err)
		}
		g.Outputs = append(g.Outputs, v)
	}
	for i, pn := range pg.Node {
		n := &graph.Node{
			Name:    pn.GetName(),
			Op:      pn.GetOpType(),
			Domain:  pn.GetDomain(),
			Inputs:  pn.Input,
			Outputs: pn.Output,
			Attrs:   map[string]graph.Attr{},
		}
		if n.Name == "" && len(n.Outputs) == 0 {
			n.Name = fmt.Sprintf("#%d", i)
		}
		for _, pa := range pn.Attribute {
			a, err := convertAttr(pa)
			if err != nil {
				return nil, fmt.Errorf("node %s: attribute %q: %w", n.Describe(), pa.GetName(), err)
			}
			n.Attrs[pa.GetName()] = a
		}
		g.Nodes = append(g.Nodes, n)
	}
	if err := g.Validate(); err != nil {
		return nil, err
	}
	return g, nil
}

func convertValue(vi *ValueInfoProto) (graph.Value, error) {
	v := graph.Value{Name: vi.GetName(), DType: graph.Float}
	tt := vi.GetType().GetTensorType()
	if tt == nil {
		return v, nil // shape unknown; inferred later where needed
	}
	dt, err := convertDType(TensorProto_DataType(tt.GetElemType()))
	if err != nil {
		return v, err
	}
	v.DType = dt
	for _, d := range tt.GetShape().GetDim() {
		// Symbolic or unknown dimensions (the batch) are fixed to 1.
		n := d.GetDimValue()
		if n <= 0 {
			n = 1
		}
		if n > int64(graph.MaxElements) {
			return v, fmt.Errorf("declared dimension %d exceeds %d", n, graph.MaxElements)
		}
		v.Shape = append(v.Shape, int(n))
	}
	if _, err := graph.CheckShape(v.Shape); err != nil {
		return v, fmt.Errorf("declared %w", err)
	}
	return v, nil
}

func convertDType(dt TensorProto_DataType) (graph.DType, error) {
	switch dt {
	case TensorProto_FLOAT, TensorProto_DOUBLE, TensorProto_FLOAT16, TensorProto_BFLOAT16, TensorProto_UNDEFINED:
		return graph.Float, nil
	case TensorProto_INT8, TensorProto_INT16, TensorProto_INT32, TensorProto_INT64,
		TensorProto_UINT8, TensorProto_UINT16, TensorProto_UINT32, TensorProto_UINT64:
		return graph.Int, nil
	case TensorProto_BOOL:
		return graph.Bool, nil
	}
	return 0, fmt.Errorf("unsupported tensor element type %s", dt)
}

func convertAttr(pa *AttributeProto) (graph.Attr, error) {
	switch pa.GetType() {
	case AttributeProto_INT:
		return graph.Attr{Kind: graph.AttrInt, Int: pa.GetI()}, nil
	case AttributeProto_FLOAT:
		return graph.Attr{Kind: graph.AttrFloat, Float: float64(pa.GetF())}, nil
	case AttributeProto_STRING:
		return graph.Attr{Kind: graph.AttrString, String: string(pa.GetS())}, nil
	case AttributeProto_INTS:
		return graph.Attr{Kind: graph.AttrInts, Ints: pa.GetInts()}, nil
	case AttributeProto_FLOATS:
		fs := make([]float64, len(pa.GetFloats()))
		for i, f := range pa.GetFloats() {
			fs[i] = float64(f)
		}
		return graph.Attr{Kind: graph.AttrFloats, Floats: fs}, nil
	case AttributeProto_STRINGS:
		ss := make([]string, len(pa.GetStrings()))
		for i, s := range pa.GetStrings() {
			ss[i] = string(s)
		}
		return graph.Attr{Kind: graph.AttrStrings, Strings: ss}, nil
	case AttributeProto_TENSOR:
		if pa.GetT() == nil {
			return graph.Attr{}, errors.New("tensor attribute without a tensor")
		}
		t, err := convertTensor(pa.GetT())
		if err != nil {
			return graph.Attr{}, err
		}
		return graph.Attr{Kind: graph.AttrTensor, Tensor: t}, nil
	case AttributeProto_GRAPH:
		if pa.GetG() == nil {
			return graph.Attr{}, errors.New("graph attribute without a graph")
		}
		sub, err := convertGraph(pa.GetG())
		if err != nil {
			return graph.Attr{}, err
		}
		return graph.Attr{Kind: graph.AttrGraph, Graph: sub}, nil
	}
	return graph.Attr{}, fmt.Errorf("unsupported attribute type %s", pa.GetType())
}

// ParseTensor decodes a serialized TensorProto (as in ONNX's test data).
func ParseTensor(b []byte) (*graph.Tensor, error) {
	var t TensorProto
	if err := proto.Unmarshal(b, &t); err != nil {
		return nil, fmt.Errorf("onnx: not a TensorProto: %w", err)
	}
	return convertTensor(&t)
}

// convertTensor decodes a TensorProto into real values.
func convertTensor(t *TensorProto) (*graph.Tensor, error) {
	if t.GetDataLocation() == TensorProto_EXTERNAL || len(t.ExternalData) > 0 {
		return nil, errors.New("external tensor data is not supported: save the model with its weights inside")
	}
	et := TensorProto_DataType(t.GetDataType())
	dt, err := convertDType(et)
	if err != nil {
		return nil, err
	}
	if len(t.Dims) > graph.MaxRank {
		return nil, fmt.Errorf("rank %d exceeds %d", len(t.Dims), graph.MaxRank)
	}
	shape := make([]int, len(t.Dims))
	for i, d := range t.Dims {
		if d < 0 || d > int64(graph.MaxElements) {
			return nil, fmt.Errorf("dimension %d is outside [0, %d]", d, graph.MaxElements)
		}
		shape[i] = int(d)
	}
	n, err := graph.CheckShape(shape)
	if err != nil {
		return nil, err
	}
	out := &graph.Tensor{DType: dt, Shape: shape}
	raw := t.GetRawData()
	if len(raw) > 0 {
		out.Data, err = decodeRaw(et, raw, n)
		if err != nil {
			return nil, err
		}
		return out, nil
	}
	switch et {
	case TensorProto_FLOAT:
		out.Data = widen(t.FloatData, func(f float32) float64 { return float64(f) })
	case TensorProto_DOUBLE:
		out.Data = t.DoubleData
	case TensorProto_INT64:
		out.Data = widen(t.Int64Data, func(v int64) float64 { return float64(v) })
	case TensorProto_UINT64, TensorProto_UINT32:
		out.Data = widen(t.Uint64Data, func(v uint64) float64 { return float64(v) })
	case TensorProto_FLOAT16:
		out.Data = widen(t.Int32Data, func(v int32) float64 { return halfToFloat(uint16(v)) })
	case TensorProto_BFLOAT16:
		out.Data = widen(t.Int32Data, func(v int32) float64 { return float64(math.Float32frombits(uint32(v) << 16)) })
	default: // int8..int32, uint8, uint16, bool are stored in int32_data
		out.Data = widen(t.Int32Data, func(v int32) float64 { return float64(v) })
	}
	if len(out.Data) != n {
		return nil, fmt.Errorf("has %d values for shape %v", len(out.Data), shape)
	}
	return out, nil
}

func widen[T any](xs []T, f func(T) float64) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return out
}

func decodeRaw(et TensorProto_DataType, raw []byte, n int) ([]float64, error) {
	size := map[TensorProto_DataType]int{
		TensorProto_FLOAT: 4, TensorProto_DOUBLE: 8, TensorProto_FLOAT16: 2, TensorProto_BFLOAT16: 2,
		TensorProto_INT8: 1, TensorProto_UINT8: 1, TensorProto_BOOL: 1, TensorProto_INT16: 2, TensorProto_UINT16: 2,
		TensorProto_INT32: 4, TensorProto_UINT32: 4, TensorProto_INT64: 8, TensorProto_UINT64: 8,
	}[et]
	if size == 0 {
		return nil, fmt.Errorf("raw data of type %s is not supported", et)
	}
	if len(raw) != size*n { // n ≤ MaxElements: no overflow
		return nil, fmt.Errorf("raw data has %d bytes, want %d", len(raw), size*n)
	}
	le := binary.LittleEndian
	out := make([]float64, n)
	for i := range out {
		b := raw[i*size:]
		switch et {
		case TensorProto_FLOAT:
			out[i] = float64(math.Float32frombits(le.Uint32(b)))
		case TensorProto_DOUBLE:
			out[i] = math.Float64frombits(le.Uint64(b))
		case TensorProto_FLOAT16:
			out[i] = halfToFloat(le.Uint16(b))
		case TensorProto_BFLOAT16:
			out[i] = float64(math.Float32frombits(uint32(le.Uint16(b)) << 16))
		case TensorProto_INT8:
			out[i] = float64(int8(b[0]))
		case TensorProto_UINT8, TensorProto_BOOL:
			out[i] = float64(b[0])
		case TensorProto_INT16:
			out[i] = float64(int16(le.Uint16(b)))
		case TensorProto_UINT16:
			out[i] = float64(le.Uint16(b))
		case TensorProto_INT32:
			out[i] = float64(int32(le.Uint32(b)))
		case TensorProto_UINT32:
			out[i] = float64(le.Uint32(b))
		case TensorProto_INT64:
			out[i] = float64(int64(le.Uint64(b)))
		case TensorProto_UINT64:
			out[i] = float64(le.Uint64(b))
		}
	}
	return out, nil
}

// halfToFloat converts an IEEE 754 binary16 value.
func halfToFloat(h uint16) float64 {
	sign := 1.0
	if h&0x8000 != 0 {
		sign = -1
	}
	exp := int(h>>10) & 0x1f
	frac := float64(h & 0x3ff)
	switch exp {
	case 0:
		return sign * math.Ldexp(frac, -24)
	case 0x1f:
		if frac == 0 {
			return math.Inf(int(sign))
		}
		return math.NaN()
	}
	return sign * math.Ldexp(1+frac/1024, exp-15)
}
