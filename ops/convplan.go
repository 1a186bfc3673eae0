package ops

import (
	"math"

	"github.com/zkinfer/zkinfer/graph"
)

// convGeom is a convolution's geometry, shared by its plans for constant
// weights (convConstPlan) and computed ones (convDynPlan): which input
// element every kernel position reads for every output position, as one
// tap table of OutPlane·KSize offsets. It is the size of one output
// channel's plane times the kernel, not of the whole map (cnn_c32's second
// convolution: 9,216 taps against the 4.7M terms of its expanded map).
type convGeom struct {
	Shape                    []int
	N, C, M, Group, CG, MG   int
	InPlane, OutPlane, KSize int
	Transposed               bool // W is [C, M/group, kernel...], else [M, C/group, kernel...]
	// Tap[o·KSize+k] is the input offset (within a channel plane) that
	// kernel position k reads for output position o, or -1 (padding).
	Tap []int32
}

// weightAt is the index in W of the weight joining output channel m to
// input channel cg of its group at kernel position k.
func (g *convGeom) weightAt(m, cg, k int) int {
	if g.Transposed {
		gr, mm := m/g.MG, m%g.MG
		return ((gr*g.CG+cg)*g.MG+mm)*g.KSize + k
	}
	return (m*g.CG+cg)*g.KSize + k
}

// terms calls f(k, cg) for every tap of output position o that reads the
// input, in the order of the sum the circuit proves: for Conv kernel
// position first, then input channel (the order of the linear map it
// replaces); for ConvTranspose input channel first, then input position,
// which is kernel position backwards (i = (o + pad - k·dilation)/stride
// falls as k rises, on every axis). Keeping that order keeps the float
// reference's sums, and so its outputs, the same as the map's.
func (g *convGeom) terms(o int, f func(k, cg int)) {
	taps := g.Tap[o*g.KSize : (o+1)*g.KSize]
	if !g.Transposed {
		for k, t := range taps {
			if t >= 0 {
				for cg := range g.CG {
					f(k, cg)
				}
			}
		}
		return
	}
	for cg := range g.CG {
		for k := g.KSize - 1; k >= 0; k-- {
			if taps[k] >= 0 {
				f(k, cg)
			}
		}
	}
}

// convTaps is the tap table of Conv's sliding window.
func convTaps(w *window) []int32 {
	kSize := graph.NumElements(w.Kernel)
	tap := make([]int32, graph.NumElements(w.Out)*kSize)
	for i := range tap {
		tap[i] = -1
	}
	o := 0
	forEach(w.Out, func(oc []int) {
		w.taps(oc, func(inOff, kOff int) { tap[o*kSize+kOff] = int32(inOff) })
		o++
	})
	return tap
}

// convTransposeTaps is ConvTranspose's tap table: output position o takes
// kernel position k from the input position i with
// i·stride + k·dilation - pad = o on every axis, when there is one.
func convTransposeTaps(in, out, kernel, strides, dil, pb []int) []int32 {
	kSize := graph.NumElements(kernel)
	tap := make([]int32, graph.NumElements(out)*kSize)
	inStr := Strides(in)
	o := 0
	forEach(out, func(oc []int) {
		kOff := 0
		forEach(kernel, func(kc []int) {
			off := 0
			for d := range in {
				t := oc[d] + pb[d] - kc[d]*dil[d]
				if off < 0 || t < 0 || t%strides[d] != 0 || t/strides[d] >= in[d] {
					off = -1
					continue
				}
				off += t / strides[d] * inStr[d]
			}
			tap[o*kSize+kOff] = int32(off)
			kOff++
		})
		o++
	})
	return tap
}

// convConstPlan is a Conv or ConvTranspose with constant weights: output
// (n, m, o) is Σ W[m, cg, k]·x[n, cg, Tap[o, k]] over the taps that read
// the input and the nonzero weights, plus Bias[m], then RQ. It is the
// linear map the package documentation describes ("Linear maps"), computed
// from the weights and the tap table when it runs instead of expanded per
// output tap at compile time: the same terms in the same order, so the
// same outputs and the same constraints (TestConvPlanAsMap), while
// compiling a model that does not run the step costs its weights, not its
// map (docs/SCALING.md: that map was a segmented prove's peak).
type convConstPlan struct {
	convGeom
	// W holds the weights in the layout of the node's W, quantized at the
	// smallest scale that holds every weight a tap reads exactly, else at
	// ParamScale; a weight whose real value is 0 adds no term.
	W []Q
	// Bias is the bias per output channel at the product scale, nil for
	// none (or all zero).
	Bias []Q
	RQ   Requant
}

