package ops

import (
	"fmt"
	"math"

	"github.com/zkinfer/zkinfer/graph"
)

// binaryPlan is an element-wise op on two broadcast operands.
type binaryPlan struct {
	Shape    []int
	IA, IB   []int // broadcast index maps (nil: identity)
	UpA, UpB int   // scale alignment for Add and Sub
	// Mul: CB holds b's constant values at their exact scale when b is a
	// constant (then the product is a free linear term), else nil.
	CB []Q
	RQ Requant
}

func binaryShape(ins []*Info) (*binaryPlan, error) {
	if len(ins) < 2 || ins[0] == nil || ins[1] == nil {
		return nil, fmt.Errorf("needs two inputs")
	}
	if err := sameKind(ins[0], ins[1]); err != nil {
		return nil, err
	}
	shape, err := Broadcast(ins[0].Shape, ins[1].Shape)
	if err != nil {
		return nil, err
	}
	return &binaryPlan{Shape: shape, IA: BroadcastIndex(shape, ins[0].Shape), IB: BroadcastIndex(shape, ins[1].Shape)}, nil
}

// sameKind rejects a float operand next to an integer or boolean one: ONNX
// requires both operands of an arithmetic op to have one type, and an
// integer result must stay at scale 0.
func sameKind(a, b *Info) error {
	if (a.DType == graph.Float) != (b.DType == graph.Float) {
		return fmt.Errorf("operand types %s and %s differ (the model needs a Cast)", a.DType, b.DType)
	}
	return nil
}

// inferAddSub aligns both operands to the finer scale; no constraints.
func inferAddSub(_ *Context, _ *graph.Node, ins []*Info) ([]*Info, any, error) {
	p, err := binaryShape(ins)
	if err != nil {
		return nil, nil, err
	}
	a, b := ins[0], ins[1]
	s := max(a.Scale, b.Scale)
	p.UpA, p.UpB = s-a.Scale, s-b.Scale
	out := &Info{DType: a.DType, Shape: p.Shape, Scale: s, Max: math.Ldexp(a.Max, p.UpA) + math.Ldexp(b.Max, p.UpB)}
	return []*Info{out}, p, nil
}

func addSub[T any](a Arith[T], plan any, ins []Tensor[T], sub bool) []Tensor[T] {
	p := plan.(*binaryPlan)
	n := graph.NumElements(p.Shape)
	out := make([]T, 0, n)
	for i := range n {
		x := a.Upscale(at(ins[0].Data, p.IA, i), p.UpA)
		y := a.Upscale(at(ins[1].Data, p.IB, i), p.UpB)
		if sub {
			out = append(out, a.Sub(x, y))
		} else {
			out = append(out, a.Add(x, y))
		}
	}
	return []Tensor[T]{{Shape: p.Shape, Data: out}}
}

func add[T any](a Arith[T], plan any, ins []Tensor[T]) []Tensor[T] {
	return addSub(a, plan, ins, false)
}
func sub[T any](a Arith[T], plan any, ins []Tensor[T]) []Tensor[T] { return addSub(a, plan, ins, true) }

// inferMul: a product of two computed values costs one constraint per
// element; by a constant it is a free linear term. Either way the product is
// rescaled back to the activation scale unless the constant is an integer.
func inferMul(c *Context, _ *graph.Node, ins []*Info) ([]*Info, any, error) {
	if len(ins) == 2 && ins[0] != nil && ins[0].Const != nil && ins[1] != nil && ins[1].Const == nil {
		// Constant first: commute so the constant is b.
		p, outs, err := inferMulOrdered(c, []*Info{ins[1], ins[0]})
		if err != nil {
			return nil, nil, err
		}
		return outs, &mulSwapped{p}, nil
	}
	p, outs, err := inferMulOrdered(c, ins)
	return outs, p, err
}

// mulSwapped marks a Mul whose constant operand came first.
type mulSwapped struct{ *binaryPlan }

func inferMulOrdered(c *Context, ins []*Info) (*binaryPlan, []*Info, error) {
	p, err := binaryShape(ins)
	if err != nil {
		return nil, nil, err
	}
	a, b := ins[0], ins[1]
	var scale int
	var m float64
	if b.Const != nil {
		var bs int
		p.CB, bs = c.ExactParams(b.Const)
		scale, m = a.Scale+bs, a.Max*maxAbsI(p.CB)
	} else {
		scale, m = a.Scale+b.Scale, a.Max*b.Max
	}
	out := &Info{DType: a.DType, Shape: p.Shape}
	if a.DType == graph.Float || b.DType == graph.Float {
		out.DType = graph.Float
	}
	p.RQ, out.Max = c.Requant(m, scale)
	out.Scale = scale - p.RQ.Shift + p.RQ.Up
	return p, []*Info{out}, nil
}

// FuseRelu absorbs a following ReLU into a product's rescale.
func (p *binaryPlan) FuseRelu() bool { return p.RQ.FuseRelu() }

func mul[T any](a Arith[T], plan any, ins []Tensor[T]) []Tensor[T] {
	x, y := ins[0], ins[1]
	p, ok := plan.(*binaryPlan)
	if !ok {
		p = plan.(*mulSwapped).binaryPlan
		x, y = y, x
	}
	n := graph.NumElements(p.Shape)
	out := make([]T, n)
	for i := range n {
		var v T
		if p.CB != nil {
			v = a.Lin([]Q{at(p.CB, p.IB, i)}, []T{at(x.Data, p.IA, i)}, Q{})
		} else {
			v = a.Mul(at(x.Data, p.IA, i), at(y.Data, p.IB, i))
		}
		out[i] = Apply(a, p.RQ, v)
	}
	return []Tensor[T]{{Shape: p.Shape, Data: out}}
}

func maxAbsI(q []Q) float64 {
	m := 0.0
	for _, v := range q {
		m = max(m, float64(abs(v.I)))
	}
	return m
}

// ExactParams quantizes constant weights at the smallest scale (at most
// ParamScale) that holds them exactly, so integer or dyadic weights (an
// identity matrix, a factor of 0.5) need little or no rescaling.
func (c *Context) ExactParams(t *graph.Tensor) ([]Q, int) {
	for s := 0; s < c.ParamScale; s++ {
		exact := true
		for _, v := range t.Data {
			x := math.Ldexp(v, s)
			if x != math.Round(x) || math.Abs(x) > 1<<40 {
				exact = false
				break
			}
		}
		if exact {
			return quantizeAt(t.Data, s), s
		}
	}
	return quantizeAt(t.Data, c.ParamScale), c.ParamScale
}

func init() {
	// A per-channel scale or shift is a weight; a scalar (x·0.5, x+1) is a
	// constant of the computation, kept fixed so that its product is free.
	weights := []WeightUse{VectorWeight, VectorWeight}
	Register("Add", Op{Infer: inferAddSub, Float: add[float64], Int: add[int64], Circuit: add[Variable], Weights: weights})
	Register("Sub", Op{Infer: inferAddSub, Float: sub[float64], Int: sub[int64], Circuit: sub[Variable], Weights: weights})
	Register("Mul", Op{Infer: inferMul, Float: mul[float64], Int: mul[int64], Circuit: mul[Variable], Weights: weights})
}
