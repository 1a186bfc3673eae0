package ops

import (
	"fmt"
	"math"

	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/quant"
)

// reduceGroups lists, for every output of reducing shape over axes, the flat
// indices of its group. keep keeps reduced axes as size 1. (The reductions'
// costs: "Linear maps" in the package documentation.)
func reduceGroups(shape, axes []int, keep bool) (out []int, off, src []int32) {
	red := make([]bool, len(shape))
	for _, a := range axes {
		red[a] = true
	}
	var kept, inner []int // kept (output) dims, reduced dims
	for i, d := range shape {
		if red[i] {
			inner = append(inner, d)
			if keep {
				out = append(out, 1)
			}
		} else {
			kept = append(kept, d)
			out = append(out, d)
		}
	}
	st := Strides(shape)
	var keptSt, innerSt []int
	for i := range shape {
		if red[i] {
			innerSt = append(innerSt, st[i])
		} else {
			keptSt = append(keptSt, st[i])
		}
	}
	inIdx := mapIndex(inner, innerSt, 0)
	off = []int32{0}
	for _, base := range mapIndex(kept, keptSt, 0) {
		for _, j := range inIdx {
			src = append(src, int32(base+j))
		}
		off = append(off, int32(len(src)))
	}
	return out, off, src
}

// reduceAxes reads axes (attribute or input 1), keepdims and
// noop_with_empty_axes; nil axes with noop false means all axes.
func reduceAxes(n *graph.Node, ins []*Info) ([]int, bool, bool, error) {
	r := len(ins[0].Shape)
	axes, _, err := axesOf(n, ins, 1)
	if err != nil {
		return nil, false, false, err
	}
	keep := n.AttrInt("keepdims", 1) != 0
	if len(axes) == 0 {
		if n.AttrInt("noop_with_empty_axes", 0) != 0 {
			return nil, keep, true, nil
		}
		for i := range r {
			axes = append(axes, i)
		}
	}
	seen := make([]bool, r)
	for i, a := range axes {
		a, err := normAxis(a, r)
		if err != nil {
			return nil, false, false, err
		}
		if seen[a] {
			return nil, false, false, fmt.Errorf("axis %d repeats", a)
		}
		seen[a], axes[i] = true, a
	}
	return axes, keep, false, nil
}

func inferReduce(kind string) InferFunc {
	return func(c *Context, n *graph.Node, ins []*Info) ([]*Info, any, error) {
		if err := needInput(ins); err != nil {
			return nil, nil, err
		}
		x := ins[0]
		axes, keep, noop, err := reduceAxes(n, ins)
		if err != nil {
			return nil, nil, err
		}
		if noop {
			out := *x
			out.Const = nil
			return []*Info{&out}, &movePlan{Shape: x.Shape}, nil
		}
		shape, off, src := reduceGroups(x.Shape, axes, keep)
		if len(src) == 0 {
			return nil, nil, fmt.Errorf("reducing an empty tensor")
		}
		switch kind {
		case "ReduceLogSumExp":
			return inferLogSumExp(c, x, shape, off, src)
		case "ReduceMax", "ReduceMin":
			p := &groupPlan{Shape: shape, Off: off, Src: src, Bits: bitsFor(2 * x.Max), Min: kind == "ReduceMin"}
			out := *x
			out.Shape, out.Const = shape, nil
			return []*Info{&out}, p, nil
		}
		b := newLinMap(shape)
		for i := range len(off) - 1 {
			for _, s := range src[off[i]:off[i+1]] {
				b.term(int(s), 1)
			}
			if kind == "ReduceMean" {
				b.nextDiv(int(off[i+1] - off[i]))
			} else {
				b.next(0)
			}
		}
		switch kind {
		case "ReduceSum", "ReduceMean":
			p, out := b.finish(c, x, 0)
			if x.DType != graph.Float && kind == "ReduceSum" {
				out.DType = x.DType
			}
			return []*Info{out}, p, nil
		case "ReduceL1":
			p, out, err := lpFinish(c, b, x, 1)
			return []*Info{out}, p, err
		case "ReduceL2":
			p, out, err := lpFinish(c, b, x, 2)
			return []*Info{out}, p, err
		case "ReduceSumSquare":
			p, out, err := lpFinish(c, b, x, lpSumSquare)
			return []*Info{out}, p, err
		case "ReduceLogSum":
			return logOf(c, b, x)
		}
		return nil, nil, fmt.Errorf("unknown reduction %s", kind)
	}
}

