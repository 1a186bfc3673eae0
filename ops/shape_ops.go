package ops

import (
	"fmt"
	"math"
	"slices"

	"github.com/zkinfer/zkinfer/graph"
)

// pickPlan is data movement from several inputs into several outputs (see
// "Shape operators" in the package documentation): each
// output element is an element of some input, upscaled to the common scale,
// or a constant.
type pickPlan struct {
	Outs   []pickOut
	Up     []int // per input: upscale to the common scale
	Consts []Q   // at the common scale
}

// pickOut is one output: element i is input In[i]'s element Idx[i], or
// Consts[Idx[i]] when In[i] < 0.
type pickOut struct {
	Shape   []int
	In, Idx []int32
}

// add appends an element to o.
func (o *pickOut) add(in, idx int) {
	o.In = append(o.In, int32(in))
	o.Idx = append(o.Idx, int32(idx))
}

// finishPick sets the common scale from the data inputs (the ones an output
// reads) and the constants (given as reals), and returns one Info per
// output.
func finishPick(p *pickPlan, ins []*Info, data []int, consts []float64) []*Info {
	scale, dt := 0, ins[data[0]].DType
	for _, k := range data {
		scale = max(scale, ins[k].Scale)
		if ins[k].DType == graph.Float {
			dt = graph.Float
		}
	}
	p.Up = make([]int, len(ins))
	m := 0.0
	for _, k := range data {
		p.Up[k] = scale - ins[k].Scale
		m = max(m, math.Ldexp(ins[k].Max, p.Up[k]))
	}
	p.Consts = quantizeAt(consts, scale)
	m = max(m, maxAbsI(p.Consts))
	outs := make([]*Info, len(p.Outs))
	for i, o := range p.Outs {
		outs[i] = &Info{DType: dt, Shape: o.Shape, Scale: scale, Max: m}
	}
	return outs
}

func pick[T any](a Arith[T], plan any, ins []Tensor[T]) []Tensor[T] {
	p := plan.(*pickPlan)
	outs := make([]Tensor[T], len(p.Outs))
	for j, o := range p.Outs {
		data := make([]T, len(o.In))
		for i, k := range o.In {
			if k < 0 {
				data[i] = a.Const(p.Consts[o.Idx[i]])
			} else {
				data[i] = a.Upscale(ins[k].Data[o.Idx[i]], p.Up[k])
			}
		}
		outs[j] = Tensor[T]{Shape: o.Shape, Data: data}
	}
	return outs
}

// pickOp registers an op made of a pickPlan.
func pickOp(infer InferFunc) Op {
	return Op{Infer: infer, Float: pick[float64], Int: pick[int64], Circuit: pick[Variable]}
}

// forEach calls f with every coordinate of shape in row-major order.
func forEach(shape []int, f func(coord []int)) {
	n := graph.NumElements(shape)
	coord := make([]int, len(shape))
	for range n {
		f(coord)
		for d := len(shape) - 1; d >= 0; d-- {
			coord[d]++
			if coord[d] < shape[d] {
				break
			}
			coord[d] = 0
		}
	}
}

// flat is the row-major offset of coord under strides.
func flat(coord, strides []int) int {
	o := 0
	for i, c := range coord {
		o += c * strides[i]
	}
	return o
}

func needInput(ins []*Info) error {
	if len(ins) == 0 || ins[0] == nil {
		return fmt.Errorf("missing input")
	}
	return nil
}

func inferConcat(_ *Context, n *graph.Node, ins []*Info) ([]*Info, any, error) {
	if err := needInput(ins); err != nil {
		return nil, nil, err
	}
	r := len(ins[0].Shape)
	axis, err := normAxis(int(n.AttrInt("axis", 0)), r)
	if err != nil {
		return nil, nil, err
	}
	shape := slices.Clone(ins[0].Shape)
	shape[axis] = 0
	data := make([]int, len(ins))
	for k, in := range ins {
		if in == nil || len(in.Shape) != r {
			return nil, nil, fmt.Errorf("input %d is missing or of another rank", k)
		}
		for d := range r {
			if d != axis && in.Shape[d] != shape[d] {
				return nil, nil, fmt.Errorf("input %d shape %v does not match %v off axis %d", k, in.Shape, ins[0].Shape, axis)
			}
		}
		shape[axis] += in.Shape[axis]
		data[k] = k
	}
	strides := make([][]int, len(ins))
	for k, in := range ins {
		strides[k] = Strides(in.Shape)
	}
	o := pickOut{Shape: shape}
	forEach(shape, func(c []int) {
		j := c[axis]
		for k, in := range ins {
			if j < in.Shape[axis] {
				o.add(k, flat(c, strides[k])+(j-c[axis])*strides[k][axis])
				return
			}
			j -= in.Shape[axis]
		}
	})
	p := &pickPlan{Outs: []pickOut{o}}
	return finishPick(p, ins, data, nil), p, nil
}

