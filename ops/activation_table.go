package ops

import (
	"fmt"
	"math"

	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/quant"
)

// tableBits bounds the entries of a table activation's table (see "Table
// activations" in the package documentation): 2^13 keeps the one-off cost of a
// table near 25k constraints.
const tableBits = 13

// tableFn is a unary function computed with a table.
type tableFn struct {
	name string
	g    func(float64) float64 // the tabulated part
	lam  float64               // coefficient of relu(x)
	// lo, hi: the domain in real units; ±Inf on a side means "find where g
	// saturates and clamp there" (saturating functions).
	lo, hi           float64
	clampLo, clampHi bool
	// fine tabulates at the activation scale with up to 2^16 entries, for
	// functions steep near an edge of their domain (log, x^-p).
	fine bool
}

type tablePlan struct {
	Shape            []int
	Shift, Up, Bits  int // input to the table scale
	ClampLo, ClampHi bool
	Lo, Hi           Q // clamp bounds at the table scale
	CBits            int
	Table            *Table
	Lam              []Q // nil: no relu part
	ReluBits         int
	LamRQ            Requant
}

// saturation returns the least L (in steps of 1/8) beyond which g stays
// within tol of its value at dir·64 (dir = ±1), or 0 if it never does.
func saturation(g func(float64) float64, dir, tol float64) float64 {
	lim := g(dir * 64)
	for l := 0.125; l <= 64; l += 0.125 {
		ok := true
		for x := l; x <= 64; x *= 1.25 {
			if math.Abs(g(dir*x)-lim) > tol {
				ok = false
				break
			}
		}
		if ok {
			return l
		}
	}
	return 0
}

// planTable makes the plan of fn for an input described by in.
func planTable(c *Context, fn tableFn, in *Info) (*tablePlan, *Info, error) {
	S := c.Scale
	lo, hi := fn.lo, fn.hi
	tol := math.Ldexp(1, -(S + 1))
	if math.IsInf(lo, -1) {
		if lo = -saturation(fn.g, -1, tol); lo == 0 {
			return nil, nil, fmt.Errorf("%s: no saturation below", fn.name)
		}
	}
	if math.IsInf(hi, 1) {
		if hi = saturation(fn.g, 1, tol); hi == 0 {
			return nil, nil, fmt.Errorf("%s: no saturation above", fn.name)
		}
	}
	budget := tableBits
	if fn.fine {
		budget = 16
	}
	t := S
	for t > 0 && (hi-lo)*math.Ldexp(1, t)+1 > math.Ldexp(1, budget) {
		t--
	}
	ilo, ihi := int64(math.Ceil(math.Ldexp(lo, t))), int64(math.Floor(math.Ldexp(hi, t)))
	if ihi-ilo+1 > 1<<budget {
		return nil, nil, fmt.Errorf("%s: domain [%g, %g] too wide for a table", fn.name, lo, hi)
	}
	tbl, err := NewTable(fn.name, fn.g, t, S, ilo, ihi)
	if err != nil {
		return nil, nil, err
	}
	p := &tablePlan{Shape: in.Shape, Table: tbl, ClampLo: fn.clampLo, ClampHi: fn.clampHi}
	u := in.Max
	if in.Scale > t {
		p.Shift = in.Scale - t
		u = math.Ceil(math.Ldexp(u, -p.Shift)) + 1
		p.Bits = quant.BitsFor(u) + 1
	} else {
		p.Up = t - in.Scale
		u = math.Ldexp(u, p.Up)
		c.CheckBound(u)
	}
	p.Lo = Q{F: math.Ldexp(float64(ilo), -t), I: ilo}
	p.Hi = Q{F: math.Ldexp(float64(ihi), -t), I: ihi}
	p.CBits = quant.BitsFor(u+float64(max(abs(ilo), abs(ihi)))) + 1
	out := &Info{DType: graph.Float, Shape: in.Shape, Scale: S, Max: tbl.Max()}
	if fn.lam != 0 {
		q, s := c.ExactParams(&graph.Tensor{DType: graph.Float, Shape: []int{1}, Data: []float64{fn.lam}})
		p.Lam = q
		p.ReluBits = max(1, quant.BitsFor(in.Max))
		var m float64
		p.LamRQ, m = c.Requant(in.Max*math.Abs(float64(q[0].I)), in.Scale+s)
		out.Max += m
	}
	return p, out, nil
}

func tableKernel[T any](a Arith[T], plan any, ins []Tensor[T]) []Tensor[T] {
	p := plan.(*tablePlan)
	out := make([]T, len(ins[0].Data))
	for i, x := range ins[0].Data {
		out[i] = tableApply(a, p, x)
	}
	return []Tensor[T]{{Shape: p.Shape, Data: out}}
}

// tableApply computes one element: grid, clamp, lookup, relu part.
func tableApply[T any](a Arith[T], p *tablePlan, x T) T {
	u := x
	if p.Shift > 0 {
		u = a.Rescale(u, p.Shift, p.Bits)
	} else {
		u = a.Upscale(u, p.Up)
	}
	if p.ClampLo {
		u = a.Add(a.Const(p.Lo), a.Relu(a.Sub(u, a.Const(p.Lo)), p.CBits))
	}
	if p.ClampHi {
		u = a.Sub(a.Const(p.Hi), a.Relu(a.Sub(a.Const(p.Hi), u), p.CBits))
	}
	y := a.Lookup(p.Table, u)
	if p.Lam != nil {
		r := a.Lin(p.Lam, []T{a.Relu(x, p.ReluBits)}, Q{})
		y = a.Add(y, Apply(a, p.LamRQ, r))
	}
	return y
}

