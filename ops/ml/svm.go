package ml

import (
	"fmt"
	"math"

	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/ops"
	"github.com/zkinfer/zkinfer/quant"
)

// svmPlan is an SVMClassifier or SVMRegressor (kernels, decision values and
// votes: "Support vector machines" in the package documentation).
type svmPlan struct {
	Rows, F int
	Kernel  string
	SV      [][]ops.Q // support vectors: at the param scale (dot products) or the input scale (RBF)
	SVSq    []ops.Q   // RBF: ‖v_j‖² at twice the input scale
	Gamma   ops.Q     // RBF: −γ at the param scale; POLY, SIGMOID: folded into SV
	C0      ops.Q     // POLY, SIGMOID: c0 at the dot products' scale
	Degree  int
	SqBits  int         // RBF: the cap's ReLU
	Cap     ops.Q       // RBF: the cap on ‖x − v_j‖², at twice the input scale
	KRQ     ops.Requant // kernel argument to the activation scale
	PowRQ   ops.Requant // POLY: each product back to the activation scale
	Fn      *sub        // Exp or Tanh
	Dec     [][]ops.Q   // per decision: a coefficient per support vector, at the param scale
	Rho     []ops.Q     // at the decision's scale
	DecRQ   ops.Requant
	// Classifier
	Pairs  [][2]int
	Bits   int
	Votes  *sub // ArgMax over the votes
	Labels *ops.Table
	Post   *postPlan
	Class  bool
	OneCls bool
	L      [2]int64 // two classes: labels
	KMax   float64  // bound of a kernel value
	Scale  int      // the activation scale
}

func (p *svmPlan) scale() int { return p.Scale }

func inferSVM(classifier bool) ops.InferFunc {
	return func(c *ops.Context, n *graph.Node, ins []*ops.Info) ([]*ops.Info, any, error) {
		if len(ins) == 0 || ins[0] == nil {
			return nil, nil, fmt.Errorf("missing input X")
		}
		x := ins[0]
		p := &svmPlan{Class: classifier, Scale: c.Scale}
		var err error
		if p.Rows, p.F, err = rowsOf(x); err != nil {
			return nil, nil, err
		}
		if p.F < 1 {
			return nil, nil, fmt.Errorf("input X %v has no feature", x.Shape)
		}
		if len(floats(n, "prob_a")) > 0 {
			return nil, nil, fmt.Errorf("probability estimates (prob_a, prob_b) are not supported: export the SVC with probability=False")
		}
		sv, coef, rho := floats(n, "support_vectors"), floats(n, "coefficients"), floats(n, "rho")
		if len(sv) == 0 {
			return nil, nil, fmt.Errorf("linear mode (no support vectors) is not supported: export a LinearSVC, which becomes a LinearClassifier")
		}
		if len(sv)%p.F != 0 {
			return nil, nil, fmt.Errorf("%d support-vector values for %d features", len(sv), p.F)
		}
		nsv := len(sv) / p.F
		if err := p.planKernel(c, n, x, sv, nsv); err != nil {
			return nil, nil, err
		}
		if !classifier {
			if len(coef) != nsv || len(rho) < 1 {
				return nil, nil, fmt.Errorf("%d coefficients and %d rho for %d support vectors", len(coef), len(rho), nsv)
			}
			p.Dec, p.Rho = [][]ops.Q{quantizeAll(coef, c.ParamScale)}, []ops.Q{{F: rho[0]}}
			dm := p.planDecisions(c)
			p.OneCls = n.AttrInt("one_class", 0) != 0
			if p.OneCls {
				p.Bits = quant.BitsFor(dm) + 1
				return []*ops.Info{{DType: graph.Float, Shape: []int{p.Rows, 1}, Scale: c.Scale, Max: float64(int64(1) << c.Scale)}}, p, nil
			}
			post := n.AttrString("post_transform", "NONE")
			if post != "PROBIT" {
				post = "NONE"
			}
			var out *ops.Info
			if p.Post, out, err = planPost(c, n, post, vec(1, c.Scale, dm)); err != nil {
				return nil, nil, err
			}
			return []*ops.Info{{DType: graph.Float, Shape: []int{p.Rows, 1}, Scale: c.Scale, Max: out.Max}}, p, nil
		}
		return p.planClassifier(c, n, coef, rho, nsv)
	}
}