// sliceRange normalises one axis of a Slice: the first index and the count.
func sliceRange(start, end, step, d int) (int, int) {
	if start < 0 {
		start += d
	}
	if end < 0 {
		end += d
	}
	if step > 0 {
		start, end = min(max(start, 0), d), min(max(end, 0), d)
		return start, max(0, (end-start+step-1)/step)
	}
	start, end = min(max(start, 0), d-1), min(max(end, -1), d-1)
	return start, max(0, (start-end-step-1)/(-step))
}

func inferSlice(_ *Context, n *graph.Node, ins []*Info) ([]*Info, any, error) {
	if err := needInput(ins); err != nil {
		return nil, nil, err
	}
	s := ins[0].Shape
	var starts, ends, axes, steps []int
	var err error
	if n.HasAttr("starts") { // opset < 10
		for _, v := range n.AttrInts("starts", nil) {
			starts = append(starts, int(max(-(1<<62), min(1<<62, v))))
		}
		for _, v := range n.AttrInts("ends", nil) {
			ends = append(ends, int(max(-(1<<62), min(1<<62, v))))
		}
		for _, v := range n.AttrInts("axes", nil) {
			axes = append(axes, int(v))
		}
	} else {
		if starts, err = constInts(ins, 1, "starts"); err != nil {
			return nil, nil, err
		}
		if ends, err = constInts(ins, 2, "ends"); err != nil {
			return nil, nil, err
		}
		if len(ins) > 3 && ins[3] != nil {
			if axes, err = constInts(ins, 3, "axes"); err != nil {
				return nil, nil, err
			}
		}
		if len(ins) > 4 && ins[4] != nil {
			if steps, err = constInts(ins, 4, "steps"); err != nil {
				return nil, nil, err
			}
		}
	}
	if axes == nil {
		for i := range starts {
			axes = append(axes, i)
		}
	}
	if len(ends) != len(starts) || len(axes) != len(starts) || (steps != nil && len(steps) != len(starts)) {
		return nil, nil, fmt.Errorf("starts, ends, axes and steps differ in length")
	}
	first, step := make([]int, len(s)), make([]int, len(s))
	out := slices.Clone(s)
	for i := range step {
		step[i] = 1
	}
	for i, a := range axes {
		a, err := normAxis(a, len(s))
		if err != nil {
			return nil, nil, err
		}
		st := 1
		if steps != nil {
			st = steps[i]
		}
		if st == 0 {
			return nil, nil, fmt.Errorf("step 0 on axis %d", a)
		}
		step[a] = st
		first[a], out[a] = sliceRange(starts[i], ends[i], st, s[a])
	}
	strides := Strides(s)
	base := flat(first, strides)
	for i := range strides {
		strides[i] *= step[i]
	}
	return []*Info{{DType: ins[0].DType, Shape: out, Scale: ins[0].Scale, Max: ins[0].Max}},
		&movePlan{Shape: out, Index: mapIndex(out, strides, base)}, nil
}

