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
	Step []float64 // per step
	// Words is the calldata words each step adds (circuit.StepCost.Words),
	// what a prover's peak grows with beside the constraints (nil: not
	// measured, and planning in k segments weighs constraints alone).
	Words []float64
	Live  []int   // per cut 0..steps: values crossing it
	Fixed float64 // per segment whatever it holds (the context)
	// Before and BeforeWords are what the model inputs' checks cost, their
	// lookups' share included: the first segment's alone (a later segment
	// reads its inputs unchecked). Spread into the first step, as before
	// 2026-12-01, a split first block shared them among its groups:
	// cnn_c32's first segment estimated 3k under, its second 3k over.
	Before, BeforeWords float64
	// spanLimit, when positive, is a Weight beyond Fixed that PlanK lets
	// any span reach: WeightSlack over the largest segment of the plan
	// with blocks split evenly (cutSplits), where a plan of uneven groups
	// balances worse on the Weight.
	spanLimit float64
	// carried[c] is what crosses cut c by tensor (a Concat's output is
	// its inputs: the same wires in a circuit), for the values a segment
	// hands on as it came (passed; nil: none known).
	carried []map[string]int
	// Total is the unsegmented circuit's constraints: exact when Pieces
	// is 1, otherwise the sum of the steps' estimates and the inputs'
	// checks.
	Total  int
	Pieces int // the circuits measured
	// allowed[c] reports whether the model may be cut before step c
	// (model.Model.CutAllowed).
	allowed []bool
}

// PerBoundaryValue is what a boundary value costs its two segments
// together (circuit's TestBoundaryCost: 2.10 with either range check):
// one constraint in each for its fingerprint (Horner's rule over the
// values unpacked, a product by r a value) and about 0.1 in the producer
// for its packed wires (one equality per packed field element of about
// 10 values, which its boundary commitment holds); the boundary
// commitment itself costs a constant. The consumer range-checks nothing:
// the fingerprints' equality gives it the producer's values, which the
// producer's gadgets bound. Planning charges PerBoundaryIn of it to the
// segment that reads the value and the rest to the one that computes it;
// the exact count of each segment's circuit decides. (Before: 3.3 and 3.1,
// the consumer's range check to the packing width costing 3 of them.) A
// value a segment hands on as it came (the end of its boundary input, the
// start of its output: a tensor it only carries, or their concatenation)
// costs that segment 1.1 instead of 2.1, one Horner chain serving both
// fingerprints (circuit's TestBoundaryCost); planning does not tell such
// values apart and charges them in full, which leaves a segment under its
// estimate.
const (
	PerBoundaryValue = 2.1
	PerBoundaryIn    = 1.0
)

// WordsPerConstraint is how many calldata words weigh as much as one
// constraint in a prover's peak memory, for planning k segments (the
// largest segment's peak as small as it can be): fitted on cnn_c32's
// unsegmented prove and its 4 segments (2026-12-01, c27b3bc), the peak
// RSS of `zkinfer prove` is about 28 MB + 0.43 KB a constraint + 3.7 B a
// calldata word (the constraint system's linear expressions, held while
// it is solved), within 5%: a segment of 89,477 constraints holding
// three quarters of the second convolution's 288-term dot products
// (15.8M words) peaked at 125 MB, one of 89,282 constraints of the
// first's 27-term ones (5.2M words) at 86 MB.
const WordsPerConstraint = 116

// MinPiece is the fewest constraints MeasureCosts is asked to build at a
// time: a model under it is measured in one circuit (exactly), and a
// smaller piece would only add tables and inputs to measure.
const MinPiece = 1 << 20

// deferredPerBit is what a circuit's end adds per bit range-checked
// before it, for deciding where a piece stops (not for the estimates,
// which are measured): 0.08 to 0.21 in the corpus' large_mlp,
// multihead_attention, mnist_gan and lstm_medium and in resnet_c32, with
// lookups. A piece stops when its steps and this much more pass the
// limit, so that the last piece, which is built to its end, stays near it.
const deferredPerBit = 0.15

