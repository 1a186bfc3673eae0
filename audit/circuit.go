package audit

import (
	"fmt"
	"math/big"

	"github.com/consensys/gnark/frontend"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/internal/linexpr"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/ops"
	"github.com/zkinfer/zkinfer/quant"
)

// Spec is everything an audit circuit is built from: the model (with
// fixed weights, or secret weights bound by their Poseidon2 commitment),
// the dataset's public schema and the metric.
type Spec struct {
	Model  *model.Model
	Schema Schema
	Metric Metric
	// HashedParams: the model's weights are secret, bound by the public
	// Poseidon2 commitment `zkinfer commit MODEL.onnx` prints (they are
	// fixed in the circuit otherwise).
	HashedParams bool
}

// Check validates the spec: one model input of the records' size at the
// dataset's scale, one output per class (or one output for two classes).
func (s *Spec) Check() error {
	m := s.Model
	if err := s.Schema.Check(); err != nil {
		return err
	}
	if err := s.Metric.Check(&s.Schema); err != nil {
		return err
	}
	if len(m.Inputs) != 1 {
		return fmt.Errorf("audit: the model has %d inputs: audits take models of one input", len(m.Inputs))
	}
	in := m.Inputs[0]
	if in.DType != graph.Float {
		return fmt.Errorf("audit: the model's input is %s: audits take a float input", in.DType)
	}
	if in.Size() != s.Schema.Features {
		return fmt.Errorf("audit: the model's input has %d values (shape %v), the dataset's records %d", in.Size(), in.Shape, s.Schema.Features)
	}
	if in.Scale != s.Schema.Scale {
		return fmt.Errorf("audit: the model reads inputs at scale 2^%d, the dataset was committed at 2^%d: commit it again with --scale %d", in.Scale, s.Schema.Scale, in.Scale)
	}
	if s.HashedParams != (len(m.Params) > 0) {
		return fmt.Errorf("audit: %d secret weight tensors with hashed weights %v", len(m.Params), s.HashedParams)
	}
	out := m.Outputs[0].Size()
	if out != s.Schema.Classes && !(out == 1 && s.Schema.Classes == 2) {
		return fmt.Errorf("audit: the model's first output has %d values and the dataset %d classes: one value per class, or one value for 2 classes", out, s.Schema.Classes)
	}
	if bits := quant.BitsFor(m.Outputs[0].Max + float64(abs(s.Metric.Cut))); bits > 62 {
		return fmt.Errorf("audit: the model's outputs are bounded by 2^%d: too wide to compare", bits)
	}
	return nil
}

func abs(v int64) int64 { return max(v, -v) }

// Layout sizes: the public inputs are the dataset commitment, the model
// commitment (hashed weights), the metric's public values and the context;
// the secret ones the features, labels, group columns, the dataset's salt,
// the weights and their salt (hashed weights).
func (s *Spec) numPublic() int {
	n := 2 + s.Metric.NumPublic(&s.Schema)
	if s.HashedParams {
		n++
	}
	return n
}

func (s *Spec) numParams() int {
	n := 0
	for _, p := range s.Model.Params {
		n += p.Size()
	}
	return n
}

func (s *Spec) numPrivate() int {
	sc := &s.Schema
	n := sc.Records*sc.Features + sc.Records + len(sc.Groups)*sc.Records + 1
	if s.HashedParams {
		n += s.numParams() + 1
	}
	return n
}

// Circuit proves the metric of a model over every record of a committed
// dataset (see the package documentation).
type Circuit struct {
	Public  []frontend.Variable `gnark:",public"`
	Private []frontend.Variable

	spec *Spec
	// RangeCheck is the range-check gadget (zero: lookups).
	RangeCheck ops.RangeCheck `gnark:"-"`
	// DirectProducts computes products of secret matrices term by term.
	DirectProducts bool `gnark:"-"`
	// skipMetric (tests) leaves the metric's final assertion out, so a test
	// can show that a forged metric is caught by that assertion alone.
	skipMetric bool
}

// NewCircuit returns the circuit of spec with placeholder variables.
func NewCircuit(spec *Spec) (*Circuit, error) {
	if err := spec.Check(); err != nil {
		return nil, err
	}
	return &Circuit{spec: spec, Public: make([]frontend.Variable, spec.numPublic()), Private: make([]frontend.Variable, spec.numPrivate())}, nil
}