func quantizeAll(v []float64, s int) []ops.Q {
	out := make([]ops.Q, len(v))
	for i, x := range v {
		out[i] = ops.Q{F: x, I: quant.Quantize(x, s)}
	}
	return out
}

func (p *svmPlan) planKernel(c *ops.Context, n *graph.Node, x *ops.Info, sv []float64, nsv int) error {
	params := floats(n, "kernel_params")
	gamma, c0, degree := 0.0, 0.0, 0.0
	if len(params) >= 3 {
		gamma, c0, degree = params[0], params[1], params[2]
	}
	p.Kernel = n.AttrString("kernel_type", "LINEAR")
	ps := c.ParamScale
	var arg float64 // bound of the kernel argument
	var argScale int
	switch p.Kernel {
	case "LINEAR", "POLY", "SIGMOID":
		g := 1.0
		if p.Kernel != "LINEAR" {
			g = gamma
		}
		p.SV = make([][]ops.Q, nsv)
		for j := range nsv {
			p.SV[j] = quantizeAll(scaledBy(sv[j*p.F:(j+1)*p.F], g), ps)
			s := 0.0
			for _, q := range p.SV[j] {
				s += math.Abs(float64(q.I))
			}
			arg = max(arg, s*x.Max)
		}
		argScale = x.Scale + ps
		p.C0 = ops.Q{F: c0, I: quant.Quantize(c0, argScale)}
		arg += math.Abs(float64(p.C0.I))
		if p.Kernel == "POLY" {
			if degree < 1 || degree > 8 || degree != math.Trunc(degree) {
				return fmt.Errorf("POLY degree %g is not an integer in [1, 8]", degree)
			}
			p.Degree = int(degree)
		}
	case "RBF":
		xs := x.Scale
		p.SV, p.SVSq = make([][]ops.Q, nsv), make([]ops.Q, nsv)
		for j := range nsv {
			p.SV[j] = quantizeAll(sv[j*p.F:(j+1)*p.F], xs)
			sq, s := 0.0, 0.0
			for _, q := range p.SV[j] {
				sq += float64(q.I) * float64(q.I)
				s += math.Abs(float64(q.I))
			}
			p.SVSq[j] = ops.Q{F: math.Ldexp(sq, -2*xs), I: int64(sq)}
			arg = max(arg, float64(p.F)*x.Max*x.Max+2*s*x.Max+sq)
		}
		c.CheckBound(arg)
		if gamma <= 0 {
			return fmt.Errorf("RBF gamma %g is not positive", gamma)
		}
		p.Gamma = ops.Q{F: -gamma, I: -quant.Quantize(gamma, ps)}
		argScale = 2*xs + ps
		// d is capped at 24/γ: exp(−24) < 2^-34 rounds to 0 at any scale ≤ 30.
		capF := 24 / gamma
		p.Cap = ops.Q{F: capF, I: int64(math.Ceil(math.Ldexp(capF, 2*xs)))}
		c.CheckBound(arg + float64(p.Cap.I))
		p.SqBits = quant.BitsFor(arg+float64(p.Cap.I)) + 1
		arg = float64(p.Cap.I) * math.Abs(float64(p.Gamma.I))
		c.CheckBound(arg)
	default:
		return fmt.Errorf("kernel_type %q is not one of LINEAR, POLY, RBF, SIGMOID", p.Kernel)
	}
	var m float64
	p.KRQ, m = c.Requant(arg, argScale)
	k := &ops.Info{DType: graph.Float, Shape: []int{1, nsv}, Scale: c.Scale, Max: m}
	var err error
	switch p.Kernel {
	case "RBF":
		p.Fn, k, err = planSub(c, n, "Exp", nil, k)
	case "SIGMOID":
		p.Fn, k, err = planSub(c, n, "Tanh", nil, k)
	case "POLY":
		cur := m
		for range p.Degree - 1 {
			p.PowRQ, cur = c.Requant(cur*m, 2*c.Scale)
		}
		k.Max = cur
	}
	p.KMax = k.Max
	return err
}

func scaledBy(v []float64, g float64) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = g * x
	}
	return out
}

