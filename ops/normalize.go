package ops

import (
	"fmt"
	"math"

	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/quant"
)

// BatchNormalization (inference form) is a per-channel affine map with
// constant a_c = γ_c/√(var_c+ε) and b_c = β_c - mean_c·a_c: one free linear
// term and a rescale per element (error ≤ 2^-(Scale+1) + |x|·2^-(ParamScale+1)
// relative to a_c). With a constant input compile folds it.
//
// InstanceNormalization (per sample and channel, over the spatial axes) and
// LayerNormalization (over the axes from `axis` on) normalize groups of N
// elements; per group, with extra precision bits m and k chosen so every
// intermediate stays below 2^61:
//
//	μ   = DivRound(Σx·2^m, N)                    scale s+m
//	d_i = x_i·2^m - μ                            free
//	v   = DivRound(Σ d_i², N) + ε                scale 2(s+m), N multiplications
//	σ   = Sqrt(v·2^2k)                           scale s+m+k
//	y_i = DivRound(d_i·2^(Scale+k), σ)           scale Scale, |y_i| ≤ √N
//	out = γ_i·y_i + β_i                          free linear term + rescale
//
// Error: the input's quantization (2^-(s+1)/σ relative to the spread) plus
// ≤ 2^-(s+m+1)/σ for μ, 2^-(s+m+k) for σ, 2^-(Scale+1) per rounding and
// |y|·2^-(ParamScale+1) for γ. Cost per element: 2 multiplications, a
// division (4 range checks), an affine rescale (2); per group two divisions
// and a square root.

type normPlan struct {
	Shape       []int
	Groups, N   int
	M, K        int
	Eps         Q
	SumBits     int // bits of N (the constant divisor)
	MuBits      int
	VarBits     int
	SqrtBits    int
	SdBits      int
	YBits       int
	YUp         int   // Scale+K: d (scale s+m) over σ (s+m+K) lands at Scale
	Coef        []int // per element: index into Gamma and Beta
	Gamma, Beta []Q
	RQ          Requant
}

// planNorm picks m and k and the bounds for groups of n values bounded by
// max at scale s, with per-element affine coefficients.
func planNorm(c *Context, in *Info, groups, n int, eps float64, gamma, beta []float64, coef []int) (*normPlan, *Info, error) {
	p := &normPlan{Shape: in.Shape, Groups: groups, N: n, Coef: coef}
	lg := func(v float64) float64 { return math.Log2(max(v, 1)) }
	for p.M = 4; p.M > 0 && lg(float64(n))+2*(lg(2*in.Max)+float64(p.M)) > 61; p.M-- {
	}
	dmax := math.Ldexp(2*in.Max, p.M) + 1
	if lg(float64(n))+2*lg(dmax) > 61 {
		return nil, nil, fmt.Errorf("the variance of a group of %d values bounded by 2^%.0f is beyond the 2^61 the evaluator allows it: lower --act-bits or --scale", n, lg(in.Max))
	}
	for p.K = 8; p.K > 0 && (2*lg(dmax)+2*float64(p.K) > 61 || lg(dmax)+float64(c.Scale+p.K) > 61); p.K-- {
	}
	p.YUp = c.Scale + p.K
	// The loops above keep the variance, σ's argument and d·2^YUp below
	// 2^61 when they can; K = 0 may still leave the last two too large.
	sv := 2 * (in.Scale + p.M)
	p.Eps = Q{F: eps, I: quant.Quantize(eps, sv)}
	if p.Eps.I < 1 {
		p.Eps.I = 1 // keeps σ ≥ 1: a constant group is 0, not a division by 0
	}
	p.SumBits = quant.BitsFor(float64(n)) + 1
	p.MuBits = quant.BitsFor(math.Ldexp(in.Max, p.M)+1) + 1
	vmax := dmax*dmax + float64(p.Eps.I) + 1
	p.VarBits = quant.BitsFor(vmax) + 1
	p.SqrtBits = quant.BitsFor(math.Ldexp(vmax, 2*p.K))
	c.CheckBound(math.Ldexp(vmax, 2*p.K))
	c.CheckBound(math.Ldexp(dmax, p.YUp))
	p.SdBits = quant.BitsFor(math.Sqrt(math.Ldexp(vmax, 2*p.K))+1) + 1
	ymax := math.Ldexp(math.Sqrt(float64(n)), c.Scale) + 2
	p.YBits = quant.BitsFor(ymax) + 1
	q, s := c.ExactParams(&graph.Tensor{DType: graph.Float, Shape: []int{len(gamma)}, Data: gamma})
	p.Gamma = q
	for _, b := range beta {
		p.Beta = append(p.Beta, Q{F: b, I: quant.Quantize(b, c.Scale+s)})
	}
	out := &Info{DType: graph.Float, Shape: in.Shape}
	p.RQ, out.Max = c.Requant(ymax*maxAbsI(p.Gamma)+maxAbsI(p.Beta), c.Scale+s)
	out.Scale = c.Scale + s - p.RQ.Shift + p.RQ.Up
	return p, out, nil
}

