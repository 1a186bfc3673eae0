package ecbatch

import (
	"math/big"
	"testing"

	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
)

// scalarCases are the scalars every multiplication is checked with: the
// edges of the range and of the GLV split, and random ones.
func scalarCases(t *testing.T, random int) []fr.Element {
	t.Helper()
	var ks []fr.Element
	for _, v := range []int64{0, 1, 2, 3, 15, 16, 17, 31, 32, -1, -2, -16} {
		var k fr.Element
		k.SetInt64(v)
		ks = append(ks, k)
	}
	var l fr.Element
	l.SetBigInt(lambda)
	ks = append(ks, l)
	l.Neg(&l)
	ks = append(ks, l)
	for range random {
		var k fr.Element
		if _, err := k.SetRandom(); err != nil {
			t.Fatal(err)
		}
		ks = append(ks, k)
	}
	return ks
}

func TestMul(t *testing.T) {
	ks := scalarCases(t, 300)
	_, _, g1, g2 := curve.Generators()
	// Distinct points, the point at infinity and repeated points among them.
	p1 := make([]curve.G1Affine, len(ks))
	p2 := make([]curve.G2Affine, len(ks))
	for i := range ks {
		var s big.Int
		s.SetInt64(int64(i%97 + 1))
		p1[i].ScalarMultiplication(&g1, &s)
		p2[i].ScalarMultiplication(&g2, &s)
	}
	p1[5], p2[5] = curve.G1Affine{}, curve.G2Affine{}
	checkProducts(t, "G1", p1, ks, MulG1)
	checkProducts(t, "G2", p2, ks, MulG2)
}

// affinePoint is G1Affine or G2Affine.
type affinePoint[P any] interface {
	*P
	ScalarMultiplication(*P, *big.Int) *P
	Equal(*P) bool
}

// checkProducts multiplies pts by ks with mul and compares each product
// with gnark-crypto's.
func checkProducts[P any, PP affinePoint[P]](t *testing.T, group string, pts []P, ks []fr.Element, mul func([]P, func(int, *fr.Element))) {
	t.Helper()
	got := append([]P(nil), pts...)
	mul(got, func(j int, k *fr.Element) { *k = ks[j] })
	for i := range pts {
		var want P
		var b big.Int
		PP(&want).ScalarMultiplication(&pts[i], ks[i].BigInt(&b))
		if !PP(&want).Equal(&got[i]) {
			t.Errorf("%s: point %d times %s differs from gnark-crypto's", group, i, ks[i].String())
		}
	}
}

// TestEndomorphism checks φ(P) = [λ]P in both groups, with the constants
// MulG1 and MulG2 use.
func TestEndomorphism(t *testing.T) {
	_, _, g1, g2 := curve.Generators()
	checkEndomorphism(t, "G1", g1, func(p []curve.G1Affine) { phiG1(&G1(p)[0]) })
	checkEndomorphism(t, "G2", g2, func(p []curve.G2Affine) { phiG2(&G2(p)[0]) })
}

func checkEndomorphism[P any, PP affinePoint[P]](t *testing.T, group string, g P, phi func([]P)) {
	t.Helper()
	var want P
	PP(&want).ScalarMultiplication(&g, lambda)
	got := []P{g}
	phi(got)
	if !PP(&want).Equal(&got[0]) {
		t.Errorf("%s: φ(G) ≠ [λ]G", group)
	}
}

// TestMulOne checks MulG1One (one scalar for a whole batch) against
// gnark-crypto for every scalar case, on distinct and repeated points, a
// point and its opposite, and the point at infinity.
func TestMulOne(t *testing.T) {
	ks := scalarCases(t, 40)
	_, _, g1, _ := curve.Generators()
	pts := make([]curve.G1Affine, 300)
	for i := range pts {
		var s big.Int
		s.SetInt64(int64(i%97 + 1))
		pts[i].ScalarMultiplication(&g1, &s)
	}
	pts[5] = curve.G1Affine{}
	pts[7].Neg(&pts[6])
	checkMulOne(t, "", pts, ks)
}

// checkMulOne compares MulG1One(pts, k) with gnark-crypto's
// ScalarMultiplication point by point for every k; what names the batch.
func checkMulOne(t *testing.T, what string, pts []curve.G1Affine, ks []fr.Element) {
	t.Helper()
	for _, k := range ks {
		got := append([]curve.G1Affine(nil), pts...)
		MulG1One(got, &k)
		var b big.Int
		k.BigInt(&b)
		for i := range pts {
			var want curve.G1Affine
			want.ScalarMultiplication(&pts[i], &b)
			if !want.Equal(&got[i]) {
				t.Fatalf("%spoint %d times %s differs from gnark-crypto's", what, i, k.String())
			}
		}
	}
}