// tableOp registers a unary op computed by fn, whose parameters may depend
// on the node's attributes.
func tableOp(fnOf func(n *graph.Node) (tableFn, error)) Op {
	return Op{
		Infer: func(c *Context, n *graph.Node, ins []*Info) ([]*Info, any, error) {
			if len(ins) == 0 || ins[0] == nil {
				return nil, nil, fmt.Errorf("missing input")
			}
			fn, err := fnOf(n)
			if err != nil {
				return nil, nil, err
			}
			p, out, err := planTable(c, fn, ins[0])
			if err != nil {
				return nil, nil, err
			}
			return []*Info{out}, p, nil
		},
		Float: tableKernel[float64], Int: tableKernel[int64], Circuit: tableKernel[Variable],
	}
}

// fixed is a tableOp with no attributes.
func fixed(fn tableFn) Op {
	return tableOp(func(*graph.Node) (tableFn, error) { return fn, nil })
}

// saturating is a function tabulated on [-L, L] and clamped on both sides,
// L found where g is flat to half an output unit.
func saturating(name string, lam float64, g func(float64) float64) tableFn {
	return tableFn{name: name, g: g, lam: lam, lo: math.Inf(-1), hi: math.Inf(1), clampLo: true, clampHi: true}
}

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// softplus0 is log(1+e^x) - relu(x) = log(1+e^-|x|), computed stably.
func softplus0(x float64) float64 { return math.Log1p(math.Exp(-math.Abs(x))) }

func softplus(x float64) float64 { return max(x, 0) + softplus0(x) }

// expMinus1 is α(e^(x/β) - 1) for x < 0 and 0 above: the elu-family part.
func expMinus1(alpha, beta float64) func(float64) float64 {
	return func(x float64) float64 {
		if x >= 0 {
			return 0
		}
		return alpha * math.Expm1(x/beta)
	}
}

// expTable is b^x = e^(k·x): clamped where it rounds to 0, and a hard edge
// where it would leave the activation range.
func expTable(c *Context, name string, k float64) tableFn {
	far := float64(c.Scale+1) * math.Ln2 / math.Abs(k)
	near := float64(c.ActBits-1-c.Scale)*math.Ln2/math.Abs(k) - 1e-9
	fn := tableFn{name: name, g: func(x float64) float64 { return math.Exp(k * x) }}
	if k > 0 {
		fn.lo, fn.hi, fn.clampLo = -far, near, true
	} else {
		fn.lo, fn.hi, fn.clampHi = -near, far, true
	}
	return fn
}

func init() {
	Register("Sigmoid", fixed(saturating("sigmoid", 0, sigmoid)))
	Register("Tanh", fixed(saturating("tanh", 0, math.Tanh)))
	Register("Erf", fixed(saturating("erf", 0, math.Erf)))
	Register("Softplus", fixed(saturating("softplus-relu", 1, softplus0)))
	Register("Mish", fixed(saturating("mish-relu", 1, func(x float64) float64 {
		return x*math.Tanh(softplus(x)) - max(x, 0)
	})))
	Register("Gelu", tableOp(func(n *graph.Node) (tableFn, error) {
		switch ap := n.AttrString("approximate", "none"); ap {
		case "none":
			return saturating("gelu-relu", 1, func(x float64) float64 {
				return 0.5*x*(1+math.Erf(x/math.Sqrt2)) - max(x, 0)
			}), nil
		case "tanh":
			return saturating("gelu_tanh-relu", 1, func(x float64) float64 {
				return 0.5*x*(1+math.Tanh(math.Sqrt(2/math.Pi)*(x+0.044715*x*x*x))) - max(x, 0)
			}), nil
		default:
			return tableFn{}, fmt.Errorf("approximate=%q is not supported", ap)
		}
	}))
	Register("Elu", tableOp(func(n *graph.Node) (tableFn, error) {
		al := n.AttrFloat("alpha", 1)
		return saturating(fmt.Sprintf("elu(%g)-relu", al), 1, expMinus1(al, 1)), nil
	}))
	Register("Celu", tableOp(func(n *graph.Node) (tableFn, error) {
		al := n.AttrFloat("alpha", 1)
		if al == 0 {
			return tableFn{}, fmt.Errorf("alpha must not be 0")
		}
		return saturating(fmt.Sprintf("celu(%g)-relu", al), 1, expMinus1(al, al)), nil
	}))
	Register("Selu", tableOp(func(n *graph.Node) (tableFn, error) {
		al := n.AttrFloat("alpha", 1.67326319217681884765625)
		ga := n.AttrFloat("gamma", 1.05070102214813232421875)
		return saturating(fmt.Sprintf("selu(%g,%g)-relu", al, ga), ga, expMinus1(al*ga, 1)), nil
	}))
	Register("Exp", Op{
		Infer: func(c *Context, n *graph.Node, ins []*Info) ([]*Info, any, error) {
			return fixed(expTable(c, "exp", 1)).Infer(c, n, ins)
		},
		Float: tableKernel[float64], Int: tableKernel[int64], Circuit: tableKernel[Variable],
	})
	// Log: domain [2^-Scale, (2^16-1)·2^-Scale] (about (0, 16) at scale 12),
	// hard edges: log of 0, of a negative value or of a larger one is an error.
	Register("Log", Op{
		Infer: func(c *Context, n *graph.Node, ins []*Info) ([]*Info, any, error) {
			fn := tableFn{name: "log", g: math.Log, fine: true,
				lo: math.Ldexp(1, -c.Scale), hi: math.Ldexp(1<<16-1, -c.Scale)}
			return fixed(fn).Infer(c, n, ins)
		},
		Float: tableKernel[float64], Int: tableKernel[int64], Circuit: tableKernel[Variable],
	})
}
