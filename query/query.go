package query

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"math/bits"
	"regexp"
	"strconv"
	"strings"

	"github.com/consensys/gnark-crypto/ecc"

	"github.com/zkinfer/zkinfer/audit"
	"github.com/zkinfer/zkinfer/dp"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/quant"
)

// Kind names an aggregate.
type Kind string

// Aggregates.
const (
	// Count is the number of records that satisfy a predicate on a feature
	// or on the label; sensitivity 1 (replacing a record changes it by at
	// most 1).
	Count Kind = "count"
	// Mean is the mean of a feature clipped to [Lo, Hi]: the clipped sum,
	// released in units of 2^Shift, divided by the public N. Replacing a
	// record moves the sum by at most Hi − Lo.
	Mean Kind = "mean"
	// Histogram is the count of records in each bin of a feature: (−∞,
	// b_1), [b_1, b_2), …, [b_m, ∞). Replacing a record moves two bins by
	// 1 each, so each bin's count is noised at ε/2 (sensitivity 1) and the
	// release is (ε, 2δ)-DP by basic composition.
	Histogram Kind = "histogram"
)

// MaxBins bounds a histogram's bin edges.
const MaxBins = 63

// Query is an aggregate over every record of a committed dataset.
type Query struct {
	Kind Kind `json:"kind"`
	// Column is "x[j]" (feature j) or "label"; Feature is j, −1 for the
	// label.
	Column  string `json:"column"`
	Feature int    `json:"feature"`
	// Count: the predicate Column Op Threshold, the threshold at the
	// dataset's scale (a class for the label); ThresholdText as given.
	Op            string `json:"op,omitempty"`
	Threshold     int64  `json:"threshold,omitempty"`
	ThresholdText string `json:"threshold_real,omitempty"`
	// Mean: the clipping bounds at the dataset's scale, as given, and the
	// lattice of the released sum (units of 2^Shift).
	Lo    int64     `json:"clip_lo,omitempty"`
	Hi    int64     `json:"clip_hi,omitempty"`
	Clip  [2]string `json:"clip_real,omitzero"`
	Shift int       `json:"granularity_bits,omitempty"`
	// Score counts: the model's sha256, its output's scale (Threshold is
	// at it) and the width of a score's comparison.
	Model      string `json:"model_sha256,omitempty"`
	ScoreScale int    `json:"score_scale,omitempty"`
	ScoreBits  int    `json:"score_bits,omitempty"`
	// Histogram: the bin edges at the dataset's scale, and as given.
	Bins     []int64  `json:"bins,omitempty"`
	BinsText []string `json:"bins_real,omitempty"`
	Scale    int      `json:"scale"`
	Bits     int      `json:"bits"`
	N        int      `json:"records"`
	Labels   int      `json:"classes"`
}

var colRe = regexp.MustCompile(`^\s*(label|x\[(\d{1,4})\])\s*(>=|<=|==|!=|>|<)?\s*(\S*)\s*$`)

func parseColumn(col string, s *audit.Schema) (int, error) {
	m := colRe.FindStringSubmatch(col)
	if m == nil || m[3] != "" || m[4] != "" {
		return 0, fmt.Errorf("column %.40q is not x[J] (feature J, from 0) or label", col)
	}
	if m[1] == "label" {
		return -1, nil
	}
	j, _ := strconv.Atoi(m[2])
	if j >= s.Features {
		return 0, fmt.Errorf("column x[%d]: the records have %d features (x[0] to x[%d])", j, s.Features, s.Features-1)
	}
	return j, nil
}

func base(kind Kind, s *audit.Schema) Query {
	return Query{Kind: kind, Scale: s.Scale, Bits: s.Bits, N: s.Records, Labels: s.Classes}
}