// planDecisions plans Σ coef·k + ρ for every decision (coefficients at the
// param scale, kernel values at the activation scale) and returns the
// bound of a decision value at the activation scale.
func (p *svmPlan) planDecisions(c *ops.Context) float64 {
	m := 0.0
	s := c.Scale + c.ParamScale
	for d, co := range p.Dec {
		t := 0.0
		for _, q := range co {
			t += math.Abs(float64(q.I))
		}
		p.Rho[d].I = quant.Quantize(p.Rho[d].F, s)
		m = max(m, t*p.KMax+math.Abs(float64(p.Rho[d].I)))
	}
	var out float64
	p.DecRQ, out = c.Requant(m, s)
	return out
}

func (p *svmPlan) planClassifier(c *ops.Context, n *graph.Node, coef, rho []float64, nsv int) ([]*ops.Info, any, error) {
	labels, err := intLabels(n, "classlabels_ints")
	if err != nil {
		return nil, nil, err
	}
	nc := len(labels)
	per := ints(n, "vectors_per_class")
	if nc < 2 || len(per) != nc {
		return nil, nil, fmt.Errorf("%d classes and %d vectors_per_class", nc, len(per))
	}
	start := make([]int, nc+1)
	for i, v := range per {
		if v < 0 || v > int64(nsv) {
			return nil, nil, fmt.Errorf("vectors_per_class[%d] = %d is out of range", i, v)
		}
		start[i+1] = start[i] + int(v)
	}
	if start[nc] != nsv || len(coef) != (nc-1)*nsv || len(rho) != nc*(nc-1)/2 {
		return nil, nil, fmt.Errorf("%d support vectors, %d coefficients and %d rho do not fit %d classes", nsv, len(coef), len(rho), nc)
	}
	for i := 0; i < nc-1; i++ {
		for j := i + 1; j < nc; j++ {
			co := make([]float64, nsv)
			for m := start[i]; m < start[i+1]; m++ {
				co[m] = coef[(j-1)*nsv+m]
			}
			for m := start[j]; m < start[j+1]; m++ {
				co[m] = coef[i*nsv+m]
			}
			p.Pairs = append(p.Pairs, [2]int{i, j})
			p.Dec = append(p.Dec, quantizeAll(co, c.ParamScale))
			p.Rho = append(p.Rho, ops.Q{F: rho[len(p.Pairs)-1]})
		}
	}
	dm := p.planDecisions(c)
	p.Bits = quant.BitsFor(dm) + 1
	lmax := 1.0
	for _, l := range labels {
		lmax = max(lmax, math.Abs(float64(l)))
	}
	label := &ops.Info{DType: graph.Int, Shape: []int{p.Rows}, Max: lmax}
	post := n.AttrString("post_transform", "NONE")
	if nc == 2 {
		if post != "NONE" {
			return nil, nil, fmt.Errorf("post_transform %s of a two-class SVM is not supported", post)
		}
		p.Labels = nil
		p.Votes = nil
		p.L = [2]int64{labels[0], labels[1]}
		return []*ops.Info{label, {DType: graph.Float, Shape: []int{p.Rows, 2}, Scale: c.Scale, Max: dm}}, p, nil
	}
	if p.Votes, _, err = planSub(c, n, "ArgMax", intAttr("axis", 1), &ops.Info{DType: graph.Int, Shape: []int{1, nc}, Max: float64(nc)}); err != nil {
		return nil, nil, err
	}
	if p.Labels, err = labelTable(labels); err != nil {
		return nil, nil, err
	}
	var out *ops.Info
	if p.Post, out, err = planPost(c, n, post, vec(len(p.Pairs), c.Scale, dm)); err != nil {
		return nil, nil, err
	}
	return []*ops.Info{label, {DType: graph.Float, Shape: []int{p.Rows, len(p.Pairs)}, Scale: c.Scale, Max: out.Max}}, p, nil
}

