package ops

import (
	"fmt"
	"math"
	"slices"

	"github.com/zkinfer/zkinfer/graph"
)

// movePlan is data movement with no arithmetic: output element i is input
// element Index[i] (the identity when Index is nil). Reshapes, expands,
// tiles, transposes, slices and gathers with constant indices all reduce to
// it, so they cost no constraints.
type movePlan struct {
	Shape []int
	Index []int
}

func move[T any](_ Arith[T], plan any, ins []Tensor[T]) []Tensor[T] {
	p := plan.(*movePlan)
	if p.Index == nil {
		return []Tensor[T]{{Shape: p.Shape, Data: ins[0].Data}}
	}
	out := make([]T, len(p.Index))
	for i, j := range p.Index {
		out[i] = ins[0].Data[j]
	}
	return []Tensor[T]{{Shape: p.Shape, Data: out}}
}

// moveOp registers an op whose only work is a movePlan over input 0, which
// a secret weight may therefore pass through (PassWeight).
func moveOp(infer func(c *Context, n *graph.Node, ins []*Info) (*movePlan, error)) Op {
	return Op{
		Infer: func(c *Context, n *graph.Node, ins []*Info) ([]*Info, any, error) {
			if len(ins) == 0 || ins[0] == nil {
				return nil, nil, fmt.Errorf("missing input")
			}
			p, err := infer(c, n, ins)
			if err != nil {
				return nil, nil, err
			}
			out := *ins[0]
			out.Shape = p.Shape
			out.Const = nil
			return []*Info{&out}, p, nil
		},
		Float:   move[float64],
		Int:     move[int64],
		Circuit: move[Variable],
		Weights: passWeight,
	}
}

// constInts reads a constant integer input (shapes, axes, repeats, slice
// bounds), clamping to ±2^62 so that INT64_MAX sentinels (Slice's "to the
// end") survive the float64 round trip.
func constInts(ins []*Info, i int, what string) ([]int, error) {
	if i >= len(ins) || ins[i] == nil {
		return nil, fmt.Errorf("missing %s input", what)
	}
	if ins[i].Const == nil {
		return nil, fmt.Errorf("%s must be a constant (computed from the input here)", what)
	}
	out := make([]int, len(ins[i].Const.Data))
	for j, v := range ins[i].Const.Data {
		out[j] = int(math.Max(-(1 << 62), math.Min(1<<62, v)))
	}
	return out, nil
}

// axesOf reads axes from the attribute (older opsets) or input i (newer).
func axesOf(n *graph.Node, ins []*Info, i int) ([]int, bool, error) {
	if n.HasAttr("axes") {
		a := n.AttrInts("axes", nil)
		out := make([]int, len(a))
		for j, v := range a {
			out[j] = int(v)
		}
		return out, true, nil
	}
	if i < len(ins) && ins[i] != nil {
		a, err := constInts(ins, i, "axes")
		return a, true, err
	}
	return nil, false, nil
}

// normAxis maps a possibly negative axis into [0, rank).
func normAxis(axis, rank int) (int, error) {
	if axis < -rank || axis >= rank {
		return 0, fmt.Errorf("axis %d is out of range for rank %d", axis, rank)
	}
	if axis < 0 {
		axis += rank
	}
	return axis, nil
}

