package model

import (
	"fmt"
	"maps"
	"math"
	"slices"

	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/ops"
)

// Output-channel splits: a block that cannot be cut (a convolution with
// the ReLU fused into its rescale and the max pool that took the rescale
// over) rewritten as G convolutions over the same input, each computing a
// range of output channels with its own copy of the block's channel-local
// tail, and a Concat along the channel axis that gives the block's output
// its name back. Each group is a block of its own, so a segment may end
// between groups: the boundary there carries the block's input (the later
// groups read it) and the finished groups' outputs (the Concat reads
// them). Package proof/segment plans them (SCALING.md "Splitting a block
// by output channels").
//
// Why the split is exact (the integers equal the unsplit block's):
//
//   - Conv output channel m is Σ W[m,·]·x[·] + B[m] over m's weights and
//     bias only (group 1: every input channel), so a convolution with the
//     weight rows [c_g, c_{g+1}) and those biases computes exactly those
//     channels, if the integers are the same: each weight and bias is
//     quantized on its own (ops.quantizeAt) at a scale shared by the map,
//     the smallest at which all of its coefficients are exact
//     (ops.Context.ExactParams), else ParamScale. A group's coefficients
//     are a subset of the whole's, so its scale is at most the whole's;
//     CheckSplit refuses a split where it is lower (a group of weights all
//     exact at a coarser scale: its bias would round elsewhere), so the
//     product scale, every quantized weight and bias, and the rescale's
//     shift (product scale − activation scale) are the whole's.
//   - The rescale rounds each value on its own (q = ⌊(a + 2^(s−1))/2^s⌋);
//     its range check is sized by the group's bound, which is at most the
//     whole's (a max over fewer channels), so an honest value fits both.
//     A ReLU, a clamp and a pool act per channel (a pool's window lies in
//     one channel plane), so the tail on channels [c_g, c_{g+1}) is the
//     tail's output there; a max pool that takes the rescale over does so
//     in each group as in the whole (the same plans, restricted).
//   - Concat along axis 1 puts group g's channels at [c_g, c_{g+1}): the
//     block's output, in its order. It rescales nothing: every group's
//     output is at the activation scale (ops.Context.Requant), and its
//     bound is the largest group's, the whole's; CheckSplit compares the
//     split model's description of that tensor and of the graph's outputs
//     with the unsplit model's, so every step after the block is compiled
//     to the same plan.
//
// The boundaries between groups are ordinary segment boundaries, bound as
// any other (SOUNDNESS.md "Segments: binding the boundaries"): nothing in
// the soundness argument depends on what the tensors are.

// Split splits the block from the Conv that computes Conv through the
// node that computes Last (the same tensor when the block is the
// convolution alone) into Groups groups of output channels: even ones
// (GroupBounds), or those of Bounds when it is set.
type Split struct {
	Conv   string `json:"conv"`
	Last   string `json:"last"`
	Groups int    `json:"groups"`
	// Bounds, when set, are the groups' first output channels and the
	// channel count, Groups+1 increasing values from 0: group k holds
	// [Bounds[k], Bounds[k+1]). Uneven groups let a plan end a segment
	// at any channel (proof/segment: a segment under a power of two, its
	// prover's FFT domain). The exactness argument above holds for any
	// bounds: it is per output channel.
	Bounds []int `json:"bounds,omitempty"`
}

// ChannelBounds are s's group bounds for a Conv of m output channels:
// Bounds, checked, or GroupBounds(m, Groups).
func (s Split) ChannelBounds(m int) ([]int, error) {
	if s.Groups < 2 || s.Groups > m {
		return nil, fmt.Errorf("model: split: %d output channels cannot be split into %d groups", m, s.Groups)
	}
	if s.Bounds == nil {
		return GroupBounds(m, s.Groups), nil
	}
	if len(s.Bounds) != s.Groups+1 || s.Bounds[0] != 0 || s.Bounds[s.Groups] != m {
		return nil, fmt.Errorf("model: split of %q: bounds %v are not %d increasing channels from 0 to %d", s.Conv, s.Bounds, s.Groups+1, m)
	}
	for k := range s.Groups {
		if s.Bounds[k] >= s.Bounds[k+1] {
			return nil, fmt.Errorf("model: split of %q: bounds %v are not increasing", s.Conv, s.Bounds)
		}
	}
	return s.Bounds, nil
}

