package ml

import (
	"fmt"
	"math"

	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/ops"
	"github.com/zkinfer/zkinfer/quant"
)

// maxTargets bounds the scores of an ensemble.
const maxTargets = 1 << 16

// treePlan is a tree ensemble (the method, its error and cost: "Tree
// ensembles" in the package documentation).
type treePlan struct {
	E       *ensemble
	Rows, F int
	Feats   []*bucketPlan // per feature, nil when no node tests it
	Dec     []decision    // per node (leaves unused)
	Ws      int           // leaf-weight scale
	Targets []scorePlan
	RQ      ops.Requant
	Bits    int // MIN/MAX: |a - b| < 2^Bits for two tree values
	Class   *classPlan
	Post    *postPlan // regressors

	classifier bool
}

// decision is a node's test as a sum of its feature's bucket booleans:
// [neg] 1 - Σ e[idx] or Σ e[idx], or a constant when Konst ≥ 0.
type decision struct {
	Konst int8
	Neg   bool
	Idx   []int
}

// scorePlan is one score before rescaling: SUM and AVERAGE are one linear
// combination of the leaf indicators; MIN and MAX one per voting tree.
type scorePlan struct {
	Leaves [][]int   // per tree (one entry for SUM/AVERAGE)
	Coefs  [][]ops.Q // at Ws
	Bias   ops.Q     // base value at Ws
	Max    float64   // bound at Ws
}

func inferTrees(kind string) ops.InferFunc {
	return func(c *ops.Context, n *graph.Node, ins []*ops.Info) ([]*ops.Info, any, error) {
		if len(ins) == 0 || ins[0] == nil {
			return nil, nil, fmt.Errorf("missing input X")
		}
		x := ins[0]
		var e *ensemble
		var labels []int64
		var err error
		switch kind {
		case "TreeEnsembleClassifier":
			if labels, err = intLabels(n, "classlabels_int64s"); err != nil {
				return nil, nil, err
			}
			e, err = parseClassic(n, "class", len(labels))
		case "TreeEnsembleRegressor":
			e, err = parseClassic(n, "target", int(n.AttrInt("n_targets", 1)))
			if err == nil {
				e.agg = n.AttrString("aggregate_function", "SUM")
			}
		default:
			e, err = parseV5(n)
		}
		if err != nil {
			return nil, nil, err
		}
		if kind != "TreeEnsemble" {
			e.post, e.base = n.AttrString("post_transform", "NONE"), floats(n, "base_values")
		}
		p, err := planTrees(c, e, x, kind == "TreeEnsembleClassifier")
		if err != nil {
			return nil, nil, err
		}
		if kind == "TreeEnsembleClassifier" {
			outs, err := p.planClassifier(c, n, labels)
			return outs, p, err
		}
		return p.planRegressor(c, n)
	}
}

func planTrees(c *ops.Context, e *ensemble, x *ops.Info, classifier bool) (*treePlan, error) {
	p := &treePlan{E: e, classifier: classifier}
	var err error
	if p.Rows, p.F, err = rowsOf(x); err != nil {
		return nil, err
	}
	if e.targets < 1 || e.targets > maxTargets {
		return nil, fmt.Errorf("has %d targets or classes, want 1 to %d", e.targets, maxTargets)
	}
	cuts := make([][]int64, p.F)
	used := make([]bool, p.F)
	for i, nd := range e.nodes {
		if nd.leaf {
			continue
		}
		if nd.feature >= p.F {
			return nil, fmt.Errorf("node %d tests feature %d, but X has %d features", i, nd.feature, p.F)
		}
		used[nd.feature] = true
		cuts[nd.feature] = append(cuts[nd.feature], nd.test.cuts(x.Scale)...)
	}
	p.Feats = make([]*bucketPlan, p.F)
	for f := range p.F {
		if used[f] {
			var err error
			if p.Feats[f], err = newBucketPlan(cuts[f], x.Max); err != nil {
				return nil, fmt.Errorf("feature %d: %w", f, err)
			}
		}
	}
	// Tabulating a test costs one step per bucket of its feature: bound
	// the total before any work.
	terms := 0
	for _, nd := range e.nodes {
		if !nd.leaf {
			if terms += len(p.Feats[nd.feature].Bounds) + 1; terms > maxDecisionTerms {
				return nil, fmt.Errorf("the node tests span more than %d buckets: too many distinct thresholds on one feature", maxDecisionTerms)
			}
		}
	}
	p.Dec = make([]decision, len(e.nodes))
	for i, nd := range e.nodes {
		if !nd.leaf {
			p.Dec[i] = decide1(p.Feats[nd.feature], nd.test, x.Scale)
		}
	}
	switch e.agg {
	case "SUM", "AVERAGE", "MIN", "MAX":
	default:
		return nil, fmt.Errorf("aggregate_function %q is unknown (SUM, AVERAGE, MIN, MAX)", e.agg)
	}
	p.Ws = c.Scale + quant.BitsFor(float64(len(e.roots))) + 1
	m := 0.0
	for k := range e.targets {
		s, err := p.planScore(c, k)
		if err != nil {
			return nil, err
		}
		p.Targets = append(p.Targets, s)
		m = max(m, s.Max)
	}
	p.Bits = quant.BitsFor(2 * m)
	c.CheckBound(2 * m)
	return p, nil
}

