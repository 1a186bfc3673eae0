package ml

import (
	"fmt"
	"math"

	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/ops"
	"github.com/zkinfer/zkinfer/quant"
)

// sub is an operator of package ops applied inside an ml kernel (Sigmoid,
// Softmax, ArgMax…): the ml operators reuse those kernels, their error
// bounds and their soundness arguments instead of restating them.
type sub struct {
	op   *ops.Op
	plan any
}

// planSub infers opType on ins for the node parent.
func planSub(c *ops.Context, parent *graph.Node, opType string, attrs map[string]graph.Attr, ins ...*ops.Info) (*sub, *ops.Info, error) {
	op, ok := ops.Lookup(opType)
	if !ok {
		return nil, nil, fmt.Errorf("needs operator %s, which is not registered", opType)
	}
	if attrs == nil {
		attrs = map[string]graph.Attr{}
	}
	n := &graph.Node{Name: parent.String() + "/" + opType, Op: opType, Attrs: attrs}
	outs, plan, err := op.Infer(c, n, ins)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", opType, err)
	}
	if len(outs) == 0 || outs[0].Const != nil {
		return nil, nil, fmt.Errorf("%s: no computed output", opType)
	}
	return &sub{op: op, plan: plan}, outs[0], nil
}

// run applies the sub-operator and returns its first output.
func run[T any](a ops.Arith[T], s *sub, ins ...ops.Tensor[T]) ops.Tensor[T] {
	return ops.KernelFor[T](s.op)(a, s.plan, ins)[0]
}

// constInfo describes a constant float tensor as compile does.
func constInfo(c *ops.Context, shape []int, data []float64) *ops.Info {
	return c.ConstInfo(&graph.Tensor{DType: graph.Float, Shape: shape, Data: data})
}

func intAttr(name string, v int64) map[string]graph.Attr {
	return map[string]graph.Attr{name: {Kind: graph.AttrInt, Int: v}}
}

// vec describes a computed row vector [1, n] at scale s bounded by max.
func vec(n, s int, max float64) *ops.Info {
	return &ops.Info{DType: graph.Float, Shape: []int{1, n}, Scale: s, Max: max}
}

// postPlan is a post transform of a score vector (at the activation
// scale): NONE, LOGISTIC (Sigmoid), SOFTMAX, SOFTMAX_ZERO (Softmax over the
// non-zero scores, zeros kept 0) or PROBIT (√2·erfinv(2p−1) tabulated on
// p ∈ [0, 1], ONNX Runtime's approximation of erfinv).
type postPlan struct {
	Kind string
	Sub  *sub
	// SOFTMAX_ZERO: a score whose fixed-point value is 0 is moved Far below
	// every other before the Softmax, so that its exponential rounds to 0.
	Far      ops.Q
	Bits     int
	Probit   *ops.Table
	ProbitRQ ops.Requant // p to the table's grid
}

func planPost(c *ops.Context, n *graph.Node, kind string, in *ops.Info) (*postPlan, *ops.Info, error) {
	p := &postPlan{Kind: kind}
	var err error
	var out *ops.Info
	switch kind {
	case "", "NONE":
		p.Kind = "NONE"
		return p, in, nil
	case "LOGISTIC":
		p.Sub, out, err = planSub(c, n, "Sigmoid", nil, in)
	case "SOFTMAX":
		p.Sub, out, err = planSub(c, n, "Softmax", intAttr("axis", -1), in)
	case "SOFTMAX_ZERO":
		// |far| > 2·Max + 16 units pushes exp(x - max) below 2^-16.
		far := 2*in.Max + math.Ldexp(16, in.Scale)
		p.Far = ops.Q{F: -math.Ldexp(far, -in.Scale), I: -int64(far)}
		p.Bits = quant.BitsFor(2*in.Max+1) + 1
		shifted := *in
		shifted.Max = in.Max + far
		p.Sub, out, err = planSub(c, n, "Softmax", intAttr("axis", -1), &shifted)
	case "PROBIT":
		s := c.Scale
		if in.Scale != s {
			return nil, nil, fmt.Errorf("PROBIT of scores at scale %d, not the activation scale %d", in.Scale, s)
		}
		// p ∈ [0, 1] on a grid of 2^-t, t ≤ 12 (at most 4097 rows).
		t := min(s, 12)
		lim := math.Ldexp(float64(uint64(1)<<(c.ActBits-2)), -s)
		f := func(x float64) float64 { return math.Max(-lim, math.Min(lim, probit(x))) }
		p.Probit, err = ops.NewTable("ml-probit", f, t, s, 0, 1<<t)
		if s > t { // a rescale by 2^(s-t): Requant moves scale 2s-t to s
			p.ProbitRQ, _ = c.Requant(in.Max, s+(s-t))
		}
		out = &ops.Info{DType: graph.Float, Shape: in.Shape, Scale: s, Max: p.Probit.Max()}
	default:
		return nil, nil, fmt.Errorf("post_transform %q is unknown (NONE, LOGISTIC, SOFTMAX, SOFTMAX_ZERO, PROBIT)", kind)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("post_transform %s: %w", kind, err)
	}
	return p, out, nil
}

// probit is ONNX Runtime's ComputeProbit: √2·ErfInv(2x−1), with ErfInv by
// Winitzki's approximation (a = 0.147).
func probit(x float64) float64 {
	y := 2*x - 1
	sgn := 1.0
	if y < 0 {
		sgn = -1
	}
	y = (1 - y) * (1 + y)
	l := math.Log(y)
	v := 2/(math.Pi*0.147) + 0.5*l
	v2 := 1 / 0.147 * l
	return math.Sqrt2 * sgn * math.Sqrt(-v+math.Sqrt(v*v-v2))
}

func applyPost[T any](a ops.Arith[T], p *postPlan, v []T) []T {
	x := ops.Tensor[T]{Shape: []int{1, len(v)}, Data: v}
	switch p.Kind {
	case "NONE":
		return v
	case "SOFTMAX_ZERO":
		moved := make([]T, len(v))
		for i, s := range v {
			// z = [s = 0] = [s ≥ 0]·[-s ≥ 0]; moved = s + z·far.
			z := a.Mul(a.Sign(s, p.Bits), a.Sign(a.Lin([]ops.Q{{F: -1, I: -1}}, []T{s}, ops.Q{}), p.Bits))
			moved[i] = a.Add(s, a.Lin([]ops.Q{p.Far}, []T{z}, ops.Q{}))
		}
		x.Data = moved
	case "PROBIT":
		out := make([]T, len(v))
		for i, s := range v {
			if p.ProbitRQ.Shift > 0 {
				s = ops.Apply(a, p.ProbitRQ, s)
			}
			out[i] = a.Lookup(p.Probit, s)
		}
		return out
	}
	return run(a, p.Sub, x).Data
}