// channelLocal are the ops a split block's tail may hold: each output
// channel depends on that input channel only.
var channelLocal = map[string]bool{"Relu": true, "Clip": true, "MaxPool": true, "AveragePool": true,
	"GlobalMaxPool": true, "GlobalAveragePool": true}

// GroupBounds are the first output channel of each of g groups of m
// channels, and m: group k holds [b[k], b[k+1]).
func GroupBounds(m, g int) []int {
	b := make([]int, g+1)
	for k := range b {
		b[k] = k * m / g
	}
	return b
}

// chain finds the split's nodes in g: the Conv and its tail, each the
// only reader of the one before.
func chain(g *graph.Graph, s Split) ([]int, error) {
	producer, readers := map[string]int{}, map[string]int{}
	for i, n := range g.Nodes {
		for _, o := range n.Outputs {
			producer[o] = i
		}
		for _, in := range n.Inputs {
			readers[in]++
		}
	}
	for _, o := range g.Outputs {
		readers[o.Name]++
	}
	i, ok := producer[s.Conv]
	if !ok || g.Nodes[i].Op != "Conv" || g.Nodes[i].Domain != "" {
		return nil, fmt.Errorf("model: split: no Conv computes %q", s.Conv)
	}
	conv := g.Nodes[i]
	if conv.AttrInt("group", 1) != 1 || len(conv.Inputs) < 2 || !g.IsConst(conv.Inputs[1]) ||
		(len(conv.Inputs) > 2 && conv.Inputs[2] != "" && !g.IsConst(conv.Inputs[2])) {
		return nil, fmt.Errorf("model: split: Conv %s is grouped or its weights are not constants", conv.Describe())
	}
	if w := g.Consts[conv.Inputs[1]]; len(w.Shape) < 3 || w.Shape[0] < s.Groups || s.Groups < 2 {
		return nil, fmt.Errorf("model: split: Conv %s cannot be split into %d groups", conv.Describe(), s.Groups)
	} else if _, err := s.ChannelBounds(w.Shape[0]); err != nil {
		return nil, err
	}
	nodes := []int{i}
	for out := s.Conv; out != s.Last; {
		if readers[out] != 1 {
			return nil, fmt.Errorf("model: split: %q has %d readers before %q", out, readers[out], s.Last)
		}
		j := -1
		for k := nodes[len(nodes)-1] + 1; k < len(g.Nodes); k++ {
			if g.Nodes[k].Input(0) == out {
				j = k
				break
			}
		}
		if j < 0 || !channelLocal[g.Nodes[j].Op] || g.Nodes[j].Domain != "" || len(g.Nodes[j].Outputs) != 1 {
			return nil, fmt.Errorf("model: split: the node reading %q is not a channel-local op (%v)", out, slices.Sorted(maps.Keys(channelLocal)))
		}
		for _, in := range g.Nodes[j].Inputs[1:] {
			if in != "" && !g.IsConst(in) {
				return nil, fmt.Errorf("model: split: node %s reads %q, not a constant", g.Nodes[j].Describe(), in)
			}
		}
		nodes = append(nodes, j)
		out = g.Nodes[j].Outputs[0]
	}
	return nodes, nil
}

