package audit

import (
	"fmt"
	"math/big"
	"strings"
)

// Kind names a metric.
type Kind string

// Metrics.
const (
	// Accuracy: the number of records whose predicted class is their label,
	// at least ⌈Threshold·N⌉ (or, without a threshold, that number made
	// public).
	Accuracy Kind = "accuracy"
	// Confusion: the C×C matrix whose entry (i, j) counts the records of
	// label i predicted j, made public.
	Confusion Kind = "confusion"
	// DemographicParity: the rates of predicting Positive in the group
	// (column value 1) and outside it differ by at most MaxDiff.
	DemographicParity Kind = "demographic-parity"
	// EqualOpportunity: the same for the true-positive rates, among the
	// records whose label is Positive.
	EqualOpportunity Kind = "equal-opportunity"
)

// Kinds lists the metrics.
var Kinds = []Kind{Accuracy, Confusion, DemographicParity, EqualOpportunity}

// Rat is an exact non-negative decimal such as 0.9 or 0.05: Num/Den.
type Rat struct{ Num, Den int64 }

// ParseRat reads a decimal in [0, 1] with at most 6 digits after the point.
func ParseRat(s string) (Rat, error) {
	s = strings.TrimSpace(s)
	r, ok := new(big.Rat).SetString(s)
	if !ok || strings.ContainsAny(s, "/eE") {
		return Rat{}, fmt.Errorf("%.40q is not a decimal number", s)
	}
	if r.Sign() < 0 || r.Cmp(big.NewRat(1, 1)) > 0 {
		return Rat{}, fmt.Errorf("%s is outside [0, 1]", s)
	}
	if i := strings.IndexByte(s, '.'); i >= 0 && len(s)-i-1 > 6 {
		return Rat{}, fmt.Errorf("%s has more than 6 digits after the point", s)
	}
	return Rat{r.Num().Int64(), r.Denom().Int64()}, nil
}

func (r Rat) String() string {
	return strings.TrimRight(strings.TrimRight(new(big.Rat).SetFrac64(r.Num, r.Den).FloatString(6), "0"), ".")
}

// Metric is what an audit proves about the model on the records.
type Metric struct {
	Kind Kind `json:"kind"`
	// Threshold (accuracy): nil makes the count public.
	Threshold *Rat `json:"threshold,omitempty"`
	// Group column and MaxDiff (fairness metrics).
	Group   string `json:"group,omitempty"`
	MaxDiff *Rat   `json:"max_diff,omitempty"`
	// Positive is the favourable class of the fairness metrics.
	Positive int `json:"positive,omitempty"`
	// Cut is the decision threshold of a model with one output, at the
	// output's scale: class 1 when output ≥ Cut (real value CutText).
	Cut     int64  `json:"cut"`
	CutText string `json:"cut_real"`
}

// Check validates m against a schema.
func (m *Metric) Check(s *Schema) error {
	switch m.Kind {
	case Accuracy, Confusion:
		if m.Group != "" || m.MaxDiff != nil {
			return fmt.Errorf("metric %s takes no group column or max difference", m.Kind)
		}
		if m.Kind == Confusion && m.Threshold != nil {
			return fmt.Errorf("metric confusion takes no threshold")
		}
	case DemographicParity, EqualOpportunity:
		if m.MaxDiff == nil || m.Group == "" {
			return fmt.Errorf("metric %s needs a group column and a max difference", m.Kind)
		}
		if m.Threshold != nil {
			return fmt.Errorf("metric %s takes --max-diff, not a threshold", m.Kind)
		}
		if _, err := s.groupIndex(m.Group); err != nil {
			return err
		}
		if m.Positive < 0 || m.Positive >= s.Classes {
			return fmt.Errorf("positive class %d is outside [0, %d)", m.Positive, s.Classes)
		}
	default:
		return fmt.Errorf("metric %.40q is not one of accuracy, confusion, demographic-parity, equal-opportunity", m.Kind)
	}
	return nil
}

func (s *Schema) groupIndex(name string) (int, error) {
	for i, g := range s.Groups {
		if g == name {
			return i, nil
		}
	}
	return 0, fmt.Errorf("the dataset has no group column %q (it has %q)", name, s.Groups)
}

// MinCorrect is ⌈Threshold·n⌉.
func (r Rat) MinCorrect(n int) int64 {
	return (r.Num*int64(n) + r.Den - 1) / r.Den
}

