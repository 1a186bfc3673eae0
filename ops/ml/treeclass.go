package ml

import (
	"fmt"
	"math"
	"slices"

	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/ops"
	"github.com/zkinfer/zkinfer/quant"
)

// comb is a score as a combination of the sums r (at Ws) plus a constant
// (the classifier's label and scores: "Tree ensembles" in the package documentation).
type comb struct {
	C []float64
	B float64
}

type classPlan struct {
	Labels []int64
	// Cols are the score columns before the post transform; a nil entry
	// is a class with no score (0).
	Cols []*comb
	RQ   ops.Requant
	Post *postPlan
	// More than two classes: the label is the arg max over Among.
	Among  []int
	ArgMax *sub
	Table  *ops.Table // index in Among → label; nil when the identity
	// Two classes: the label is L1 when Pos > Thresh (at Ws), else L0.
	Pos     *comb
	Thresh  int64
	ThreshF float64
	Bits    int
	L0, L1  int64
	Single  string // one score s: "1-s", "logistic", "neg" ([-s, s])
	Scale   int    // the activation scale
}

func (p *treePlan) planClassifier(c *ops.Context, n *graph.Node, labels []int64) ([]*ops.Info, error) {
	e, nc := p.E, len(labels)
	if nc < 2 {
		return nil, fmt.Errorf("a classifier with %d class is not supported", nc)
	}
	cp := &classPlan{Labels: labels, Scale: c.Scale}
	p.Class = cp
	has := make([]bool, nc)
	ids := map[int]bool{}
	allPos := true
	for k := range nc {
		full, some := false, false
		for _, r := range e.roots {
			leaves, voting := 0, 0
			e.walk(r, func(i int) {
				if nd := e.nodes[i]; nd.leaf {
					leaves++
					if slices.ContainsFunc(nd.votes, func(v vote) bool { return v.target == k }) {
						voting++
					}
				}
			})
			full, some = full || voting == leaves, some || voting > 0
			if voting > 0 && voting < leaves && !full {
				return nil, fmt.Errorf("class %d gets a weight from only some leaves of the tree with root %d: whether it has a score would depend on the input, which is not supported", k, r)
			}
		}
		has[k] = full && some
	}
	for _, nd := range e.nodes {
		for _, v := range nd.votes {
			ids[v.target] = true
			allPos = allPos && v.w >= 0
		}
	}
	raw := func(k int) *comb {
		cb := &comb{C: make([]float64, nc)}
		cb.C[k] = 1
		return cb
	}
	base := e.base
	var err error
	if nc > 2 {
		for k := range nc {
			cp.Cols = append(cp.Cols, nil)
			switch {
			case k < len(base):
				cb := raw(k)
				cb.B = base[k]
				cp.Cols[k] = cb
			case has[k]:
				cp.Cols[k] = raw(k)
			}
			if cp.Cols[k] != nil {
				cp.Among = append(cp.Among, k)
			}
		}
		if len(cp.Among) == 0 {
			return nil, fmt.Errorf("no class has a score")
		}
		if err = cp.planArgMax(c, n, p); err != nil {
			return nil, err
		}
	} else if err = cp.planBinary(p, has, base, len(ids) == 1, allPos); err != nil {
		return nil, err
	}
	m := 0.0
	for _, cb := range cp.Cols {
		if cb != nil {
			m = max(m, p.bound(cb))
		}
	}
	var out float64
	cp.RQ, out = c.Requant(m, p.Ws)
	ncol := len(cp.Cols)
	in := vec(ncol, c.Scale, out)
	post := e.post
	var info *ops.Info
	switch cp.Single {
	case "":
	case "logistic":
		in = vec(2, c.Scale, out)
		post = "LOGISTIC"
		ncol = 2
	default:
		if post == "PROBIT" {
			return nil, fmt.Errorf("PROBIT of a binary classifier's single score is not supported (ONNX Runtime writes one column of two)")
		}
		ncol, post = 2, "NONE"
		in = vec(2, c.Scale, out+math.Ldexp(1, c.Scale))
	}
	if cp.Post, info, err = planPost(c, n, post, in); err != nil {
		return nil, err
	}
	lmax := 0.0
	for _, l := range labels {
		lmax = max(lmax, math.Abs(float64(l)))
	}
	return []*ops.Info{
		{DType: graph.Int, Shape: []int{p.Rows}, Max: max(lmax, 1)},
		{DType: graph.Float, Shape: []int{p.Rows, ncol}, Scale: c.Scale, Max: info.Max},
	}, nil
}

// bound is the magnitude bound of a combination at Ws.
func (p *treePlan) bound(cb *comb) float64 {
	m := math.Abs(math.Ldexp(cb.B, p.Ws)) + 1
	for k, ck := range cb.C {
		m += math.Abs(ck) * p.Targets[k].Max
	}
	return m
}

