package segment

import (
	"fmt"
	"maps"
	"math"
	"slices"

	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/proof"
)

// Splitting a block by output channels (model.Split): a block of steps
// that cannot be cut (a convolution with its ReLU and max pool fused) and
// costs more than a segment may hold becomes G groups, each a block of
// its own, that segments may divide (docs/SCALING.md "Splitting a block
// by output channels"; why the integers are the unsplit block's:
// model/split.go).
//
// Compile decides splits on the unsplit model's measured costs, from which
// the split model's are derived without measuring again: group g's steps
// cost the block's steps times its share of the output channels (a
// convolution's map, its rescale, ReLU and pool are all per output
// channel), the Concat nothing (it moves wires), and a cut after group g
// hands on what crosses the cut before the block plus the first g+1
// groups' outputs. The split model is then compiled once and its own cuts
// and boundaries replace the derived ones; each segment's exact count
// decides, as without splits.

// maxGroups bounds the groups a block is split into.
const maxGroups = 64

// splitCosts are the costs of a model with some of its blocks split.
type splitCosts struct {
	*Costs
	start []int // per block: its first step in the split model (split or not)
}

// derive returns the costs of the model of c (unsplit) with blocks[i]
// split into the groups of bounds[i] (model.Split.Bounds; fewer than 3:
// not split).
func (c *Costs) derive(blocks []model.SplitBlock, bounds [][]int) splitCosts {
	d := &Costs{Fixed: c.Fixed, Before: c.Before, BeforeWords: c.BeforeWords, Total: c.Total, Pieces: c.Pieces, spanLimit: c.spanLimit,
		Live: []int{c.Live[0]}, allowed: []bool{c.allowed[0]}}
	start := make([]int, len(blocks))
	words := func(i int) float64 {
		if c.Words == nil {
			return 0
		}
		return c.Words[i]
	}
	// A split block's output crosses later cuts as its groups' outputs.
	groupsOf := map[string]map[string]int{}
	carried := func(cut int, extra map[string]int) map[string]int {
		out := maps.Clone(extra)
		if out == nil {
			out = map[string]int{}
		}
		if c.carried == nil {
			return out
		}
		for id, n := range c.carried[cut] {
			if gs, ok := groupsOf[id]; ok {
				for g, m := range gs {
					out[g] += m
				}
			} else {
				out[id] += n
			}
		}
		return out
	}
	add := func(cost, w float64, live int, allowed bool, carry map[string]int) {
		d.Step = append(d.Step, cost)
		if c.Words != nil {
			d.Words = append(d.Words, w)
		}
		d.Live = append(d.Live, live)
		d.allowed = append(d.allowed, allowed)
		d.carried = append(d.carried, carry)
	}
	d.carried = []map[string]int{carried(0, nil)}
	bi := 0
	for i := 0; i < len(c.Step); {
		for bi < len(blocks) && blocks[bi].To <= i {
			bi++
		}
		if bi < len(blocks) && blocks[bi].From == i {
			start[bi] = len(d.Step)
		}
		if bi == len(blocks) || blocks[bi].From != i || len(bounds[bi]) < 3 {
			add(c.Step[i], words(i), c.Live[i+1], c.allowed[i+1], carried(i+1, nil))
			i++
			continue
		}
		b, bs := blocks[bi], bounds[bi]
		done := map[string]int{} // the groups' outputs so far
		for g := range len(bs) - 1 {
			share := float64(bs[g+1]-bs[g]) / float64(b.Channels)
			done[fmt.Sprintf("%s#%d-%d", b.Last, bs[g], bs[g+1])] = b.OutSize * (bs[g+1] - bs[g]) / b.Channels
			live, carry := c.Live[b.From]+b.OutSize*bs[g+1]/b.Channels, carried(b.From, done)
			if g == len(bs)-2 { // after the last group: as after the block
				groupsOf[b.Last] = maps.Clone(done)
				live, carry = c.Live[b.To], carried(b.To, nil)
			}
			for j := b.From; j < b.To; j++ {
				add(c.Step[j]*share, words(j)*share, live, j == b.To-1, carry)
			}
		}
		add(0, 0, c.Live[b.To], c.allowed[b.To], carried(b.To, nil)) // the Concat
		i = b.To
	}
	return splitCosts{d, start}
}

