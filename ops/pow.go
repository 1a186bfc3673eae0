package ops

import (
	"fmt"
	"math"

	"github.com/zkinfer/zkinfer/graph"
)

// powPlan is Pow with one operand constant (see "Table activations" in
// the package documentation).
type powPlan struct {
	Shape []int
	N     int // 0: ones
	Steps []Requant
}

func inferPow(c *Context, n *graph.Node, ins []*Info) ([]*Info, any, error) {
	if len(ins) < 2 || ins[0] == nil || ins[1] == nil {
		return nil, nil, fmt.Errorf("needs inputs X and Y")
	}
	x, y := ins[0], ins[1]
	if x.Const != nil && y.Const == nil {
		if len(x.Const.Data) != 1 || x.Const.Data[0] <= 0 || x.Const.Data[0] == 1 {
			return nil, nil, fmt.Errorf("a constant base must be a scalar > 0 other than 1")
		}
		b := x.Const.Data[0]
		fn := expTable(c, fmt.Sprintf("pow(%g,x)", b), math.Log(b))
		return powTableInfer(c, fn, y, 1)
	}
	if y.Const == nil || len(y.Const.Data) != 1 {
		return nil, nil, fmt.Errorf("the exponent must be a constant scalar (or the base a constant)")
	}
	p := y.Const.Data[0]
	switch {
	case p == 0.5:
		return inferSqrt(c, n, ins[:1])
	case p == math.Trunc(p) && p >= 0 && p <= 16:
		pl := &powPlan{Shape: x.Shape, N: int(p)}
		out := &Info{DType: x.DType, Shape: x.Shape, Scale: x.Scale, Max: x.Max}
		if pl.N == 0 {
			out.Scale, out.Max = 0, 1
		}
		for i := 1; i < pl.N; i++ {
			rq, m := c.Requant(out.Max*x.Max, out.Scale+x.Scale)
			pl.Steps = append(pl.Steps, rq)
			out.Scale, out.Max = out.Scale+x.Scale-rq.Shift+rq.Up, m
		}
		return []*Info{out}, pl, nil
	}
	lo := 0.0
	if p < 0 {
		lo = math.Ldexp(1, -c.Scale)
	}
	fn := tableFn{name: fmt.Sprintf("pow(x,%g)", p), g: func(v float64) float64 { return math.Pow(v, p) },
		lo: lo, hi: math.Ldexp(1<<16-1, -c.Scale), fine: true}
	return powTableInfer(c, fn, x, 0)
}

// powTable is a table applied to input In of Pow.
type powTable struct {
	*tablePlan
	In int
}

func powTableInfer(c *Context, fn tableFn, in *Info, idx int) ([]*Info, any, error) {
	p, out, err := planTable(c, fn, in)
	if err != nil {
		return nil, nil, err
	}
	return []*Info{out}, &powTable{p, idx}, nil
}

func pow[T any](a Arith[T], plan any, ins []Tensor[T]) []Tensor[T] {
	switch p := plan.(type) {
	case *powTable:
		return tableKernel(a, p.tablePlan, ins[p.In:p.In+1])
	case *sqrtPlan:
		return sqrtKernel(a, plan, ins[:1])
	}
	p := plan.(*powPlan)
	out := make([]T, len(ins[0].Data))
	for i, x := range ins[0].Data {
		if p.N == 0 {
			out[i] = a.Const(Q{F: 1, I: 1})
			continue
		}
		y := x
		for _, rq := range p.Steps {
			y = Apply(a, rq, a.Mul(y, x))
		}
		out[i] = y
	}
	return []Tensor[T]{{Shape: p.Shape, Data: out}}
}

func init() {
	Register("Pow", Op{Infer: inferPow, Float: pow[float64], Int: pow[int64], Circuit: pow[Variable]})
}
