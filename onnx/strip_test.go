package onnx

import (
	"bytes"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"
)

// TestStripWeights: the named initializers are zeroed whatever their
// encoding, shapes and types kept; the others are untouched; two models
// that differ only in those values strip to the same bytes; data outside
// the file is an error.
func TestStripWeights(t *testing.T) {
	model := func(w []float32, b []float32) []byte {
		m := testModel()
		m.Graph.Node[0].Input = append(m.Graph.Node[0].Input, "B")
		m.Graph.Initializer[0].RawData = rawFloats(w...)
		m.Graph.Initializer = append(m.Graph.Initializer, &TensorProto{Name: proto.String("B"), Dims: []int64{2},
			DataType: proto.Int32(int32(TensorProto_FLOAT)), FloatData: b})
		raw, err := proto.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		return raw
	}
	one := model([]float32{1, 2, 3, 4, 5, 6}, []float32{7, 8})
	other := model([]float32{6, 5, 4, 3, 2, 1}, []float32{9, 10})
	s1, err := StripWeights(one, []string{"W", "B"})
	if err != nil {
		t.Fatal(err)
	}
	s2, err := StripWeights(other, []string{"W", "B"})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(s1, s2) {
		t.Fatal("models differing in their stripped weights strip to different bytes")
	}
	g, err := Parse(s1)
	if err != nil {
		t.Fatal(err)
	}
	for name, n := range map[string]int{"W": 6, "B": 2} {
		c := g.Consts[name]
		if c == nil || len(c.Data) != n {
			t.Fatalf("%s: %+v", name, c)
		}
		for _, v := range c.Data {
			if v != 0 {
				t.Fatalf("%s kept its values: %v", name, c.Data)
			}
		}
	}
	onlyW, err := StripWeights(one, []string{"W", "B·bias"}) // a derived name strips nothing
	if err != nil {
		t.Fatal(err)
	}
	if g, err := Parse(onlyW); err != nil || g.Consts["B"].Data[1] != 8 || g.Consts["W"].Data[0] != 0 {
		t.Fatalf("stripping W only: %v, %+v", err, g)
	}

	m := testModel()
	m.Graph.Initializer[0].DataLocation = TensorProto_EXTERNAL.Enum()
	raw, _ := proto.Marshal(m)
	if _, err := StripWeights(raw, []string{"W"}); err == nil || !strings.Contains(err.Error(), "outside the model file") {
		t.Fatalf("external data: %v", err)
	}
	if _, err := StripWeights([]byte("not a model"), nil); err == nil || !strings.Contains(err.Error(), "not a valid ONNX model") {
		t.Fatalf("garbage: %v", err)
	}
}