// ParseCount reads a count's predicate, "x[3] >= 0.4" or "label == 1",
// against the dataset's schema.
func ParseCount(expr string, s *audit.Schema) (Query, error) {
	m := colRe.FindStringSubmatch(expr)
	if m == nil || m[3] == "" || m[4] == "" {
		return Query{}, fmt.Errorf("count %.60q: write COLUMN OP VALUE, as \"x[3] >= 0.4\" or \"label == 1\" (OP: >=, >, <=, <, ==, !=)", expr)
	}
	q := base(Count, s)
	col, err := parseColumn(m[1], s)
	if err != nil {
		return Query{}, err
	}
	q.Column, q.Feature, q.Op, q.ThresholdText = m[1], col, m[3], m[4]
	if col < 0 {
		k, err := strconv.Atoi(m[4])
		if err != nil || k < 0 || k >= s.Classes || (q.Op != "==" && q.Op != "!=") {
			return Query{}, fmt.Errorf("count %.60q: the label is compared with == or != to a class in [0, %d)", expr, s.Classes)
		}
		q.Threshold = int64(k)
		return q, q.Check()
	}
	v, err := strconv.ParseFloat(m[4], 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return Query{}, fmt.Errorf("count %.60q: %q is not a number", expr, m[4])
	}
	q.Threshold = quant.Quantize(v, s.Scale)
	return q, q.Check()
}

// ParseMean reads a clipped mean of column with clip "LO,HI".
func ParseMean(column, clip string, s *audit.Schema) (Query, error) {
	q := base(Mean, s)
	col, err := parseColumn(column, s)
	if err != nil {
		return Query{}, err
	}
	if col < 0 {
		return Query{}, fmt.Errorf("mean: give a feature x[J], not the label (count \"label == K\" counts a class)")
	}
	q.Column, q.Feature = strings.TrimSpace(column), col
	if err := q.parseClip(clip, s.Scale); err != nil {
		return Query{}, err
	}
	return q, q.Check()
}

// parseClip reads "LO,HI" at scale and picks the sum's lattice: 2^Shift
// units, with the sensitivity in lattice units ⌈(Hi − Lo)/2^Shift⌉ at
// most 16, so the noise table stays small while the rounding (below one
// lattice unit) stays below a sixteenth of the noise's scale.
func (q *Query) parseClip(clip string, scale int) error {
	parts := strings.Split(clip, ",")
	if len(parts) != 2 {
		return fmt.Errorf("--clip %.40q: write LO,HI", clip)
	}
	var b [2]int64
	for i, p := range parts {
		v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > 1<<40 {
			return fmt.Errorf("--clip %.40q: %q is not a number below 2^40", clip, p)
		}
		b[i], q.Clip[i] = quant.Quantize(v, scale), strings.TrimSpace(p)
	}
	q.Lo, q.Hi = b[0], b[1]
	if q.Hi > q.Lo {
		q.Shift = max(0, bits.Len64(uint64(q.Hi-q.Lo-1))-4)
	}
	return nil
}

// valueScale is the fixed-point scale of the values a query reads: the
// model's output for a score, the dataset's otherwise.
func (q *Query) valueScale() int {
	if q.Feature == ScoreColumn {
		return q.ScoreScale
	}
	return q.Scale
}

// ParseHistogram reads a histogram of column with bin edges "b1,b2,…"
// (increasing).
func ParseHistogram(column, bins string, s *audit.Schema) (Query, error) {
	q := base(Histogram, s)
	col, err := parseColumn(column, s)
	if err != nil {
		return Query{}, err
	}
	if col < 0 {
		return Query{}, fmt.Errorf("histogram: give a feature x[J], not the label (count \"label == K\" counts a class)")
	}
	q.Column, q.Feature = strings.TrimSpace(column), col
	for _, p := range strings.Split(bins, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return Query{}, fmt.Errorf("--bins %.60q: %q is not a number", bins, p)
		}
		q.Bins, q.BinsText = append(q.Bins, quant.Quantize(v, s.Scale)), append(q.BinsText, strings.TrimSpace(p))
	}
	return q, q.Check()
}