// reduceKernel dispatches on the plan Infer chose.
func reduceKernel[T any](a Arith[T], plan any, ins []Tensor[T]) []Tensor[T] {
	switch plan.(type) {
	case *movePlan:
		return move(a, plan, ins)
	case *groupPlan:
		return groupMax(a, plan, ins)
	case *lpPlan:
		return lpNorm(a, plan, ins)
	case *lsePlan:
		return logSumExp(a, plan, ins)
	case *logSumPlan:
		return logSum(a, plan, ins)
	}
	return linMap(a, plan, ins)
}

func init() {
	for _, k := range []string{"ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceL1", "ReduceL2", "ReduceSumSquare", "ReduceLogSumExp", "ReduceLogSum"} {
		Register(k, Op{Infer: inferReduce(k), Float: reduceKernel[float64], Int: reduceKernel[int64], Circuit: reduceKernel[Variable]})
	}
}

// lsePlan is ReduceLogSumExp over fixed groups.
type lsePlan struct {
	Shape    []int
	Off, Src []int32
	MaxBits  int        // |x_i - m| < 2^MaxBits
	Exp, Log *tablePlan // exp on (-∞, 0] (clamped), log on [1, max group size]
	UpM      int        // m to the output scale
}

func inferLogSumExp(c *Context, x *Info, shape []int, off, src []int32) ([]*Info, any, error) {
	if x.Scale > c.Scale {
		return nil, nil, fmt.Errorf("input scale %d finer than the activation scale", x.Scale)
	}
	n := 0
	for i := range len(off) - 1 {
		n = max(n, int(off[i+1]-off[i]))
	}
	p := &lsePlan{Shape: shape, Off: off, Src: src, MaxBits: quant.BitsFor(2*x.Max) + 1, UpM: c.Scale - x.Scale}
	far := float64(c.Scale+1) * math.Ln2
	var e, l *Info
	var err error
	expFn := tableFn{name: "exp", g: math.Exp, lo: -far, hi: 0, clampLo: true}
	if p.Exp, e, err = planTable(c, expFn, &Info{Shape: x.Shape, Scale: x.Scale, Max: 2 * x.Max}); err != nil {
		return nil, nil, err
	}
	// The maximum contributes e^0 = 1, so the sum lies in [1, n].
	logFn := tableFn{name: "log", g: math.Log, lo: 1, hi: float64(max(n, 2)), fine: true}
	if p.Log, l, err = planTable(c, logFn, &Info{Scale: c.Scale, Max: float64(n) * e.Max}); err != nil {
		return nil, nil, err
	}
	return []*Info{{DType: graph.Float, Shape: shape, Scale: c.Scale, Max: math.Ldexp(x.Max, p.UpM) + l.Max}}, p, nil
}

func logSumExp[T any](a Arith[T], plan any, ins []Tensor[T]) []Tensor[T] {
	p := plan.(*lsePlan)
	x := ins[0].Data
	out := make([]T, len(p.Off)-1)
	for o := range out {
		g := p.Src[p.Off[o]:p.Off[o+1]]
		m := x[g[0]]
		for _, i := range g[1:] {
			m = a.Add(m, a.Relu(a.Sub(x[i], m), p.MaxBits))
		}
		s := a.Const(Q{})
		for _, i := range g {
			s = a.Add(s, tableApply(a, p.Exp, a.Sub(x[i], m)))
		}
		out[o] = a.Add(a.Upscale(m, p.UpM), tableApply(a, p.Log, s))
	}
	return []Tensor[T]{{Shape: p.Shape, Data: out}}
}

// logSumPlan is ReduceLogSum: the group sums (a linMap), then the log
// table with its hard edges (the sum must lie in the table's domain).
type logSumPlan struct {
	Sum *linMapPlan // the group sums
	Log *tablePlan
}

func logOf(c *Context, b *linMapBuilder, x *Info) ([]*Info, any, error) {
	sp, sum := b.finish(c, x, 0)
	logFn := tableFn{name: "log", g: math.Log, fine: true,
		lo: math.Ldexp(1, -c.Scale), hi: math.Ldexp(1<<16-1, -c.Scale)}
	lp, out, err := planTable(c, logFn, sum)
	if err != nil {
		return nil, nil, err
	}
	return []*Info{out}, &logSumPlan{Sum: sp, Log: lp}, nil
}

func logSum[T any](a Arith[T], plan any, ins []Tensor[T]) []Tensor[T] {
	p := plan.(*logSumPlan)
	s := linMap(a, p.Sum, ins)[0]
	out := make([]T, len(s.Data))
	for i, v := range s.Data {
		out[i] = tableApply(a, p.Log, v)
	}
	return []Tensor[T]{{Shape: s.Shape, Data: out}}
}