// Outcome is the metric's value on the records: what the circuit counts.
type Outcome struct {
	Correct   int64
	Confusion [][]int64 // [label][predicted]
	// Fairness: members of the group (column 1) and the others, and how
	// many of each were predicted Positive, among every record
	// (demographic parity) or among those labelled Positive (equal
	// opportunity).
	In, Out, InPos, OutPos int64
}

// outcome computes the metric from predicted classes.
func (m *Metric) outcome(s *Schema, pred, labels []int64, groups [][]int64) Outcome {
	var o Outcome
	o.Confusion = make([][]int64, s.Classes)
	for i := range o.Confusion {
		o.Confusion[i] = make([]int64, s.Classes)
	}
	gi, _ := s.groupIndex(m.Group)
	for r, p := range pred {
		l := labels[r]
		o.Confusion[l][p]++
		if p == l {
			o.Correct++
		}
		if m.Group == "" || (m.Kind == EqualOpportunity && l != int64(m.Positive)) {
			continue
		}
		pos := int64(0)
		if p == int64(m.Positive) {
			pos = 1
		}
		if groups[gi][r] == 1 {
			o.In, o.InPos = o.In+1, o.InPos+pos
		} else {
			o.Out, o.OutPos = o.Out+1, o.OutPos+pos
		}
	}
	return o
}

// Holds reports whether the outcome meets the metric's statement, and
// says why not.
func (m *Metric) Holds(o Outcome, n int) error {
	switch m.Kind {
	case Accuracy:
		if m.Threshold != nil && o.Correct < m.Threshold.MinCorrect(n) {
			return fmt.Errorf("accuracy is %d/%d, below %s: the statement does not hold", o.Correct, n, m.Threshold)
		}
	case DemographicParity, EqualOpportunity:
		if o.In == 0 || o.Out == 0 {
			return fmt.Errorf("group %q: %d records in and %d out (of those the metric counts): both must be non-empty", m.Group, o.In, o.Out)
		}
		d := o.InPos*o.Out - o.OutPos*o.In
		if d < 0 {
			d = -d
		}
		if m.MaxDiff.Den*d > m.MaxDiff.Num*o.In*o.Out {
			return fmt.Errorf("%s difference is %.4f, above %s: the statement does not hold", m.Kind,
				float64(d)/float64(o.In*o.Out), m.MaxDiff)
		}
	}
	return nil
}

// Describe says what a valid proof of m establishes, in plain words.
func (m *Metric) Describe(s *Schema, public []int64) string {
	switch m.Kind {
	case Accuracy:
		if m.Threshold == nil {
			return fmt.Sprintf("accuracy = %d/%d", public[0], s.Records)
		}
		return fmt.Sprintf("accuracy ≥ %s (at least %d of %d correct)", m.Threshold, m.Threshold.MinCorrect(s.Records), s.Records)
	case Confusion:
		var rows []string
		for i := range s.Classes {
			var cells []string
			for j := range s.Classes {
				cells = append(cells, fmt.Sprint(public[i*s.Classes+j]))
			}
			rows = append(rows, "["+strings.Join(cells, " ")+"]")
		}
		return "confusion matrix (rows: label, columns: predicted) " + strings.Join(rows, " ")
	case DemographicParity:
		return fmt.Sprintf("demographic parity difference ≤ %s between %q = 1 and = 0 (rate of predicting class %d)", m.MaxDiff, m.Group, m.Positive)
	case EqualOpportunity:
		return fmt.Sprintf("equal opportunity difference ≤ %s between %q = 1 and = 0 (true-positive rate of class %d)", m.MaxDiff, m.Group, m.Positive)
	}
	return string(m.Kind)
}

// NumPublic is the metric's public inputs: the count (accuracy without a
// threshold) or the C² entries (confusion).
func (m *Metric) NumPublic(s *Schema) int {
	switch {
	case m.Kind == Accuracy && m.Threshold == nil:
		return 1
	case m.Kind == Confusion:
		return s.Classes * s.Classes
	}
	return 0
}

// public lists the metric's public values of an outcome.
func (m *Metric) public(o Outcome) []int64 {
	switch {
	case m.Kind == Accuracy && m.Threshold == nil:
		return []int64{o.Correct}
	case m.Kind == Confusion:
		var out []int64
		for _, row := range o.Confusion {
			out = append(out, row...)
		}
		return out
	}
	return nil
}
