package ops

import (
	"fmt"
	"math"
	"slices"

	"github.com/zkinfer/zkinfer/graph"
)

// linMapPlan is a constant linear map expanded term by term, the plan of
// average pooling, ReduceSum and ReduceMean (Conv and ConvTranspose compute
// theirs from the weights and a tap table: convConstPlan; see "Linear maps"
// in the package documentation): output i is Σ_k W[k]·x[Src[k]] over k in
// [Off[i], Off[i+1]), plus Bias[i] (at the product scale; nil for none),
// divided by Div[i] when Div is set (an exact rounded division by a
// constant, see DivRound: 1 multiplication and 3 range checks), then RQ.
type linMapPlan struct {
	Shape        []int
	Off          []int32
	Src          []int32
	W            []Q
	Bias         []Q
	Div          []int64
	DBits, QBits int
	RQ           Requant
}

// FuseRelu absorbs a following ReLU into the rescale: RescaleRelu's sign
// check also bounds the quotient, one range check fewer per output.
func (p *linMapPlan) FuseRelu() bool { return p.RQ.FuseRelu() }

// TakeRequant hands the rescale to a max pool that reads the outputs.
func (p *linMapPlan) TakeRequant() (Requant, bool) { return p.RQ.TakeRequant() }

// linMapBuilder collects the terms of a linMapPlan output by output.
type linMapBuilder struct {
	p     linMapPlan
	coefs []float64
	bias  []float64
}

func newLinMap(shape []int) *linMapBuilder {
	b := &linMapBuilder{p: linMapPlan{Shape: slices.Clone(shape)}}
	b.p.Off = append(b.p.Off, 0)
	return b
}

// term adds w·x[src] to the current output.
func (b *linMapBuilder) term(src int, w float64) {
	if w != 0 {
		b.p.Src = append(b.p.Src, int32(src))
		b.coefs = append(b.coefs, w)
	}
}

// next closes the current output with a bias.
func (b *linMapBuilder) next(bias float64) {
	b.p.Off = append(b.p.Off, int32(len(b.p.Src)))
	b.bias = append(b.bias, bias)
	b.p.Div = append(b.p.Div, 1)
}

// nextDiv closes the current output, to be divided by d ≥ 1. A power of two
// becomes coefficients 1/d (exact, so only the final rescale rounds); other
// divisors an exact rounded division.
func (b *linMapBuilder) nextDiv(d int) {
	if d&(d-1) == 0 {
		for k := b.p.Off[len(b.p.Off)-1]; int(k) < len(b.coefs); k++ {
			b.coefs[k] /= float64(d)
		}
		d = 1
	}
	b.next(0)
	b.p.Div[len(b.p.Div)-1] = int64(d)
}

// finish quantizes the coefficients at the smallest scale that holds them
// exactly, else at ParamScale+extra (extra bits keep a reciprocal such as
// 1/n accurate: the coefficient error 2^-(ParamScale+extra+1) summed over n
// ≤ 2^extra terms stays below 2^-(ParamScale+1) of the inputs' bound), and
// plans the rescale back to the activation scale.
func (b *linMapBuilder) finish(c *Context, x *Info, extra int) (*linMapPlan, *Info) {
	p := &b.p
	var ws int
	p.W, ws = c.ExactParams(&graph.Tensor{Data: b.coefs})
	if ws == c.ParamScale && extra > 0 {
		ws = c.ParamScale + extra
		p.W = quantizeAt(b.coefs, ws)
	}
	scale := x.Scale + ws
	m := 0.0
	hasBias := false
	for _, v := range b.bias {
		hasBias = hasBias || v != 0
	}
	if hasBias {
		p.Bias = quantizeAt(b.bias, scale)
	}
	for i := range len(p.Off) - 1 {
		s := 0.0
		for _, w := range p.W[p.Off[i]:p.Off[i+1]] {
			s += math.Abs(float64(w.I))
		}
		s *= x.Max
		if hasBias {
			s += math.Abs(float64(p.Bias[i].I))
		}
		m = max(m, math.Ceil(s/float64(p.Div[i])))
	}
	if slices.Max(append(p.Div, 1)) == 1 {
		p.Div = nil
	} else {
		p.DBits = bitsFor(float64(slices.Max(p.Div)))
		p.QBits = bitsFor(m) + 1
	}
	out := &Info{DType: graph.Float, Shape: p.Shape}
	p.RQ, out.Max = c.Requant(m, scale)
	out.Scale = scale - p.RQ.Shift + p.RQ.Up
	return p, out
}