// SplitGraph returns a copy of g with each split's block rewritten into
// its groups and a Concat (see the top of this file). g is not changed;
// the copy shares its nodes and constants but for those it adds.
func SplitGraph(g *graph.Graph, splits []Split) (*graph.Graph, error) {
	if len(splits) == 0 {
		return g, nil
	}
	out := *g
	out.Consts = make(map[string]*graph.Tensor, len(g.Consts))
	for k, v := range g.Consts {
		out.Consts[k] = v
	}
	out.Nodes = slices.Clone(g.Nodes)
	for _, s := range splits {
		nodes, err := chain(&out, s)
		if err != nil {
			return nil, err
		}
		conv := out.Nodes[nodes[0]]
		w := out.Consts[conv.Inputs[1]]
		var b *graph.Tensor
		if len(conv.Inputs) > 2 && conv.Inputs[2] != "" {
			b = out.Consts[conv.Inputs[2]]
		}
		m, row := w.Shape[0], graph.NumElements(w.Shape[1:])
		if b != nil && len(b.Data) != m {
			return nil, fmt.Errorf("model: split: Conv %s has %d biases for %d output channels", conv.Describe(), len(b.Data), m)
		}
		bounds, err := s.ChannelBounds(m)
		if err != nil {
			return nil, err
		}
		var repl, lasts []string
		var added []*graph.Node
		for k := range s.Groups {
			lo, hi := bounds[k], bounds[k+1]
			name := func(base string) string { return fmt.Sprintf("%s/ch%d-%d", base, lo, hi) }
			wk := &graph.Tensor{DType: w.DType, Shape: append([]int{hi - lo}, w.Shape[1:]...), Data: w.Data[lo*row : hi*row]}
			ins := []string{conv.Inputs[0], name(conv.Inputs[1])}
			consts := []*graph.Tensor{wk}
			if b != nil {
				ins = append(ins, name(conv.Inputs[2]))
				consts = append(consts, &graph.Tensor{DType: b.DType, Shape: []int{hi - lo}, Data: b.Data[lo:hi]})
			}
			for i, t := range consts {
				if _, dup := out.Consts[ins[i+1]]; dup {
					return nil, fmt.Errorf("model: split: the graph already has a constant %q", ins[i+1])
				}
				out.Consts[ins[i+1]] = t
			}
			c := *conv
			c.Name, c.Inputs, c.Outputs = name(conv.Name), ins, []string{name(conv.Outputs[0])}
			added = append(added, &c)
			prev := c.Outputs[0]
			for _, j := range nodes[1:] {
				t := *out.Nodes[j]
				t.Name = name(t.Name)
				t.Inputs = append([]string{prev}, t.Inputs[1:]...)
				t.Outputs = []string{name(t.Outputs[0])}
				added = append(added, &t)
				prev = t.Outputs[0]
			}
			lasts = append(lasts, prev)
		}
		for _, n := range added {
			for _, o := range n.Outputs {
				repl = append(repl, o)
			}
		}
		if err := fresh(&out, repl); err != nil {
			return nil, err
		}
		cat := &graph.Node{Name: s.Last + "/concat", Op: "Concat", Inputs: lasts, Outputs: []string{s.Last},
			Attrs: map[string]graph.Attr{"axis": {Kind: graph.AttrInt, Int: 1}}}
		// The groups and the Concat take the block's place: its last
		// node's, so that every node still comes after what it reads.
		last := nodes[len(nodes)-1]
		var ns []*graph.Node
		for i, n := range out.Nodes {
			switch {
			case i == last:
				ns = append(append(ns, added...), cat)
			case slices.Contains(nodes, i):
			default:
				ns = append(ns, n)
			}
		}
		out.Nodes = ns
	}
	if err := out.Validate(); err != nil {
		return nil, fmt.Errorf("model: split: %w", err)
	}
	return &out, nil
}

// fresh fails if a name the split adds is taken in g.
func fresh(g *graph.Graph, names []string) error {
	taken := map[string]bool{}
	for _, in := range g.Inputs {
		taken[in.Name] = true
	}
	for _, n := range g.Nodes {
		for _, o := range n.Outputs {
			taken[o] = true
		}
	}
	for _, n := range names {
		if taken[n] {
			return fmt.Errorf("model: split: the graph already has a tensor %q", n)
		}
	}
	return nil
}

// SplitBlock describes a block of steps [From, To) that CheckSplit may
// split: its Conv's and last node's outputs, its output channels and the
// size of its output.
type SplitBlock struct {
	From, To   int
	Conv, Last string
	Channels   int
	OutSize    int
}

// SplitBlocks lists the blocks of m that a split may apply to: runs of
// steps with no allowed cut inside (or a lone Conv step) that start with
// a Conv of constant weights and no groups, whose other steps are its
// channel-local tail.
func (m *Model) SplitBlocks() []SplitBlock {
	var out []SplitBlock
	for a := 0; a < len(m.steps); {
		b := a + 1
		for b < len(m.steps) && !m.CutAllowed(b) {
			b++
		}
		if blk, ok := m.splitBlock(a, b); ok {
			out = append(out, blk)
		}
		a = b
	}
	return out
}

func (m *Model) splitBlock(a, b int) (SplitBlock, bool) {
	n := m.steps[a].node
	last := m.steps[b-1].node
	if n.Op != "Conv" || len(last.Outputs) != 1 {
		return SplitBlock{}, false
	}
	w, ok := m.infos[n.Input(1)]
	if !ok || w.Const == nil || len(w.Shape) < 3 {
		return SplitBlock{}, false
	}
	s := Split{Conv: n.Outputs[0], Last: last.Outputs[0], Groups: 2}
	nodes, err := chain(m.Graph, s)
	if err != nil || len(nodes) != b-a {
		return SplitBlock{}, false
	}
	for i, j := range nodes {
		if m.Graph.Nodes[j] != m.steps[a+i].node {
			return SplitBlock{}, false
		}
	}
	return SplitBlock{From: a, To: b, Conv: s.Conv, Last: s.Last, Channels: w.Shape[0], OutSize: m.infos[s.Last].Size()}, true
}

