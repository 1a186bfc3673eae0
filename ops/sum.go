package ops

import (
	"github.com/zkinfer/zkinfer/graph"
)

// inferSum aligns Sum's operands to their finest scale: one free linear
// combination (see "Linear maps" in the package documentation).
func inferSum(c *Context, _ *graph.Node, ins []*Info) ([]*Info, any, error) {
	p, scale, m, err := alignNary(ins)
	if err != nil {
		return nil, nil, err
	}
	total := 0.0
	for i, in := range ins {
		if err := sameKind(ins[0], in); err != nil {
			return nil, nil, err
		}
		total += m[i]
	}
	c.CheckBound(total)
	return []*Info{{DType: ins[0].DType, Shape: p.Shape, Scale: scale, Max: total}}, p, nil
}

func sum[T any](a Arith[T], plan any, ins []Tensor[T]) []Tensor[T] {
	p := plan.(*naryPlan)
	out := make([]T, graph.NumElements(p.Shape))
	for i := range out {
		acc := naryAt(a, p, ins, 0, i)
		for k := 1; k < len(ins); k++ {
			acc = a.Add(acc, naryAt(a, p, ins, k, i))
		}
		out[i] = acc
	}
	return []Tensor[T]{{Shape: p.Shape, Data: out}}
}

func init() {
	Register("Sum", Op{Infer: inferSum, Float: sum[float64], Int: sum[int64], Circuit: sum[Variable]})
}