func linMap[T any](a Arith[T], plan any, ins []Tensor[T]) []Tensor[T] {
	p := plan.(*linMapPlan)
	return []Tensor[T]{applyLinMap(a, p, ins[0].Data)}
}

func applyLinMap[T any](a Arith[T], p *linMapPlan, x []T) Tensor[T] {
	n := len(p.Off) - 1
	out := make([]T, n)
	var xs []T
	for i := range n {
		lo, hi := p.Off[i], p.Off[i+1]
		xs = xs[:0]
		for _, s := range p.Src[lo:hi] {
			xs = append(xs, x[s])
		}
		var bias Q
		if p.Bias != nil {
			bias = p.Bias[i]
		}
		v := a.Lin(p.W[lo:hi], xs, bias)
		if p.Div != nil && p.Div[i] > 1 {
			d := p.Div[i]
			v = a.DivRound(v, a.Const(Q{F: float64(d), I: d}), p.DBits, p.QBits)
		}
		out[i] = Apply(a, p.RQ, v)
	}
	return Tensor[T]{Shape: p.Shape, Data: out}
}

// window is the geometry of a sliding window over the spatial axes.
type window struct {
	In, Out, Kernel, Strides, Dilations, PadBegin []int
	inStr, kStr                                   []int
}

func intsAttr(n *graph.Node, name string, def int, k int) []int {
	out := make([]int, k)
	v := n.AttrInts(name, nil)
	for i := range out {
		out[i] = def
		if i < len(v) {
			out[i] = int(v[i])
		}
	}
	return out
}

// newWindow reads kernel_shape (or kernel, the weights' spatial shape),
// strides, dilations, pads and auto_pad; ceil rounds the output size up as
// pools with ceil_mode do.
func newWindow(n *graph.Node, in, kernel []int, ceil bool) (*window, error) {
	k := len(in)
	w := &window{In: in, Kernel: kernel, Strides: intsAttr(n, "strides", 1, k), Dilations: intsAttr(n, "dilations", 1, k),
		PadBegin: make([]int, k), Out: make([]int, k), inStr: Strides(in), kStr: Strides(kernel)}
	if len(kernel) != k {
		return nil, fmt.Errorf("kernel %v for %d spatial axes", kernel, k)
	}
	pads := intsAttr(n, "pads", 0, 2*k)
	autoPad := n.AttrString("auto_pad", "NOTSET")
	for i := range k {
		if w.Strides[i] <= 0 || w.Dilations[i] <= 0 || kernel[i] <= 0 {
			return nil, fmt.Errorf("strides, dilations and kernel must be positive")
		}
		span := (kernel[i]-1)*w.Dilations[i] + 1
		switch autoPad {
		case "NOTSET":
			w.PadBegin[i] = pads[i]
			total := in[i] + pads[i] + pads[i+k] - span
			if total < 0 {
				return nil, fmt.Errorf("kernel %v does not fit input %v", kernel, in)
			}
			w.Out[i] = total/w.Strides[i] + 1
			if ceil && total%w.Strides[i] != 0 {
				w.Out[i]++
				// The last window must start inside the input or the left padding.
				if (w.Out[i]-1)*w.Strides[i] >= in[i]+pads[i] {
					w.Out[i]--
				}
			}
		case "VALID":
			if in[i] < span {
				return nil, fmt.Errorf("kernel %v does not fit input %v", kernel, in)
			}
			w.Out[i] = (in[i]-span)/w.Strides[i] + 1
		case "SAME_UPPER", "SAME_LOWER":
			w.Out[i] = (in[i] + w.Strides[i] - 1) / w.Strides[i]
			total := max(0, (w.Out[i]-1)*w.Strides[i]+span-in[i])
			w.PadBegin[i] = total / 2
			if autoPad == "SAME_LOWER" {
				w.PadBegin[i] = total - total/2
			}
		default:
			return nil, fmt.Errorf("auto_pad %q is not supported", autoPad)
		}
	}
	return w, nil
}

