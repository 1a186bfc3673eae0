package ops

import (
	"fmt"
	"slices"

	"github.com/zkinfer/zkinfer/graph"
)

// axisGroups lists, per group along axis, the flat index of its first
// element; elements of a group are Stride apart. ArgMax, ArgMin and TopK
// scan the groups (see "ArgMax, ArgMin and TopK" in the package
// documentation).
type axisGroups struct {
	Starts    []int
	N, Stride int
}

func groupsAlong(shape []int, axis int) axisGroups {
	st := Strides(shape)
	g := axisGroups{N: shape[axis], Stride: st[axis]}
	outer := slices.Clone(shape)
	outer[axis] = 1
	g.Starts = mapIndex(outer, st, 0)
	return g
}

type argPlan struct {
	Shape []int
	G     axisGroups
	Min   bool
	Last  bool
	Bits  int
	Scale int
}

func inferArg(min bool) InferFunc {
	return func(_ *Context, n *graph.Node, ins []*Info) ([]*Info, any, error) {
		if err := needInput(ins); err != nil {
			return nil, nil, err
		}
		x := ins[0]
		axis, err := normAxis(int(n.AttrInt("axis", 0)), len(x.Shape))
		if err != nil {
			return nil, nil, err
		}
		if x.Shape[axis] == 0 {
			return nil, nil, fmt.Errorf("empty axis %d", axis)
		}
		p := &argPlan{G: groupsAlong(x.Shape, axis), Min: min, Last: n.AttrInt("select_last_index", 0) != 0, Bits: bitsFor(2 * x.Max), Scale: x.Scale}
		p.Shape = slices.Clone(x.Shape)
		if n.AttrInt("keepdims", 1) != 0 {
			p.Shape[axis] = 1
		} else {
			p.Shape = slices.Delete(p.Shape, axis, axis+1)
		}
		return []*Info{{DType: graph.Int, Shape: p.Shape, Max: float64(x.Shape[axis] - 1)}}, p, nil
	}
}

func argKernel[T any](a Arith[T], plan any, ins []Tensor[T]) []Tensor[T] {
	p := plan.(*argPlan)
	x := ins[0].Data
	out := make([]T, len(p.G.Starts))
	neg := Q{F: -1, I: -1}
	for g, s := range p.G.Starts {
		best, idx := x[s], a.Const(Q{})
		for j := 1; j < p.G.N; j++ {
			v := x[s+j*p.G.Stride]
			// d > 0 when v is better than best.
			d := a.Sub(v, best)
			if p.Min {
				d = a.Sub(best, v)
			}
			var take T
			if p.Last {
				take = geZero(a, d, p.Scale, p.Bits) // better or equal
			} else {
				// strictly better: not (-d ≥ 0)
				take = a.Lin([]Q{neg}, []T{geZero(a, a.Lin([]Q{neg}, []T{d}, Q{}), p.Scale, p.Bits)}, one)
			}
			best = a.Add(best, a.Mul(take, a.Sub(v, best)))
			jq := Q{F: float64(j), I: int64(j)}
			idx = a.Add(idx, a.Mul(take, a.Lin([]Q{neg}, []T{idx}, jq)))
		}
		out[g] = idx
	}
	return []Tensor[T]{{Shape: p.Shape, Data: out}}
}

type topKPlan struct {
	Values, Indices []int // output shapes
	G               axisGroups
	K               int
	Largest         bool
	Bits, Scale     int
	Rank            indexPlan // one-hot of a rank over [0, n)
	OutSt           int       // stride of the axis in the outputs
	OutStarts       []int
}