// maxDecisionTerms bounds Σ over the nodes of their feature's buckets, so
// that a crafted ensemble (millions of nodes on one feature) fails at
// compile time instead of taking hours and all memory; the targets of
// TestTreeTargets need under 2^20.
const maxDecisionTerms = 1 << 26

// decide1 tabulates a node's test over its feature's buckets.
func decide1(bp *bucketPlan, t test, scale int) decision {
	var yes, no []int
	for i := range len(bp.Bounds) + 1 {
		if t.onInt(bp.rep(i), scale) {
			yes = append(yes, i)
		} else {
			no = append(no, i)
		}
	}
	switch {
	case len(no) == 0:
		return decision{Konst: 1}
	case len(yes) == 0:
		return decision{Konst: 0}
	case len(no) < len(yes):
		return decision{Konst: -1, Neg: true, Idx: no}
	}
	return decision{Konst: -1, Idx: yes}
}

// planScore gathers the leaf weights of score k. The regressor's base value
// is added here; the classifier's (classPlan) later.
func (p *treePlan) planScore(c *ops.Context, k int) (scorePlan, error) {
	e := p.E
	var s scorePlan
	q := func(w float64) ops.Q { return ops.Q{F: w, I: quant.Quantize(w, p.Ws)} }
	scale := 1.0
	if e.agg == "AVERAGE" {
		scale = 1 / float64(len(e.roots))
	}
	minMax := e.agg == "MIN" || e.agg == "MAX"
	for _, r := range e.roots {
		var leaves []int
		var coefs []ops.Q
		total, voting, m := 0, 0, 0.0
		e.walk(r, func(i int) {
			nd := e.nodes[i]
			if !nd.leaf {
				return
			}
			total++
			w, has := 0.0, false
			for _, v := range nd.votes {
				switch {
				case v.target != k:
				case !has || !minMax:
					w, has = w*boolF(!minMax)+v.w, true
				case e.agg == "MIN":
					w = min(w, v.w)
				default:
					w = max(w, v.w)
				}
			}
			if has {
				voting++
				leaves, coefs = append(leaves, i), append(coefs, q(w*scale))
				m = max(m, math.Abs(float64(coefs[len(coefs)-1].I)))
			}
		})
		if minMax && voting > 0 && voting < total {
			return s, fmt.Errorf("aggregate %s: tree with root %d votes for target %d in only some of its leaves, which is not supported", e.agg, r, k)
		}
		if len(leaves) == 0 {
			continue
		}
		if minMax || len(s.Leaves) == 0 {
			s.Leaves, s.Coefs = append(s.Leaves, nil), append(s.Coefs, nil)
			if !minMax {
				s.Max = 0
			}
		}
		j := len(s.Leaves) - 1
		s.Leaves[j], s.Coefs[j] = append(s.Leaves[j], leaves...), append(s.Coefs[j], coefs...)
		if minMax {
			s.Max = max(s.Max, m)
		} else {
			s.Max += m
		}
	}
	if !p.classifier && len(e.base) == e.targets {
		s.Bias = q(e.base[k])
		s.Max += math.Abs(float64(s.Bias.I))
	}
	c.CheckBound(s.Max)
	return s, nil
}