// taps calls f with the input offset (within one channel plane) of every
// kernel position of output position o that falls inside the input, and
// with the kernel position's flat index; outside taps are padding.
func (w *window) taps(o []int, f func(inOff, kOff int)) {
	forEach(w.Kernel, func(kc []int) {
		off := 0
		for d, kd := range kc {
			i := o[d]*w.Strides[d] - w.PadBegin[d] + kd*w.Dilations[d]
			if i < 0 || i >= w.In[d] {
				return
			}
			off += i * w.inStr[d]
		}
		f(off, flat(kc, w.kStr))
	})
}

func inferConv(c *Context, n *graph.Node, ins []*Info) ([]*Info, any, error) {
	if len(ins) < 2 || ins[0] == nil || ins[1] == nil {
		return nil, nil, fmt.Errorf("needs X and W")
	}
	x, wt := ins[0], ins[1]
	if len(x.Shape) < 3 || len(wt.Shape) != len(x.Shape) {
		return nil, nil, fmt.Errorf("X %v and W %v must be [N,C,spatial...] and [M,C/group,kernel...]", x.Shape, wt.Shape)
	}
	group := int(n.AttrInt("group", 1))
	N, C, M, CG := x.Shape[0], x.Shape[1], wt.Shape[0], wt.Shape[1]
	if group <= 0 || C != CG*group || M%group != 0 {
		return nil, nil, fmt.Errorf("X %v, W %v and group %d disagree", x.Shape, wt.Shape, group)
	}
	w, err := newWindow(n, x.Shape[2:], wt.Shape[2:], false)
	if err != nil {
		return nil, nil, err
	}
	g := convGeom{Shape: append([]int{N, M}, w.Out...), N: N, C: C, M: M, Group: group, CG: CG, MG: M / group,
		InPlane: graph.NumElements(w.In), OutPlane: graph.NumElements(w.Out), KSize: graph.NumElements(w.Kernel), Tap: convTaps(w)}
	if wt.Const == nil {
		p := &convDynPlan{convGeom: g}
		out, err := p.finish(c, x, wt, ins)
		return []*Info{out}, p, err
	}
	bias, err := convBias(ins, M)
	if err != nil {
		return nil, nil, err
	}
	p, out := newConvConst(c, g, x, wt.Const.Data, bias)
	return []*Info{out}, p, nil
}

// convBias is a constant-weight convolution's bias, one value per output
// channel (zeros when it has none).
func convBias(ins []*Info, M int) ([]float64, error) {
	if len(ins) < 3 || ins[2] == nil {
		return make([]float64, M), nil
	}
	if ins[2].Const == nil || len(ins[2].Const.Data) != M {
		return nil, fmt.Errorf("bias must be a constant of %d values", M)
	}
	return ins[2].Const.Data, nil
}