// evenBounds are the bounds of blocks split into groups[i] even groups
// each (0 or 1: none).
func evenBounds(blocks []model.SplitBlock, groups []int) [][]int {
	out := make([][]int, len(blocks))
	for i, g := range groups {
		if g >= 2 {
			out[i] = model.GroupBounds(blocks[i].Channels, g)
		}
	}
	return out
}

// cutSplits plans k segments of the model with every block of blocks cut
// into units of channels (each channel, or 1/maxGroups of them), so that
// a plan may end a segment at any unit, and returns the bounds that plan
// makes of each block: the units between its cuts merged (nil: no cut
// inside). The plan (PlanK) takes the least CPU, FFT domains counted,
// with no segment more than WeightSlack heavier than the largest of the
// plan with blocks split evenly (evenWeight; kept as c.spanLimit for the
// segments' plans): a block's groups need not be even. cnn_c32 in 4
// segments moves 4 of the second convolution's 64 channels into the
// stem's second segment, so that the two segments after it fit under
// 2^16 constraints (docs/SCALING.md).
func (c *Costs) cutSplits(blocks []model.SplitBlock, k int, evenWeight float64) [][]int {
	c.spanLimit = evenWeight*(1+WeightSlack) - c.Fixed
	units := make([][]int, len(blocks))
	for i, b := range blocks {
		units[i] = model.GroupBounds(b.Channels, min(b.Channels, maxGroups))
	}
	d := c.derive(blocks, units)
	plan := d.PlanK(0, len(d.Step), k)
	out := make([][]int, len(blocks))
	for i, b := range blocks {
		n, g := b.To-b.From, len(units[i])-1
		bs := []int{0}
		for _, sp := range plan[1:] {
			// a cut after unit u (not the last) inside the block
			if u := (sp.From-d.start[i])/n - 1; sp.From > d.start[i] && (sp.From-d.start[i])%n == 0 && u < g-1 {
				bs = append(bs, units[i][u+1])
			}
		}
		if len(bs) > 1 {
			out[i] = append(bs, b.Channels)
		}
	}
	return out
}

// largest is the largest Weight of a plan's spans.
func (c *Costs) largest(plan []Span) (float64, Span) {
	w, at := 0.0, Span{}
	for _, sp := range plan {
		if e := c.Weight(sp.From, sp.To); e > w {
			w, at = e, sp
		}
	}
	return w, at
}

// chooseSplits decides the groups each block of blocks is split into, as
// their bounds (model.Split.Bounds; nil: none). For k segments alone (k >
// 0, n = 0), where the plan cuts the blocks at any channel (cutSplits),
// when every block may be split so; else, for a bound of n constraints a
// segment (n > 0), each block over it alone into the fewest even groups
// that each fit; for k segments (k > 0), then, the even groups of the
// search (searchSplits) or, one block at a time, the block in the plan's
// largest segment and its groups (up to 2k, or none) that lower the largest
// segment most, while that lowers it by 2% at least (a descent, not an
// exhaustive search: O(blocks · k) plans a step). ok(i, bounds) reports
// whether block i may be split at bounds (model.Model.CheckSplit).
func (c *Costs) chooseSplits(blocks []model.SplitBlock, n, k int, ok func(i int, bounds []int) bool) [][]int {
	even := c.evenSplits(blocks, n, k, func(i, g int) bool { return ok(i, model.GroupBounds(blocks[i].Channels, g)) })
	if k > 0 && n == 0 {
		d := c.derive(blocks, evenBounds(blocks, even))
		w, _ := d.largest(d.Balanced(0, len(d.Step), k))
		bs := c.cutSplits(blocks, k, w)
		all := true
		for i, b := range bs {
			all = all && (b == nil || ok(i, b))
		}
		if all {
			return bs
		}
		c.spanLimit = 0
	}
	return evenBounds(blocks, even)
}

