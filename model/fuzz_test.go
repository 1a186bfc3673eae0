package model_test

import (
	"sync"
	"testing"

	"github.com/zkinfer/zkinfer/internal/testkit"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/onnx"
	"github.com/zkinfer/zkinfer/quant"
)

var demo = sync.OnceValues(func() (*model.Model, error) {
	g, err := onnx.Load("../examples/credit/model.onnx")
	if err != nil {
		return nil, err
	}
	return model.Compile(g, quant.Default)
})

// FuzzParseInput feeds arbitrary bytes to the input-file parser and runs the
// demo model on what it accepts: every failure must be an error on one
// line, never a panic.
func FuzzParseInput(f *testing.F) {
	for _, s := range []string{
		`{"input_data": [[0.5, 1, -2, 0, 0.25, 3, 1, 0]]}`,
		`{"input_data": [[true, false, 1e3, -1e-3, 0, 0, 0, 0]], "extra": 1}`,
		`{"input_data": [[NaN, 0, 0, 0, 0, 0, 0, 0]]}`,
		`{"input_data": [[1e999, 0, 0, 0, 0, 0, 0, 0]]}`,
		`{"input_data": [[0, 0, 0, 0, 0, 0, 0, 0], [1, 2]]}`,
		`{"input_data": [["x", {"a": [1]}, null]]}`,
		`{"input_data": []}`,
		`[1, 2]`,
		``,
	} {
		f.Add([]byte(s))
	}
	m, err := demo()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		vals, err := model.ParseInput("in.json", b)
		if err != nil {
			testkit.CheckOneLine(t, err)
			return
		}
		if _, err := m.Eval(vals); err != nil {
			testkit.CheckOneLine(t, err)
		}
	})
}