// Define builds the constraints.
func (c *Circuit) Define(api frontend.API) error {
	s, sc := c.spec, &c.spec.Schema
	m := s.Model
	budget := ops.NewConstraintBudget(0, c.RangeCheck)
	ca := &ops.CircuitArith{API: api, Budget: budget}
	ca.Range = budget.Range(ops.NewRangeChecker(api, c.RangeCheck))
	ba := &batchArith{CircuitArith: ca, DirectProducts: c.DirectProducts}

	priv := c.Private
	take := func(n int) []frontend.Variable {
		out := priv[:n]
		priv = priv[n:]
		return out
	}
	N, F, C := sc.Records, sc.Features, sc.Classes
	feats, labels := take(N*F), take(N)
	groups := make([][]frontend.Variable, len(sc.Groups))
	for g := range groups {
		groups[g] = take(N)
	}
	salt := take(1)[0]

	// The records: each feature range-checked to the dataset's width (and
	// the model's activation width, when narrower), each label one-hot,
	// each group value boolean; then the commitment.
	fw, lw, gw := sc.widths()
	var vals []frontend.Variable
	var widths []int
	half := big.NewInt(1 << (fw - 1))
	onehot := make([][]frontend.Variable, N)
	for r := range N {
		for _, v := range feats[r*F : (r+1)*F] {
			ca.CheckSigned(v, min(fw, m.Settings.ActBits))
			vals, widths = append(vals, api.Add(v, half)), append(widths, fw)
		}
		onehot[r] = oneHot(api, labels[r], C)
		vals, widths = append(vals, labels[r]), append(widths, lw)
		for g := range groups {
			api.AssertIsBoolean(groups[g][r])
			vals, widths = append(vals, groups[g][r]), append(widths, gw)
		}
	}
	h, err := hashCircuit(api, sc.header(), packCircuit(api, vals, widths), salt)
	if err != nil {
		return err
	}
	pub := c.Public
	api.AssertIsEqual(h, pub[0])
	pub = pub[1:]

	// The weights: fixed in the circuit, or secret, range-checked and bound
	// by their Poseidon2 commitment (the one `zkinfer commit` prints).
	var params []ops.Tensor[ops.Variable]
	if s.HashedParams {
		raw := make([][]frontend.Variable, len(m.Params))
		for i, info := range m.Params {
			raw[i] = take(info.Size())
			for _, v := range raw[i] {
				ca.CheckSigned(v, m.ParamBits)
			}
			params = append(params, ops.Tensor[ops.Variable]{Shape: info.Shape, Data: raw[i]})
		}
		hp, err := circuit.CommitVariables(api, circuit.TagParams, m.Params, raw, take(1)[0])
		if err != nil {
			return err
		}
		api.AssertIsEqual(hp, pub[0])
		pub = pub[1:]
	}

	// The model on every record, and its predicted class one-hot.
	preds := make([][]frontend.Variable, N)
	for r := range N {
		in := ops.Tensor[ops.Variable]{Shape: m.Inputs[0].Shape, Data: feats[r*F : (r+1)*F]}
		outs, err := model.Run(m, ops.Arith[ops.Variable](ba), append([]ops.Tensor[ops.Variable]{in}, params...))
		if err != nil {
			return fmt.Errorf("audit: record %d: %w", r, err)
		}
		preds[r] = c.predict(api, ba, outs[0].Data)
	}
	ba.finish()

	metricPublic := pub[:s.Metric.NumPublic(sc)]
	c.defineMetric(api, ca, onehot, preds, groups, metricPublic)
	ctx := pub[len(metricPublic)]
	api.Mul(ctx, ctx) // binds the context (circuit's defineContext)
	return nil
}

// oneHot returns the C indicators of v's class and asserts v ∈ [0, C): for
// two classes v is asserted boolean; otherwise each indicator is
// IsZero(v − k) and their sum must be 1, which no v outside [0, C) meets.
func oneHot(api frontend.API, v frontend.Variable, C int) []frontend.Variable {
	if C == 2 {
		api.AssertIsBoolean(v)
		return []frontend.Variable{api.Sub(1, v), v}
	}
	out := make([]frontend.Variable, C)
	for k := range C {
		out[k] = api.IsZero(api.Sub(v, k))
	}
	api.AssertIsEqual(linexpr.Sum(api, out), 1)
	return out
}

