package ops

import (
	"fmt"
	"math"

	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/quant"
)

// normPlan is InstanceNormalization or LayerNormalization (the method, its
// bounds and error: "Normalization" in the package documentation).
type normPlan struct {
	Shape     []int
	Groups, N int
	M, K      int // M = max(m, 0): μ's extra bits
	Down      int // -m when m < 0: e_i = Rescale(d_i, Down)
	Eps       Q
	SumBits   int // bits of N (the constant divisor)
	MuBits    int
	EBits     int
	VarBits   int
	SqrtBits  int
	SdBits    int
	YBits     int
	YUp       int   // Scale+K-Down: d (scale s+M) over σ (s+m+K) lands at Scale
	Coef      []int // per element: index into Gamma and Beta
	Gamma     []Q
	Beta      []Q
	RQ        Requant
}

// normBounds are a plan's intermediate bounds for extra bits m and k.
// (sum: Σx·2^m'; sq: Σe_i², which bounds each e_i² too; v: the variance
// plus ε; num: d_i·2^YUp at k; e: |e_i|).
type normBounds struct {
	sum, sq, v, num, e float64
}

func normBoundsOf(x float64, n, scale, m, k int, eps float64) normBounds {
	mp := max(m, 0)
	rms := math.Ldexp(x, m) + 1 // bounds √(Σe_i²/N)
	return normBounds{
		sum: float64(n) * math.Ldexp(x, mp),
		sq:  float64(n) * rms * rms,
		v:   rms*rms + 1 + eps,
		num: math.Ldexp(math.Ldexp(2*x, mp)+1, scale+k+min(m, 0)),
		e:   math.Ldexp(2*x, m) + 1,
	}
}

func (b normBounds) fit(k int) bool {
	return max(b.sum, b.sq, math.Ldexp(b.v, 2*k), b.num) <= quant.MaxBound
}

// planNorm picks m and k and the bounds for groups of n values bounded by
// max at scale s, with per-element affine coefficients.
func planNorm(c *Context, in *Info, groups, n int, eps float64, gamma, beta []float64, coef []int) (*normPlan, *Info, error) {
	p := &normPlan{Shape: in.Shape, Groups: groups, N: n, Coef: coef}
	// ε at the variance's scale, at least 1 so σ ≥ 1: a constant group
	// normalizes to 0, not to a division by 0.
	epsAt := func(m int) int64 { return max(quant.Quantize(eps, 2*(in.Scale+m)), 1) }
	m := 4
	for ; m >= -62; m-- {
		if normBoundsOf(in.Max, n, c.Scale, m, 0, float64(epsAt(m))).fit(0) {
			break
		}
	}
	if m < -62 {
		return nil, nil, fmt.Errorf("a group of %d values bounded by 2^%.0f is too wide to normalize within the 2^62 the evaluator holds: lower --act-bits", n, math.Log2(max(in.Max, 1)))
	}
	p.Eps = Q{F: eps, I: epsAt(m)}
	k := 8
	for k > 0 && !normBoundsOf(in.Max, n, c.Scale, m, k, float64(p.Eps.I)).fit(k) {
		k--
	}
	b := normBoundsOf(in.Max, n, c.Scale, m, k, float64(p.Eps.I))
	p.M, p.K, p.Down = max(m, 0), k, max(-m, 0)
	if p.YUp = c.Scale + k - p.Down; p.YUp < 0 {
		return nil, nil, fmt.Errorf("a group of %d values bounded by 2^%.0f leaves σ coarser than the output: lower --act-bits", n, math.Log2(max(in.Max, 1)))
	}
	p.SumBits = quant.BitsFor(float64(n)) + 1
	p.MuBits = quant.BitsFor(math.Ldexp(in.Max, p.M)+1) + 1
	p.EBits = quant.BitsFor(b.e) + 1
	p.VarBits = quant.BitsFor(b.v) + 1
	sqArg := math.Ldexp(b.v, 2*k)
	p.SqrtBits = quant.BitsFor(sqArg)
	p.SdBits = quant.BitsFor(math.Sqrt(sqArg)+1) + 1
	rho := 1 / math.Max(1, math.Floor(math.Ldexp(math.Sqrt(float64(p.Eps.I)), k)))
	ymax := math.Ldexp((math.Sqrt(float64(n))+1)*(1+rho), c.Scale) + 1
	p.YBits = quant.BitsFor(ymax) + 1
	q, s := gammaParams(c, gamma, ymax)
	p.Gamma = q
	for _, b := range beta {
		p.Beta = append(p.Beta, Q{F: b, I: quant.Quantize(b, c.Scale+s)})
	}
	out := &Info{DType: graph.Float, Shape: in.Shape}
	p.RQ, out.Max = c.Requant(ymax*maxAbsI(p.Gamma)+maxAbsI(p.Beta), c.Scale+s)
	out.Scale = c.Scale + s - p.RQ.Shift + p.RQ.Up
	return p, out, nil
}

// gammaParams quantizes γ exactly when it can (ExactParams), else with
// relative precision 2^-(ParamScale+1) for its smallest nonzero value, as
// Div does for a constant divisor: γ scales y, whose magnitude does not
// depend on the input's, so γ's relative error is the output's. The scale
// is capped so that y·γ stays within 2^62.
func gammaParams(c *Context, gamma []float64, ymax float64) ([]Q, int) {
	t := &graph.Tensor{DType: graph.Float, Shape: []int{len(gamma)}, Data: gamma}
	q, s := c.ExactParams(t)
	lo, hi := math.Inf(1), 0.0
	for _, g := range gamma {
		if g != 0 {
			lo, hi = min(lo, math.Abs(g)), max(hi, math.Abs(g))
		}
	}
	if s < c.ParamScale || lo >= 1 {
		return q, s
	}
	s = c.ParamScale + int(math.Ceil(-math.Log2(lo)))
	s = min(s, int(math.Floor(math.Log2(quant.MaxBound/(2*ymax*hi))))-1)
	if s <= c.ParamScale {
		return q, c.ParamScale
	}
	return quantizeAt(gamma, s), s
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
			e := d[i]
			if p.Down > 0 {
				e = a.Rescale(e, p.Down, p.EBits)
			}
			sq[i] = a.Mul(e, e)
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
