package ceremony

import (
	"math/big"
	"testing"

	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
)

// TestSumsG1 compares the lockstep sums with sum's, wire by wire, on a
// chunk of wires of every shape: none, a lone ±1, few and hundreds of
// terms (so that rounds run in lockstep, then the last ones in Jacobian
// coordinates), short coefficients of either sign up to 62 bits, long ones
// (left out by both), rows repeated within a wire (a bucket meeting its
// own point: a doubling, or its opposite: infinity) and a point at
// infinity.
func TestSumsG1(t *testing.T) {
	const rows = 97
	_, _, g1, _ := curve.Generators()
	pts := make([]curve.G1Affine, rows)
	for i := range rows {
		var s big.Int
		s.SetInt64(int64(5*i + 2))
		pts[i].ScalarMultiplication(&g1, &s)
	}
	pts[11] = curve.G1Affine{}
	var long fr.Element
	long.SetUint64(3)
	long.Inverse(&long)
	var vals []fr.Element
	for _, v := range []int64{1, -1, 2, -2, 3, 7, -7, 255, -256, 1 << 20, -(1 << 40), 1 << 62} {
		var e fr.Element
		e.SetInt64(v)
		vals = append(vals, e)
	}
	vals = append(vals, long)
	cs := newCoeffs(append([]fr.Element(nil), vals...))
	// Wire j has (j*37) % 300 terms for j < 90, then 0, 1 and 2 terms.
	var side column
	side.start = []int32{0}
	seed := uint32(1)
	next := func() uint32 { seed = seed*1664525 + 1013904223; return seed >> 8 }
	for j := range 96 {
		n := (j * 37) % 300
		if j >= 90 {
			n = j % 3
		}
		for range n {
			row := int32(next() % rows)
			if next()%5 == 0 { // a row again: equal or opposite points
				row = int32(j % rows)
			}
			side.terms = append(side.terms, term{row: row, coeff: next() % uint32(len(vals))})
		}
		side.start = append(side.start, int32(len(side.terms)))
	}
	for _, lo := range []int{0, 40, 88} {
		m := len(side.start) - 1 - lo
		var s sumsG1
		got := make([]curve.G1Jac, m)
		s.prepare(&side, lo, m, cs)
		s.run(got, pts)
		var bk []curve.G1Jac
		for j := range m {
			var want curve.G1Jac
			sum[curve.G1Jac, curve.G1Affine](&want, pts, side.of(lo+j), cs, true, &bk)
			if !want.Equal(&got[j]) {
				t.Fatalf("from wire %d: wire %d (%d terms): lockstep sum differs from sum's", lo, lo+j, len(side.of(lo+j)))
			}
		}
	}
}
