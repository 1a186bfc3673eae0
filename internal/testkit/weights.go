package testkit

import (
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/zkinfer/zkinfer/onnx"
)

// OtherWeights writes a copy of the ONNX model at path with its first
// weight (a float32 of the first initializer) raised by 0.25 and returns
// the copy's path: the same architecture with other weights, still within
// the 20 bits of a hashed-weights circuit.
func OtherWeights(t testing.TB, path string) string {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m onnx.ModelProto
	if err := proto.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	init := m.Graph.Initializer[0]
	switch {
	case len(init.FloatData) > 0:
		init.FloatData[0] += 0.25
	case len(init.RawData) >= 4 && init.GetDataType() == int32(onnx.TensorProto_FLOAT):
		f := math.Float32frombits(binary.LittleEndian.Uint32(init.RawData))
		binary.LittleEndian.PutUint32(init.RawData, math.Float32bits(f+0.25))
	default:
		t.Fatal("no weight data to change")
	}
	b, err := proto.Marshal(&m)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "other.onnx")
	if err := os.WriteFile(out, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return out
}
