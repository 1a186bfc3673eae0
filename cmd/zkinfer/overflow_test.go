package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/zkinfer/zkinfer/onnx"
)

// divModel writes y = a / b for two scalar inputs as an ONNX file.
func divModel(t *testing.T, dir string) string {
	t.Helper()
	scalar := func(name string) *onnx.ValueInfoProto {
		dim := &onnx.TensorShapeProto_Dimension{Value: &onnx.TensorShapeProto_Dimension_DimValue{DimValue: 1}}
		return &onnx.ValueInfoProto{Name: proto.String(name), Type: &onnx.TypeProto{Value: &onnx.TypeProto_TensorType{TensorType: &onnx.TypeProto_Tensor{
			ElemType: proto.Int32(int32(onnx.TensorProto_FLOAT)), Shape: &onnx.TensorShapeProto{Dim: []*onnx.TensorShapeProto_Dimension{dim}}}}}}
	}
	m := &onnx.ModelProto{
		OpsetImport: []*onnx.OperatorSetIdProto{{Domain: proto.String(""), Version: proto.Int64(13)}},
		Graph: &onnx.GraphProto{
			Name:   proto.String("div"),
			Node:   []*onnx.NodeProto{{Name: proto.String("quotient"), OpType: proto.String("Div"), Input: []string{"a", "b"}, Output: []string{"y"}}},
			Input:  []*onnx.ValueInfoProto{scalar("a"), scalar("b")},
			Output: []*onnx.ValueInfoProto{scalar("y")},
		},
	}
	b, err := proto.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "div.onnx")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestRunDivOverflow: `run` of Div(1000, 3) at --scale 30 --act-bits 48
// (settings the CLI accepts) printed 0, its numerator 1000·2^60 wrapped in
// int64. It must fail with one line naming the node and what to change;
// at the defaults it prints 333.33.
func TestRunDivOverflow(t *testing.T) {
	dir := t.TempDir()
	model := divModel(t, dir)
	in := writeFile(t, dir, "in.json", `{"input_data": [[1000], [3]]}`)
	code, out, errOut := zk(t, "run", model, "--input", in, "--scale", "30", "--act-bits", "48")
	if code == 0 {
		t.Fatalf("run succeeded: %s", out)
	}
	msg := strings.TrimSpace(errOut)
	for _, want := range []string{`node "quotient" (Div)`, "lower --scale"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not say %q", msg, want)
		}
	}
	if strings.Contains(msg, "\n") {
		t.Errorf("error is not one line: %q", msg)
	}
	out = mustZK(t, "run", model, "--input", in)
	if !strings.Contains(out, "333.333") {
		t.Fatalf("Div(1000, 3) at the default settings printed %s", out)
	}
}