// evenSplits is chooseSplits with even groups: each block's count (0: none).
func (c *Costs) evenSplits(blocks []model.SplitBlock, n, k int, ok func(i, g int) bool) []int {
	groups := make([]int, len(blocks))
	if n > 0 {
		for i, b := range blocks {
			if c.Estimate(b.From, b.To) <= float64(n) {
				continue
			}
			for g := 2; g <= min(b.Channels, maxGroups); g++ {
				if !ok(i, g) {
					continue
				}
				groups[i] = g
				if fitsGroups(c, blocks, groups, i, n) {
					break
				}
				groups[i] = 0 // none fits: the block is reported as it is
			}
		}
	}
	if k <= 0 {
		return groups
	}
	if g, ok := c.searchSplits(blocks, groups, n, k, ok); ok {
		return g
	}
	for range 4 * len(blocks) {
		d := c.derive(blocks, evenBounds(blocks, groups))
		worst, sp := d.largest(d.Balanced(0, len(d.Step), k))
		best, bi, bg := worst, -1, 0
		for i, b := range blocks {
			n := b.To - b.From
			if groups[i] >= 2 {
				n = groups[i]*n + 1
			}
			if d.start[i] >= sp.To || d.start[i]+n <= sp.From {
				continue // only a block in the largest segment can lower it
			}
			for g := 1; g <= min(b.Channels, 2*k, maxGroups); g++ {
				if g == max(groups[i], 1) || (n > 0 && g < groups[i]) || (g >= 2 && !ok(i, g)) {
					continue
				}
				try := append([]int(nil), groups...)
				try[i] = g
				dd := c.derive(blocks, evenBounds(blocks, try))
				if w, _ := dd.largest(dd.Balanced(0, len(dd.Step), k)); w < best {
					best, bi, bg = w, i, g
				}
			}
		}
		if bi < 0 || best > 0.98*worst {
			return groups
		}
		groups[bi] = bg
	}
	return groups
}

// maxCombinations bounds the plans searchSplits tries.
const maxCombinations = 4096

// searchSplits tries every combination of group counts (none, or 2 to
// 2k) for the blocks that cost more than half a segment's share of the
// model, when there are at most maxCombinations, and returns the one
// whose plan in k segments has the smallest largest segment (the fewest
// groups among equals); false when there are more (the descent decides).
// A descent alone stops in a local minimum: cnn_c32 in 4 segments, the
// stem in 7 groups and conv2's block in 2 (largest 101,624 estimated)
// where 8 and 8 give 93,233.
func (c *Costs) searchSplits(blocks []model.SplitBlock, groups []int, n, k int, ok func(i, g int) bool) ([]int, bool) {
	total := c.Weight(0, len(c.Step)) - c.Fixed
	var idx []int
	var opts [][]int
	combos := 1
	for i, b := range blocks {
		if c.Weight(b.From, b.To) < total/float64(2*k) {
			continue
		}
		o := []int{max(groups[i], 1)}
		for g := 2; g <= min(b.Channels, 2*k, maxGroups); g++ {
			if g != groups[i] && (n == 0 || g >= groups[i]) && ok(i, g) {
				o = append(o, g)
			}
		}
		idx, opts = append(idx, i), append(opts, o)
		if combos *= len(o); combos > maxCombinations {
			return nil, false
		}
	}
	best, bestSum := math.Inf(1), 0
	var bestG []int
	try := append([]int(nil), groups...)
	var walk func(j, sum int)
	walk = func(j, sum int) {
		if j == len(idx) {
			d := c.derive(blocks, evenBounds(blocks, try))
			w, _ := d.largest(d.Balanced(0, len(d.Step), k))
			if w < best*0.999 || (w <= best*1.001 && sum < bestSum) {
				best, bestSum, bestG = w, sum, append([]int(nil), try...)
			}
			return
		}
		for _, g := range opts[j] {
			try[idx[j]] = g
			walk(j+1, sum+g)
		}
	}
	walk(0, 0)
	return bestG, true
}

// fitsGroups reports whether each group of block i, split as groups says,
// fits n constraints alone.
func fitsGroups(c *Costs, blocks []model.SplitBlock, groups []int, i, n int) bool {
	d := c.derive(blocks, evenBounds(blocks, groups))
	b := blocks[i]
	for j := range groups[i] {
		from := d.start[i] + j*(b.To-b.From)
		if d.Estimate(from, from+b.To-b.From) > float64(n) {
			return false
		}
	}
	return true
}