// kernels returns k_j for every support vector on row x.
func kernels[T any](a ops.Arith[T], p *svmPlan, x []T) []T {
	k := make([]T, len(p.SV))
	var sq T
	if p.Kernel == "RBF" {
		prods := make([]T, len(x))
		ones := make([]ops.Q, len(x))
		for f, v := range x {
			prods[f], ones[f] = a.Mul(v, v), ops.Q{F: 1, I: 1}
		}
		sq = a.Lin(ones, prods, ops.Q{})
	}
	for j, v := range p.SV {
		switch p.Kernel {
		case "RBF":
			cs := make([]ops.Q, len(v))
			for f, q := range v {
				cs[f] = ops.Q{F: -2 * q.F, I: -2 * q.I}
			}
			d := a.Add(sq, a.Lin(cs, x, p.SVSq[j])) // ‖x − v‖², exact
			// min(d, cap) = cap − relu(cap − d)
			d = a.Sub(a.Const(p.Cap), a.Relu(a.Sub(a.Const(p.Cap), d), p.SqBits))
			k[j] = ops.Apply(a, p.KRQ, a.Lin([]ops.Q{p.Gamma}, []T{d}, ops.Q{}))
		default:
			k[j] = ops.Apply(a, p.KRQ, a.Lin(v, x, p.C0))
		}
	}
	switch p.Kernel {
	case "RBF", "SIGMOID":
		return run(a, p.Fn, ops.Tensor[T]{Shape: []int{1, len(k)}, Data: k}).Data
	case "POLY":
		for j, base := range k {
			for range p.Degree - 1 {
				k[j] = ops.Apply(a, p.PowRQ, a.Mul(k[j], base))
			}
		}
	}
	return k
}

func svmKernel[T any](a ops.Arith[T], plan any, ins []ops.Tensor[T]) []ops.Tensor[T] {
	p := plan.(*svmPlan)
	var labels, scores []T
	one := ops.Q{F: 1, I: 1}
	for _, x := range rows(ins[0], p.Rows, p.F) {
		k := kernels(a, p, x)
		dec := make([]T, len(p.Dec))
		pos := make([]T, len(p.Dec)) // [d > 0] = 1 - [−d ≥ 0]
		for d, co := range p.Dec {
			dec[d] = ops.Apply(a, p.DecRQ, a.Lin(co, k, p.Rho[d]))
			if p.Class || p.OneCls {
				neg := a.Lin([]ops.Q{{F: -1, I: -1}}, []T{dec[d]}, ops.Q{})
				pos[d] = a.Lin([]ops.Q{{F: -1, I: -1}}, []T{a.Sign(neg, p.Bits)}, one)
			}
		}
		switch {
		case p.OneCls: // 1 when d > 0, else −1, at the activation scale
			scores = append(scores, a.Lin([]ops.Q{{F: 2, I: 2 << p.scale()}}, pos[:1], ops.Q{F: -1, I: -1 << p.scale()}))
		case !p.Class:
			scores = append(scores, applyPost(a, p.Post, dec)...)
		case len(p.Pairs) == 1: // votes for class 0 when d > 0
			l0, l1 := p.L[0], p.L[1]
			labels = append(labels, a.Lin([]ops.Q{{F: float64(l0 - l1), I: l0 - l1}}, pos[:1], ops.Q{F: float64(l1), I: l1}))
			scores = append(scores, a.Lin([]ops.Q{{F: -1, I: -1}}, dec[:1], ops.Q{}), dec[0])
		default:
			cls := 0
			for _, pr := range p.Pairs {
				cls = max(cls, pr[1]+1)
			}
			v := make([]T, cls)
			for c := range cls {
				var cs []ops.Q
				var vs []T
				bias := ops.Q{}
				for d, pr := range p.Pairs {
					switch c {
					case pr[0]:
						cs, vs = append(cs, one), append(vs, pos[d])
					case pr[1]: // 1 − pos
						cs, vs = append(cs, ops.Q{F: -1, I: -1}), append(vs, pos[d])
						bias.F, bias.I = bias.F+1, bias.I+1
					}
				}
				v[c] = a.Lin(cs, vs, bias)
			}
			l := run(a, p.Votes, ops.Tensor[T]{Shape: []int{1, cls}, Data: v}).Data[0]
			if p.Labels != nil {
				l = a.Lookup(p.Labels, l)
			}
			labels = append(labels, l)
			scores = append(scores, applyPost(a, p.Post, dec)...)
		}
	}
	if !p.Class {
		return []ops.Tensor[T]{{Shape: []int{p.Rows, 1}, Data: scores}}
	}
	return []ops.Tensor[T]{{Shape: []int{p.Rows}, Data: labels}, {Shape: []int{p.Rows, len(scores) / p.Rows}, Data: scores}}
}

func init() {
	ops.RegisterDomain(Domain, "SVMClassifier", ops.Op{Infer: inferSVM(true), Float: svmKernel[float64], Int: svmKernel[int64], Circuit: svmKernel[ops.Variable]})
	ops.RegisterDomain(Domain, "SVMRegressor", ops.Op{Infer: inferSVM(false), Float: svmKernel[float64], Int: svmKernel[int64], Circuit: svmKernel[ops.Variable]})
}
