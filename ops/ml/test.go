package ml

import (
	"math"
	"slices"

	"github.com/zkinfer/zkinfer/quant"
)

// A node's test on its feature x and the integer boundaries that decide it
// in fixed point. The feature arrives as q = round(x·2^s), and the
// threshold t is quantized the same way, T = round(t·2^s) (quant.Quantize:
// ties away from zero), so that an input equal to the threshold becomes T
// exactly:
//
//	x ≤ t  →  q ≤ T          x < t  →  q ≤ T - 1
//	x ≥ t  →  not (q ≤ T-1)  x > t  →  not (q ≤ T)
//	x = t  →  q = T          x ≠ t  →  q ≠ T        x ∈ S  →  q ∈ {round(v·2^s), v ∈ S}
//
// Every input representable at scale s (x = q/2^s) is decided as the float
// comparison decides it, with one exception per threshold that is not
// itself representable: the value q = T nearest the threshold stands for
// the threshold, and goes where x = t goes. An input exactly at a threshold
// (the common case: XGBoost and LightGBM split at data values, and the test
// row holds that value) is therefore always decided as in float: x = t goes
// to the true branch of LEQ, GTE and EQ nodes and to the false branch of
// LT, GT and NEQ nodes. Only an input within half a unit 2^-(s+1) of a
// threshold, and not equal to it, can take the other branch than float;
// raise --scale until the data's resolution is finer than that.

// Test modes (TreeEnsemble's opset-5 numbering).
const (
	modeLEQ = iota
	modeLT
	modeGTE
	modeGT
	modeEQ
	modeNEQ
	modeMember
)

var modeNames = map[string]int{
	"BRANCH_LEQ": modeLEQ, "BRANCH_LT": modeLT, "BRANCH_GTE": modeGTE,
	"BRANCH_GT": modeGT, "BRANCH_EQ": modeEQ, "BRANCH_NEQ": modeNEQ,
}

type test struct {
	mode int
	vals []float64 // the threshold, or the set's members
}

// limit bounds the boundaries kept: beyond ±2^62 a boundary only says
// "always" or "never" for any feature compile accepts.
const limit = 1 << 62

// at is the fixed-point threshold T, clamped to ±2^62.
func at(v float64, s int) int64 {
	return max(-limit, min(limit, quant.Quantize(v, s)))
}

// cuts returns the boundaries B (tests q ≤ B) that decide the test at scale s.
func (t test) cuts(s int) []int64 {
	var out []int64
	for _, v := range t.vals {
		if math.IsNaN(v) {
			continue
		}
		T := at(v, s)
		switch t.mode {
		case modeLEQ, modeGT:
			out = append(out, T)
		case modeLT, modeGTE:
			out = append(out, T-1)
		default:
			out = append(out, T-1, T)
		}
	}
	return out
}

// onInt decides the test for the fixed-point feature q at scale s.
func (t test) onInt(q int64, s int) bool {
	if t.mode == modeMember {
		return slices.ContainsFunc(t.vals, func(v float64) bool { return !math.IsNaN(v) && q == at(v, s) })
	}
	v := t.vals[0]
	if math.IsNaN(v) {
		return t.mode == modeNEQ
	}
	T := at(v, s)
	switch t.mode {
	case modeLEQ:
		return q <= T
	case modeLT:
		return q < T
	case modeGTE:
		return q >= T
	case modeGT:
		return q > T
	case modeEQ:
		return q == T
	}
	return q != T
}

// onReal decides the test for a real feature (the float reference).
func (t test) onReal(x float64) bool {
	switch t.mode {
	case modeLEQ:
		return x <= t.vals[0]
	case modeLT:
		return x < t.vals[0]
	case modeGTE:
		return x >= t.vals[0]
	case modeGT:
		return x > t.vals[0]
	case modeEQ:
		return x == t.vals[0]
	case modeNEQ:
		return x != t.vals[0]
	}
	return slices.Contains(t.vals, x)
}
