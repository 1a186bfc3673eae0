package ops

import (
	"fmt"
	"math"

	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/quant"
)

// naryPlan is an element-wise op on operands broadcast to one shape and
// aligned to one scale: a comparison, boolean logic, Where, Max or Min
// (their gadgets: "Comparisons, Where, Max and Min" in the package
// documentation), or Sum.
type naryPlan struct {
	Shape []int
	Idx   [][]int // broadcast index map per operand (nil: identity)
	Up    []int   // upscale per operand to reach the common scale
	// Bits bounds the difference of two aligned operands: |a-b| < 2^Bits.
	Bits  int
	Scale int // the common scale
	Kind  string
}

// alignNary broadcasts and aligns operands; it returns the plan, the common
// scale and the bound of every aligned operand.
func alignNary(ins []*Info) (*naryPlan, int, []float64, error) {
	if len(ins) == 0 {
		return nil, 0, nil, fmt.Errorf("needs inputs")
	}
	var shape []int
	scale := 0
	for i, in := range ins {
		if in == nil {
			return nil, 0, nil, fmt.Errorf("input %d is missing", i)
		}
		if i == 0 {
			shape = in.Shape
		} else if s, err := Broadcast(shape, in.Shape); err != nil {
			return nil, 0, nil, err
		} else {
			shape = s
		}
		scale = max(scale, in.Scale)
	}
	p := &naryPlan{Shape: shape, Scale: scale}
	maxes := make([]float64, len(ins))
	for i, in := range ins {
		p.Idx = append(p.Idx, BroadcastIndex(shape, in.Shape))
		p.Up = append(p.Up, scale-in.Scale)
		maxes[i] = math.Ldexp(in.Max, scale-in.Scale)
	}
	return p, scale, maxes, nil
}

// geZero returns 1 when d ≥ 0 and 0 when d < 0, for an integer d at scale
// with |d| < 2^bits. It signs 2d+1, which is odd and so never 0: the sign
// bit is unique. (The float reference tests d ≥ -2^-(scale+1).)
func geZero[T any](a Arith[T], d T, scale, bits int) T {
	return a.Sign(a.Lin([]Q{{F: 2, I: 2}}, []T{d}, Q{F: math.Ldexp(1, -scale), I: 1}), bits+1)
}

// bitsFor is the signed magnitude width of values bounded by m: |v| ≤ m < 2^bits.
func bitsFor(m float64) int { return max(1, quant.BitsFor(m)) }

// naryAt returns operand k's element i at the common scale.
func naryAt[T any](a Arith[T], p *naryPlan, ins []Tensor[T], k, i int) T {
	return a.Upscale(at(ins[k].Data, p.Idx[k], i), p.Up[k])
}

func inferCompare(kind string) InferFunc {
	return func(c *Context, _ *graph.Node, ins []*Info) ([]*Info, any, error) {
		if len(ins) != 2 {
			return nil, nil, fmt.Errorf("needs two inputs")
		}
		p, _, m, err := alignNary(ins)
		if err != nil {
			return nil, nil, err
		}
		p.Kind = kind
		p.Bits = bitsFor(m[0] + m[1])
		c.CheckBound(2*(m[0]+m[1]) + 1) // geZero's 2d+1
		return []*Info{{DType: graph.Bool, Shape: p.Shape, Max: 1}}, p, nil
	}
}

var one = Q{F: 1, I: 1}

func compare[T any](a Arith[T], plan any, ins []Tensor[T]) []Tensor[T] {
	p := plan.(*naryPlan)
	n := graph.NumElements(p.Shape)
	out := make([]T, n)
	for i := range n {
		x, y := naryAt(a, p, ins, 0, i), naryAt(a, p, ins, 1, i)
		switch p.Kind {
		case "GreaterOrEqual":
			out[i] = geZero(a, a.Sub(x, y), p.Scale, p.Bits)
		case "LessOrEqual":
			out[i] = geZero(a, a.Sub(y, x), p.Scale, p.Bits)
		case "Greater":
			out[i] = greater(a, x, y, p.Scale, p.Bits)
		case "Less":
			out[i] = greater(a, y, x, p.Scale, p.Bits)
		case "Equal":
			out[i] = a.Mul(geZero(a, a.Sub(x, y), p.Scale, p.Bits), geZero(a, a.Sub(y, x), p.Scale, p.Bits))
		}
	}
	return []Tensor[T]{{Shape: p.Shape, Data: out}}
}

// greater returns 1 when x > y, as not(y ≥ x): one Sign.
func greater[T any](a Arith[T], x, y T, scale, bits int) T {
	return a.Lin([]Q{{F: -1, I: -1}}, []T{geZero(a, a.Sub(y, x), scale, bits)}, one)
}

func inferLogic(kind string) InferFunc {
	return func(_ *Context, _ *graph.Node, ins []*Info) ([]*Info, any, error) {
		want := 2
		if kind == "Not" {
			want = 1
		}
		if len(ins) != want {
			return nil, nil, fmt.Errorf("needs %d inputs", want)
		}
		for i, in := range ins {
			if in != nil && (in.DType != graph.Bool || in.Scale != 0) {
				return nil, nil, fmt.Errorf("input %d is %s at scale %d, not bool", i, in.DType, in.Scale)
			}
		}
		p, _, _, err := alignNary(ins)
		if err != nil {
			return nil, nil, err
		}
		p.Kind = kind
		return []*Info{{DType: graph.Bool, Shape: p.Shape, Max: 1}}, p, nil
	}
}

