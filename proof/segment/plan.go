package segment

import (
	"fmt"
	"math"
	"slices"

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
const PerBoundaryValue = 21.0

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
// constraints, cutting only where the model allows, with the least total
// estimate: each cut costs the hashing of its boundary on both sides, so
// the plan cuts where few values cross, and makes no more segments than
// it must (each costs Fixed). Dynamic programming over the allowed cuts
// (O(cuts²)). A span that cannot fit (steps that cannot be cut, over the
// budget) is taken when nothing else covers its steps; the exact compile
// reports it.
func (c *Costs) Plan(from, to int, budget float64) []Span {
	pos := []int{from}
	for i := from + 1; i < to; i++ {
		if c.m.CutAllowed(i) {
			pos = append(pos, i)
		}
	}
	pos = append(pos, to)
	prefix := make([]float64, len(c.Step)+1)
	for i, v := range c.Step {
		prefix[i+1] = prefix[i] + v
	}
	const over = 1e15 // the price of a span over the budget
	best := make([]float64, len(pos))
	prev := make([]int, len(pos))
	for j := 1; j < len(pos); j++ {
		best[j], prev[j] = math.Inf(1), -1
		for i := j - 1; i >= 0; i-- {
			steps := prefix[pos[j]] - prefix[pos[i]]
			est := c.Fixed + c.edge(pos[i]) + c.edge(pos[j]) + steps
			if est > budget {
				est += over
			}
			if v := best[i] + est; v < best[j] {
				best[j], prev[j] = v, i
			}
			if steps > budget && prev[j] >= 0 && best[j] < over {
				break // longer spans only grow
			}
		}
	}
	var spans []Span
	for j := len(pos) - 1; j > 0; j = prev[j] {
		spans = append(spans, Span{pos[prev[j]], pos[j]})
	}
	slices.Reverse(spans)
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

// PlanK cuts the steps [from, to) into exactly k spans (fewer when the
// model has fewer allowed cuts) with the smallest largest estimate:
// dynamic programming over (cuts, spans), O(k·cuts²).
func (c *Costs) PlanK(from, to, k int) []Span {
	pos := []int{from}
	for i := from + 1; i < to; i++ {
		if c.m.CutAllowed(i) {
			pos = append(pos, i)
		}
	}
	pos = append(pos, to)
	k = max(1, min(k, len(pos)-1))
	prefix := make([]float64, len(c.Step)+1)
	for i, v := range c.Step {
		prefix[i+1] = prefix[i] + v
	}
	est := func(i, j int) float64 {
		return c.Fixed + c.edge(pos[i]) + c.edge(pos[j]) + prefix[pos[j]] - prefix[pos[i]]
	}
	// worst[s][j]: the smallest largest estimate covering pos[0..j] with s spans
	worst := make([][]float64, k+1)
	prev := make([][]int, k+1)
	for s := range worst {
		worst[s] = make([]float64, len(pos))
		prev[s] = make([]int, len(pos))
		for j := range worst[s] {
			worst[s][j] = math.Inf(1)
		}
	}
	worst[0][0] = 0
	for s := 1; s <= k; s++ {
		for j := s; j < len(pos); j++ {
			for i := s - 1; i < j; i++ {
				if v := max(worst[s-1][i], est(i, j)); v < worst[s][j] {
					worst[s][j], prev[s][j] = v, i
				}
			}
		}
	}
	var spans []Span
	for s, j := k, len(pos)-1; s > 0; s-- {
		i := prev[s][j]
		spans = append(spans, Span{pos[i], pos[j]})
		j = i
	}
	slices.Reverse(spans)
	return spans
}

// fits reports whether every span of plan is within budget or cannot be
// cut.
func (c *Costs) fits(plan []Span, budget float64) bool {
	for _, sp := range plan {
		if c.Estimate(sp.From, sp.To) > budget && splittable(c.m, sp) {
			return false
		}
	}
	return true
}
