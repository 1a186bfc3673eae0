package segment

import (
	"fmt"

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
	add := func(cost float64, live int, allowed bool) {
		d.Step = append(d.Step, cost)
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
			add(c.Step[i], c.Live[i+1], c.allowed[i+1])
			i++
			continue
		}
		b := blocks[bi]
		bounds := model.GroupBounds(b.Channels, groups[bi])
		for g := range groups[bi] {
			share := float64(bounds[g+1]-bounds[g]) / float64(b.Channels)
			live := c.Live[b.From] + b.OutSize*bounds[g+1]/b.Channels
			for j := b.From; j < b.To; j++ {
				add(c.Step[j]*share, live, j == b.To-1)
			}
		}
		add(0, c.Live[b.To], c.allowed[b.To]) // the Concat
		i = b.To
	}
	return splitCosts{d, start}
}

// largest is the largest estimate of a plan's spans.
func (c *Costs) largest(plan []Span) (float64, Span) {
	w, at := 0.0, Span{}
	for _, sp := range plan {
		if e := c.Estimate(sp.From, sp.To); e > w {
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

// applySplits decides the splits of m (compiled from modelPath, raw) for a
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
	groups := c.chooseSplits(blocks, n, k, func(i, g int) bool { return m.CheckSplit(split(i, g)) == nil })
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
