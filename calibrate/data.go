package calibrate

import (
	"encoding/json"
	"fmt"
	"math"
	"os"

	"github.com/zkinfer/zkinfer/model"
)

// Split cuts calibration data in EZKL's layout (one flat list per model
// input, holding the samples back to back) into samples for m, each one
// flat list per input. Lists past the model's inputs are ignored, as
// model.Model.Quantize does.
func Split(m *model.Model, data [][]float64) ([][][]float64, error) {
	if len(data) > len(m.Inputs) {
		data = data[:len(m.Inputs)]
	}
	if len(data) != len(m.Inputs) {
		return nil, fmt.Errorf("calibrate: the data has %d lists, the model takes %d inputs", len(data), len(m.Inputs))
	}
	if len(m.Inputs) == 0 {
		return [][][]float64{{}}, nil // a model of constants: one run
	}
	n := -1
	for i, info := range m.Inputs {
		size := info.Size()
		name := m.Graph.Inputs[i].Name
		if size == 0 || len(data[i]) == 0 || len(data[i])%size != 0 {
			return nil, fmt.Errorf("calibrate: input %q has %d values, not a multiple of its %d per sample (shape %v)", name, len(data[i]), size, info.Shape)
		}
		k := len(data[i]) / size
		if n >= 0 && k != n {
			return nil, fmt.Errorf("calibrate: input %q holds %d samples, the first input %d: give every input the same number", name, k, n)
		}
		n = k
	}
	samples := make([][][]float64, n)
	for s := range samples {
		samples[s] = make([][]float64, len(data))
		for i, info := range m.Inputs {
			size := info.Size()
			samples[s][i] = data[i][s*size : (s+1)*size]
		}
	}
	return samples, nil
}

// ReadLabels reads a labels file: a JSON list of class indices, one per
// sample, or an object {"labels": [...]}.
func ReadLabels(path string) ([]int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("labels: %w", err)
	}
	var raw []float64
	if err := json.Unmarshal(b, &raw); err != nil {
		var obj struct {
			Labels []float64 `json:"labels"`
		}
		if err2 := json.Unmarshal(b, &obj); err2 != nil || obj.Labels == nil {
			return nil, fmt.Errorf("labels: %s: want a JSON list of class indices or {\"labels\": [...]}", path)
		}
		raw = obj.Labels
	}
	labels := make([]int, len(raw))
	for i, v := range raw {
		if v != math.Trunc(v) || v < 0 || v > 1<<30 {
			return nil, fmt.Errorf("labels: %s: label %d is %v, not a class index", path, i, v)
		}
		labels[i] = int(v)
	}
	return labels, nil
}