func inferSplit(_ *Context, n *graph.Node, ins []*Info) ([]*Info, any, error) {
	if err := needInput(ins); err != nil {
		return nil, nil, err
	}
	s := ins[0].Shape
	axis, err := normAxis(int(n.AttrInt("axis", 0)), len(s))
	if err != nil {
		return nil, nil, err
	}
	var sizes []int
	switch {
	case n.HasAttr("split"):
		for _, v := range n.AttrInts("split", nil) {
			sizes = append(sizes, int(v))
		}
	case len(ins) > 1 && ins[1] != nil:
		if sizes, err = constInts(ins, 1, "split"); err != nil {
			return nil, nil, err
		}
	default:
		k := int(n.AttrInt("num_outputs", int64(len(n.Outputs))))
		if k <= 0 {
			return nil, nil, fmt.Errorf("no outputs to split into")
		}
		chunk := (s[axis] + k - 1) / k
		for rest := s[axis]; len(sizes) < k; rest -= chunk {
			sizes = append(sizes, max(0, min(chunk, rest)))
		}
	}
	total := 0
	for _, v := range sizes {
		if v < 0 {
			return nil, nil, fmt.Errorf("negative split %d", v)
		}
		total += v
	}
	if total != s[axis] {
		return nil, nil, fmt.Errorf("splits %v do not add up to dimension %d", sizes, s[axis])
	}
	p := &pickPlan{}
	off := 0
	for _, sz := range sizes {
		shape := slices.Clone(s)
		shape[axis] = sz
		o := pickOut{Shape: shape}
		strides := Strides(s)
		for _, j := range mapIndex(shape, strides, off*strides[axis]) {
			o.add(0, j)
		}
		p.Outs = append(p.Outs, o)
		off += sz
	}
	return finishPick(p, ins, []int{0}, nil), p, nil
}

// padSource maps an output coordinate j of a padded axis of size d (pb
// elements before) to the input coordinate, or -1 for the constant.
func padSource(mode string, j, pb, d int) int {
	src := j - pb
	if src >= 0 && src < d {
		return src
	}
	switch mode {
	case "edge":
		return min(max(src, 0), d-1)
	case "wrap":
		return ((src % d) + d) % d
	case "reflect":
		if d == 1 {
			return 0
		}
		period := 2 * (d - 1)
		src = ((src % period) + period) % period
		if src >= d {
			src = period - src
		}
		return src
	}
	return -1
}

func inferPad(c *Context, n *graph.Node, ins []*Info) ([]*Info, any, error) {
	if err := needInput(ins); err != nil {
		return nil, nil, err
	}
	s := ins[0].Shape
	r := len(s)
	mode := n.AttrString("mode", "constant")
	if mode != "constant" && mode != "reflect" && mode != "edge" && mode != "wrap" {
		return nil, nil, fmt.Errorf("pad mode %q is not supported", mode)
	}
	var pads []int
	value := n.AttrFloat("value", 0)
	if n.HasAttr("pads") || n.HasAttr("paddings") {
		for _, v := range append(n.AttrInts("pads", nil), n.AttrInts("paddings", nil)...) {
			pads = append(pads, int(v))
		}
	} else {
		var err error
		if pads, err = constInts(ins, 1, "pads"); err != nil {
			return nil, nil, err
		}
		if len(ins) > 2 && ins[2] != nil {
			if ins[2].Const == nil || len(ins[2].Const.Data) != 1 {
				return nil, nil, fmt.Errorf("constant_value must be a constant scalar")
			}
			value = ins[2].Const.Data[0]
		}
	}
	axes := make([]int, r)
	for i := range axes {
		axes[i] = i
	}
	if len(ins) > 3 && ins[3] != nil {
		a, err := constInts(ins, 3, "axes")
		if err != nil {
			return nil, nil, err
		}
		axes = a
	}
	if len(pads) != 2*len(axes) {
		return nil, nil, fmt.Errorf("%d pads for %d axes", len(pads), len(axes))
	}
	pb, out := make([]int, r), slices.Clone(s)
	for i, a := range axes {
		a, err := normAxis(a, r)
		if err != nil {
			return nil, nil, err
		}
		pb[a] = pads[i]
		if max(pads[i], pads[i+len(axes)]) > graph.MaxElements {
			return nil, nil, fmt.Errorf("pads %v exceed %d", pads, graph.MaxElements)
		}
		out[a] = s[a] + pads[i] + pads[i+len(axes)]
		if out[a] < 0 || (mode != "constant" && s[a] == 0 && out[a] > 0) {
			return nil, nil, fmt.Errorf("pads %v do not fit shape %v", pads, s)
		}
	}
	if _, err := graph.CheckShape(out); err != nil {
		return nil, nil, err
	}
	o := pickOut{Shape: out}
	strides := Strides(s)
	src := make([]int, r)
	forEach(out, func(coord []int) {
		for d := range r {
			if src[d] = padSource(mode, coord[d], pb[d], s[d]); src[d] < 0 {
				o.add(-1, 0)
				return
			}
		}
		o.add(0, flat(src, strides))
	})
	p := &pickPlan{Outs: []pickOut{o}}
	return finishPick(p, ins, []int{0}, []float64{value}), p, nil
}