func inferTopK(_ *Context, n *graph.Node, ins []*Info) ([]*Info, any, error) {
	if err := needInput(ins); err != nil {
		return nil, nil, err
	}
	x := ins[0]
	var k int
	if n.HasAttr("k") { // opset 1
		k = int(n.AttrInt("k", 0))
	} else {
		ks, err := constInts(ins, 1, "K")
		if err != nil || len(ks) != 1 {
			return nil, nil, fmt.Errorf("K must be a constant with one value")
		}
		k = ks[0]
	}
	axis, err := normAxis(int(n.AttrInt("axis", -1)), len(x.Shape))
	if err != nil {
		return nil, nil, err
	}
	if k < 0 || k > x.Shape[axis] {
		return nil, nil, fmt.Errorf("k %d is out of range for an axis of %d", k, x.Shape[axis])
	}
	p := &topKPlan{G: groupsAlong(x.Shape, axis), K: k, Largest: n.AttrInt("largest", 1) != 0, Bits: bitsFor(2 * x.Max), Scale: x.Scale}
	shape := slices.Clone(x.Shape)
	shape[axis] = k
	p.Values, p.Indices = shape, shape
	og := groupsAlong(shape, axis)
	p.OutSt, p.OutStarts = og.Stride, og.Starts
	nn := x.Shape[axis]
	p.Rank = indexPlan{Dims: []int{nn}, St: []int{1}}
	p.Rank.finish(&Info{Max: float64(nn)})
	for i := range nn {
		p.Rank.Comps = append(p.Rank.Comps, []int32{int32(i)})
	}
	vals := &Info{DType: x.DType, Shape: shape, Scale: x.Scale, Max: x.Max}
	idx := &Info{DType: graph.Int, Shape: shape, Max: float64(max(nn-1, 0))}
	return []*Info{vals, idx}, p, nil
}

func topK[T any](a Arith[T], plan any, ins []Tensor[T]) []Tensor[T] {
	p := plan.(*topKPlan)
	x := ins[0].Data
	n := p.G.N
	size := len(p.G.Starts) * p.K
	vals, idxs := make([]T, size), make([]T, size)
	for g, s := range p.G.Starts {
		el := func(i int) T { return x[s+i*p.G.Stride] }
		// before[i][j] = 1 when element i sorts before element j.
		before := make([][]T, n)
		for i := range before {
			before[i] = make([]T, n)
		}
		for i := range n {
			for j := i + 1; j < n; j++ {
				d := a.Sub(el(i), el(j))
				if !p.Largest {
					d = a.Sub(el(j), el(i))
				}
				before[i][j] = geZero(a, d, p.Scale, p.Bits)
				before[j][i] = a.Lin([]Q{{F: -1, I: -1}}, []T{before[i][j]}, one)
			}
		}
		ranks := make([]T, n)
		for i := range n {
			var cs []Q
			var vs []T
			for j := range n {
				if j != i {
					cs, vs = append(cs, one), append(vs, before[j][i])
				}
			}
			ranks[i] = a.Lin(cs, vs, Q{})
		}
		eqs := oneHots(a, &p.Rank, ranks)
		for r := range p.K {
			cs, vs, prods := make([]Q, n), make([]T, n), make([]T, n)
			for i := range n {
				cs[i], vs[i] = Q{F: float64(i), I: int64(i)}, eqs[i][r]
				prods[i] = a.Mul(eqs[i][r], el(i))
			}
			o := p.OutStarts[g] + r*p.OutSt
			idxs[o] = a.Lin(cs, vs, Q{})
			vals[o] = a.Lin(slices.Repeat([]Q{one}, n), prods, Q{})
		}
	}
	return []Tensor[T]{{Shape: p.Values, Data: vals}, {Shape: p.Indices, Data: idxs}}
}

func init() {
	Register("ArgMax", Op{Infer: inferArg(false), Float: argKernel[float64], Int: argKernel[int64], Circuit: argKernel[Variable]})
	Register("ArgMin", Op{Infer: inferArg(true), Float: argKernel[float64], Int: argKernel[int64], Circuit: argKernel[Variable]})
	Register("TopK", Op{Infer: inferTopK, Float: topK[float64], Int: topK[int64], Circuit: topK[Variable]})
}
