package ml

import (
	"fmt"
	"math"

	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/ops"
	"github.com/zkinfer/zkinfer/quant"
)

// linearPlan is a LinearClassifier or LinearRegressor: one Gemm (see
// "Linear models" in the package documentation).
type linearPlan struct {
	Gemm   *sub
	W, B   *ops.Info
	Rows   int
	Post   *postPlan
	ArgMax *sub
	Labels *ops.Table // index → label; nil when labels are 0..C-1
	// One score: label L1 when s > 0; scores [1 - s, s].
	Single bool
	L0, L1 int64
	Bits   int
	One    ops.Q
}

func inferLinear(classifier bool) ops.InferFunc {
	return func(c *ops.Context, n *graph.Node, ins []*ops.Info) ([]*ops.Info, any, error) {
		if len(ins) == 0 || ins[0] == nil {
			return nil, nil, fmt.Errorf("missing input X")
		}
		x := ins[0]
		if len(x.Shape) == 1 {
			x = &ops.Info{DType: x.DType, Shape: []int{1, x.Shape[0]}, Scale: x.Scale, Max: x.Max}
		}
		if len(x.Shape) != 2 {
			return nil, nil, fmt.Errorf("input X %v must be [N, features]", x.Shape)
		}
		coef, icpt := floats(n, "coefficients"), floats(n, "intercepts")
		f := x.Shape[1]
		if f < 1 || len(coef) == 0 || len(coef)%f != 0 {
			return nil, nil, fmt.Errorf("%d coefficients for %d features", len(coef), f)
		}
		k := len(coef) / f
		if !classifier {
			if t := int(n.AttrInt("targets", 1)); t != k {
				return nil, nil, fmt.Errorf("%d coefficients for %d features and %d targets", len(coef), f, t)
			}
		}
		if icpt == nil {
			icpt = make([]float64, k)
		}
		if len(icpt) != k {
			return nil, nil, fmt.Errorf("%d intercepts for %d scores", len(icpt), k)
		}
		p := &linearPlan{Rows: x.Shape[0], W: constInfo(c, []int{k, f}, coef), B: constInfo(c, []int{k}, icpt)}
		var s *ops.Info
		var err error
		if p.Gemm, s, err = planSub(c, n, "Gemm", intAttr("transB", 1), x, p.W, p.B); err != nil {
			return nil, nil, err
		}
		post := n.AttrString("post_transform", "NONE")
		if !classifier {
			if k == 1 && post != "PROBIT" {
				post = "NONE"
			}
			var out *ops.Info
			if p.Post, out, err = planPost(c, n, post, vec(k, s.Scale, s.Max)); err != nil {
				return nil, nil, err
			}
			return []*ops.Info{{DType: graph.Float, Shape: []int{p.Rows, k}, Scale: out.Scale, Max: out.Max}}, p, nil
		}
		outs, err := p.planLabels(c, n, s, k, post)
		return outs, p, err
	}
}

func (p *linearPlan) planLabels(c *ops.Context, n *graph.Node, s *ops.Info, k int, post string) ([]*ops.Info, error) {
	labels, err := intLabels(n, "classlabels_ints")
	if err != nil {
		return nil, err
	}
	lmax := 1.0
	for _, l := range labels {
		lmax = max(lmax, math.Abs(float64(l)))
	}
	label := &ops.Info{DType: graph.Int, Shape: []int{p.Rows}, Max: lmax}
	var out *ops.Info
	if k == 1 {
		p.Single, p.L0, p.L1 = true, 0, 1
		if len(labels) == 2 {
			p.L0, p.L1 = labels[0], labels[1]
		}
		if post != "NONE" {
			return nil, fmt.Errorf("post_transform %s of a single score is not supported", post)
		}
		p.Bits = quant.BitsFor(s.Max) + 1
		p.One = ops.Q{F: 1, I: int64(1) << s.Scale}
		p.Post = &postPlan{Kind: "NONE"}
		return []*ops.Info{label, {DType: graph.Float, Shape: []int{p.Rows, 2}, Scale: s.Scale, Max: s.Max + float64(p.One.I)}}, nil
	}
	if len(labels) != k {
		return nil, fmt.Errorf("%d class labels for %d scores", len(labels), k)
	}
	if p.ArgMax, _, err = planSub(c, n, "ArgMax", intAttr("axis", 1), vec(k, s.Scale, s.Max)); err != nil {
		return nil, err
	}
	if p.Labels, err = labelTable(labels); err != nil {
		return nil, err
	}
	if p.Post, out, err = planPost(c, n, post, vec(k, s.Scale, s.Max)); err != nil {
		return nil, err
	}
	return []*ops.Info{label, {DType: graph.Float, Shape: []int{p.Rows, k}, Scale: out.Scale, Max: out.Max}}, nil
}

// labelTable maps a class index to its label (nil for the identity).
func labelTable(labels []int64) (*ops.Table, error) {
	vals := make([]float64, len(labels))
	ident := true
	for i, l := range labels {
		vals[i] = float64(l)
		ident = ident && l == int64(i)
	}
	if ident {
		return nil, nil
	}
	return ops.NewTable(fmt.Sprintf("ml-labels%v", vals), func(x float64) float64 { return vals[int(x)] }, 0, 0, 0, int64(len(vals)-1))
}

func linearKernel[T any](a ops.Arith[T], plan any, ins []ops.Tensor[T]) []ops.Tensor[T] {
	p := plan.(*linearPlan)
	x := ins[0]
	x.Shape = []int{p.Rows, len(x.Data) / p.Rows}
	s := run(a, p.Gemm, x, ops.Materialize(a, p.W), ops.Materialize(a, p.B))
	k := len(s.Data) / p.Rows
	var labels, scores []T
	for r := range p.Rows {
		row := s.Data[r*k : (r+1)*k]
		switch {
		case p.Single:
			v := row[0]
			// v > 0: not (-v ≥ 0)
			neg := a.Lin([]ops.Q{{F: -1, I: -1}}, []T{v}, ops.Q{})
			pos := a.Lin([]ops.Q{{F: -1, I: -1}}, []T{a.Sign(neg, p.Bits)}, ops.Q{F: 1, I: 1})
			labels = append(labels, a.Lin([]ops.Q{{F: float64(p.L1 - p.L0), I: p.L1 - p.L0}}, []T{pos}, ops.Q{F: float64(p.L0), I: p.L0}))
			scores = append(scores, a.Lin([]ops.Q{{F: -1, I: -1}}, []T{v}, p.One), v)
			continue
		case p.ArgMax != nil:
			l := run(a, p.ArgMax, ops.Tensor[T]{Shape: []int{1, k}, Data: row}).Data[0]
			if p.Labels != nil {
				l = a.Lookup(p.Labels, l)
			}
			labels = append(labels, l)
		}
		scores = append(scores, applyPost(a, p.Post, row)...)
	}
	if p.ArgMax == nil && !p.Single {
		return []ops.Tensor[T]{{Shape: []int{p.Rows, k}, Data: scores}}
	}
	return []ops.Tensor[T]{{Shape: []int{p.Rows}, Data: labels}, {Shape: []int{p.Rows, len(scores) / p.Rows}, Data: scores}}
}

func init() {
	ops.RegisterDomain(Domain, "LinearClassifier", ops.Op{Infer: inferLinear(true), Float: linearKernel[float64], Int: linearKernel[int64], Circuit: linearKernel[ops.Variable]})
	ops.RegisterDomain(Domain, "LinearRegressor", ops.Op{Infer: inferLinear(false), Float: linearKernel[float64], Int: linearKernel[int64], Circuit: linearKernel[ops.Variable]})
}
