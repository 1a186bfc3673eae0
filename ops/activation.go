package ops

import (
	"fmt"
	"math"

	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/quant"
)

// pwlPlan is the plan of every piecewise-linear activation (costs and
// error: "Piecewise-linear activations" in the package documentation):
// each output element i is
//
//	v = Lin(C[i] over (relu(x), x)) + B[i]  (when C is set), requantized by RQ,
//	then clamped to [Lo, Hi] (when set), then multiplied by x (Swish).
type pwlPlan struct {
	Shape    []int
	IX, IC   []int // broadcast maps of x and of the coefficients
	C        [][2]Q
	B        []Q
	ReluBits int
	RQ       Requant
	Lo, Hi   *Q
	CBits    int
	Swish    *Requant
	Kind     string // "", "abs", "neg", "sign"
}

func unaryInfo(ins []*Info) (*Info, error) {
	if len(ins) == 0 || ins[0] == nil {
		return nil, fmt.Errorf("missing input")
	}
	return ins[0], nil
}

// linearPart plans y = (1-α)·relu(x) + α·x + β per coefficient.
func linearPart(c *Context, in *Info, alpha, beta []float64, relu bool) (*pwlPlan, *Info) {
	vals := make([]float64, 0, 2*len(alpha))
	for _, a := range alpha {
		if relu {
			vals = append(vals, 1-a)
		} else {
			vals = append(vals, 0)
		}
		vals = append(vals, a)
	}
	q, s := c.ExactParams(&graph.Tensor{DType: graph.Float, Shape: []int{len(vals)}, Data: vals})
	p := &pwlPlan{Shape: in.Shape, ReluBits: max(1, quant.BitsFor(in.Max))}
	m := 0.0
	for i := range alpha {
		p.C = append(p.C, [2]Q{q[2*i], q[2*i+1]})
		b := 0.0
		if beta != nil {
			b = beta[i]
		}
		bq := Q{F: b, I: quant.Quantize(b, in.Scale+s)}
		p.B = append(p.B, bq)
		m = max(m, in.Max*float64(abs(q[2*i].I)+abs(q[2*i+1].I))+float64(abs(bq.I)))
	}
	out := &Info{DType: graph.Float, Shape: in.Shape}
	p.RQ, out.Max = c.Requant(m, in.Scale+s)
	out.Scale = in.Scale + s - p.RQ.Shift + p.RQ.Up
	return p, out
}

// clampTo adds a clamp to [lo, hi] (either may be nil) at out's scale.
func (p *pwlPlan) clampTo(out *Info, lo, hi *float64) {
	m := out.Max
	if lo != nil {
		p.Lo = &Q{F: *lo, I: quant.Quantize(*lo, out.Scale)}
		m += float64(abs(p.Lo.I))
	}
	if hi != nil {
		p.Hi = &Q{F: *hi, I: quant.Quantize(*hi, out.Scale)}
		m += float64(abs(p.Hi.I))
	}
	p.CBits = quant.BitsFor(m) + 1
	nm := 0.0
	switch {
	case p.Lo != nil && p.Hi != nil:
		nm = math.Max(float64(abs(p.Lo.I)), float64(abs(p.Hi.I)))
	case p.Lo != nil:
		nm = math.Max(out.Max, float64(abs(p.Lo.I)))
	case p.Hi != nil:
		nm = math.Max(out.Max, float64(abs(p.Hi.I)))
	default:
		nm = out.Max
	}
	out.Max = nm
}

func pwl[T any](a Arith[T], plan any, ins []Tensor[T]) []Tensor[T] {
	p := plan.(*pwlPlan)
	n := graph.NumElements(p.Shape)
	out := make([]T, n)
	for i := range n {
		x := at(ins[0].Data, p.IX, i)
		v := x
		switch p.Kind {
		case "abs":
			v = a.Lin([]Q{{F: 2, I: 2}, {F: -1, I: -1}}, []T{a.Relu(x, p.ReluBits), x}, Q{})
		case "neg":
			v = a.Lin([]Q{{F: -1, I: -1}}, []T{x}, Q{})
		case "sign":
			neg := a.Lin([]Q{{F: -1, I: -1}}, []T{x}, Q{})
			v = a.Sub(a.Sign(x, p.ReluBits), a.Sign(neg, p.ReluBits))
		}
		if p.C != nil {
			k := i
			if p.IC != nil {
				k = p.IC[i]
			} else if len(p.C) == 1 {
				k = 0
			}
			c := p.C[k]
			xs, cs := []T{x}, []Q{c[1]}
			if c[0].I != 0 {
				xs, cs = append(xs, a.Relu(x, p.ReluBits)), append(cs, c[0])
			}
			v = Apply(a, p.RQ, a.Lin(cs, xs, p.B[k]))
		}
		if p.Lo != nil {
			v = a.Add(a.Const(*p.Lo), a.Relu(a.Sub(v, a.Const(*p.Lo)), p.CBits))
		}
		if p.Hi != nil {
			v = a.Sub(a.Const(*p.Hi), a.Relu(a.Sub(a.Const(*p.Hi), v), p.CBits))
		}
		if p.Swish != nil {
			v = Apply(a, *p.Swish, a.Mul(x, v))
		}
		out[i] = v
	}
	return []Tensor[T]{{Shape: p.Shape, Data: out}}
}