// chooseModelSplits decides the splits of m (opt.Splits when given) for
// a bound of n constraints a segment and k segments (chooseSplits).
func chooseModelSplits(m *model.Model, c *Costs, top *proof.Compiled, opt CompileOptions, n, k int) ([]model.Split, error) {
	if top.Settings.Visibility.SecretParams() {
		return nil, nil
	}
	blocks := m.SplitBlocks()
	// split is block i split at bounds: even ones (GroupBounds) are named
	// by their count alone, as before uneven groups.
	split := func(i int, bounds []int) model.Split {
		s := model.Split{Conv: blocks[i].Conv, Last: blocks[i].Last, Groups: len(bounds) - 1, Bounds: bounds}
		if slices.Equal(bounds, model.GroupBounds(blocks[i].Channels, s.Groups)) {
			s.Bounds = nil
		}
		return s
	}
	if len(opt.Splits) > 0 {
		for _, s := range opt.Splits {
			if !slices.ContainsFunc(blocks, func(b model.SplitBlock) bool { return b.Conv == s.Conv && b.Last == s.Last }) {
				return nil, fmt.Errorf("no block from %q to %q that cannot be cut can be split: a Conv without groups and its channel-local tail", s.Conv, s.Last)
			}
			if err := m.CheckSplit(s); err != nil {
				return nil, err
			}
		}
		return opt.Splits, nil
	}
	var splits []model.Split
	for i, b := range c.chooseSplits(blocks, n, k, func(i int, b []int) bool { return m.CheckSplit(split(i, b)) == nil }) {
		if len(b) >= 3 {
			splits = append(splits, split(i, b))
		}
	}
	return splits, nil
}

// applySplits compiles the model m (compiled from modelPath, raw) with
// splits, when there are any, and returns it with its costs (c's steps'
// costs derived; the split model's own cuts and boundaries) and a line
// for the progress log. With none it returns top and c.
func applySplits(m *model.Model, c *Costs, top *proof.Compiled, modelPath string, raw []byte, splits []model.Split) (*proof.Compiled, *Costs, string, error) {
	if len(splits) == 0 {
		return top, c, "", nil
	}
	blocks := m.SplitBlocks()
	var used []model.SplitBlock
	var bs [][]int
	for _, s := range splits {
		i := slices.IndexFunc(blocks, func(b model.SplitBlock) bool { return b.Conv == s.Conv && b.Last == s.Last })
		if i < 0 {
			return nil, nil, "", fmt.Errorf("no block from %q to %q that cannot be cut can be split: a Conv without groups and its channel-local tail", s.Conv, s.Last)
		}
		b, err := s.ChannelBounds(blocks[i].Channels)
		if err != nil {
			return nil, nil, "", err
		}
		used, bs = append(used, blocks[i]), append(bs, b)
	}
	d := c.derive(used, bs)
	st := top.Settings
	top2, err := proof.BuildModelSplit(modelPath, raw, st.Quant, st.Visibility, st.ModelSHA256, nil, splits)
	if err != nil {
		return nil, nil, "", err
	}
	top2.Settings.Backend = st.Backend
	m2 := top2.Model
	if m2.NumSteps() != len(d.Step) {
		return nil, nil, "", fmt.Errorf("the model split by output channels has %d steps, %d expected", m2.NumSteps(), len(d.Step))
	}
	names := []string{}
	for _, s := range splits {
		names = append(names, s.Last)
	}
	for _, o := range m.Graph.Outputs {
		names = append(names, o.Name)
	}
	if t := model.SameDescription(m, m2, names); t != "" {
		return nil, nil, "", fmt.Errorf("the model split by output channels describes %q otherwise than the unsplit model: a bug, report it", t)
	}
	d.Live, d.allowed, d.carried = m2.Boundaries(), cutsAllowed(m2), carriedTensors(m2)
	msg := ""
	for i, s := range splits {
		msg += fmt.Sprintf("; steps [%d, %d) (from %s) split into %d groups of output channels", used[i].From, used[i].To, m.StepName(used[i].From), s.Groups)
		if s.Bounds != nil {
			msg += fmt.Sprintf(" (%v)", s.Bounds)
		}
	}
	return top2, d.Costs, msg[2:], nil
}