// predict returns the predicted class one-hot: output ≥ Cut for a model
// with one output; otherwise the first index of the largest output (a
// later output wins only when strictly larger: Sign(out_j − best − 1)).
func (c *Circuit) predict(api frontend.API, a ops.Arith[ops.Variable], out []frontend.Variable) []frontend.Variable {
	info := c.spec.Model.Outputs[0]
	if len(out) == 1 {
		cut := c.spec.Metric.Cut
		// |out − cut| ≤ Max + |cut| < 2^bits, as Sign needs.
		p := a.Sign(api.Sub(out[0], cut), quant.BitsFor(info.Max+float64(abs(cut))))
		return []frontend.Variable{api.Sub(1, p), p}
	}
	bits := quant.BitsFor(2*info.Max + 1) // |out_j − best − 1| ≤ 2·Max + 1
	best, idx := out[0], frontend.Variable(0)
	for j := 1; j < len(out); j++ {
		s := a.Sign(api.Sub(api.Sub(out[j], best), 1), bits)
		best = api.Add(best, api.Mul(s, api.Sub(out[j], best)))
		idx = api.Add(idx, api.Mul(s, api.Sub(j, idx)))
	}
	return oneHot(api, idx, len(out))
}

// defineMetric counts and asserts the metric; every count is a sum of at
// most N products of booleans, so at most N < 2^21, and the fairness
// inequalities' terms stay below 2^(2·21+21): nothing wraps.
func (c *Circuit) defineMetric(api frontend.API, a *ops.CircuitArith, label, pred [][]frontend.Variable, groups [][]frontend.Variable, public []frontend.Variable) {
	s := c.spec
	m, N := &s.Metric, s.Schema.Records
	assert := func(f func()) {
		if !c.skipMetric {
			f()
		}
	}
	switch m.Kind {
	case Accuracy:
		var terms []frontend.Variable
		for r := range N {
			terms = append(terms, dotBool(api, label[r], pred[r]))
		}
		correct := linexpr.Sum(api, terms)
		if m.Threshold == nil {
			assert(func() { api.AssertIsEqual(correct, public[0]) })
			return
		}
		// correct ∈ [0, N]: correct − K ≥ 0 iff it is below 2^bits(N); a
		// negative value wraps to about p.
		assert(func() { a.Range.Check(api.Sub(correct, m.Threshold.MinCorrect(N)), bitsLen(N)) })
	case Confusion:
		C := s.Schema.Classes
		for i := range C {
			for j := range C {
				var terms []frontend.Variable
				for r := range N {
					terms = append(terms, api.Mul(label[r][i], pred[r][j]))
				}
				cell := linexpr.Sum(api, terms)
				assert(func() { api.AssertIsEqual(cell, public[i*C+j]) })
			}
		}
	case DemographicParity, EqualOpportunity:
		gi, _ := s.Schema.groupIndex(m.Group)
		var all, in, pos, inPos []frontend.Variable
		for r := range N {
			counted := frontend.Variable(1)
			if m.Kind == EqualOpportunity {
				counted = label[r][m.Positive]
			}
			g := api.Mul(groups[gi][r], counted)
			p := pred[r][m.Positive]
			all, in = append(all, counted), append(in, g)
			pos, inPos = append(pos, api.Mul(counted, p)), append(inPos, api.Mul(g, p))
		}
		nIn, nAll, aIn, aAll := linexpr.Sum(api, in), linexpr.Sum(api, all), linexpr.Sum(api, inPos), linexpr.Sum(api, pos)
		nOut, aOut := api.Sub(nAll, nIn), api.Sub(aAll, aIn)
		// |aIn/nIn − aOut/nOut| ≤ Num/Den, cross-multiplied:
		// Den·|aIn·nOut − aOut·nIn| ≤ Num·nIn·nOut, with nIn·nOut ≠ 0.
		d := api.Sub(api.Mul(aIn, nOut), api.Mul(aOut, nIn))
		prod := api.Mul(nIn, nOut)
		lhs := api.Mul(prod, m.MaxDiff.Num)
		bits := bitsLen(int((m.MaxDiff.Num+m.MaxDiff.Den)*int64(N)*int64(N))) + 1
		assert(func() {
			api.AssertIsDifferent(prod, 0)
			a.Range.Check(api.Sub(lhs, api.Mul(d, m.MaxDiff.Den)), bits)
			a.Range.Check(api.Add(lhs, api.Mul(d, m.MaxDiff.Den)), bits)
		})
	}
}

// dotBool is Σ a_k·b_k of two one-hot vectors: 1 when they mark the same
// class. Two classes need one product: a₁b₁ + (1−a₁)(1−b₁).
func dotBool(api frontend.API, a, b []frontend.Variable) frontend.Variable {
	if len(a) == 2 {
		ab := api.Mul(a[1], b[1])
		return api.Add(api.Sub(1, api.Add(a[1], b[1])), api.Mul(ab, 2))
	}
	var terms []frontend.Variable
	for k := range a {
		terms = append(terms, api.Mul(a[k], b[k]))
	}
	return linexpr.Sum(api, terms)
}

func bitsLen(n int) int {
	b := 0
	for ; n > 0; n >>= 1 {
		b++
	}
	return max(b, 1)
}
