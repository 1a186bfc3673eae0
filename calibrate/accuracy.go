package calibrate

import (
	"fmt"
	"math"
	"slices"

	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/quant"
)

// OutputError is the error of one model output over the samples: the
// absolute error |fixed − float| over all its values, and the relative
// error of each sample, max|fixed − float| / max(1, max|float|).
type OutputError struct {
	Name    string  `json:"name"`
	MaxAbs  float64 `json:"max_abs"`
	MeanAbs float64 `json:"mean_abs"`
	MaxRel  float64 `json:"max_rel"`
	MeanRel float64 `json:"mean_rel"`
}

// LabelAccuracy is the share of samples whose class is the label, for the
// float model and for the fixed-point one.
type LabelAccuracy struct {
	Labels int     `json:"labels"`
	Float  float64 `json:"float"`
	Fixed  float64 `json:"fixed"`
}

// Report compares the fixed-point model with the float reference on
// samples.
type Report struct {
	Quant   quant.Settings `json:"quant"`
	Samples int            `json:"samples"`
	// Classified says whether some output has a class (see the package
	// documentation); Agree counts the samples on which every such output
	// has float's class, Agreement is Agree/Samples (1 without classes).
	Classified bool    `json:"classified"`
	Agree      int     `json:"agree"`
	Agreement  float64 `json:"agreement"`
	// MaxRel is the largest relative error of any output on any sample,
	// reached on sample Worst (0-based).
	MaxRel  float64        `json:"max_rel"`
	Worst   int            `json:"worst_sample"`
	Outputs []OutputError  `json:"outputs"`
	Labels  *LabelAccuracy `json:"labels,omitempty"`
}

// refFormats are the formats Float compiles a graph under, finest first:
// the float reference quantizes nothing, but constants an operator reads at
// the activation scale (an element-wise op's scalar) are materialized at
// it, so a coarse scale would change the reference itself.
var refFormats = []quant.Settings{{Scale: 20, ParamScale: 20, ActBits: 32}, {Scale: 16, ParamScale: 16, ActBits: 24}, quant.Default, {Scale: 8, ParamScale: 8, ActBits: 16}, {Scale: 2, ParamScale: 2, ActBits: 16}}

// Float runs the float reference of g on every sample (one flat list per
// input, see Split), compiled under the finest format that compiles.
func Float(g *graph.Graph, samples [][][]float64) ([][][]float64, error) {
	m, err := compileFine(g)
	if err != nil {
		return nil, err
	}
	outs := make([][][]float64, len(samples))
	for s, in := range samples {
		if outs[s], err = m.EvalFloat(in); err != nil {
			return nil, fmt.Errorf("calibrate: sample %d: float reference: %w", s, err)
		}
	}
	return outs, nil
}

// compileFine compiles g under the first of refFormats that compiles.
func compileFine(g *graph.Graph) (*model.Model, error) {
	var first error
	for _, qs := range refFormats {
		m, err := model.Compile(g, qs)
		if err == nil {
			return m, nil
		}
		if first == nil {
			first = err
		}
	}
	return nil, first
}

