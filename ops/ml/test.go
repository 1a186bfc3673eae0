package ml

import (
	"math"
	"slices"

	"github.com/zkinfer/zkinfer/quant"
)

// Test modes (TreeEnsemble's opset-5 numbering), decided in fixed point as
// "Thresholds in fixed point" in the package documentation says.
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