func logic[T any](a Arith[T], plan any, ins []Tensor[T]) []Tensor[T] {
	p := plan.(*naryPlan)
	n := graph.NumElements(p.Shape)
	out := make([]T, n)
	for i := range n {
		x := naryAt(a, p, ins, 0, i)
		if p.Kind == "Not" {
			out[i] = a.Lin([]Q{{F: -1, I: -1}}, []T{x}, one)
			continue
		}
		y := naryAt(a, p, ins, 1, i)
		xy := a.Mul(x, y)
		switch p.Kind {
		case "And":
			out[i] = xy
		case "Or": // x + y - xy
			out[i] = a.Lin([]Q{one, one, {F: -1, I: -1}}, []T{x, y, xy}, Q{})
		case "Xor": // x + y - 2xy
			out[i] = a.Lin([]Q{one, one, {F: -2, I: -2}}, []T{x, y, xy}, Q{})
		}
	}
	return []Tensor[T]{{Shape: p.Shape, Data: out}}
}

// wherePlan: out = y + c·(x - y). With both x and y constant the difference
// is a constant coefficient (free); with a constant condition it is a pick.
type wherePlan struct {
	*naryPlan
	CX, CY []Q // constant x, y at the output scale (nil when computed)
}

func inferWhere(c *Context, _ *graph.Node, ins []*Info) ([]*Info, any, error) {
	if len(ins) != 3 || ins[0] == nil || ins[1] == nil || ins[2] == nil {
		return nil, nil, fmt.Errorf("needs condition, X and Y")
	}
	p, scale, m, err := alignNary(ins)
	if err != nil {
		return nil, nil, err
	}
	c.CheckBound(m[1] + m[2]) // x - y
	wp := &wherePlan{naryPlan: p}
	if ins[1].Const != nil && ins[2].Const != nil {
		wp.CX = quantizeAt(ins[1].Const.Data, scale)
		wp.CY = quantizeAt(ins[2].Const.Data, scale)
	}
	dt := ins[1].DType
	if ins[2].DType == graph.Float {
		dt = graph.Float
	}
	return []*Info{{DType: dt, Shape: p.Shape, Scale: scale, Max: max(m[1], m[2])}}, wp, nil
}

func where[T any](a Arith[T], plan any, ins []Tensor[T]) []Tensor[T] {
	p := plan.(*wherePlan)
	n := graph.NumElements(p.Shape)
	out := make([]T, n)
	for i := range n {
		c := at(ins[0].Data, p.Idx[0], i)
		if p.CX != nil {
			x, y := at(p.CX, p.Idx[1], i), at(p.CY, p.Idx[2], i)
			out[i] = a.Lin([]Q{{F: x.F - y.F, I: x.I - y.I}}, []T{c}, y)
			continue
		}
		x, y := naryAt(a, p.naryPlan, ins, 1, i), naryAt(a, p.naryPlan, ins, 2, i)
		out[i] = a.Add(y, a.Mul(c, a.Sub(x, y)))
	}
	return []Tensor[T]{{Shape: p.Shape, Data: out}}
}

// maxMinPlan folds n operands pairwise: max(a,b) = b + Relu(a-b),
// min(a,b) = a - Relu(a-b).
type maxMinPlan struct {
	*naryPlan
	Min  bool
	Bits []int // Bits[k]: bound of acc - operand k+1
}

func inferMaxMin(min bool) InferFunc {
	return func(c *Context, _ *graph.Node, ins []*Info) ([]*Info, any, error) {
		p, scale, m, err := alignNary(ins)
		if err != nil {
			return nil, nil, err
		}
		mp := &maxMinPlan{naryPlan: p, Min: min}
		acc := m[0]
		dt := ins[0].DType
		for k := 1; k < len(ins); k++ {
			c.CheckBound(acc + m[k]) // acc - operand k
			mp.Bits = append(mp.Bits, bitsFor(acc+m[k]))
			acc = max(acc, m[k])
			if ins[k].DType == graph.Float {
				dt = graph.Float
			}
		}
		return []*Info{{DType: dt, Shape: p.Shape, Scale: scale, Max: acc}}, mp, nil
	}
}

func maxMin[T any](a Arith[T], plan any, ins []Tensor[T]) []Tensor[T] {
	p := plan.(*maxMinPlan)
	n := graph.NumElements(p.Shape)
	out := make([]T, n)
	for i := range n {
		acc := naryAt(a, p.naryPlan, ins, 0, i)
		for k := 1; k < len(ins); k++ {
			acc = pairMax(a, acc, naryAt(a, p.naryPlan, ins, k, i), p.Bits[k-1], p.Min)
		}
		out[i] = acc
	}
	return []Tensor[T]{{Shape: p.Shape, Data: out}}
}

// pairMax returns max(x, y) (min when min is set) with one Relu;
// |x-y| < 2^bits.
func pairMax[T any](a Arith[T], x, y T, bits int, min bool) T {
	r := a.Relu(a.Sub(x, y), bits)
	if min {
		return a.Sub(x, r)
	}
	return a.Add(y, r)
}

func init() {
	for _, k := range []string{"Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual"} {
		Register(k, Op{Infer: inferCompare(k), Float: compare[float64], Int: compare[int64], Circuit: compare[Variable]})
	}
	for _, k := range []string{"Not", "And", "Or", "Xor"} {
		Register(k, Op{Infer: inferLogic(k), Float: logic[float64], Int: logic[int64], Circuit: logic[Variable]})
	}
	Register("Where", Op{Infer: inferWhere, Float: where[float64], Int: where[int64], Circuit: where[Variable]})
	Register("Max", Op{Infer: inferMaxMin(false), Float: maxMin[float64], Int: maxMin[int64], Circuit: maxMin[Variable]})
	Register("Min", Op{Infer: inferMaxMin(true), Float: maxMin[float64], Int: maxMin[int64], Circuit: maxMin[Variable]})
}