// MeasureCosts measures what each step of m costs under vis, building
// circuits of about limit constraints (0: the whole model at once) so that
// measuring holds no more than a segment of that size does.
//
// The model is built from its first step on until the builder holds more
// than limit constraints, what the circuit's end would add included
// (deferredPerBit), at a cut the model allows (circuit.StepCosts' Stop);
// those steps are measured, the circuit is dropped, and the next
// piece is built from that cut on, with the live tensors as its inputs
// (their checks, which the boundary's cost covers, are not the steps').
// Each step's own constraints are exact, as in the whole circuit: a step's
// gadgets do not depend on where its inputs come from. What gadgets defer
// to the circuit's end (lookup arguments and tables, commitments) is known
// only for a piece built to the end: it is spread over that piece's steps
// in proportion to the bits their range checks cover (StepCost.Bits: a
// lookup check's limbs, all deferred, grow with its width; counting checks
// alone put 20% more on a ResNet's later steps in pieces than whole), and
// over a stopped piece's steps at the rate per bit of a finished piece
// (the last, or the first piece built again to its end when the last is
// too small to say). Each piece pays its own lookup tables, as each
// segment does, so a model in several pieces comes out a few percent
// dearer than in one: Compile checks every segment's exact count and cuts
// again.
func MeasureCosts(m *model.Model, vis circuit.Visibility, opt circuit.BuildOptions, limit int) (*Costs, error) {
	steps := m.NumSteps()
	c := &Costs{Step: make([]float64, steps), Words: make([]float64, steps), Live: m.Boundaries(), allowed: cutsAllowed(m), Fixed: 2,
		carried: carriedTensors(m)}
	type stopped struct {
		from int
		sc   *circuit.StepCost
	}
	var pending []stopped
	rate, rated, before := 0.0, 0, 0 // deferred constraints per bit checked, from a circuit of rated constraints
	wrate := 0.0                     // deferred calldata words per bit checked
	for from := 0; from < steps; {
		c.Pieces++
		sub, v, err := piece(m, vis, from, steps)
		if err != nil {
			return nil, err
		}
		sc, err := circuit.StepCosts(sub, v, circuit.StepCostOptions{BuildOptions: opt, Stop: limit, DeferredPerBit: deferredPerBit,
			CanStop: func(i int) bool { return m.CutAllowed(from + i + 1) }})
		if err != nil {
			return nil, err
		}
		if from == 0 {
			before = sc.Before
			c.Before = float64(before)
		}
		for i, n := range sc.Own {
			c.Step[from+i], c.Words[from+i] = float64(n), float64(sc.Words[i])
		}
		if sc.Steps < sub.NumSteps() {
			pending = append(pending, stopped{from, sc})
			from += sc.Steps
			continue
		}
		rate, rated = deferred(sc), sc.Total
		wrate = deferredWords(sc)
		for i, k := range sc.Bits {
			c.Step[from+i] += rate * float64(k)
			c.Words[from+i] += wrate * float64(k)
		}
		if from == 0 {
			c.Before += rate * float64(sc.BeforeBits)
			c.BeforeWords = wrate*float64(sc.BeforeBits) + float64(sc.BeforeWords)
			c.Total = sc.Total
			return c, nil
		}
		break
	}
	if rated < limit/2 {
		// The last piece is too small to say what a bit checked defers
		// (its tables weigh more than its checks): build the stopped piece
		// with the most checked bits to its end.
		p := pending[0]
		for _, q := range pending {
			if sum(q.sc.Bits) > sum(p.sc.Bits) {
				p = q
			}
		}
		sub, v, err := piece(m, vis, p.from, p.from+p.sc.Steps)
		if err != nil {
			return nil, err
		}
		sc, err := circuit.StepCosts(sub, v, circuit.StepCostOptions{BuildOptions: opt, LooseOutputs: true})
		if err != nil {
			return nil, err
		}
		rate, wrate = deferred(sc), deferredWords(sc)
		c.Pieces++
	}
	for _, p := range pending {
		for i, k := range p.sc.Bits {
			c.Step[p.from+i] += rate * float64(k)
			c.Words[p.from+i] += wrate * float64(k)
		}
	}
	c.Before += rate * float64(pending[0].sc.BeforeBits)
	c.BeforeWords = wrate*float64(pending[0].sc.BeforeBits) + float64(pending[0].sc.BeforeWords)
	total := c.Before
	for _, v := range c.Step {
		total += v
	}
	c.Total = int(math.Round(total))
	return c, nil
}

