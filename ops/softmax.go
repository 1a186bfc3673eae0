package ops

import (
	"fmt"
	"math"

	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/quant"
)

// softmaxPlan is Softmax or LogSoftmax along one axis (method, error and
// cost: "Table activations" in the package documentation).
type softmaxPlan struct {
	Shape           []int
	Outer, N, Inner int
	MaxBits         int
	Exp             *tablePlan
	Log             *tablePlan // LogSoftmax only
	UpD             int        // LogSoftmax: d to the output scale
	DBits, QBits    int
}

func inferSoftmax(log bool) InferFunc {
	return func(c *Context, n *graph.Node, ins []*Info) ([]*Info, any, error) {
		if len(ins) == 0 || ins[0] == nil {
			return nil, nil, fmt.Errorf("missing input")
		}
		in := ins[0]
		r := len(in.Shape)
		ax, err := normAxis(int(n.AttrInt("axis", -1)), r)
		if err != nil {
			return nil, nil, err
		}
		p := &softmaxPlan{Shape: in.Shape, Outer: 1, N: in.Shape[ax], Inner: 1}
		for i := range ax {
			p.Outer *= in.Shape[i]
		}
		for i := ax + 1; i < r; i++ {
			p.Inner *= in.Shape[i]
		}
		p.MaxBits = quant.BitsFor(2*in.Max) + 1
		far := float64(c.Scale+1) * math.Ln2
		expFn := tableFn{name: "exp", g: math.Exp, lo: -far, hi: 0, clampLo: true}
		d := &Info{Shape: in.Shape, Scale: in.Scale, Max: 2 * in.Max}
		var e *Info
		if p.Exp, e, err = planTable(c, expFn, d); err != nil {
			return nil, nil, err
		}
		sMax := float64(p.N) * e.Max
		c.CheckBound(sMax)
		if !log {
			// The division's numerator e·2^OutScale.
			c.CheckBound(math.Ldexp(e.Max, p.Exp.Table.OutScale))
			p.DBits = quant.BitsFor(sMax) + 1
			p.QBits = c.Scale + 2
			return []*Info{{DType: graph.Float, Shape: in.Shape, Scale: c.Scale, Max: math.Ldexp(1, c.Scale) + 1}}, p, nil
		}
		logFn := tableFn{name: "log", g: math.Log, lo: 1, hi: float64(p.N), fine: true}
		var l *Info
		if p.Log, l, err = planTable(c, logFn, &Info{Scale: c.Scale, Max: sMax}); err != nil {
			return nil, nil, err
		}
		if in.Scale > c.Scale {
			return nil, nil, fmt.Errorf("input scale %d finer than the activation scale", in.Scale)
		}
		p.UpD = c.Scale - in.Scale
		return []*Info{{DType: graph.Float, Shape: in.Shape, Scale: c.Scale, Max: math.Ldexp(d.Max, p.UpD) + l.Max}}, p, nil
	}
}

func softmax[T any](a Arith[T], plan any, ins []Tensor[T]) []Tensor[T] {
	p := plan.(*softmaxPlan)
	x := ins[0].Data
	out := make([]T, len(x))
	e := make([]T, p.N)
	d := make([]T, p.N)
	for o := range p.Outer {
		for in := range p.Inner {
			idx := func(k int) int { return (o*p.N+k)*p.Inner + in }
			m := x[idx(0)]
			for k := 1; k < p.N; k++ {
				m = a.Add(m, a.Relu(a.Sub(x[idx(k)], m), p.MaxBits))
			}
			var s T = a.Const(Q{})
			for k := range p.N {
				d[k] = a.Sub(x[idx(k)], m)
				e[k] = tableApply(a, p.Exp, d[k])
				s = a.Add(s, e[k])
			}
			if p.Log == nil {
				for k := range p.N {
					out[idx(k)] = a.DivRound(a.Upscale(e[k], p.Exp.Table.OutScale), s, p.DBits, p.QBits)
				}
				continue
			}
			ls := tableApply(a, p.Log, s)
			for k := range p.N {
				out[idx(k)] = a.Sub(a.Upscale(d[k], p.UpD), ls)
			}
		}
	}
	return []Tensor[T]{{Shape: p.Shape, Data: out}}
}

func init() {
	Register("Softmax", Op{Infer: inferSoftmax(false), Float: softmax[float64], Int: softmax[int64], Circuit: softmax[Variable]})
	Register("LogSoftmax", Op{Infer: inferSoftmax(true), Float: softmax[float64], Int: softmax[int64], Circuit: softmax[Variable]})
}