func normalize[T any](a Arith[T], plan any, ins []Tensor[T]) []Tensor[T] {
	p := plan.(*normPlan)
	x := ins[0].Data
	out := make([]T, len(x))
	nq := a.Const(Q{F: float64(p.N), I: int64(p.N)})
	d := make([]T, p.N)
	ones := make([]Q, p.N)
	for i := range ones {
		ones[i] = Q{F: 1, I: 1}
	}
	for g := range p.Groups {
		xs := x[g*p.N : (g+1)*p.N]
		mu := a.DivRound(a.Upscale(a.Lin(ones, xs, Q{}), p.M), nq, p.SumBits, p.MuBits)
		sq := make([]T, p.N)
		for i, v := range xs {
			d[i] = a.Sub(a.Upscale(v, p.M), mu)
			sq[i] = a.Mul(d[i], d[i])
		}
		v := a.Add(a.DivRound(a.Lin(ones, sq, Q{}), nq, p.SumBits, p.VarBits), a.Const(p.Eps))
		sd := a.Sqrt(a.Upscale(v, 2*p.K), p.SqrtBits)
		for i := range xs {
			j := g*p.N + i
			y := a.DivRound(a.Upscale(d[i], p.YUp), sd, p.SdBits, p.YBits)
			k := p.Coef[j]
			out[j] = Apply(a, p.RQ, a.Lin([]Q{p.Gamma[k]}, []T{y}, p.Beta[k]))
		}
	}
	return []Tensor[T]{{Shape: p.Shape, Data: out}}
}

func inferInstanceNorm(c *Context, n *graph.Node, ins []*Info) ([]*Info, any, error) {
	if len(ins) < 3 || ins[0] == nil || ins[1] == nil || ins[2] == nil {
		return nil, nil, fmt.Errorf("needs inputs X, scale and B")
	}
	in := ins[0]
	if len(in.Shape) < 3 {
		return nil, nil, fmt.Errorf("input %v needs a batch, a channel and a spatial axis", in.Shape)
	}
	if ins[1].Const == nil || ins[2].Const == nil {
		return nil, nil, fmt.Errorf("scale and B must be constants")
	}
	C := in.Shape[1]
	if len(ins[1].Const.Data) != C || len(ins[2].Const.Data) != C {
		return nil, nil, fmt.Errorf("scale and B must have %d values", C)
	}
	sp := graph.NumElements(in.Shape[2:])
	groups := in.Shape[0] * C
	coef := make([]int, in.Size())
	for i := range coef {
		coef[i] = (i / sp) % C
	}
	p, out, err := planNorm(c, in, groups, sp, n.AttrFloat("epsilon", 1e-5), ins[1].Const.Data, ins[2].Const.Data, coef)
	if err != nil {
		return nil, nil, err
	}
	return []*Info{out}, p, nil
}