func (cp *classPlan) planArgMax(c *ops.Context, n *graph.Node, p *treePlan) error {
	m := 0.0
	ident := true
	for i, k := range cp.Among {
		m = max(m, p.bound(cp.Cols[k]))
		ident = ident && cp.Labels[k] == int64(i)
	}
	var err error
	if cp.ArgMax, _, err = planSub(c, n, "ArgMax", intAttr("axis", 1), vec(len(cp.Among), p.Ws, m)); err != nil {
		return err
	}
	if ident {
		return nil
	}
	vals := make([]float64, len(cp.Among))
	for i, k := range cp.Among {
		vals[i] = float64(cp.Labels[k])
	}
	cp.Table, err = ops.NewTable(fmt.Sprintf("ml-labels%v", vals), func(x float64) float64 { return vals[int(x)] }, 0, 0, 0, int64(len(vals)-1))
	return err
}

// planBinary follows ONNX Runtime's two-class rules for base values and
// the positive score.
func (cp *classPlan) planBinary(p *treePlan, has []bool, base []float64, binaryCase, allPos bool) error {
	s0, s1 := &comb{C: []float64{1, 0}}, &comb{C: []float64{0, 1}}
	single := false
	wa := -1 // ONNX Runtime's add_second_class
	switch len(base) {
	case 2:
		if has[1] {
			s1 = &comb{C: []float64{1, 0}, B: base[1]}
			s0 = &comb{C: []float64{-1, 0}, B: -base[1]}
		} else {
			s1.B, s0.B = base[1], base[0]
		}
	case 1:
		s0.B = base[0]
		single = !has[1]
	case 0:
		wa = 3
		single = !has[1]
	}
	switch {
	case !single && has[1]:
		cp.Pos = s1
	case has[0]:
		cp.Pos = s0
	default:
		cp.Pos = &comb{C: []float64{0, 0}}
	}
	cp.L0, cp.L1 = cp.Labels[0], cp.Labels[1]
	if binaryCase {
		wa = 2
		if allPos {
			wa, cp.ThreshF = 0, 0.5
			cp.Thresh = int64(math.Ldexp(0.5, p.Ws))
		}
	} else {
		cp.L0, cp.L1 = 0, 1
	}
	cp.Bits = quant.BitsFor(p.bound(cp.Pos)+float64(cp.Thresh)+1) + 1
	if !single {
		cp.Cols = []*comb{nil, nil}
		for k, s := range []*comb{s0, s1} {
			if has[k] {
				cp.Cols[k] = s
			}
		}
		return nil
	}
	if !has[0] {
		s0 = &comb{C: []float64{0, 0}}
	}
	cp.Cols = []*comb{s0}
	switch {
	case wa == 0:
		cp.Single = "1-s"
	case wa >= 2 && p.E.post == "LOGISTIC":
		cp.Single = "logistic"
	case wa >= 2:
		cp.Single = "neg"
	default:
		return fmt.Errorf("a two-class model with one base value and votes for one class only writes one score column in ONNX Runtime, which is not supported")
	}
	return nil
}

// combine evaluates a combination of the sums r at Ws.
func combine[T any](a ops.Arith[T], ws int, cb *comb, r []T) T {
	cs := make([]ops.Q, len(cb.C))
	for k, ck := range cb.C {
		cs[k] = ops.Q{F: ck, I: int64(ck)}
	}
	return a.Lin(cs, r, ops.Q{F: cb.B, I: quant.Quantize(cb.B, ws)})
}

func classify[T any](a ops.Arith[T], p *treePlan, x ops.Tensor[T]) []ops.Tensor[T] {
	cp := p.Class
	var labels, probs []T
	zero := a.Const(ops.Q{})
	for _, row := range rows(x, p.Rows, p.F) {
		r := scores(a, p, indicators(a, p, row))
		cols := make([]T, len(cp.Cols))
		for j, cb := range cp.Cols {
			cols[j] = zero
			if cb != nil {
				cols[j] = ops.Apply(a, cp.RQ, combine(a, p.Ws, cb, r))
			}
		}
		var label T
		if cp.ArgMax != nil {
			among := make([]T, len(cp.Among))
			for i, k := range cp.Among {
				among[i] = combine(a, p.Ws, cp.Cols[k], r)
			}
			label = run(a, cp.ArgMax, ops.Tensor[T]{Shape: []int{1, len(among)}, Data: among}).Data[0]
			if cp.Table != nil {
				label = a.Lookup(cp.Table, label)
			}
		} else {
			d := a.Lin([]ops.Q{{F: 1, I: 1}}, []T{combine(a, p.Ws, cp.Pos, r)}, ops.Q{F: -cp.ThreshF, I: -cp.Thresh - 1})
			label = a.Lin([]ops.Q{{F: float64(cp.L1 - cp.L0), I: cp.L1 - cp.L0}}, []T{a.Sign(d, cp.Bits)}, ops.Q{F: float64(cp.L0), I: cp.L0})
		}
		labels = append(labels, label)
		if cp.Single != "" {
			s := cols[0]
			neg := a.Lin([]ops.Q{{F: -1, I: -1}}, []T{s}, ops.Q{})
			if cp.Single == "1-s" {
				// 1 - s at the activation scale
				neg = a.Lin([]ops.Q{{F: -1, I: -1}}, []T{s}, ops.Q{F: 1, I: 1 << cp.Scale})
			}
			cols = []T{neg, s}
		}
		probs = append(probs, applyPost(a, cp.Post, cols)...)
	}
	return []ops.Tensor[T]{{Shape: []int{p.Rows}, Data: labels}, {Shape: []int{p.Rows, len(probs) / p.Rows}, Data: probs}}
}
