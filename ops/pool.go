package ops

import (
	"fmt"
	"slices"

	"github.com/zkinfer/zkinfer/graph"
)

// groupPlan reduces fixed groups of input elements: output i combines
// x[Src[k]] for k in [Off[i], Off[i+1]) (the pools' and reductions' costs:
// "Linear maps" in the package documentation).
type groupPlan struct {
	Shape []int
	Off   []int32
	Src   []int32
	Bits  int  // |a-b| < 2^Bits for two inputs
	Min   bool // minimum instead of maximum
	// RQ, when set, is the rescale (and ReLU) the pool took over from the
	// step before it (RequantTaker): its inputs are that step's values
	// before the rescale, and each group is one MaxRescaled.
	RQ *Requant
}

func (p *groupPlan) add(src int) { p.Src = append(p.Src, int32(src)) }
func (p *groupPlan) next()       { p.Off = append(p.Off, int32(len(p.Src))) }

// groupMax returns the maximum (minimum) of each group.
func groupMax[T any](a Arith[T], plan any, ins []Tensor[T]) []Tensor[T] {
	p := plan.(*groupPlan)
	if p.RQ == nil {
		return []Tensor[T]{tournament(a, p, ins[0].Data)}
	}
	x := ins[0].Data
	out := make([]T, len(p.Off)-1)
	var vs []T
	for i := range out {
		vs = vs[:0]
		for _, s := range p.Src[p.Off[i]:p.Off[i+1]] {
			vs = append(vs, x[s])
		}
		out[i] = a.MaxRescaled(vs, p.RQ.Shift, p.RQ.Bits, p.RQ.Relu)
	}
	return []Tensor[T]{{Shape: p.Shape, Data: out}}
}

func tournament[T any](a Arith[T], p *groupPlan, x []T) Tensor[T] {
	n := len(p.Off) - 1
	out := make([]T, n)
	var vs []T
	for i := range n {
		vs = vs[:0]
		for _, s := range p.Src[p.Off[i]:p.Off[i+1]] {
			vs = append(vs, x[s])
		}
		// Pairwise rounds: same k-1 comparisons as a scan, depth log k.
		for len(vs) > 1 {
			h := 0
			for j := 0; j+1 < len(vs); j += 2 {
				vs[h] = pairMax(a, vs[j], vs[j+1], p.Bits, p.Min)
				h++
			}
			if len(vs)%2 == 1 {
				vs[h] = vs[len(vs)-1]
				h++
			}
			vs = vs[:h]
		}
		out[i] = vs[0]
	}
	return Tensor[T]{Shape: p.Shape, Data: out}
}

// poolInput checks an [N, C, spatial...] input.
func poolInput(ins []*Info) (*Info, error) {
	if err := needInput(ins); err != nil {
		return nil, err
	}
	if len(ins[0].Shape) < 3 {
		return nil, fmt.Errorf("input %v must be [N,C,spatial...]", ins[0].Shape)
	}
	return ins[0], nil
}

// poolSetup checks a pooling node's input and returns it with its window.
func poolSetup(n *graph.Node, ins []*Info, global bool) (*Info, *window, error) {
	x, err := poolInput(ins)
	if err != nil {
		return nil, nil, err
	}
	w, err := poolWindow(n, x, global)
	return x, w, err
}

func poolWindow(n *graph.Node, x *Info, global bool) (*window, error) {
	in := x.Shape[2:]
	if global {
		return &window{In: in, Out: slices.Repeat([]int{1}, len(in)), Kernel: in, Strides: intsAttr(n, "", 1, len(in)),
			Dilations: intsAttr(n, "", 1, len(in)), PadBegin: make([]int, len(in)), inStr: Strides(in), kStr: Strides(in)}, nil
	}
	kernel := intsAttr(n, "kernel_shape", 0, len(in))
	if len(n.AttrInts("kernel_shape", nil)) != len(in) {
		return nil, fmt.Errorf("kernel_shape %v for %d spatial axes", n.AttrInts("kernel_shape", nil), len(in))
	}
	return newWindow(n, in, kernel, n.AttrInt("ceil_mode", 0) != 0)
}

// eachWindow calls f once per output position of every (batch, channel)
// plane with the plane's input offset.
func eachWindow(x *Info, w *window, f func(base int, o []int)) {
	plane := graph.NumElements(w.In)
	for nc := range x.Shape[0] * x.Shape[1] {
		forEach(w.Out, func(o []int) { f(nc*plane, o) })
	}
}

func outShape(x *Info, w *window) []int {
	s := slices.Clone(x.Shape[:2])
	return append(s, w.Out...)
}

func inferMaxPool(global bool) InferFunc {
	return func(c *Context, n *graph.Node, ins []*Info) ([]*Info, any, error) {
		if len(n.Outputs) > 1 && n.Outputs[1] != "" {
			return nil, nil, fmt.Errorf("the Indices output is not supported")
		}
		x, w, err := poolSetup(n, ins, global)
		if err != nil {
			return nil, nil, err
		}
		p := &groupPlan{Shape: outShape(x, w), Off: []int32{0}, Bits: bitsFor(2 * x.Max)}
		var empty bool
		eachWindow(x, w, func(base int, o []int) {
			k := len(p.Src)
			w.taps(o, func(inOff, _ int) { p.add(base + inOff) })
			empty = empty || len(p.Src) == k
			p.next()
		})
		if empty {
			return nil, nil, fmt.Errorf("a window lies entirely in the padding")
		}
		// The rescale (and ReLU) of the step before moves into the pool:
		// the step's outputs are unbounded quotients no more, and the pool
		// bounds one maximum per window instead of every value.
		if t, ok := c.Producer.(RequantTaker); ok && x.Const == nil {
			if rq, ok := t.TakeRequant(); ok {
				p.RQ, p.Bits = &rq, rq.Bits
			}
		}
		out := *x
		out.Shape, out.Const = p.Shape, nil
		return []*Info{&out}, p, nil
	}
}

