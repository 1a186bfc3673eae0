package zktest

import (
	"math"
	"testing"
)

// TestPValue checks the exact tail against a brute force over every
// outcome of a few draws, and against values computed independently
// (exact rational arithmetic) for the runs the chains use.
func TestPValue(t *testing.T) {
	for runs := 1; runs <= 6; runs++ {
		n := 1 << (2 * runs) // 4^runs equally likely outcomes
		stats := make([]float64, n)
		for o := range n {
			var c [4]int
			for x, r := o, 0; r < runs; r++ {
				c[x%4]++
				x /= 4
			}
			stats[o] = ChiSquare(c[:])
		}
		for _, s := range stats {
			k := 0
			for _, u := range stats {
				if u >= s-1e-9 {
					k++
				}
			}
			if want, got := float64(k)/float64(n), PValue(runs, s); math.Abs(got-want) > 1e-12 {
				t.Fatalf("runs %d, chi-square %.4f: p-value %g, brute force %g", runs, s, got, want)
			}
		}
	}
	tests := []struct {
		runs int
		s    float64
		want float64
	}{
		{48, 0, 1},
		{48, 30.66, 1.3877603187810354e-06},
		{48, 32.5, 8.023078661988381e-07},
		{16, 48, math.Pow(4, -15)}, // one bucket takes all: 4 of 4^16
		{16, 48.5, 0},
	}
	for _, tc := range tests {
		if got := PValue(tc.runs, tc.s); math.Abs(got-tc.want) > 1e-9*tc.want+1e-300 && !(tc.want == 0 && got == 0) {
			t.Errorf("PValue(%d, %g) = %g, want %g", tc.runs, tc.s, got, tc.want)
		}
	}
	// The chains' judgement: CI's 32.5 over 48 runs among 9,332
	// statistics is chance; a constant statistic over 16 runs among 10^5
	// is not.
	if Significant(48, 32.5, 9332) {
		t.Error("chi-square 32.5 over 48 runs among 9,332 statistics judged significant")
	}
	if !Significant(16, 48, 100000) {
		t.Error("a constant statistic over 16 runs judged chance")
	}
}