// Measure runs m with the integer evaluator on every sample (one flat list
// per input, see Split) and compares its outputs with float's, the float
// reference's outputs on the samples (Float; nil: computed here). With
// labels (one per sample, or nil) it also reports the accuracy of both. A
// sample the integer evaluator cannot run under m's settings is an error
// naming it.
func Measure(m *model.Model, samples, float [][][]float64, labels []int) (*Report, error) {
	if len(samples) == 0 {
		return nil, fmt.Errorf("calibrate: no samples")
	}
	if float == nil {
		var err error
		if float, err = Float(m.Graph, samples); err != nil {
			return nil, err
		}
	}
	if len(float) != len(samples) {
		return nil, fmt.Errorf("calibrate: %d float references for %d samples", len(float), len(samples))
	}
	if labels != nil && len(labels) != len(samples) {
		return nil, fmt.Errorf("calibrate: %d labels for %d samples: give one label per sample", len(labels), len(samples))
	}
	r := &Report{Quant: m.Settings, Samples: len(samples), Worst: -1}
	for i := range m.Outputs {
		r.Outputs = append(r.Outputs, OutputError{Name: m.Graph.Outputs[i].Name})
	}
	counts := make([]int, len(m.Outputs))
	var floatRight, fixedRight int
	for s, in := range samples {
		want := float[s]
		q, err := m.Eval(in)
		if err != nil {
			return nil, fmt.Errorf("calibrate: sample %d: %w", s, err)
		}
		got := m.Dequantize(q)
		for i := range r.Outputs {
			o := &r.Outputs[i]
			scale, diff := 1.0, 0.0
			for j, v := range want[i] {
				d := math.Abs(got[i][j] - v)
				if math.IsNaN(d) {
					d = math.Inf(1)
				}
				diff = max(diff, d)
				scale = max(scale, math.Abs(v))
				o.MeanAbs += d
				counts[i]++
			}
			rel := diff / scale
			o.MaxAbs = max(o.MaxAbs, diff)
			o.MaxRel = max(o.MaxRel, rel)
			o.MeanRel += rel
			if rel > r.MaxRel || r.Worst < 0 {
				r.MaxRel, r.Worst = max(r.MaxRel, rel), s
			}
		}
		agree, classified := sameClass(m, want, got)
		r.Classified = r.Classified || classified
		if agree {
			r.Agree++
		}
		if labels != nil {
			if c, ok := class(m, want); ok && c == labels[s] {
				floatRight++
			}
			if c, ok := class(m, got); ok && c == labels[s] {
				fixedRight++
			}
		}
	}
	for i := range r.Outputs {
		if counts[i] > 0 {
			r.Outputs[i].MeanAbs /= float64(counts[i])
		}
		r.Outputs[i].MeanRel /= float64(len(samples))
	}
	r.Agreement = float64(r.Agree) / float64(len(samples))
	if labels != nil {
		n := float64(len(labels))
		r.Labels = &LabelAccuracy{Labels: len(labels), Float: float64(floatRight) / n, Fixed: float64(fixedRight) / n}
	}
	return r, nil
}

// hasClass says whether output i has a class: an integer tensor (a label),
// or a float tensor of several values (its argmax).
func hasClass(m *model.Model, i int) bool {
	return m.Outputs[i].DType != graph.Float || m.Outputs[i].Size() > 1
}

// sameClass reports whether every output with a class has the same class in
// a and b, and whether there was any.
func sameClass(m *model.Model, a, b [][]float64) (agree, classified bool) {
	agree = true
	for i := range m.Outputs {
		if !hasClass(m, i) {
			continue
		}
		classified = true
		if m.Outputs[i].DType != graph.Float {
			agree = agree && slices.Equal(a[i], b[i])
		} else {
			agree = agree && argmax(a[i]) == argmax(b[i])
		}
	}
	return agree, classified
}

// class is the predicted class a label is compared with: the first output
// with a class (its argmax, or its first value for an integer output), or
// for a model with a single one-value output, that value read as the
// probability of class 1 (class 1 from 0.5 up).
func class(m *model.Model, outs [][]float64) (int, bool) {
	for i := range m.Outputs {
		switch {
		case !hasClass(m, i):
		case m.Outputs[i].DType != graph.Float:
			if len(outs[i]) == 0 {
				return 0, false
			}
			return int(outs[i][0]), true
		default:
			return argmax(outs[i]), true
		}
	}
	if len(outs) == 1 && len(outs[0]) == 1 {
		if outs[0][0] >= 0.5 {
			return 1, true
		}
		return 0, true
	}
	return 0, false
}

// argmax is the index of the first largest value (NaN never is).
func argmax(v []float64) int {
	best := -1
	for i, x := range v {
		if !math.IsNaN(x) && (best < 0 || x > v[best]) {
			best = i
		}
	}
	return best
}