func inferAvgPool(global bool) InferFunc {
	return func(c *Context, n *graph.Node, ins []*Info) ([]*Info, any, error) {
		x, w, err := poolSetup(n, ins, global)
		if err != nil {
			return nil, nil, err
		}
		includePad := n.AttrInt("count_include_pad", 0) != 0
		pads := intsAttr(n, "pads", 0, 2*len(w.In))
		b := newLinMap(outShape(x, w))
		var bad bool
		eachWindow(x, w, func(base int, o []int) {
			cnt := 0
			w.taps(o, func(inOff, _ int) { b.term(base+inOff, 1); cnt++ })
			if includePad {
				// Count the taps inside the input extended by the explicit pads.
				cnt = 1
				for d := range w.In {
					lo := o[d]*w.Strides[d] - w.PadBegin[d]
					k := 0
					for j := range w.Kernel[d] {
						if i := lo + j*w.Dilations[d]; i >= -w.PadBegin[d] && i < w.In[d]+pads[d+len(w.In)] {
							k++
						}
					}
					cnt *= k
				}
			}
			bad = bad || cnt == 0
			b.nextDiv(max(cnt, 1))
		})
		if bad {
			return nil, nil, fmt.Errorf("a window lies entirely in the padding")
		}
		p, out := b.finish(c, x, 0)
		return []*Info{out}, p, nil
	}
}

// lpPlan: |x| (p=1) or x² (p=2) per element, a group sum, and for p=2 a
// square root.
type lpPlan struct {
	Sum     *linMapPlan
	P       int
	AbsBits int // Relu bits for |x|
	Sqrt    *sqrtPlan
}

func inferLpPool(global bool) InferFunc {
	return func(c *Context, n *graph.Node, ins []*Info) ([]*Info, any, error) {
		x, w, err := poolSetup(n, ins, global)
		if err != nil {
			return nil, nil, err
		}
		b := newLinMap(outShape(x, w))
		eachWindow(x, w, func(base int, o []int) {
			w.taps(o, func(inOff, _ int) { b.term(base+inOff, 1) })
			b.next(0)
		})
		p, out, err := lpFinish(c, b, x, int(n.AttrInt("p", 2)))
		return []*Info{out}, p, err
	}
}

// lpSumSquare is lpFinish's p for Σx² without the root (ReduceSumSquare).
const lpSumSquare = 0

// lpFinish plans the L1 or L2 norm (or lpSumSquare) of groups already in b.
func lpFinish(c *Context, b *linMapBuilder, x *Info, pn int) (*lpPlan, *Info, error) {
	p := &lpPlan{P: pn, AbsBits: bitsFor(x.Max)}
	switch pn {
	case lpSumSquare:
		sum, out := b.finish(c, &Info{DType: graph.Float, Scale: 2 * x.Scale, Max: x.Max * x.Max}, 0)
		p.Sum = sum
		return p, out, nil
	case 1:
		sum, out := b.finish(c, x, 0)
		p.Sum = sum
		return p, out, nil
	case 2:
		sq := &Info{DType: graph.Float, Scale: 2 * x.Scale, Max: x.Max * x.Max}
		// Keep the sum of squares at scale 2·Scale for the square root: a
		// context whose activation scale is that, so no rescale is planned.
		cs := *c
		cs.Scale, cs.ActBits = sq.Scale, 62
		sum, ss := b.finish(&cs, sq, 0)
		p.Sum = sum
		outs, sp, err := inferSqrt(c, nil, []*Info{ss})
		if err != nil {
			return nil, nil, err
		}
		p.Sqrt = sp.(*sqrtPlan)
		p.Sqrt.Shape = sum.Shape
		return p, outs[0], nil
	}
	return nil, nil, fmt.Errorf("p = %d is not supported (1 or 2)", pn)
}

func lpNorm[T any](a Arith[T], plan any, ins []Tensor[T]) []Tensor[T] {
	p := plan.(*lpPlan)
	x := ins[0].Data
	y := make([]T, len(x))
	for i, v := range x {
		if p.P == 1 {
			y[i] = a.Lin([]Q{{F: 2, I: 2}, {F: -1, I: -1}}, []T{a.Relu(v, p.AbsBits), v}, Q{})
		} else {
			y[i] = a.Mul(v, v)
		}
	}
	s := applyLinMap(a, p.Sum, y)
	if p.Sqrt == nil {
		return []Tensor[T]{s}
	}
	return sqrtKernel(a, p.Sqrt, []Tensor[T]{s})
}

func init() {
	for _, g := range []bool{false, true} {
		prefix := ""
		if g {
			prefix = "Global"
		}
		Register(prefix+"MaxPool", Op{Infer: inferMaxPool(g), Float: groupMax[float64], Int: groupMax[int64], Circuit: groupMax[Variable]})
		Register(prefix+"AveragePool", Op{Infer: inferAvgPool(g), Float: linMap[float64], Int: linMap[int64], Circuit: linMap[Variable]})
		Register(prefix+"LpPool", Op{Infer: inferLpPool(g), Float: lpNorm[float64], Int: lpNorm[int64], Circuit: lpNorm[Variable]})
	}
}
