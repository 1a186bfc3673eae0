package zktest

import (
	"math"
	"slices"
	"sync"
)

// Family is the chance that a test judging many statistics together
// (Chain, MaskedRuns) fails on a correct prover: each statistic's p-value
// is compared with Family over their number (Bonferroni), so a chain's
// thousands of statistics do not turn a per-statistic bound into a
// per-run coin flip. With Crit alone a committed-weights chain's 9,332
// statistics failed about one run in a hundred (CI did, at chi-square
// 32.5 over 48 runs).
const Family = 1e-4

// Significant reports whether the largest chi-square statistic worst of
// the low two bits over runs draws (Stat, ChiSquare), among stats
// statistics, is too large for them all to be uniform: stats·P ≤ Family,
// P being PValue(runs, worst).
func Significant(runs int, worst float64, stats int) bool {
	return float64(stats)*PValue(runs, worst) <= Family
}

// PValue returns the exact probability that runs uniform draws from four
// buckets give a chi-square statistic at least s: a sum over the
// multinomial law, not the chi-square approximation, whose tail is too
// light for 48 draws (at 30.66 it says 10^-6; the exact tail is
// 1.4·10^-6). The statistic is Σ(4k−runs)²/(4·runs) over the counts k, so
// it is compared as the integer Σ(4k−runs)².
func PValue(runs int, s float64) float64 {
	if runs <= 0 {
		return 1
	}
	d := int64(math.Ceil(s*float64(4*runs) - 1e-6))
	t := tail(runs)
	// t.keys ascending; the first key ≥ d gives P(D ≥ d).
	lo, hi := 0, len(t.keys)
	for lo < hi {
		m := (lo + hi) / 2
		if t.keys[m] < d {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo == len(t.keys) {
		return 0
	}
	return t.upper[lo]
}

// tailTable is the law of D = Σ(4k−runs)² for one number of runs: its
// values ascending and P(D ≥ value) for each.
type tailTable struct {
	keys  []int64
	upper []float64
}

var (
	tailsMu sync.Mutex
	tails   = map[int]*tailTable{}
)

// tail enumerates the (runs+3 choose 3) count vectors once per runs.
func tail(runs int) *tailTable {
	tailsMu.Lock()
	defer tailsMu.Unlock()
	if t := tails[runs]; t != nil {
		return t
	}
	// log of runs!/(a!b!c!d!)·4^-runs, from a table of log k!.
	lf := make([]float64, runs+1)
	for k := 1; k <= runs; k++ {
		lf[k] = lf[k-1] + math.Log(float64(k))
	}
	base := lf[runs] - float64(runs)*math.Log(4)
	mass := map[int64]float64{}
	sq := func(k int) int64 { v := int64(4*k - runs); return v * v }
	for a := 0; a <= runs; a++ {
		for b := 0; a+b <= runs; b++ {
			for c := 0; a+b+c <= runs; c++ {
				e := runs - a - b - c
				mass[sq(a)+sq(b)+sq(c)+sq(e)] += math.Exp(base - lf[a] - lf[b] - lf[c] - lf[e])
			}
		}
	}
	t := &tailTable{}
	for k := range mass {
		t.keys = append(t.keys, k)
	}
	slices.Sort(t.keys)
	t.upper = make([]float64, len(t.keys))
	var acc float64
	for i := len(t.keys) - 1; i >= 0; i-- {
		acc += mass[t.keys[i]]
		t.upper[i] = acc
	}
	tails[runs] = t
	return t
}
