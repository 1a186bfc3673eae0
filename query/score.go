package query

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/zkinfer/zkinfer/audit"
	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/ops"
	"github.com/zkinfer/zkinfer/quant"
)

// ScoreColumn is Query.Feature for "score": the model's output on the
// record, which the circuit computes (package audit's per-record
// inference, with the weights fixed in the circuit).
const ScoreColumn = -2

// ParseScoreCount reads "score OP T": the number of records whose score
// under m (its one output, T at the output's real scale) passes T. sha is
// the model's sha256 (settings.json's model_sha256), which the statement
// names and the noise key binds; m's weights must be fixed in the circuit,
// so that the verifying key is the model.
func ParseScoreCount(expr string, s *audit.Schema, m *model.Model, sha string) (Query, error) {
	f := strings.Fields(strings.Replace(strings.Replace(expr, ">=", " >= ", 1), "<=", " <= ", 1))
	if len(f) == 2 && (strings.HasPrefix(f[1], ">") || strings.HasPrefix(f[1], "<")) { // "score >0.7"
		f = []string{f[0], f[1][:1], f[1][1:]}
	}
	if len(f) != 3 || f[0] != "score" {
		return Query{}, fmt.Errorf("count %.60q: write score OP VALUE, as \"score >= 0.7\" (OP: >=, >, <=, <)", expr)
	}
	q := base(Count, s)
	q.Column, q.Feature, q.Op, q.ThresholdText = "score", ScoreColumn, f[1], f[2]
	if err := checkScoreModel(s, m); err != nil {
		return Query{}, err
	}
	v, err := strconv.ParseFloat(f[2], 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return Query{}, fmt.Errorf("count %.60q: %q is not a number", expr, f[2])
	}
	out := m.Outputs[0]
	q.Threshold = quant.Quantize(v, out.Scale)
	q.ScoreScale, q.Model = out.Scale, sha
	// |score − T| ≤ Max + |T| + 1 < 2^ScoreBits, as Sign needs.
	q.ScoreBits = quant.BitsFor(out.Max + math.Abs(float64(q.Threshold)) + 1)
	return q, q.Check()
}

// ParseScoreMean reads the mean of the records' scores under m clipped to
// "LO,HI" (at the output's real scale). For one record it is a DP release
// of one model output, with sensitivity HI − LO from the clipping.
func ParseScoreMean(clip string, s *audit.Schema, m *model.Model, sha string) (Query, error) {
	q := base(Mean, s)
	q.Column, q.Feature = "score", ScoreColumn
	if err := checkScoreModel(s, m); err != nil {
		return Query{}, err
	}
	out := m.Outputs[0]
	q.ScoreScale, q.Model = out.Scale, sha
	if err := q.parseClip(clip, out.Scale); err != nil {
		return Query{}, err
	}
	// |score − Hi| and |Lo − y − 1| ≤ Max + max(|Lo|, |Hi|) + 1 < 2^ScoreBits.
	q.ScoreBits = quant.BitsFor(out.Max + float64(max(abs(q.Lo), abs(q.Hi))) + 1)
	return q, q.Check()
}

func abs(v int64) int64 { return max(v, -v) }

// checkScoreModel: one float input of the records' size at their scale,
// within the model's activation range, one output of one value, weights
// fixed.
func checkScoreModel(s *audit.Schema, m *model.Model) error {
	switch {
	case len(m.Inputs) != 1 || m.Inputs[0].DType != graph.Float:
		return fmt.Errorf("query: score counts take models of one float input")
	case m.Inputs[0].Size() != s.Features:
		return fmt.Errorf("query: the model's input has %d values, the dataset's records %d", m.Inputs[0].Size(), s.Features)
	case m.Inputs[0].Scale != s.Scale:
		return fmt.Errorf("query: the model reads inputs at scale 2^%d, the dataset was committed at 2^%d: commit it again with --scale %d", m.Inputs[0].Scale, s.Scale, m.Inputs[0].Scale)
	case s.Bits > m.Settings.ActBits:
		return fmt.Errorf("query: the dataset's features are %d-bit, the model's activations %d-bit: commit it again with --bits %d", s.Bits, m.Settings.ActBits, m.Settings.ActBits)
	case len(m.Params) > 0:
		return fmt.Errorf("query: score counts take a model whose weights are fixed in the circuit (compile with --param-visibility fixed)")
	case m.Outputs[0].Size() != 1:
		return fmt.Errorf("query: the model's first output has %d values: score counts take a model with one score", m.Outputs[0].Size())
	}
	return nil
}

// scores runs the model on every record with the integer evaluator: the
// values the circuit computes.
func scores(m *model.Model, rs *audit.Records) ([]int64, error) {
	out := make([]int64, len(rs.Features))
	for r, f := range rs.Features {
		in := ops.Tensor[int64]{Shape: m.Inputs[0].Shape, Data: f}
		o, err := model.Run(m, &ops.IntArith{}, []ops.Tensor[int64]{in})
		if err != nil {
			return nil, fmt.Errorf("query: record %d: %w", r, err)
		}
		out[r] = o[0].Data[0]
	}
	return out, nil
}

// scoreCircuit runs the model on one record's features in the circuit.
func scoreCircuit(m *model.Model, a ops.Arith[ops.Variable], feats []ops.Variable) (ops.Variable, error) {
	in := ops.Tensor[ops.Variable]{Shape: m.Inputs[0].Shape, Data: feats}
	o, err := model.Run(m, a, []ops.Tensor[ops.Variable]{in})
	if err != nil {
		return nil, err
	}
	return o[0].Data[0], nil
}
