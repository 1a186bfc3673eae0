package calibrate

import (
	"fmt"
	"math"

	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/quant"
)

// Range is the largest magnitude a tensor reached on the calibration
// samples, in the float reference.
type Range struct {
	Tensor string  `json:"tensor"`
	MaxAbs float64 `json:"max_abs"`
}

// Ranges are the observed ranges of a model's float tensors, by name; Max
// is the widest of them.
type Ranges struct {
	ByTensor map[string]float64
	Max      Range
}

// Observe runs the float reference of g on the samples with every tensor
// made an output, and returns the largest magnitude of each float tensor
// that is computed from the inputs (constants are not range-checked).
func Observe(g *graph.Graph, samples [][][]float64) (*Ranges, error) {
	all := *g
	seen := map[string]bool{}
	all.Outputs = nil
	for _, in := range g.Inputs {
		seen[in.Name] = true
		all.Outputs = append(all.Outputs, in)
	}
	for _, n := range g.Nodes {
		for _, out := range n.Outputs {
			if out != "" && !seen[out] {
				seen[out] = true
				all.Outputs = append(all.Outputs, graph.Value{Name: out})
			}
		}
	}
	m, err := compileFine(&all)
	if err != nil {
		return nil, err
	}
	r := &Ranges{ByTensor: map[string]float64{}}
	for s, in := range samples {
		outs, err := m.EvalFloat(in)
		if err != nil {
			return nil, fmt.Errorf("calibrate: sample %d: float reference: %w", s, err)
		}
		for i, v := range all.Outputs {
			info := m.Outputs[i]
			if info.Const != nil || info.DType != graph.Float {
				continue
			}
			mx := r.ByTensor[v.Name]
			for _, x := range outs[i] {
				if a := math.Abs(x); a > mx || math.IsNaN(a) {
					mx = a
				}
			}
			r.ByTensor[v.Name] = mx
		}
	}
	for _, v := range all.Outputs {
		mx, ok := r.ByTensor[v.Name]
		if ok && (mx > r.Max.MaxAbs || math.IsNaN(mx)) {
			r.Max = Range{Tensor: v.Name, MaxAbs: mx}
		}
	}
	return r, nil
}

// ActBits returns the fewest signed bits that hold every observed tensor
// of m, at the scale m compiled it to, times 2^margin; at least 8, the
// smallest --act-bits quant accepts. A tensor that reached NaN or infinity
// needs more than any setting: the result is then above 48.
func (r *Ranges) ActBits(m *model.Model, margin int) int {
	bits := 8
	for name, mx := range r.ByTensor {
		info, ok := m.Info(name)
		if !ok || info.Const != nil || info.DType != graph.Float {
			continue
		}
		if math.IsNaN(mx) || math.IsInf(mx, 0) {
			return 1025
		}
		b := quant.BitsFor(math.Ldexp(mx, info.Scale+margin)) + 1
		bits = max(bits, b)
	}
	return bits
}