// CheckSplit reports why split s of m would not be exact, or nil: the
// groups' coefficients must be quantized at the scale the whole map's are
// (see the top of this file), which needs the Conv's window without
// automatic padding, to know which weights its map holds.
func (m *Model) CheckSplit(s Split) error {
	nodes, err := chain(m.Graph, s)
	if err != nil {
		return err
	}
	conv := m.Graph.Nodes[nodes[0]]
	if ap := conv.AttrString("auto_pad", "NOTSET"); ap != "NOTSET" && ap != "VALID" {
		return fmt.Errorf("model: split: Conv %s has auto_pad %s", conv.Describe(), ap)
	}
	x, ok := m.infos[conv.Input(0)]
	w := m.Graph.Consts[conv.Inputs[1]]
	if !ok || len(x.Shape) != len(w.Shape) {
		return fmt.Errorf("model: split: Conv %s: input not described", conv.Describe())
	}
	used := usedTaps(conv, x.Shape[2:], w.Shape[2:])
	ctx := &ops.Context{Settings: m.Settings}
	row := graph.NumElements(w.Shape[1:])
	coefs := func(lo, hi int) *graph.Tensor {
		var d []float64
		for r := lo; r < hi; r++ {
			for k, v := range w.Data[r*row : (r+1)*row] {
				if used[k%len(used)] && v != 0 {
					d = append(d, v)
				}
			}
		}
		return &graph.Tensor{Data: d}
	}
	_, whole := ctx.ExactParams(coefs(0, w.Shape[0]))
	bounds, err := s.ChannelBounds(w.Shape[0])
	if err != nil {
		return err
	}
	for k := range s.Groups {
		if _, sc := ctx.ExactParams(coefs(bounds[k], bounds[k+1])); sc != whole {
			return fmt.Errorf("model: split: Conv %s's channels [%d, %d) are exact at scale %d, the whole at %d: the group would round elsewhere", conv.Describe(), bounds[k], bounds[k+1], sc, whole)
		}
	}
	return nil
}

// usedTaps marks the kernel positions (flat, row-major) that some output
// position of the window reads inside the input; the others are padding
// for every output, and the convolution's map holds none of their weights.
func usedTaps(n *graph.Node, in, kernel []int) []bool {
	k := len(in)
	strides, dil := attrInts(n, "strides", 1, k), attrInts(n, "dilations", 1, k)
	pads := attrInts(n, "pads", 0, 2*k)
	if n.AttrString("auto_pad", "NOTSET") == "VALID" {
		pads = make([]int, 2*k)
	}
	useD := make([][]bool, k)
	for d := range k {
		useD[d] = make([]bool, kernel[d])
		span := (kernel[d]-1)*dil[d] + 1
		outN := max(0, (in[d]+pads[d]+pads[d+k]-span)/max(strides[d], 1)+1)
		for o := range outN {
			for j := range kernel[d] {
				if i := o*strides[d] - pads[d] + j*dil[d]; i >= 0 && i < in[d] {
					useD[d][j] = true
				}
			}
		}
	}
	used := make([]bool, graph.NumElements(kernel))
	for f := range used {
		used[f] = true
		r := f
		for d := k - 1; d >= 0; d-- {
			used[f] = used[f] && useD[d][r%kernel[d]]
			r /= kernel[d]
		}
	}
	return used
}

func attrInts(n *graph.Node, name string, def, k int) []int {
	v := n.AttrInts(name, nil)
	out := make([]int, k)
	for i := range out {
		out[i] = def
		if i < len(v) {
			out[i] = int(v[i])
		}
	}
	return out
}

// SameDescription reports the first tensor of names that a and b
// describe differently (shape, type, scale or bound), or "".
func SameDescription(a, b *Model, names []string) string {
	for _, n := range names {
		x, ok1 := a.infos[n]
		y, ok2 := b.infos[n]
		if !ok1 || !ok2 || x.DType != y.DType || x.Scale != y.Scale || !slices.Equal(x.Shape, y.Shape) ||
			!(x.Max == y.Max || math.IsNaN(x.Max) && math.IsNaN(y.Max)) {
			return n
		}
	}
	return ""
}
