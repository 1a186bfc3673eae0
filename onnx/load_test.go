package onnx

import (
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/zkinfer/zkinfer/graph"
)

func dim(v int64) *TensorShapeProto_Dimension {
	return &TensorShapeProto_Dimension{Value: &TensorShapeProto_Dimension_DimValue{DimValue: v}}
}

func symbolic(name string) *TensorShapeProto_Dimension {
	return &TensorShapeProto_Dimension{Value: &TensorShapeProto_Dimension_DimParam{DimParam: name}}
}

func valueInfo(name string, dims ...*TensorShapeProto_Dimension) *ValueInfoProto {
	return &ValueInfoProto{Name: proto.String(name), Type: &TypeProto{Value: &TypeProto_TensorType{TensorType: &TypeProto_Tensor{
		ElemType: proto.Int32(int32(TensorProto_FLOAT)), Shape: &TensorShapeProto{Dim: dims}}}}}
}

func rawFloats(vs ...float32) []byte {
	b := make([]byte, 4*len(vs))
	for i, v := range vs {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
	}
	return b
}

// testModel is y = Gemm(x, W) with W given as raw data and also listed among
// the graph inputs, as old exporters do, and a symbolic batch dimension.
func testModel() *ModelProto {
	return &ModelProto{
		OpsetImport: []*OperatorSetIdProto{{Domain: proto.String(""), Version: proto.Int64(13)}},
		Graph: &GraphProto{
			Name: proto.String("g"),
			Node: []*NodeProto{{OpType: proto.String("Gemm"), Input: []string{"x", "W"}, Output: []string{"y"},
				Attribute: []*AttributeProto{{Name: proto.String("transB"), Type: AttributeProto_INT.Enum(), I: proto.Int64(1)}}}},
			Initializer: []*TensorProto{{Name: proto.String("W"), Dims: []int64{2, 3}, DataType: proto.Int32(int32(TensorProto_FLOAT)),
				RawData: rawFloats(1, 2, 3, 4, 5, 6)}},
			Input:  []*ValueInfoProto{valueInfo("x", symbolic("batch"), dim(3)), valueInfo("W", dim(2), dim(3))},
			Output: []*ValueInfoProto{valueInfo("y", symbolic("batch"), dim(2))},
		},
	}
}

func TestParse(t *testing.T) {
	b, err := proto.Marshal(testModel())
	if err != nil {
		t.Fatal(err)
	}
	g, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	if g.Opset != 13 {
		t.Errorf("opset %d, want 13", g.Opset)
	}
	if len(g.Inputs) != 1 || g.Inputs[0].Name != "x" {
		t.Fatalf("inputs %v: the initializer W must not be an input", g.Inputs)
	}
	if got := g.Inputs[0].Shape; len(got) != 2 || got[0] != 1 || got[1] != 3 {
		t.Errorf("input shape %v, want [1 3] (batch fixed to 1)", got)
	}
	w := g.Consts["W"]
	if w == nil || w.DType != graph.Float || len(w.Data) != 6 || w.Data[5] != 6 {
		t.Fatalf("W = %+v", w)
	}
	if n := g.Nodes[0]; n.Op != "Gemm" || n.AttrInt("transB", 0) != 1 {
		t.Errorf("node %+v", n)
	}
}

func TestParseErrors(t *testing.T) {
	bad := func(mut func(m *ModelProto)) []byte {
		m := testModel()
		mut(m)
		b, _ := proto.Marshal(m)
		return b
	}
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"garbage", []byte("this is not a protobuf \xff\xff\xff"), "not a valid ONNX model"},
		{"no graph", bad(func(m *ModelProto) { m.Graph = nil }), "no graph"},
		{"short raw data", bad(func(m *ModelProto) { m.Graph.Initializer[0].RawData = rawFloats(1, 2) }), "raw data has 8 bytes"},
		{"external data", bad(func(m *ModelProto) {
			m.Graph.Initializer[0].DataLocation = TensorProto_EXTERNAL.Enum()
		}), "external tensor data"},
		{"undefined input", bad(func(m *ModelProto) { m.Graph.Node[0].Input[0] = "nope" }), `input "nope" is not defined`},
		{"missing output", bad(func(m *ModelProto) { m.Graph.Output[0].Name = proto.String("z") }), `output "z"`},
		{"string tensor", bad(func(m *ModelProto) {
			m.Graph.Initializer[0].DataType = proto.Int32(int32(TensorProto_STRING))
		}), "unsupported tensor element type"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse(c.data)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want it to mention %q", err, c.want)
			}
		})
	}
}

func TestLoadNamesFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "broken.onnx")
	os.WriteFile(p, []byte{0x0a, 0xff}, 0o644)
	_, err := Load(p)
	if err == nil || !strings.Contains(err.Error(), "broken.onnx") {
		t.Fatalf("error %v does not name the file", err)
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing.onnx")); err == nil {
		t.Fatal("loaded a missing file")
	}
}

func TestHalfToFloat(t *testing.T) {
	for h, want := range map[uint16]float64{0x3c00: 1, 0xc000: -2, 0x3555: 0.333251953125, 0x0001: math.Ldexp(1, -24), 0x7c00: math.Inf(1)} {
		if got := halfToFloat(h); got != want {
			t.Errorf("halfToFloat(%#x) = %v, want %v", h, got, want)
		}
	}
}