func inferConvTranspose(c *Context, n *graph.Node, ins []*Info) ([]*Info, any, error) {
	if len(ins) < 2 || ins[0] == nil || ins[1] == nil {
		return nil, nil, fmt.Errorf("needs X and W")
	}
	x, wt := ins[0], ins[1]
	if len(x.Shape) < 3 || len(wt.Shape) != len(x.Shape) {
		return nil, nil, fmt.Errorf("X %v and W %v must be [N,C,spatial...] and [C,M/group,kernel...]", x.Shape, wt.Shape)
	}
	group := int(n.AttrInt("group", 1))
	N, C, MG := x.Shape[0], x.Shape[1], wt.Shape[1]
	if group <= 0 || wt.Shape[0] != C || C%group != 0 {
		return nil, nil, fmt.Errorf("X %v, W %v and group %d disagree", x.Shape, wt.Shape, group)
	}
	M := MG * group
	in, kernel := x.Shape[2:], wt.Shape[2:]
	k := len(in)
	strides, dil := intsAttr(n, "strides", 1, k), intsAttr(n, "dilations", 1, k)
	outPad, pads := intsAttr(n, "output_padding", 0, k), intsAttr(n, "pads", 0, 2*k)
	outShape := intsAttr(n, "output_shape", 0, k)
	autoPad := n.AttrString("auto_pad", "NOTSET")
	out, pb := make([]int, k), make([]int, k)
	for i := range k {
		full := strides[i]*(in[i]-1) + outPad[i] + (kernel[i]-1)*dil[i] + 1
		switch {
		case n.HasAttr("output_shape") || autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER":
			out[i] = outShape[i]
			if !n.HasAttr("output_shape") {
				out[i] = in[i] * strides[i]
			}
			total := full - out[i]
			pb[i] = total / 2
			if autoPad == "SAME_LOWER" {
				pb[i] = total - total/2
			}
		case autoPad == "NOTSET" || autoPad == "VALID":
			if autoPad == "VALID" {
				pads[i], pads[i+k] = 0, 0
			}
			pb[i], out[i] = pads[i], full-pads[i]-pads[i+k]
		default:
			return nil, nil, fmt.Errorf("auto_pad %q is not supported", autoPad)
		}
		if out[i] <= 0 || strides[i] <= 0 || dil[i] <= 0 {
			return nil, nil, fmt.Errorf("output shape %v is empty", out)
		}
	}
	g := convGeom{Shape: append([]int{N, M}, out...), N: N, C: C, M: M, Group: group, CG: C / group, MG: MG, Transposed: true,
		InPlane: graph.NumElements(in), OutPlane: graph.NumElements(out), KSize: graph.NumElements(kernel),
		Tap: convTransposeTaps(in, out, kernel, strides, dil, pb)}
	if wt.Const == nil {
		p := &convDynPlan{convGeom: g}
		o, err := p.finish(c, x, wt, ins)
		return []*Info{o}, p, err
	}
	bias, err := convBias(ins, M)
	if err != nil {
		return nil, nil, err
	}
	p, o := newConvConst(c, g, x, wt.Const.Data, bias)
	return []*Info{o}, p, nil
}

func init() {
	weights := []WeightUse{1: AnyWeight, 2: AnyWeight}
	Register("Conv", Op{Infer: inferConv, Float: conv[float64], Int: conv[int64], Circuit: conv[Variable],
		Weights: weights, SecretRewrite: convSecret})
	Register("ConvTranspose", Op{Infer: inferConvTranspose, Float: conv[float64], Int: conv[int64], Circuit: conv[Variable],
		Weights: weights, SecretRewrite: convSecret})
}

// convSecret moves a secret bias of a convolution whose weights W are an
// initializer into an Add after it, reshaped to [M, 1, ...] to broadcast
// over the output's channels: the constant-weight kernel (convConstPlan)
// takes only a constant bias.
func convSecret(n *graph.Node, g SecretGraph) string {
	if !g.Secret(n, 2) {
		return ""
	}
	w, bias := g.Const(n.Inputs[1]), n.Inputs[2]
	if w == nil || len(w.Shape) < 2 {
		return "" // computed or malformed weights: inferConv decides
	}
	shape := make([]int, len(w.Shape)-1)
	shape[0] = len(g.Const(bias).Data)
	for i := 1; i < len(shape); i++ {
		shape[i] = 1
	}
	if !slices.Equal(shape, g.Const(bias).Shape) {
		bias = g.Derive(bias, "·bias", shape, 1)
	}
	n.Inputs = n.Inputs[:2]
	return bias
}

// conv runs a constant-weight convolution's linear map (convConstPlan) or a
// computed-weight one's matrix products.
func conv[T any](a Arith[T], plan any, ins []Tensor[T]) []Tensor[T] {
	if p, ok := plan.(*convDynPlan); ok {
		return []Tensor[T]{convDynamic(a, p, ins)}
	}
	return []Tensor[T]{convConst(a, plan.(*convConstPlan), ins[0].Data)}
}

// convDynPlan is a Conv or ConvTranspose with computed weights, as one
// matrix product per group (im2col): W_g, the group's MG output channels by
// its CG·KSize (input channel, kernel position) pairs, times X_g, whose row
// (cg, k) holds for every image and output position the input element that
// kernel position k reads from channel cg (0 for padding). Both operands are
// secret, so the product goes through Arith.MatMul (Freivalds' check in the
// circuit where it pays). A bias, constant or computed, is added to the
// exact product before the rescale.
type convDynPlan struct {
	convGeom
	// Bias is the constant bias per output channel at the product scale;
	// with DynBias the bias is the node's third input, upscaled by BiasUp.
	Bias    []Q
	DynBias bool
	BiasUp  int
	RQ      Requant
}

