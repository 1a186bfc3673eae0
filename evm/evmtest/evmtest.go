// Package evmtest holds helpers shared by the tests of the evm package, the
// CLI and examples/lender: finding solc, compiling and setting up a model
// into a temporary directory, and a copy of a model with other weights.
package evmtest

import (
	"encoding/binary"
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/zkinfer/zkinfer/evm"
	"github.com/zkinfer/zkinfer/onnx"
	"github.com/zkinfer/zkinfer/proof"
)

// Solc finds the pinned solc-js, skipping the test when it is not installed.
func Solc(t testing.TB) *evm.Solc {
	t.Helper()
	s, err := evm.FindSolc()
	if errors.Is(err, evm.ErrNoSolc) {
		t.Skipf("SKIP: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Keyed compiles the model at path into a temporary directory with opt and
// sets it up (PLONK with a development SRS).
func Keyed(t testing.TB, path string, opt proof.CompileOptions) *proof.Compiled {
	t.Helper()
	c, err := proof.CompileWith(path, t.TempDir(), opt)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.SetupWith(proof.SetupOptions{UnsafeDevSRS: opt.Backend == proof.Plonk}); err != nil {
		t.Fatal(err)
	}
	return c
}

// OtherWeights writes a copy of the ONNX model at path with its first
// weight (a float32) raised by 0.25: the same architecture, other weights,
// still within the bits of a hashed-weights circuit.
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
