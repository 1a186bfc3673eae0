package model

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"

	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/ops"
	"github.com/zkinfer/zkinfer/quant"
)

// Input is EZKL's input file format: one flat row-major list per graph
// input.
type Input struct {
	Data [][]float64 `json:"input_data"`
}

// maxInputBytes bounds an input file: far more than any model's inputs
// need, and a wrong path to a huge file fails at once.
const maxInputBytes = 1 << 28

// ReadInput reads an input file in EZKL's format, {"input_data": [[...]]}.
// Booleans are read as 0 and 1.
func ReadInput(path string) ([][]float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("input: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxInputBytes+1))
	if err != nil {
		return nil, fmt.Errorf("input: %w", err)
	}
	if len(b) > maxInputBytes {
		return nil, fmt.Errorf("input: %s is larger than %d bytes", path, maxInputBytes)
	}
	return ParseInput(path, b)
}

// ParseInput parses the contents b of the input file name (see ReadInput).
func ParseInput(name string, b []byte) ([][]float64, error) {
	var raw struct {
		Data [][]any `json:"input_data"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil {
		// Python's json module writes NaN and Infinity as bare words.
		if bytes.Contains(b, []byte("NaN")) || bytes.Contains(b, []byte("Infinity")) {
			return nil, fmt.Errorf("input: %s: contains NaN or Infinity, which have no fixed-point value", name)
		}
		return nil, fmt.Errorf("input: %s: not EZKL input JSON ({\"input_data\": [[...]]}): %w", name, err)
	}
	if raw.Data == nil {
		return nil, fmt.Errorf("input: %s: no \"input_data\"", name)
	}
	out := make([][]float64, len(raw.Data))
	for i, row := range raw.Data {
		out[i] = make([]float64, len(row))
		for j, v := range row {
			switch v := v.(type) {
			case json.Number:
				f, err := v.Float64()
				if err != nil {
					return nil, fmt.Errorf("input: %s: input_data[%d][%d] = %.40q is not a finite number", name, i, j, string(v))
				}
				out[i][j] = f
			case bool:
				if v {
					out[i][j] = 1
				}
			default:
				return nil, fmt.Errorf("input: %s: input_data[%d][%d] is %.40q, not a number", name, i, j, fmt.Sprint(v))
			}
		}
	}
	return out, nil
}

// Quantize checks real input values against the model's inputs and converts
// them to fixed point. NaN, infinities, values outside the activation range,
// non-integers for integer inputs and wrong counts are errors. Tensors past
// the model's inputs are ignored, as EZKL does: its example files list the
// inputs an exporter later pruned (see ExtraInputs).
func (m *Model) Quantize(vals [][]float64) ([]ops.Tensor[int64], error) {
	if len(vals) > len(m.Inputs) {
		vals = vals[:len(m.Inputs)]
	}
	if len(vals) != len(m.Inputs) {
		return nil, fmt.Errorf("input: got %d tensors, the model takes %d", len(vals), len(m.Inputs))
	}
	out := make([]ops.Tensor[int64], len(vals))
	for i, info := range m.Inputs {
		name := m.Graph.Inputs[i].Name
		if len(vals[i]) != info.Size() {
			return nil, fmt.Errorf("input: %q has %d values, its shape %v needs %d", name, len(vals[i]), info.Shape, info.Size())
		}
		t := ops.Tensor[int64]{Shape: info.Shape, Data: make([]int64, len(vals[i]))}
		for j, v := range vals[i] {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("input: %q[%d] is %v", name, j, v)
			}
			if info.DType != graph.Float && v != math.Trunc(v) {
				return nil, fmt.Errorf("input: %q[%d] = %v is not an integer, as the model's %s input needs", name, j, v, info.DType)
			}
			if info.DType == graph.Bool && v != 0 && v != 1 {
				return nil, fmt.Errorf("input: %q[%d] = %v is not a boolean", name, j, v)
			}
			q := quant.Quantize(v, info.Scale)
			if math.Abs(float64(q)) >= info.Max && info.DType != graph.Bool {
				lim := quant.Dequantize(int64(info.Max), info.Scale)
				return nil, fmt.Errorf("input: %q[%d] = %v is outside the range (-%v, %v) of %d-bit activations at scale 2^%d", name, j, v, lim, lim, m.Settings.ActBits, info.Scale)
			}
			t.Data[j] = q
		}
		out[i] = t
	}
	return out, nil
}

// ExtraInputs reports how many tensors of an input file Quantize ignores.
func (m *Model) ExtraInputs(vals [][]float64) int {
	return max(0, len(vals)-len(m.Inputs))
}

// Dequantize converts fixed-point outputs to reals, one flat list per output.
func (m *Model) Dequantize(outs []ops.Tensor[int64]) [][]float64 {
	res := make([][]float64, len(outs))
	for i, t := range outs {
		res[i] = make([]float64, len(t.Data))
		for j, q := range t.Data {
			res[i][j] = quant.Dequantize(q, m.Outputs[i].Scale)
		}
	}
	return res
}

// Eval runs the integer evaluator on real inputs and returns the fixed-point
// outputs.
func (m *Model) Eval(vals [][]float64) ([]ops.Tensor[int64], error) {
	in, err := m.Quantize(vals)
	if err != nil {
		return nil, err
	}
	return Run(m, &ops.IntArith{}, in)
}

// EvalFloat runs the float reference.
func (m *Model) EvalFloat(vals [][]float64) ([][]float64, error) {
	in := make([]ops.Tensor[float64], len(vals))
	for i, v := range vals {
		if i < len(m.Inputs) {
			in[i] = ops.Tensor[float64]{Shape: m.Inputs[i].Shape, Data: v}
		}
	}
	outs, err := Run(m, ops.FloatArith{}, in)
	if err != nil {
		return nil, err
	}
	res := make([][]float64, len(outs))
	for i, t := range outs {
		res[i] = t.Data
	}
	return res, nil
}