func boolF(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// planRegressor finishes a regressor: Y [N, targets] at the activation
// scale, post-transformed (ONNX Runtime applies only PROBIT to a single
// target; with several, every transform).
func (p *treePlan) planRegressor(c *ops.Context, n *graph.Node) ([]*ops.Info, any, error) {
	m := 0.0
	for _, s := range p.Targets {
		m = max(m, s.Max)
	}
	var out float64
	p.RQ, out = c.Requant(m, p.Ws)
	in := vec(p.E.targets, c.Scale, out)
	post := p.E.post
	if p.E.targets == 1 && post != "PROBIT" {
		post = "NONE"
	}
	var info *ops.Info
	var err error
	if p.Post, info, err = planPost(c, n, post, in); err != nil {
		return nil, nil, err
	}
	return []*ops.Info{{DType: graph.Float, Shape: []int{p.Rows, p.E.targets}, Scale: c.Scale, Max: info.Max}}, p, nil
}

// indicators returns every node's indicator on one row x: 1 on the path
// the row takes, 0 elsewhere.
func indicators[T any](a ops.Arith[T], p *treePlan, x []T) []T {
	e := p.E
	d := decisions(a, p, x)
	ind := make([]T, len(e.nodes))
	one := a.Const(ops.Q{F: 1, I: 1})
	for _, r := range e.roots {
		ind[r] = one
		first := r
		e.walk(r, func(i int) {
			nd := e.nodes[i]
			if nd.leaf {
				return
			}
			y := d[i]
			if i != first {
				y = a.Mul(ind[i], d[i])
			}
			ind[nd.yes], ind[nd.no] = y, a.Sub(ind[i], y)
		})
	}
	return ind
}

// decisions returns the decision of every internal node on row x. The
// float reference compares reals; the evaluator and the circuit use the
// bucket decomposition.
func decisions[T any](a ops.Arith[T], p *treePlan, x []T) []T {
	e := p.E
	d := make([]T, len(e.nodes))
	if _, ok := any(a).(ops.FloatArith); ok {
		for i, nd := range e.nodes {
			if !nd.leaf {
				d[i] = any(boolF(nd.test.onReal(any(x[nd.feature]).(float64)))).(T)
			}
		}
		return d
	}
	hots := make([][]T, p.F)
	for f, bp := range p.Feats {
		if bp != nil && len(bp.Bounds) > 0 {
			hots[f] = oneHot(a, bp, x[f])
		}
	}
	one := ops.Q{F: 1, I: 1}
	for i, nd := range e.nodes {
		dc := p.Dec[i]
		switch {
		case nd.leaf:
		case dc.Konst >= 0:
			d[i] = a.Const(ops.Q{F: float64(dc.Konst), I: int64(dc.Konst)})
		default:
			cs, vs := make([]ops.Q, len(dc.Idx)), make([]T, len(dc.Idx))
			bias := ops.Q{}
			for j, b := range dc.Idx {
				cs[j], vs[j] = one, hots[nd.feature][b]
			}
			if dc.Neg {
				for j := range cs {
					cs[j] = ops.Q{F: -1, I: -1}
				}
				bias = one
			}
			d[i] = a.Lin(cs, vs, bias)
		}
	}
	return d
}

// scores returns the row's scores at Ws.
func scores[T any](a ops.Arith[T], p *treePlan, ind []T) []T {
	out := make([]T, len(p.Targets))
	for k, s := range p.Targets {
		var acc T
		for t, leaves := range s.Leaves {
			vs := make([]T, len(leaves))
			for j, l := range leaves {
				vs[j] = ind[l]
			}
			v := a.Lin(s.Coefs[t], vs, ops.Q{})
			switch {
			case t == 0:
				acc = v
			case p.E.agg == "MAX": // max(acc, v) = v + relu(acc - v)
				acc = a.Add(v, a.Relu(a.Sub(acc, v), p.Bits))
			default: // min(acc, v) = acc - relu(acc - v)
				acc = a.Sub(acc, a.Relu(a.Sub(acc, v), p.Bits))
			}
		}
		if len(s.Leaves) == 0 {
			acc = a.Const(ops.Q{})
		}
		out[k] = a.Add(acc, a.Const(s.Bias))
	}
	return out
}

// rowsOf reads X as [N, features] or [features].
func rowsOf(x *ops.Info) (rows, features int, err error) {
	switch len(x.Shape) {
	case 1:
		return 1, x.Shape[0], nil
	case 2:
		return x.Shape[0], x.Shape[1], nil
	}
	return 0, 0, fmt.Errorf("input X %v must be [N, features] or [features]", x.Shape)
}

// rows splits X into its rows.
func rows[T any](x ops.Tensor[T], n, f int) [][]T {
	out := make([][]T, n)
	for r := range n {
		out[r] = x.Data[r*f : (r+1)*f]
	}
	return out
}

func treeKernel[T any](a ops.Arith[T], plan any, ins []ops.Tensor[T]) []ops.Tensor[T] {
	p := plan.(*treePlan)
	if p.Class != nil {
		return classify(a, p, ins[0])
	}
	y := make([]T, 0, p.Rows*p.E.targets)
	for _, x := range rows(ins[0], p.Rows, p.F) {
		s := scores(a, p, indicators(a, p, x))
		for k := range s {
			s[k] = ops.Apply(a, p.RQ, s[k])
		}
		y = append(y, applyPost(a, p.Post, s)...)
	}
	return []ops.Tensor[T]{{Shape: []int{p.Rows, p.E.targets}, Data: y}}
}

func init() {
	for _, k := range []string{"TreeEnsembleClassifier", "TreeEnsembleRegressor", "TreeEnsemble"} {
		ops.RegisterDomain(Domain, k, ops.Op{Infer: inferTrees(k), Float: treeKernel[float64], Int: treeKernel[int64], Circuit: treeKernel[ops.Variable]})
	}
}
