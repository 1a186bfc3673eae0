package ops

import (
	"fmt"
	"math"

	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/quant"
)

// roundPlan is Floor, Ceil or Round: one proven rescale with an offset
// (see "Rounding" in the package documentation).
type roundPlan struct {
	Shape       []int
	Shift, Bits int
	Offset      Q
}

func inferRounding(kind string) InferFunc {
	return func(c *Context, _ *graph.Node, ins []*Info) ([]*Info, any, error) {
		if len(ins) == 0 || ins[0] == nil {
			return nil, nil, fmt.Errorf("missing input")
		}
		in := ins[0]
		p := &roundPlan{Shape: in.Shape, Shift: in.Scale}
		out := &Info{DType: in.DType, Shape: in.Shape, Max: in.Max}
		if in.Scale > 0 {
			h := int64(1) << (in.Scale - 1)
			switch kind {
			case "floor":
				p.Offset = Q{F: -0.5, I: -h}
			case "ceil":
				p.Offset = Q{F: 0.5, I: h - 1}
			}
			out.Max = math.Ceil(math.Ldexp(in.Max+float64(h), -in.Scale)) + 1
			p.Bits = quant.BitsFor(out.Max) + 1
		}
		return []*Info{out}, p, nil
	}
}

func rounding[T any](kind string) Kernel[T] {
	return func(a Arith[T], plan any, ins []Tensor[T]) []Tensor[T] {
		p := plan.(*roundPlan)
		out := make([]T, len(ins[0].Data))
		for i, x := range ins[0].Data {
			if p.Shift == 0 {
				out[i] = x
				continue
			}
			if _, isFloat := any(x).(float64); isFloat {
				// The float reference has no rescale to round with.
				out[i] = any(roundFloat(kind, any(x).(float64))).(T)
				continue
			}
			if kind != "round" {
				out[i] = a.Rescale(a.Add(x, a.Const(p.Offset)), p.Shift, p.Bits)
				continue
			}
			q1 := a.Rescale(a.Sub(x, a.Const(Q{I: 1})), p.Shift, p.Bits)
			q2 := a.Rescale(x, p.Shift, p.Bits)
			half := a.Rescale(a.Sub(q1, a.Const(Q{I: 1})), 1, p.Bits)
			b := a.Lin([]Q{{I: 1}, {I: -2}}, []T{q1, half}, Q{})
			out[i] = a.Add(q1, a.Mul(a.Sub(q2, q1), b))
		}
		return []Tensor[T]{{Shape: p.Shape, Data: out}}
	}
}

func roundFloat(kind string, x float64) float64 {
	switch kind {
	case "floor":
		return math.Floor(x)
	case "ceil":
		return math.Ceil(x)
	}
	return math.RoundToEven(x)
}

func init() {
	for _, k := range []struct{ op, kind string }{{"Floor", "floor"}, {"Ceil", "ceil"}, {"Round", "round"}} {
		Register(k.op, Op{Infer: inferRounding(k.kind), Float: rounding[float64](k.kind), Int: rounding[int64](k.kind), Circuit: rounding[Variable](k.kind)})
	}
}