// deferred is what a finished piece's circuit defers to its end per bit
// its range checks cover, its inputs' included. The model's inputs' share
// goes to the first step, which every segment that checks them holds; a
// piece's other inputs' share is the boundary's (PerBoundaryIn).
func deferred(sc *circuit.StepCost) float64 {
	weight := sum(sc.Bits) + sc.BeforeBits
	if weight == 0 {
		return 0
	}
	return float64(sc.After) / float64(weight)
}

// deferredWords is deferred's rate for calldata words: what a finished
// piece's end holds per bit its range checks cover.
func deferredWords(sc *circuit.StepCost) float64 {
	weight := sum(sc.Bits) + sc.BeforeBits
	if weight == 0 {
		return 0
	}
	return float64(sc.AfterWords) / float64(weight)
}

func sum(v []int) int {
	s := 0
	for _, x := range v {
		s += x
	}
	return s
}

// piece is the sub-model of m's steps [from, to) and the visibility it is
// measured under: the model's own where the model's inputs and outputs
// are, private inputs and public outputs inside.
func piece(m *model.Model, vis circuit.Visibility, from, to int) (*model.Model, circuit.Visibility, error) {
	sub, _, err := m.Sub(from, to)
	if err != nil {
		return nil, vis, err
	}
	v := vis
	if from > 0 {
		v.Input, v.InputSignedBy = circuit.Private, ""
	}
	if to < m.NumSteps() {
		v.Output, v.Claim = circuit.Public, ""
	}
	if len(sub.Params) == 0 {
		v.Params, v.ParamCommitment, v.ParamBits = circuit.Fixed, "", 0
	}
	return sub, v, v.Validate()
}

// carriedTensors lists, for each cut of m, the tensors live across it
// and their sizes, a Concat's output counted as its inputs (a
// concatenation moves wires: the circuit hands them on as they came).
func carriedTensors(m *model.Model) []map[string]int {
	concat := map[string][]string{}
	for _, n := range m.Graph.Nodes {
		if n.Op == "Concat" && len(n.Outputs) == 1 {
			concat[n.Outputs[0]] = n.Inputs
		}
	}
	out := make([]map[string]int, m.NumSteps()+1)
	for c := range out {
		out[c] = map[string]int{}
		for _, name := range m.Live(c) {
			expandInto(out[c], name, size(m, name), concat, m)
		}
	}
	return out
}

// expandInto adds name's size to into, as its Concat inputs' when a
// Concat of described tensors that add up to it computes it.
func expandInto(into map[string]int, name string, n int, concat map[string][]string, m *model.Model) {
	ins := concat[name]
	sizes := make([]int, len(ins))
	total := 0
	for i, in := range ins {
		sizes[i] = size(m, in)
		total += sizes[i]
	}
	if len(ins) == 0 || total != n {
		into[name] += n
		return
	}
	for i, in := range ins {
		expandInto(into, in, sizes[i], concat, m)
	}
}

// size is the values of tensor name of m (0: not described).
func size(m *model.Model, name string) int {
	if info, ok := m.Info(name); ok && info.Const == nil {
		return info.Size()
	}
	return 0
}

// passed is how many values a segment of steps [from, to) hands on as it
// came: those live across both of its cuts, each bound once for both of
// its boundaries (1.1 constraints, not 2.1: circuit's sharedFingerprints).
// None when a cut is the model's end: its inputs or outputs are no
// boundary.
func (c *Costs) passed(from, to int) int {
	if from <= 0 || to >= len(c.Step) || c.carried == nil {
		return 0
	}
	n := 0
	for id, size := range c.carried[from] {
		if s, ok := c.carried[to][id]; ok {
			n += min(s, size)
		}
	}
	return n
}