// FuseRelu absorbs a following ReLU into the rescale.
func (p *convDynPlan) FuseRelu() bool { return p.RQ.FuseRelu() }

// TakeRequant hands the rescale to a max pool that reads the outputs.
func (p *convDynPlan) TakeRequant() (Requant, bool) { return p.RQ.TakeRequant() }

// finish plans the bias and the rescale: an output sums at most
// CG·(taps of its position) products of |x| ≤ x.Max and |w| ≤ w.Max.
func (p *convDynPlan) finish(c *Context, x, wt *Info, ins []*Info) (*Info, error) {
	if graph.NumElements(wt.Shape) != p.M*p.CG*p.KSize {
		return nil, fmt.Errorf("W %v does not fit %d output and %d input channels per group", wt.Shape, p.M, p.CG)
	}
	taps := 0
	for o := range p.OutPlane {
		n := 0
		for _, t := range p.Tap[o*p.KSize : (o+1)*p.KSize] {
			if t >= 0 {
				n++
			}
		}
		taps = max(taps, n)
	}
	scale := x.Scale + wt.Scale
	m := float64(taps*p.CG) * x.Max * wt.Max
	if len(ins) > 2 && ins[2] != nil {
		b := ins[2]
		if b.Size() != p.M {
			return nil, fmt.Errorf("bias %v must have %d values", b.Shape, p.M)
		}
		if b.Const != nil {
			p.Bias = quantizeAt(b.Const.Data, scale)
			bm := 0.0
			for _, q := range p.Bias {
				bm = max(bm, math.Abs(float64(q.I)))
			}
			m += bm
		} else {
			if b.Scale > scale {
				return nil, fmt.Errorf("computed bias at scale 2^%d is finer than the product's 2^%d", b.Scale, scale)
			}
			p.DynBias, p.BiasUp = true, scale-b.Scale
			m += math.Ldexp(b.Max, p.BiasUp)
		}
	}
	out := &Info{DType: graph.Float, Shape: p.Shape}
	p.RQ, out.Max = c.Requant(m, scale)
	out.Scale = scale - p.RQ.Shift + p.RQ.Up
	return out, nil
}

func convDynamic[T any](a Arith[T], p *convDynPlan, ins []Tensor[T]) Tensor[T] {
	x, wt := ins[0].Data, ins[1].Data
	zero := a.Const(Q{})
	K, P := p.CG*p.KSize, p.N*p.OutPlane
	out := make([]T, p.N*p.M*p.OutPlane)
	for g := range p.Group {
		w := make([][]T, p.MG)
		for mm := range w {
			w[mm] = make([]T, K)
			for cg := range p.CG {
				for k := range p.KSize {
					i := ((g*p.MG+mm)*p.CG+cg)*p.KSize + k
					if p.Transposed {
						i = ((g*p.CG+cg)*p.MG+mm)*p.KSize + k
					}
					w[mm][cg*p.KSize+k] = wt[i]
				}
			}
		}
		xs := make([][]T, K)
		for cg := range p.CG {
			for k := range p.KSize {
				row := make([]T, P)
				for bn := range p.N {
					base := (bn*p.C + g*p.CG + cg) * p.InPlane
					for o := range p.OutPlane {
						if t := p.Tap[o*p.KSize+k]; t >= 0 {
							row[bn*p.OutPlane+o] = x[base+int(t)]
						} else {
							row[bn*p.OutPlane+o] = zero
						}
					}
				}
				xs[cg*p.KSize+k] = row
			}
		}
		var y [][]T
		if K > 0 {
			y = a.MatMul(w, xs)
		}
		for mm := range p.MG {
			m := g*p.MG + mm
			for bn := range p.N {
				for o := range p.OutPlane {
					v := zero
					if K > 0 {
						v = y[mm][bn*p.OutPlane+o]
					}
					switch {
					case p.DynBias:
						v = a.Add(v, a.Upscale(ins[2].Data[m], p.BiasUp))
					case p.Bias != nil:
						v = a.Add(v, a.Const(p.Bias[m]))
					}
					out[(bn*p.M+m)*p.OutPlane+o] = Apply(a, p.RQ, v)
				}
			}
		}
	}
	return Tensor[T]{Shape: p.Shape, Data: out}
}