func init() {
	Register("Identity", moveOp(func(_ *Context, _ *graph.Node, ins []*Info) (*movePlan, error) {
		return &movePlan{Shape: ins[0].Shape}, nil
	}))
	Register("Flatten", moveOp(func(_ *Context, n *graph.Node, ins []*Info) (*movePlan, error) {
		s := ins[0].Shape
		axis := int(n.AttrInt("axis", 1))
		if axis < 0 {
			axis += len(s)
		}
		if axis < 0 || axis > len(s) {
			return nil, fmt.Errorf("axis %d is out of range for rank %d", axis, len(s))
		}
		return &movePlan{Shape: []int{graph.NumElements(s[:axis]), graph.NumElements(s[axis:])}}, nil
	}))
	Register("Reshape", moveOp(inferReshape))
	Register("Squeeze", moveOp(func(_ *Context, n *graph.Node, ins []*Info) (*movePlan, error) {
		s := ins[0].Shape
		axes, given, err := axesOf(n, ins, 1)
		if err != nil {
			return nil, err
		}
		drop := make([]bool, len(s))
		for _, a := range axes {
			a, err := normAxis(a, len(s))
			if err != nil {
				return nil, err
			}
			if s[a] != 1 {
				return nil, fmt.Errorf("cannot squeeze axis %d of size %d", a, s[a])
			}
			drop[a] = true
		}
		var out []int
		for i, d := range s {
			if !(drop[i] || (!given && d == 1)) {
				out = append(out, d)
			}
		}
		return &movePlan{Shape: out}, nil
	}))
	Register("Unsqueeze", moveOp(func(_ *Context, n *graph.Node, ins []*Info) (*movePlan, error) {
		axes, _, err := axesOf(n, ins, 1)
		if err != nil {
			return nil, err
		}
		rank := len(ins[0].Shape) + len(axes)
		ones := make([]bool, rank)
		for _, a := range axes {
			a, err := normAxis(a, rank)
			if err != nil {
				return nil, err
			}
			if ones[a] {
				return nil, fmt.Errorf("axis %d repeats", a)
			}
			ones[a] = true
		}
		out := make([]int, 0, rank)
		rest := ins[0].Shape
		for i := range rank {
			if ones[i] {
				out = append(out, 1)
			} else {
				out, rest = append(out, rest[0]), rest[1:]
			}
		}
		return &movePlan{Shape: out}, nil
	}))
	Register("Expand", moveOp(func(_ *Context, _ *graph.Node, ins []*Info) (*movePlan, error) {
		shape, err := constInts(ins, 1, "shape")
		if err != nil {
			return nil, err
		}
		out, err := Broadcast(ins[0].Shape, shape)
		if err != nil {
			return nil, err
		}
		return &movePlan{Shape: out, Index: BroadcastIndex(out, ins[0].Shape)}, nil
	}))
	Register("Tile", moveOp(func(_ *Context, _ *graph.Node, ins []*Info) (*movePlan, error) {
		reps, err := constInts(ins, 1, "repeats")
		if err != nil {
			return nil, err
		}
		s := ins[0].Shape
		if len(reps) != len(s) {
			return nil, fmt.Errorf("repeats has %d entries for rank %d", len(reps), len(s))
		}
		// Tile is a broadcast over interleaved axes: view in as [1,d0,1,d1,...]
		// expanded to [r0,d0,r1,d1,...].
		big, view := make([]int, 0, 2*len(s)), make([]int, 0, 2*len(s))
		out := make([]int, len(s))
		for i, d := range s {
			if reps[i] < 0 {
				return nil, fmt.Errorf("negative repeat %d", reps[i])
			}
			if reps[i] > graph.MaxElements {
				return nil, fmt.Errorf("repeat %d exceeds %d", reps[i], graph.MaxElements)
			}
			big, view = append(big, reps[i], d), append(view, 1, d)
			out[i] = reps[i] * d
		}
		if _, err := graph.CheckShape(big); err != nil {
			return nil, err
		}
		idx := BroadcastIndex(big, view)
		if idx == nil {
			idx = mapIndex(big, Strides(big), 0)
		}
		return &movePlan{Shape: out, Index: idx}, nil
	}))
}

func inferReshape(_ *Context, n *graph.Node, ins []*Info) (*movePlan, error) {
	var shape []int
	if n.HasAttr("shape") { // opset 1-4
		for _, v := range n.AttrInts("shape", nil) {
			shape = append(shape, int(v))
		}
	} else {
		var err error
		if shape, err = constInts(ins, 1, "shape"); err != nil {
			return nil, err
		}
	}
	in := ins[0].Shape
	shape = slices.Clone(shape)
	allowZero := n.AttrInt("allowzero", 0) != 0
	known, infer := 1, -1
	for i, d := range shape {
		switch {
		case d == 0 && !allowZero:
			if i >= len(in) {
				return nil, fmt.Errorf("shape %v copies dimension %d of a rank-%d input", shape, i, len(in))
			}
			shape[i] = in[i]
			known *= in[i]
		case d == -1:
			if infer >= 0 {
				return nil, fmt.Errorf("shape %v has two -1 entries", shape)
			}
			infer = i
		case d < 0:
			return nil, fmt.Errorf("shape %v has a negative dimension", shape)
		default:
			known *= d
		}
	}
	for _, d := range shape {
		if d > graph.MaxElements {
			return nil, fmt.Errorf("shape %v has a dimension beyond %d", shape, graph.MaxElements)
		}
	}
	if _, err := graph.CheckShape(slices.DeleteFunc(slices.Clone(shape), func(d int) bool { return d < 0 })); err != nil {
		return nil, err
	}
	size := graph.NumElements(in)
	if infer >= 0 {
		if known == 0 || size%known != 0 {
			return nil, fmt.Errorf("cannot reshape %v into %v", in, shape)
		}
		shape[infer] = size / known
	} else if known != size {
		return nil, fmt.Errorf("cannot reshape %v (%d elements) into %v", in, size, shape)
	}
	return &movePlan{Shape: shape}, nil
}