func pwlOp(infer func(c *Context, n *graph.Node, ins []*Info) (*pwlPlan, *Info, error)) Op {
	return Op{
		Infer: func(c *Context, n *graph.Node, ins []*Info) ([]*Info, any, error) {
			p, out, err := infer(c, n, ins)
			if err != nil {
				return nil, nil, err
			}
			return []*Info{out}, p, nil
		},
		Float: pwl[float64], Int: pwl[int64], Circuit: pwl[Variable],
	}
}

func inferLeaky(c *Context, n *graph.Node, ins []*Info) (*pwlPlan, *Info, error) {
	in, err := unaryInfo(ins)
	if err != nil {
		return nil, nil, err
	}
	p, out := linearPart(c, in, []float64{n.AttrFloat("alpha", 0.01)}, nil, true)
	return p, out, nil
}

func inferPRelu(c *Context, _ *graph.Node, ins []*Info) (*pwlPlan, *Info, error) {
	if len(ins) < 2 || ins[0] == nil || ins[1] == nil {
		return nil, nil, fmt.Errorf("needs inputs X and slope")
	}
	if ins[1].Const == nil {
		return nil, nil, fmt.Errorf("a computed slope is not supported")
	}
	shape, err := Broadcast(ins[0].Shape, ins[1].Shape)
	if err != nil {
		return nil, nil, err
	}
	p, out := linearPart(c, ins[0], ins[1].Const.Data, nil, true)
	p.Shape, out.Shape = shape, shape
	p.IX, p.IC = BroadcastIndex(shape, ins[0].Shape), BroadcastIndex(shape, ins[1].Shape)
	if p.IC == nil && len(p.C) == 1 && graph.NumElements(shape) > 1 {
		p.IC = make([]int, graph.NumElements(shape))
	}
	return p, out, nil
}

func inferHardSigmoid(c *Context, n *graph.Node, ins []*Info) (*pwlPlan, *Info, error) {
	in, err := unaryInfo(ins)
	if err != nil {
		return nil, nil, err
	}
	p, out := linearPart(c, in, []float64{n.AttrFloat("alpha", 0.2)}, []float64{n.AttrFloat("beta", 0.5)}, false)
	zero, one := 0.0, 1.0
	p.clampTo(out, &zero, &one)
	return p, out, nil
}

func inferHardSwish(c *Context, n *graph.Node, ins []*Info) (*pwlPlan, *Info, error) {
	in, err := unaryInfo(ins)
	if err != nil {
		return nil, nil, err
	}
	p, hs := linearPart(c, in, []float64{1.0 / 6}, []float64{0.5}, false)
	zero, one := 0.0, 1.0
	p.clampTo(hs, &zero, &one)
	rq, m := c.Requant(in.Max*hs.Max, in.Scale+hs.Scale)
	p.Swish = &rq
	return p, &Info{DType: graph.Float, Shape: in.Shape, Scale: in.Scale + hs.Scale - rq.Shift + rq.Up, Max: m}, nil
}

// inferClip reads the bounds from inputs 1 and 2 (opset ≥ 11) or the
// attributes min and max (older opsets); both are optional.
func inferClip(_ *Context, n *graph.Node, ins []*Info) (*pwlPlan, *Info, error) {
	in, err := unaryInfo(ins)
	if err != nil {
		return nil, nil, err
	}
	bound := func(i int, attr string) (*float64, error) {
		if i < len(ins) && ins[i] != nil {
			if ins[i].Const == nil || len(ins[i].Const.Data) != 1 {
				return nil, fmt.Errorf("bound %d must be a constant scalar", i)
			}
			return &ins[i].Const.Data[0], nil
		}
		if n.HasAttr(attr) {
			v := n.AttrFloat(attr, 0)
			return &v, nil
		}
		return nil, nil
	}
	lo, err := bound(1, "min")
	if err != nil {
		return nil, nil, err
	}
	hi, err := bound(2, "max")
	if err != nil {
		return nil, nil, err
	}
	out := *in
	out.Const = nil
	p := &pwlPlan{Shape: in.Shape}
	p.clampTo(&out, lo, hi)
	return p, &out, nil
}

func simpleUnary(kind string) func(c *Context, n *graph.Node, ins []*Info) (*pwlPlan, *Info, error) {
	return func(_ *Context, _ *graph.Node, ins []*Info) (*pwlPlan, *Info, error) {
		in, err := unaryInfo(ins)
		if err != nil {
			return nil, nil, err
		}
		out := *in
		out.Const = nil
		p := &pwlPlan{Shape: in.Shape, Kind: kind, ReluBits: max(1, quant.BitsFor(in.Max))}
		switch kind {
		case "abs":
			out.Max = in.Max
		case "sign":
			out.Scale, out.Max = 0, 1
		}
		return p, &out, nil
	}
}

func init() {
	Register("LeakyRelu", pwlOp(inferLeaky))
	Register("PRelu", pwlOp(inferPRelu))
	Register("HardSigmoid", pwlOp(inferHardSigmoid))
	Register("HardSwish", pwlOp(inferHardSwish))
	Register("Clip", pwlOp(inferClip))
	Register("Abs", pwlOp(simpleUnary("abs")))
	Register("Neg", pwlOp(simpleUnary("neg")))
	Register("Sign", pwlOp(simpleUnary("sign")))
}