// edge is the estimated cost of binding the boundary at cut e in the
// segment that reads it (in) or computes it (none at the model's ends).
func (c *Costs) edge(e int, in bool) float64 {
	if e <= 0 || e >= len(c.Step) {
		return 0
	}
	if in {
		return PerBoundaryIn * float64(c.Live[e])
	}
	return (PerBoundaryValue - PerBoundaryIn) * float64(c.Live[e])
}

// Plan cuts the steps [from, to) into spans of at most budget estimated
// constraints, cutting only where the model allows, with the least total
// estimate: each cut costs the binding of its boundary on both sides, so
// the plan cuts where few values cross, and makes no more segments than
// it must (each costs Fixed). Dynamic programming over the allowed cuts
// (O(cuts²)). A span that cannot fit (steps that cannot be cut, over the
// budget) is taken when nothing else covers its steps; the exact compile
// reports it.
func (c *Costs) Plan(from, to int, budget float64) []Span {
	pos := []int{from}
	for i := from + 1; i < to; i++ {
		if c.allowed[i] {
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
			est := c.Fixed + c.edge(pos[i], true) + c.edge(pos[j], false) + steps - PerBoundaryIn*float64(c.passed(pos[i], pos[j]))
			if pos[i] == 0 {
				est += c.Before
			}
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
	s := c.Fixed + c.edge(from, true) + c.edge(to, false) - PerBoundaryIn*float64(c.passed(from, to))
	if from == 0 {
		s += c.Before
	}
	for _, v := range c.Step[from:to] {
		s += v
	}
	return s
}

// Weight is what planning in k segments balances: a segment's estimated
// constraints plus its steps' calldata words over WordsPerConstraint, in
// proportion to its prover's peak memory above the process's own.
func (c *Costs) Weight(from, to int) float64 {
	w := c.Estimate(from, to)
	if c.Words != nil {
		for _, v := range c.Words[from:to] {
			w += v / WordsPerConstraint
		}
		if from == 0 {
			w += c.BeforeWords / WordsPerConstraint
		}
	}
	return w
}

// learn raises the fixed cost per segment when a segment's circuit has
// more constraints (count) than its estimate: what its own lookup tables
// and commitments cost beyond the steps' share.
func (c *Costs) learn(sp Span, count int) {
	if r := float64(count) - (c.Estimate(sp.From, sp.To) - c.Fixed); r > c.Fixed {
		c.Fixed = r
	}
}

// DomainWeight is what a point of a segment's FFT domain costs its
// prover, in constraints' worth of CPU: Groth16 proves over the smallest
// power of two domain holding the constraints, one more MSM point (the
// H polynomial's, a full scalar) and a share of six FFTs a point, each
// constraint a few MSM points of mostly small scalars. Fitted on cnn_c32's
// four segments at a5a4044 (2026-12-01, load 0.5–2, CPU-s by rusage
// around each segment's prover: 4.0, 4.0, 3.0 and 3.0 s for 102,106 ·
// 100,175 · 66,585 · 65,925 constraints, all over 2^17 points: 28.6 µs a
// constraint, 8.5 µs a point) and a microbenchmark (an MSM of full
// scalars: 0.37 s for 2^16 points, 0.81 s for 2^17; six FFTs 0.06 and
// 0.15 s).
const DomainWeight = 0.3

// DomainMargin is how far under a power of two an estimate must be for
// planning to count on that domain: the exact count decides, and
// estimates of a segment are within a few percent of it once Fixed is
// learned.
const DomainMargin = 0.02

// WeightSlack is how much heavier than the smallest largest Weight the
// largest segment of a plan in k segments may be when that saves CPU
// (Costs.CPU): a prover's peak follows the Weight, within 5%.
const WeightSlack = 0.03

// Domain is the FFT domain of a circuit of about n constraints: the power
// of two at or above n·(1+DomainMargin).
func Domain(n float64) float64 {
	d := 1.0
	for d < n*(1+DomainMargin) {
		d *= 2
	}
	return d
}

// CPU is the estimated proving CPU of a segment of steps [from, to), in
// constraints: its estimate and its FFT domain at DomainWeight.
func (c *Costs) CPU(from, to int) float64 {
	e := c.Estimate(from, to)
	return e + DomainWeight*Domain(e)
}

// PlanK cuts the steps [from, to) into exactly k spans (fewer when the
// model has fewer allowed cuts): among the plans whose largest Weight
// (the estimate when no words were measured) is within WeightSlack of
// the smallest it can be (or within spanLimit), the one with the least total CPU (Costs.CPU:
// constraints and FFT domains; cnn_c32: two segments under 2^16 instead
// of just over it). Dynamic programming over (cuts, spans), O(k·cuts²),
// twice: the smallest largest Weight, then the least CPU under it.
func (c *Costs) PlanK(from, to, k int) []Span {
	pos, k := c.cuts(from, to, k)
	weight := func(i, j int) float64 { return c.Weight(pos[i], pos[j]) }
	cpu := func(i, j int) float64 { return c.CPU(pos[i], pos[j]) }
	worst, _ := planDP(len(pos), k, func(acc, v float64) float64 { return max(acc, v) }, weight, nil)
	limit := max(worst*(1+WeightSlack), c.Fixed+c.spanLimit)
	_, spans := planDP(len(pos), k, func(acc, v float64) float64 { return acc + v }, cpu, func(i, j int) bool { return weight(i, j) <= limit })
	return at(pos, spans)
}

// Balanced cuts the steps [from, to) into exactly k spans (fewer when the
// model has fewer allowed cuts) with the smallest largest Weight, what
// PlanK starts from.
func (c *Costs) Balanced(from, to, k int) []Span {
	pos, k := c.cuts(from, to, k)
	_, spans := planDP(len(pos), k, func(acc, v float64) float64 { return max(acc, v) }, func(i, j int) float64 { return c.Weight(pos[i], pos[j]) }, nil)
	return at(pos, spans)
}

// cuts lists the allowed cuts from from to to, both ends included, and
// the spans a plan of k can make of them.
func (c *Costs) cuts(from, to, k int) ([]int, int) {
	pos := []int{from}
	for i := from + 1; i < to; i++ {
		if c.allowed[i] {
			pos = append(pos, i)
		}
	}
	pos = append(pos, to)
	return pos, max(1, min(k, len(pos)-1))
}

// at maps spans over indices of pos to steps.
func at(pos []int, spans []Span) []Span {
	for i := range spans {
		spans[i] = Span{pos[spans[i].From], pos[spans[i].To]}
	}
	return spans
}

// planDP covers positions 0..n−1 with exactly k spans [i, j) (i < j,
// indices into the positions), combining each span's cost(i, j) into a
// plan's by join (from the empty plan's 0) and keeping the smallest; ok,
// when set, excludes spans. It returns the best plan's value and spans.
func planDP(n, k int, join func(acc, v float64) float64, cost func(i, j int) float64, ok func(i, j int) bool) (float64, []Span) {
	best := make([][]float64, k+1)
	prev := make([][]int, k+1)
	for s := range best {
		best[s] = make([]float64, n)
		prev[s] = make([]int, n)
		for j := range best[s] {
			best[s][j] = math.Inf(1)
		}
	}
	best[0][0] = 0
	for s := 1; s <= k; s++ {
		for j := s; j < n; j++ {
			for i := s - 1; i < j; i++ {
				if math.IsInf(best[s-1][i], 1) || (ok != nil && !ok(i, j)) {
					continue
				}
				if v := join(best[s-1][i], cost(i, j)); v < best[s][j] {
					best[s][j], prev[s][j] = v, i
				}
			}
		}
	}
	var spans []Span
	for s, j := k, n-1; s > 0; s-- {
		i := prev[s][j]
		spans = append(spans, Span{i, j})
		j = i
	}
	slices.Reverse(spans)
	return best[k][n-1], spans
}

// cutsAllowed lists model.Model.CutAllowed for every cut 0..NumSteps.
func cutsAllowed(m *model.Model) []bool {
	out := make([]bool, m.NumSteps()+1)
	for c := range out {
		out[c] = m.CutAllowed(c)
	}
	return out
}
