package segment

import (
	"fmt"
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
// split into groups[i] groups (0 or 1: not split).
func (c *Costs) derive(blocks []model.SplitBlock, groups []int) splitCosts {
	d := &Costs{Fixed: c.Fixed, Total: c.Total, Pieces: c.Pieces,
		Live: []int{c.Live[0]}, allowed: []bool{c.allowed[0]}}
	start := make([]int, len(blocks))
	words := func(i int) float64 {
		if c.Words == nil {
			return 0
		}
		return c.Words[i]
	}
	add := func(cost, w float64, live int, allowed bool) {
		d.Step = append(d.Step, cost)
		if c.Words != nil {
			d.Words = append(d.Words, w)
		}
		d.Live = append(d.Live, live)
		d.allowed = append(d.allowed, allowed)
	}
	bi := 0
	for i := 0; i < len(c.Step); {
		for bi < len(blocks) && blocks[bi].To <= i {
			bi++
		}
		if bi < len(blocks) && blocks[bi].From == i {
			start[bi] = len(d.Step)
		}
		if bi == len(blocks) || blocks[bi].From != i || groups[bi] < 2 {
			add(c.Step[i], words(i), c.Live[i+1], c.allowed[i+1])
			i++
			continue
		}
		b := blocks[bi]
		bounds := model.GroupBounds(b.Channels, groups[bi])
		for g := range groups[bi] {
			share := float64(bounds[g+1]-bounds[g]) / float64(b.Channels)
			live := c.Live[b.From] + b.OutSize*bounds[g+1]/b.Channels
			for j := b.From; j < b.To; j++ {
				add(c.Step[j]*share, words(j)*share, live, j == b.To-1)
			}
		}
		add(0, 0, c.Live[b.To], c.allowed[b.To]) // the Concat
		i = b.To
	}
	return splitCosts{d, start}
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

// chooseSplits decides how many groups each block of blocks is split into
// (0: none): for a bound of n constraints a segment (n > 0), each block
// over it alone into the fewest groups that each fit; for k segments
// (k > 0), then, one block at a time, the block in the plan's largest
// segment and its groups (up to 2k, or none) that lower the largest
// segment most, while that lowers it by 2% at least (a descent, not an
// exhaustive search: O(blocks · k) plans a step). ok(i, g) reports whether block i may be split into g groups
// (model.Model.CheckSplit).
func (c *Costs) chooseSplits(blocks []model.SplitBlock, n, k int, ok func(i, g int) bool) []int {
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
		d := c.derive(blocks, groups)
		worst, sp := d.largest(d.PlanK(0, len(d.Step), k))
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
				dd := c.derive(blocks, try)
				if w, _ := dd.largest(dd.PlanK(0, len(dd.Step), k)); w < best {
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
			d := c.derive(blocks, try)
			w, _ := d.largest(d.PlanK(0, len(d.Step), k))
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
	d := c.derive(blocks, groups)
	b := blocks[i]
	for j := range groups[i] {
		from := d.start[i] + j*(b.To-b.From)
		if d.Estimate(from, from+b.To-b.From) > float64(n) {
			return false
		}
	}
	return true
}

// applySplits decides the splits of m (opt.Splits when given) (compiled from modelPath, raw) for a
// bound of n constraints a segment and k segments, and when there are
// any, compiles the split model and returns it with its costs (the
// derived steps' costs; the model's own cuts and boundaries), the splits,
// and a line for the progress log. With none it returns m and c.
func applySplits(m *model.Model, c *Costs, top *proof.Compiled, modelPath string, raw []byte, opt CompileOptions, n, k int) (*proof.Compiled, *Costs, []model.Split, string, error) {
	if top.Settings.Visibility.SecretParams() {
		return top, c, nil, "", nil
	}
	blocks := m.SplitBlocks()
	split := func(i, g int) model.Split {
		return model.Split{Conv: blocks[i].Conv, Last: blocks[i].Last, Groups: g}
	}
	var groups []int
	if len(opt.Splits) > 0 {
		groups = make([]int, len(blocks))
		for _, s := range opt.Splits {
			i := slices.IndexFunc(blocks, func(b model.SplitBlock) bool { return b.Conv == s.Conv && b.Last == s.Last })
			if i < 0 {
				return nil, nil, nil, "", fmt.Errorf("no block from %q to %q that cannot be cut can be split: a Conv without groups and its channel-local tail", s.Conv, s.Last)
			}
			if err := m.CheckSplit(s); err != nil {
				return nil, nil, nil, "", err
			}
			groups[i] = s.Groups
		}
	} else {
		groups = c.chooseSplits(blocks, n, k, func(i, g int) bool { return m.CheckSplit(split(i, g)) == nil })
	}
	var splits []model.Split
	var used []model.SplitBlock
	var gs []int
	for i, g := range groups {
		if g >= 2 {
			splits, used, gs = append(splits, split(i, g)), append(used, blocks[i]), append(gs, g)
		}
	}
	if len(splits) == 0 {
		return top, c, nil, "", nil
	}
	d := c.derive(used, gs)
	st := top.Settings
	top2, err := proof.BuildModelSplit(modelPath, raw, st.Quant, st.Visibility, st.ModelSHA256, nil, splits)
	if err != nil {
		return nil, nil, nil, "", err
	}
	top2.Settings.Backend = st.Backend
	m2 := top2.Model
	if m2.NumSteps() != len(d.Step) {
		return nil, nil, nil, "", fmt.Errorf("the model split by output channels has %d steps, %d expected", m2.NumSteps(), len(d.Step))
	}
	names := []string{}
	for _, s := range splits {
		names = append(names, s.Last)
	}
	for _, o := range m.Graph.Outputs {
		names = append(names, o.Name)
	}
	if t := model.SameDescription(m, m2, names); t != "" {
		return nil, nil, nil, "", fmt.Errorf("the model split by output channels describes %q otherwise than the unsplit model: a bug, report it", t)
	}
	d.Live, d.allowed = m2.Boundaries(), cutsAllowed(m2)
	msg := ""
	for i, s := range splits {
		msg += fmt.Sprintf("; steps [%d, %d) (from %s) split into %d groups of output channels", used[i].From, used[i].To, m.StepName(used[i].From), s.Groups)
	}
	return top2, d.Costs, splits, msg[2:], nil
}
