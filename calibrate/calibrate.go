package calibrate

import (
	"fmt"
	"strings"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/quant"
)

// Target is what calibration optimizes for (see the package documentation).
type Target string

// The targets.
const (
	Accuracy  Target = "accuracy"
	Balanced  Target = "balanced"
	Resources Target = "resources"
)

// ParseTarget reads "accuracy", "balanced" or "resources".
func ParseTarget(s string) (Target, error) {
	switch t := Target(s); t {
	case Accuracy, Balanced, Resources:
		return t, nil
	}
	return "", fmt.Errorf("calibrate: target %.20q is not accuracy, balanced or resources", s)
}

// bounds are a target's least class agreement and largest relative error.
func (t Target) bounds() (agreement, maxRel float64) {
	switch t {
	case Accuracy:
		return 1, 0.001
	case Resources:
		return 0.99, 0.1
	}
	return 0.999, 0.01
}

// Met reports whether r meets the target.
func (t Target) Met(r *Report) bool {
	agreement, maxRel := t.bounds()
	return r != nil && r.Agreement >= agreement && r.MaxRel <= maxRel
}

// Options are the settings of a calibration.
type Options struct {
	// Target defaults to Balanced.
	Target Target
	// Headroom is how many bits wider than the calibration range every
	// activation's range is: values up to 2^Headroom times the largest seen
	// still prove. The CLI's default is 1.
	Headroom int
	// MaxScale is the largest scale tried (0: 20).
	MaxScale int
	// NoCount skips building circuits: the candidate meeting the target
	// with the fewest bits is taken without counting its constraints (a
	// quick check; the defaults are then never preferred).
	NoCount bool
	// Visibility and System are those the constraints are counted under
	// (zero: circuit.DefaultVisibility and R1CS, Groth16's).
	Visibility *circuit.Visibility
	System     circuit.System
	// Progress, when not nil, gets one line per candidate.
	Progress func(format string, args ...any)
}

// Candidate is one number format tried, with its accuracy or why it could
// not run.
type Candidate struct {
	Quant      quant.Settings      `json:"quant"`
	RangeCheck circuit.RangePolicy `json:"-"`
	Report     *Report             `json:"accuracy,omitempty"`
	// Constraints is the circuit's size, 0 when it was not built.
	Constraints int    `json:"constraints,omitempty"`
	Err         string `json:"error,omitempty"`
}

// Result is a calibration's choice.
type Result struct {
	Target Target
	// Chosen is the format picked; Met says whether it meets Target (when
	// no candidate does, Chosen is the closest).
	Chosen Candidate
	Met    bool
	// Default is quant.Default's candidate (its constraints counted when it
	// meets the target).
	Default Candidate
	// Observed is the widest float tensor on the samples.
	Observed Range
	Headroom int
	// Tried lists every candidate, in the order tried.
	Tried []Candidate
}

// Calibrate picks the number format of g for the samples (see the package
// documentation for the method).
func Calibrate(g *graph.Graph, samples [][][]float64, opt Options) (*Result, error) {
	if opt.Target == "" {
		opt.Target = Balanced
	}
	if _, err := ParseTarget(string(opt.Target)); err != nil {
		return nil, err
	}
	if opt.MaxScale <= 0 {
		opt.MaxScale = 20
	}
	if opt.Headroom < 0 || opt.Headroom > 16 {
		return nil, fmt.Errorf("calibrate: headroom %d is outside [0, 16] bits", opt.Headroom)
	}
	if len(samples) == 0 {
		return nil, fmt.Errorf("calibrate: no samples")
	}
	float, err := Float(g, samples)
	if err != nil {
		return nil, err
	}
	ranges, err := Observe(g, samples)
	if err != nil {
		return nil, err
	}
	c := &calibration{g: g, samples: samples, float: float, opt: opt, ranges: ranges}
	res := &Result{Target: opt.Target, Observed: ranges.Max, Headroom: opt.Headroom}
	res.Default = c.try(quant.Default, false)

	var first, lowest *Candidate
	for s := 0; s <= opt.MaxScale && first == nil; s++ {
		if cand := c.try(quant.Settings{Scale: s, ParamScale: s, ActBits: quant.Default.ActBits}, true); opt.Target.Met(cand.Report) {
			first, lowest = &cand, &cand
		}
	}
	if first != nil {
		for p := first.Quant.ParamScale - 1; p >= 0; p-- {
			cand := c.try(quant.Settings{Scale: first.Quant.Scale, ParamScale: p, ActBits: quant.Default.ActBits}, true)
			if !opt.Target.Met(cand.Report) {
				break
			}
			lowest = &cand
		}
	}
	res.Tried = c.tried
	if first == nil {
		best := closest(append([]Candidate{res.Default}, c.tried...), opt.Target)
		if best == nil {
			return nil, fmt.Errorf("calibrate: no scale from 0 to %d runs the model on the samples; at the defaults: %s", opt.MaxScale, res.Default.Err)
		}
		res.Chosen = *best
		return res, nil
	}
	res.Met = true
	if opt.NoCount {
		res.Chosen = *lowest
		return res, nil
	}
	counted := []*Candidate{lowest}
	if first != lowest {
		counted = append(counted, first)
	}
	if opt.Target.Met(res.Default.Report) {
		counted = append(counted, &res.Default)
	}
	for _, cand := range counted {
		if err := c.count(cand); err != nil {
			return nil, err
		}
	}
	best := counted[0]
	for _, cand := range counted[1:] {
		if cand.Constraints < best.Constraints || cand.Constraints == best.Constraints && cand.Report.MaxRel < best.Report.MaxRel {
			best = cand
		}
	}
	res.Chosen = *best
	return res, nil
}