func inferTranspose(_ *Context, n *graph.Node, ins []*Info) (*movePlan, error) {
	s := ins[0].Shape
	perm := make([]int, len(s))
	for i := range perm {
		perm[i] = len(s) - 1 - i
	}
	if n.HasAttr("perm") {
		p := n.AttrInts("perm", nil)
		if len(p) != len(s) {
			return nil, fmt.Errorf("perm %v for rank %d", p, len(s))
		}
		seen := make([]bool, len(s))
		for i, v := range p {
			if v < 0 || int(v) >= len(s) || seen[v] {
				return nil, fmt.Errorf("perm %v is not a permutation", p)
			}
			seen[v], perm[i] = true, int(v)
		}
	}
	in := Strides(s)
	out, strides := make([]int, len(s)), make([]int, len(s))
	for i, a := range perm {
		out[i], strides[i] = s[a], in[a]
	}
	return &movePlan{Shape: out, Index: mapIndex(out, strides, 0)}, nil
}

func inferTrilu(_ *Context, n *graph.Node, ins []*Info) ([]*Info, any, error) {
	if err := needInput(ins); err != nil {
		return nil, nil, err
	}
	s := ins[0].Shape
	if len(s) < 2 {
		return nil, nil, fmt.Errorf("input of rank %d needs rank ≥ 2", len(s))
	}
	k := 0
	if len(ins) > 1 && ins[1] != nil {
		v, err := constInts(ins, 1, "k")
		if err != nil || len(v) != 1 {
			return nil, nil, fmt.Errorf("k must be a constant scalar")
		}
		k = v[0]
	}
	upper := n.AttrInt("upper", 1) != 0
	o := pickOut{Shape: s}
	i := 0
	forEach(s, func(c []int) {
		row, col := c[len(s)-2], c[len(s)-1]
		// Upper keeps col-row ≥ k, lower keeps col-row ≤ k.
		if (upper && col-row >= k) || (!upper && col-row <= k) {
			o.add(0, i)
		} else {
			o.add(-1, 0)
		}
		i++
	})
	p := &pickPlan{Outs: []pickOut{o}}
	return finishPick(p, ins, []int{0}, []float64{0}), p, nil
}

func init() {
	Register("Concat", pickOp(inferConcat))
	Register("Slice", Op{Infer: inferSlice, Float: move[float64], Int: move[int64], Circuit: move[Variable], Weights: passWeight})
	Register("Split", pickOp(inferSplit))
	Register("Pad", pickOp(inferPad))
	Register("Transpose", moveOp(inferTranspose))
	Register("Trilu", pickOp(inferTrilu))
	Register("Range", constOp(func(_ *graph.Node, ins []*Info) (*graph.Tensor, error) {
		if len(ins) != 3 {
			return nil, fmt.Errorf("needs start, limit and delta")
		}
		for i, in := range ins {
			if in == nil || in.Const == nil || len(in.Const.Data) != 1 {
				return nil, fmt.Errorf("input %d must be a constant scalar", i)
			}
		}
		start, limit, delta := ins[0].Const.Data[0], ins[1].Const.Data[0], ins[2].Const.Data[0]
		if delta == 0 {
			return nil, fmt.Errorf("delta is 0")
		}
		cnt := max(0, int(math.Ceil((limit-start)/delta)))
		if cnt > 1<<24 {
			return nil, fmt.Errorf("range of %d elements", cnt)
		}
		t := &graph.Tensor{DType: ins[0].DType, Shape: []int{cnt}, Data: make([]float64, cnt)}
		for i := range t.Data {
			t.Data[i] = start + float64(i)*delta
		}
		return t, nil
	}))
}