// Outputs is the number of released values: one per bin of a histogram,
// else one.
func (q *Query) Outputs() int {
	if q.Kind == Histogram {
		return len(q.Bins) + 1
	}
	return 1
}

// Check validates the query against its own copy of the schema.
func (q *Query) Check() error {
	lim := int64(1) << (q.Bits - 1)
	switch q.Kind {
	case Count:
		switch q.Op {
		case ">=", ">", "<=", "<", "==", "!=":
		default:
			return fmt.Errorf("query: operator %.8q is not >=, >, <=, <, == or !=", q.Op)
		}
		if q.Feature == ScoreColumn {
			if q.Model == "" || q.ScoreBits < 1 || q.ScoreBits > 61 || q.Op == "==" || q.Op != strings.TrimSpace(q.Op) || q.Op == "!=" {
				return fmt.Errorf("query: a score count needs a model, a score width of 1 to 61 bits and >=, >, <= or <")
			}
			break
		}
		if q.Feature == -1 && (q.Threshold < 0 || q.Threshold >= int64(q.Labels)) {
			return fmt.Errorf("query: class %d is outside [0, %d)", q.Threshold, q.Labels)
		}
		if q.Feature >= 0 && (q.Threshold < -lim || q.Threshold > lim) {
			return fmt.Errorf("query: threshold %s is outside the ±%v the features hold", q.ThresholdText, quant.Dequantize(lim, q.Scale))
		}
	case Mean:
		if q.Feature == -1 {
			return fmt.Errorf("query: a mean is of a feature or a score")
		}
		if q.Lo >= q.Hi {
			return fmt.Errorf("query: --clip %s,%s: LO must be below HI (at scale 2^%d)", q.Clip[0], q.Clip[1], q.valueScale())
		}
		if q.Feature == ScoreColumn {
			slim := int64(1) << min(q.ScoreBits, 61)
			if q.Model == "" || q.ScoreBits < 1 || q.ScoreBits > 61 || q.Lo < -slim || q.Hi > slim {
				return fmt.Errorf("query: a score mean needs a model, a score width of 1 to 61 bits and --clip within the score's bound")
			}
		} else if q.Lo < -lim || q.Hi > lim {
			return fmt.Errorf("query: --clip %s,%s is outside the ±%v the features hold", q.Clip[0], q.Clip[1], quant.Dequantize(lim, q.Scale))
		}
		// Σ (v − Lo) ≤ N·(Hi − Lo) must fit an int64 and stay far below p.
		if bits.Len64(uint64(q.N))+bits.Len64(uint64(q.Hi-q.Lo)) > 62 {
			return fmt.Errorf("query: --clip %s,%s over %d records: the clipped sum could exceed 2^62; narrow the clip", q.Clip[0], q.Clip[1], q.N)
		}
		if q.Shift < 0 || q.Shift > 62 {
			return fmt.Errorf("query: granularity 2^%d", q.Shift)
		}
	case Histogram:
		if q.Feature < 0 {
			return fmt.Errorf("query: a histogram is of a feature")
		}
		if len(q.Bins) < 1 || len(q.Bins) > MaxBins || len(q.BinsText) != len(q.Bins) {
			return fmt.Errorf("query: a histogram has 1 to %d bin edges", MaxBins)
		}
		for i, b := range q.Bins {
			if b < -lim || b > lim {
				return fmt.Errorf("query: bin edge %s is outside the ±%v the features hold", q.BinsText[i], quant.Dequantize(lim, q.Scale))
			}
			if i > 0 && b <= q.Bins[i-1] {
				return fmt.Errorf("query: bin edges %s and %s are not increasing at the dataset's scale 2^%d", q.BinsText[i-1], q.BinsText[i], q.Scale)
			}
		}
	default:
		return fmt.Errorf("query: %.20q is not count, mean or histogram", q.Kind)
	}
	return nil
}