type calibration struct {
	g       *graph.Graph
	samples [][][]float64
	float   [][][]float64
	opt     Options
	ranges  *Ranges
	tried   []Candidate
}

// try measures one format; with size, --act-bits is first sized from the
// observed ranges (qs.ActBits is ignored). A value still out of range
// adds a bit, up to 8 times.
func (c *calibration) try(qs quant.Settings, size bool) Candidate {
	cand := Candidate{Quant: qs}
	m, err := model.Compile(c.g, qs)
	if err == nil && size {
		qs.ActBits = c.ranges.ActBits(m, c.opt.Headroom)
		if qs.ActBits > 48 {
			err = fmt.Errorf("the observed values need %d-bit activations at scale %d, more than 48", qs.ActBits, qs.Scale)
		} else {
			m, err = model.Compile(c.g, qs)
		}
	}
	for extra := 0; err == nil; extra++ {
		cand.Quant = qs
		cand.Report, err = Measure(m, c.samples, c.float, nil)
		if err == nil || extra == 8 || qs.ActBits >= 48 || !strings.Contains(err.Error(), "-bit range") {
			break
		}
		cand.Report = nil
		qs.ActBits++
		m, err = model.Compile(c.g, qs)
	}
	if err != nil {
		cand.Report, cand.Err = nil, err.Error()
	}
	if size {
		c.tried = append(c.tried, cand)
	}
	if c.opt.Progress != nil {
		c.opt.Progress("calibrate: %s", cand.Summary(c.opt.Target))
	}
	return cand
}

// count builds cand's circuit and records its constraints; for Resources it
// takes the gadget (lookups or bits) with fewer, for the others compile's
// automatic choice.
func (c *calibration) count(cand *Candidate) error {
	m, err := model.Compile(c.g, cand.Quant)
	if err != nil {
		return err
	}
	vis := circuit.DefaultVisibility
	if c.opt.Visibility != nil {
		vis = *c.opt.Visibility
	}
	policies := []circuit.RangePolicy{circuit.RangeAuto}
	if c.opt.Target == Resources {
		policies = []circuit.RangePolicy{circuit.RangeLookup, circuit.RangeBits}
	}
	cand.Constraints = 0
	for _, p := range policies {
		b, err := circuit.Build(m, vis, circuit.BuildOptions{System: c.opt.System, RangeCheck: p})
		if err != nil {
			return fmt.Errorf("calibrate: %s: %w", Format(cand.Quant), err)
		}
		if n := b.CS.GetNbConstraints(); cand.Constraints == 0 || n < cand.Constraints {
			cand.Constraints, cand.RangeCheck = n, p
		}
	}
	if c.opt.Progress != nil {
		c.opt.Progress("calibrate: %s: %d constraints (range checks: %s)", Format(cand.Quant), cand.Constraints, cand.RangeCheck)
	}
	return nil
}

// closest is the candidate nearest the target: the best agreement, then the
// smallest error; nil when none ran.
func closest(cands []Candidate, t Target) *Candidate {
	var best *Candidate
	for i := range cands {
		r := cands[i].Report
		switch {
		case r == nil:
		case best == nil, r.Agreement > best.Report.Agreement,
			r.Agreement == best.Report.Agreement && r.MaxRel < best.Report.MaxRel:
			best = &cands[i]
		}
	}
	return best
}

// Summary is one line on the candidate: its format and accuracy against
// the target, or why it did not run.
func (c Candidate) Summary(t Target) string {
	if c.Report == nil {
		return fmt.Sprintf("%s: does not run: %s", Format(c.Quant), c.Err)
	}
	verdict := "misses " + string(t)
	if t.Met(c.Report) {
		verdict = "meets " + string(t)
	}
	return fmt.Sprintf("%s: %s (%s)", Format(c.Quant), c.Report.Brief(), verdict)
}

// Brief is the report in a few words: class agreement and the largest
// relative error.
func (r *Report) Brief() string {
	s := fmt.Sprintf("max relative error %.4g%%", 100*r.MaxRel)
	if r.Classified {
		s = fmt.Sprintf("class agreement %d/%d, %s", r.Agree, r.Samples, s)
	}
	return s
}

// Format is a number format as compile's flags: "--scale 12 --param-scale
// 12 --act-bits 24".
func Format(qs quant.Settings) string {
	return fmt.Sprintf("--scale %d --param-scale %d --act-bits %d", qs.Scale, qs.ParamScale, qs.ActBits)
}
