package segment

import (
	"fmt"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/model"
)

// Span is a segment's steps [From, To).
type Span struct{ From, To int }

// Costs are what planning knows of a model's circuit: the constraints
// each step adds (with its share of what gadgets defer to the end of the
// circuit), the values live across each cut, and the model.
type Costs struct {
	Step  []float64 // per step
	Live  []int     // per cut 0..steps: values crossing it
	Fixed float64   // per segment whatever it holds (the context)
	Total int       // the unsegmented circuit's constraints
	m     *model.Model
}

// PerBoundaryValue is the constraints a boundary value costs a segment
// that hashes it, measured with lookup range checks on 24-bit activations
// (TestBoundaryCost): a signed range check on its packing width (about 2
// lookups and their share of the log-derivative argument) when it is an
// input, and its share of the Poseidon2 permutations (one per packed field
// element of about 10 values) on both sides. Planning charges it on both
// sides of every cut; the exact count of each segment's circuit decides.
const PerBoundaryValue = 10.0

// MeasureCosts builds m's whole circuit once under vis (circuit.StepCosts)
// and spreads the constraints at the circuit's end (mostly what gadgets
// defer there: lookup arguments and tables, commitments) over the steps in
// proportion to the range checks and products each step made. Each
// segment's tables are its own, so this underestimates small segments:
// Compile checks every segment's exact count and cuts again.
func MeasureCosts(m *model.Model, vis circuit.Visibility, opt circuit.BuildOptions) (*Costs, error) {
	sc, err := circuit.StepCosts(m, vis, opt)
	if err != nil {
		return nil, err
	}
	c := &Costs{Step: make([]float64, len(sc.Own)), Live: m.Boundaries(), m: m, Fixed: 2}
	weight := 0
	for _, w := range sc.Checks {
		weight += w
	}
	for i, n := range sc.Own {
		c.Step[i] = float64(n)
		if weight > 0 {
			c.Step[i] += float64(sc.After) * float64(sc.Checks[i]) / float64(weight)
		}
	}
	c.Total = sc.Total
	return c, nil
}

// edge is the estimated cost of hashing the boundary at cut e of a
// segment (none at the model's ends).
func (c *Costs) edge(e int) float64 {
	if e <= 0 || e >= len(c.Step) {
		return 0
	}
	return PerBoundaryValue * float64(c.Live[e])
}

// Plan cuts the steps [from, to) into spans of at most budget estimated
// constraints, each as long as it can be, cutting only where the model
// allows. A span that cannot fit (one step, or steps that must stay
// together, over the budget) is returned alone; the exact compile reports
// it.
func (c *Costs) Plan(from, to int, budget float64) []Span {
	var spans []Span
	for start := from; start < to; {
		end, sum := -1, c.Fixed+c.edge(start)
		for e := start + 1; e <= to; e++ {
			sum += c.Step[e-1]
			if sum > budget && end >= 0 {
				break
			}
			if e < to && !c.m.CutAllowed(e) {
				continue
			}
			fits := sum+c.edge(e) <= budget
			if fits || end < 0 {
				end = e
			}
			if !fits {
				break
			}
		}
		spans = append(spans, Span{start, end})
		start = end
	}
	return spans
}

// String describes a plan.
func (s Span) String() string { return fmt.Sprintf("[%d, %d)", s.From, s.To) }

// Estimate is the estimated constraints of a segment running steps
// [from, to).
func (c *Costs) Estimate(from, to int) float64 {
	s := c.Fixed + c.edge(from) + c.edge(to)
	for _, v := range c.Step[from:to] {
		s += v
	}
	return s
}

// learn raises the fixed cost per segment when a segment's circuit has
// more constraints (count) than its estimate: what its own lookup tables
// and commitments cost beyond the steps' share.
func (c *Costs) learn(sp Span, count int) {
	if r := float64(count) - (c.Estimate(sp.From, sp.To) - c.Fixed); r > c.Fixed {
		c.Fixed = r
	}
}

// Balanced is the smallest planning budget (to 1%) that cuts the steps
// from on into at most k segments.
func (c *Costs) Balanced(from, k int) float64 {
	hi := c.Estimate(from, len(c.Step)) + 1
	for _, v := range c.Live {
		hi += 2 * PerBoundaryValue * float64(v)
	}
	lo := 0.0
	for hi-lo > hi/100 {
		mid := (lo + hi) / 2
		if len(c.Plan(from, len(c.Step), mid)) <= k {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi
}