// Sensitivity is each released value's sensitivity in lattice units under
// replacement of one record (N is public, in the dataset commitment): 1
// for a count and for each bin of a histogram; ⌈(Hi − Lo)/2^Shift⌉ for the
// clipped sum at lattice 2^Shift, since |⌊a/g⌋ − ⌊b/g⌋| ≤ ⌈|a − b|/g⌉.
func (q *Query) Sensitivity() int64 {
	if q.Kind != Mean {
		return 1
	}
	g := int64(1) << q.Shift
	return (q.Hi - q.Lo + g - 1) / g
}

// Evaluate is the exact statistic over the records, in lattice units (one
// value per bin of a histogram): the integer reference of the circuit.
func (q *Query) Evaluate(rs *audit.Records) ([]int64, error) {
	if err := q.Check(); err != nil {
		return nil, err
	}
	if q.Feature == ScoreColumn {
		return nil, fmt.Errorf("query: a score count is evaluated with its model (Spec.Evaluate)")
	}
	s := make([]int64, q.Outputs())
	for r, rec := range rs.Features {
		switch q.Kind {
		case Count:
			v := rs.Labels[r]
			if q.Feature >= 0 {
				v = rec[q.Feature]
			}
			if compare(v, q.Op, q.Threshold) {
				s[0]++
			}
		case Mean:
			s[0] += min(max(rec[q.Feature], q.Lo), q.Hi) - q.Lo
		case Histogram:
			bin := 0
			for bin < len(q.Bins) && rec[q.Feature] >= q.Bins[bin] {
				bin++
			}
			s[bin]++
		}
	}
	if q.Kind == Mean {
		s[0] >>= q.Shift
	}
	return s, nil
}

func compare(v int64, op string, t int64) bool {
	switch op {
	case ">=":
		return v >= t
	case ">":
		return v > t
	case "<=":
		return v <= t
	case "<":
		return v < t
	case "==":
		return v == t
	}
	return v != t
}

// Real is a released value in the statistic's real units: the count, or
// the mean Lo + 2^Shift·(R + ½)/N at the dataset's scale (the ½ centres
// the floor of the lattice).
func (q *Query) Real(released int64) float64 {
	if q.Kind != Mean {
		return float64(released)
	}
	sum := (float64(released) + 0.5) * math.Ldexp(1, q.Shift)
	return quant.Dequantize(q.Lo, q.valueScale()) + math.Ldexp(sum/float64(q.N), -q.valueScale())
}

// Describe says the query in words.
func (q *Query) Describe() string {
	switch q.Kind {
	case Count:
		if q.Feature == ScoreColumn {
			return fmt.Sprintf("the number of records whose score under the model with sha256 %.16s… is %s %s", q.Model, q.Op, q.ThresholdText)
		}
		return fmt.Sprintf("the number of records with %s %s %s", q.Column, q.Op, q.ThresholdText)
	case Histogram:
		return fmt.Sprintf("the histogram of %s over the bins %s", q.Column, strings.Join(q.BinNames(), ", "))
	}
	col := q.Column
	if q.Feature == ScoreColumn {
		col = fmt.Sprintf("the score under the model with sha256 %.16s…", q.Model)
	}
	return fmt.Sprintf("the mean of %s clipped to [%s, %s]", col, q.Clip[0], q.Clip[1])
}

// BinNames are a histogram's bins in words: "< b1", "[b1, b2)", …, ">= bm".
func (q *Query) BinNames() []string {
	b := q.BinsText
	out := []string{"< " + b[0]}
	for i := 1; i < len(b); i++ {
		out = append(out, fmt.Sprintf("[%s, %s)", b[i-1], b[i]))
	}
	return append(out, ">= "+b[len(b)-1])
}

// Spec is everything a query circuit is built from: the dataset's public
// schema, the query and the noise mechanism.
type Spec struct {
	Schema    audit.Schema `json:"dataset"`
	Query     Query        `json:"query"`
	Mechanism dp.Mechanism `json:"mechanism"`
	// Model computes a score count's scores (nil when verifying: the
	// verifying key holds the model's circuit).
	Model *model.Model `json:"-"`
}