func inferLayerNorm(c *Context, n *graph.Node, ins []*Info) ([]*Info, any, error) {
	if len(ins) < 2 || ins[0] == nil || ins[1] == nil {
		return nil, nil, fmt.Errorf("needs inputs X and Scale")
	}
	in := ins[0]
	r := len(in.Shape)
	ax, err := normAxis(int(n.AttrInt("axis", -1)), r)
	if err != nil {
		return nil, nil, err
	}
	norm := in.Shape[ax:]
	sz := graph.NumElements(norm)
	gamma, err := affineParam(ins, 1, norm, 1)
	if err != nil {
		return nil, nil, err
	}
	beta, err := affineParam(ins, 2, norm, 0)
	if err != nil {
		return nil, nil, err
	}
	coef := make([]int, in.Size())
	for i := range coef {
		coef[i] = i % sz
	}
	p, out, err := planNorm(c, in, in.Size()/sz, sz, n.AttrFloat("epsilon", 1e-5), gamma, beta, coef)
	if err != nil {
		return nil, nil, err
	}
	if len(n.Outputs) > 1 {
		return nil, nil, fmt.Errorf("the Mean and InvStdDev outputs are not supported")
	}
	return []*Info{out}, p, nil
}

// affineParam expands the constant input i (or def when absent) to the
// normalized shape.
func affineParam(ins []*Info, i int, shape []int, def float64) ([]float64, error) {
	n := graph.NumElements(shape)
	v := make([]float64, n)
	if i >= len(ins) || ins[i] == nil {
		for j := range v {
			v[j] = def
		}
		return v, nil
	}
	if ins[i].Const == nil {
		return nil, fmt.Errorf("input %d must be a constant", i)
	}
	if _, err := Broadcast(shape, ins[i].Shape); err != nil {
		return nil, err
	}
	idx := BroadcastIndex(shape, ins[i].Shape)
	for j := range v {
		v[j] = at(ins[i].Const.Data, idx, j)
	}
	return v, nil
}

// inferBatchNorm folds the statistics into a per-channel affine map.
func inferBatchNorm(c *Context, n *graph.Node, ins []*Info) ([]*Info, any, error) {
	if len(ins) < 5 {
		return nil, nil, fmt.Errorf("needs inputs X, scale, B, mean and var")
	}
	for i := 1; i < 5; i++ {
		if ins[i] == nil || ins[i].Const == nil {
			return nil, nil, fmt.Errorf("input %d must be a constant (training mode is not supported)", i)
		}
	}
	in := ins[0]
	if in == nil || len(in.Shape) < 2 {
		return nil, nil, fmt.Errorf("input needs a channel axis")
	}
	C := in.Shape[1]
	for i := 1; i < 5; i++ {
		if len(ins[i].Const.Data) != C {
			return nil, nil, fmt.Errorf("input %d must have %d values", i, C)
		}
	}
	eps := n.AttrFloat("epsilon", 1e-5)
	al, be := make([]float64, C), make([]float64, C)
	for ch := range C {
		al[ch] = ins[1].Const.Data[ch] / math.Sqrt(ins[4].Const.Data[ch]+eps)
		be[ch] = ins[2].Const.Data[ch] - ins[3].Const.Data[ch]*al[ch]
	}
	p, out := linearPart(c, in, al, nil, false)
	inner := graph.NumElements(in.Shape[2:])
	p.IC = make([]int, in.Size())
	for i := range p.IC {
		p.IC[i] = (i / inner) % C
	}
	// β at the product scale of α·x.
	s := in.Scale + out.Scale - in.Scale + p.RQ.Shift - p.RQ.Up
	m := 0.0
	for ch := range C {
		p.B[ch] = Q{F: be[ch], I: quant.Quantize(be[ch], s)}
		m = max(m, in.Max*float64(abs(p.C[ch][1].I))+float64(abs(p.B[ch].I)))
	}
	p.RQ, out.Max = c.Requant(m, s)
	out.Scale = s - p.RQ.Shift + p.RQ.Up
	return []*Info{out}, p, nil
}

func init() {
	Register("BatchNormalization", Op{Infer: inferBatchNorm, Float: pwl[float64], Int: pwl[int64], Circuit: pwl[Variable]})
	Register("InstanceNormalization", Op{Infer: inferInstanceNorm, Float: normalize[float64], Int: normalize[int64], Circuit: normalize[Variable]})
	Register("LayerNormalization", Op{Infer: inferLayerNorm, Float: normalize[float64], Int: normalize[int64], Circuit: normalize[Variable]})
}
