package onnx_test

import (
	"testing"
	"time"

	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/internal/onnxbuild"
	"github.com/zkinfer/zkinfer/internal/testkit"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/onnx"
	"github.com/zkinfer/zkinfer/quant"
)

// maxEvalElements bounds the inputs FuzzParse evaluates a compiled model on.
const maxEvalElements = 1 << 12

// FuzzParse feeds arbitrary bytes to the ONNX loader and compiles and runs
// what it accepts: every failure must be an error on one line, never a
// panic, a hang or an unbounded allocation. The seed corpus
// (testdata/fuzz/FuzzParse) holds the small models of the EZKL corpus and
// the demo model; onnxbuild.BadModels adds the malformed ones.
//
// The fuzzer runs with the size limits lowered to fuzzElements and
// fuzzTotalElements: the checks are the same, and a model at the limits
// takes milliseconds instead of seconds.
func FuzzParse(f *testing.F) {
	for _, c := range onnxbuild.BadModels() {
		f.Add(c.Data)
	}
	defer setLimits(fuzzElements, fuzzTotalElements)()
	f.Fuzz(func(t *testing.T, b []byte) {
		defer testkit.CheckFast(t, time.Now(), slowExec)
		g, err := onnx.Parse(b)
		if err != nil {
			testkit.CheckOneLine(t, err)
			return
		}
		m, err := model.Compile(g, quant.Default)
		if err != nil {
			testkit.CheckOneLine(t, err)
			return
		}
		n := 0
		vals := make([][]float64, len(m.Inputs))
		for i, in := range m.Inputs {
			n += in.Size()
			if n > maxEvalElements {
				return
			}
			vals[i] = make([]float64, in.Size())
		}
		if _, err := m.Eval(vals); err != nil {
			testkit.CheckOneLine(t, err)
		}
		if _, err := m.EvalFloat(vals); err != nil {
			testkit.CheckOneLine(t, err)
		}
	})
}

// The size limits while fuzzing.
const (
	fuzzElements      = 1 << 16
	fuzzTotalElements = 1 << 18
)

// setLimits sets graph's size limits and returns a function that restores
// them.
func setLimits(elements, total int) func() {
	e, tot := graph.MaxElements, graph.MaxTotalElements
	graph.MaxElements, graph.MaxTotalElements = elements, total
	return func() { graph.MaxElements, graph.MaxTotalElements = e, tot }
}

// slowExec is how long one fuzz input may take before it counts as a hang.
const slowExec = 2 * time.Second