// NewSpec makes the spec of q over schema s with noise of kind at ε per
// released value (PerValueEpsilon gives it from the release's ε) and a
// sensitivity of at least the query's (sens 0: the query's); sigma is the
// discrete Gaussian's σ in lattice units.
func NewSpec(s audit.Schema, q Query, kind dp.Kind, eps dp.Decimal, sens int64, sigma *dp.Decimal) (*Spec, error) {
	if sens == 0 {
		sens = q.Sensitivity()
	}
	if sens < q.Sensitivity() {
		return nil, fmt.Errorf("query: sensitivity %d is below the query's own, %d: noise that small would not hide one record", sens, q.Sensitivity())
	}
	sp := &Spec{Schema: s, Query: q, Mechanism: dp.Mechanism{Kind: kind, Epsilon: eps, Sensitivity: sens, Sigma: sigma}}
	return sp, sp.Check()
}

// Check validates the spec.
func (sp *Spec) Check() error {
	if err := sp.Schema.Check(); err != nil {
		return err
	}
	q := &sp.Query
	if q.Scale != sp.Schema.Scale || q.Bits != sp.Schema.Bits || q.N != sp.Schema.Records || q.Labels != sp.Schema.Classes ||
		q.Feature >= sp.Schema.Features {
		return fmt.Errorf("query: the query was made for another dataset schema")
	}
	if err := q.Check(); err != nil {
		return err
	}
	if q.Feature == ScoreColumn && sp.Model != nil {
		if err := checkScoreModel(&sp.Schema, sp.Model); err != nil {
			return err
		}
	}
	if sp.Mechanism.Sensitivity < q.Sensitivity() {
		return fmt.Errorf("query: sensitivity %d is below the query's own, %d", sp.Mechanism.Sensitivity, q.Sensitivity())
	}
	_, err := sp.Mechanism.Table()
	return err
}

// Evaluate is the exact statistic over the records in lattice units, the
// circuit's integer reference: Query.Evaluate, with the model's scores for
// a score count.
func (sp *Spec) Evaluate(rs *audit.Records) ([]int64, error) {
	q := &sp.Query
	if q.Feature != ScoreColumn {
		return q.Evaluate(rs)
	}
	if sp.Model == nil {
		return nil, fmt.Errorf("query: a score count needs its model")
	}
	sc, err := scores(sp.Model, rs)
	if err != nil {
		return nil, err
	}
	var n int64
	for _, v := range sc {
		switch {
		case q.Kind == Mean:
			n += min(max(v, q.Lo), q.Hi) - q.Lo
		case compare(v, q.Op, q.Threshold):
			n++
		}
	}
	if q.Kind == Mean {
		n >>= q.Shift
	}
	return []int64{n}, nil
}

// Composition is how many released values one record can move: 2 for a
// histogram (its bin before and after), else 1. The release is (k·ε,
// k·δ)-DP for a mechanism (ε, δ)-DP per value (basic composition).
func (q *Query) Composition() int64 {
	if q.Kind == Histogram {
		return 2
	}
	return 1
}

// PerValueEpsilon is the ε each released value gets for a release of ε:
// ε / Composition.
func (q *Query) PerValueEpsilon(eps dp.Decimal) dp.Decimal {
	return dp.Decimal{Num: eps.Num, Den: eps.Den * q.Composition()}.Reduced()
}

// Tag is the query's tag in the noise key: SHA-256 of the spec's JSON,
// reduced modulo the field. Two different statements get independent
// noise from one seed and coins.
func (sp *Spec) Tag() *big.Int {
	b, _ := json.Marshal(sp)
	h := sha256.Sum256(append([]byte("zkinfer-dp-query-v1:"), b...))
	v := new(big.Int).SetBytes(h[:])
	return v.Mod(v, ecc.BN254.ScalarField())
}
