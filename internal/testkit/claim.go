package testkit

import (
	"slices"
	"testing"

	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/onnx"
	"github.com/zkinfer/zkinfer/quant"
)

// Argmax returns the index of the largest value (the first such) of the
// first output of the ONNX model at path on input in, as the integer
// evaluator computes it under the default settings: the index an
// "argmax(output) == k" claim that the model satisfies names.
func Argmax(t testing.TB, path string, in [][]float64) int {
	t.Helper()
	g, err := onnx.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	m, err := model.Compile(g, quant.Default)
	if err != nil {
		t.Fatal(err)
	}
	out, err := m.Eval(in)
	if err != nil {
		t.Fatal(err)
	}
	return slices.Index(out[0].Data, slices.Max(out[0].Data))
}