// FuseRelu absorbs a following ReLU into the rescale.
func (p *convConstPlan) FuseRelu() bool { return p.RQ.FuseRelu() }

// TakeRequant hands the rescale to a max pool that reads the outputs.
func (p *convConstPlan) TakeRequant() (Requant, bool) { return p.RQ.TakeRequant() }

// newConvConst quantizes the weights W (the node's layout) and the bias
// (one per output channel) and plans the rescale. The bound of output
// (n, m, o) is x.Max·Σ|W_q| over its terms plus |Bias_q[m]|: it depends on
// m and on which kernel positions of o read the input, so it is computed
// once per output channel and distinct tap pattern (an interior position
// and a few borders), not per output.
func newConvConst(c *Context, g convGeom, x *Info, W, bias []float64) (*convConstPlan, *Info) {
	p := &convConstPlan{convGeom: g}
	used := make([]bool, p.KSize)
	var reps []int // one output position per distinct tap pattern
	seen := map[string]bool{}
	key := make([]byte, p.KSize)
	for o := range p.OutPlane {
		for k, t := range p.Tap[o*p.KSize : (o+1)*p.KSize] {
			key[k] = 0
			if t >= 0 {
				key[k], used[k] = 1, true
			}
		}
		if !seen[string(key)] {
			seen[string(key)] = true
			reps = append(reps, o)
		}
	}
	if p.N == 0 {
		reps, used = nil, make([]bool, p.KSize)
	}
	var coefs []float64 // the weights some term reads
	for m := range p.M {
		for cg := range p.CG {
			for k := range p.KSize {
				if w := W[p.weightAt(m, cg, k)]; used[k] && w != 0 {
					coefs = append(coefs, w)
				}
			}
		}
	}
	_, ws := c.ExactParams(&graph.Tensor{Data: coefs})
	p.W = quantizeAt(W, ws)
	scale := x.Scale + ws
	hasBias := false
	for _, v := range bias {
		hasBias = hasBias || v != 0
	}
	if hasBias {
		p.Bias = quantizeAt(bias, scale)
	}
	bound := 0.0
	for _, o := range reps {
		for m := range p.M {
			s := 0.0
			p.terms(o, func(k, cg int) { s += math.Abs(float64(p.W[p.weightAt(m, cg, k)].I)) })
			s *= x.Max
			if hasBias {
				s += math.Abs(float64(p.Bias[m].I))
			}
			bound = max(bound, math.Ceil(s))
		}
	}
	out := &Info{DType: graph.Float, Shape: p.Shape}
	p.RQ, out.Max = c.Requant(bound, scale)
	out.Scale = scale - p.RQ.Shift + p.RQ.Up
	return p, out
}

// convConst evaluates a constant-weight convolution one output at a time,
// gathering its terms from the tap table.
func convConst[T any](a Arith[T], p *convConstPlan, x []T) Tensor[T] {
	out := make([]T, p.N*p.M*p.OutPlane)
	var ws []Q
	var xs []T
	for bn := range p.N {
		for m := range p.M {
			base := (bn*p.C + m/p.MG*p.CG) * p.InPlane
			var bias Q
			if p.Bias != nil {
				bias = p.Bias[m]
			}
			for o := range p.OutPlane {
				ws, xs = ws[:0], xs[:0]
				p.terms(o, func(k, cg int) {
					if w := p.W[p.weightAt(m, cg, k)]; w.F != 0 {
						ws = append(ws, w)
						xs = append(xs, x[base+cg*p.InPlane+int(p.Tap[o*p.KSize+k])])
					}
				})
				out[(bn*p.M+m)*p.OutPlane+o] = Apply(a, p.RQ, a.Lin(ws, xs, bias))
			}
		}
	}
	return Tensor[T]{Shape: p.Shape, Data: out}
}
