package groth16setup

import (
	"math/big"
	"testing"

	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fp"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
)

// edgeScalars are the scalars whose digits stress the recoding: zero, the
// smallest and largest, powers of two at and around window boundaries,
// digits that are all 2^{w−1} (carries), and some random ones.
func edgeScalars(t testing.TB) []fr.Element {
	var ks []fr.Element
	add := func(b *big.Int) {
		var k fr.Element
		k.SetBigInt(b)
		ks = append(ks, k)
	}
	r := fr.Modulus()
	for _, v := range []int64{0, 1, 2, 3, 7, 8, 9, 255, 256, 32767, 32768, 32769, 65535, 65536} {
		add(big.NewInt(v))
		add(new(big.Int).Sub(r, big.NewInt(v+1)))
	}
	for _, e := range []uint{15, 16, 17, 63, 64, 65, 127, 128, 191, 192, 240, 252, 253} {
		p := new(big.Int).Lsh(big.NewInt(1), e)
		add(p)
		add(new(big.Int).Sub(p, big.NewInt(1)))
	}
	// 0x8000…8000: every 16-bit digit is 2^15.
	h := new(big.Int)
	for j := 0; j < 15; j++ {
		h.SetBit(h, 16*j+15, 1)
	}
	add(h)
	add(new(big.Int).Rsh(h, 1))
	for range 40 {
		var k fr.Element
		if _, err := k.SetRandom(); err != nil {
			t.Fatal(err)
		}
		ks = append(ks, k)
	}
	// A repeated scalar in one batch.
	return append(ks, ks[len(ks)-1], ks[1])
}

// TestFixedBase compares every multiple with gnark-crypto's scalar
// multiplication, in both groups, for window widths small and large.
func TestFixedBase(t *testing.T) {
	ks := edgeScalars(t)
	g1j, g2j, _, _ := curve.Generators()
	for _, w := range []uint{2, 3, 5, 8, 11, 16} {
		t.Run("", func(t *testing.T) {
			t1 := newTable[fp.Element, *fp.Element](g1Base(), w, 2, func(int) {})
			t2 := newTable[curve.E2, *curve.E2](g2Base(), w, 2, func(int) {})
			got1 := make([]curve.G1Affine, len(ks))
			got2 := make([]curve.G2Affine, len(ks))
			t1.mulAll(len(ks), 2, from(ks), toG1(got1), func(int) {})
			t2.mulAll(len(ks), 2, from(ks), toG2(got2), func(int) {})
			for i := range ks {
				var b big.Int
				ks[i].BigInt(&b)
				var w1 curve.G1Jac
				var w2 curve.G2Jac
				var a1 curve.G1Affine
				var a2 curve.G2Affine
				a1.FromJacobian(w1.ScalarMultiplication(&g1j, &b))
				a2.FromJacobian(w2.ScalarMultiplication(&g2j, &b))
				if !got1[i].Equal(&a1) || !got2[i].Equal(&a2) {
					t.Fatalf("w=%d: scalar %s: wrong multiple", w, b.String())
				}
			}
		})
	}
}

func TestChooseWindow(t *testing.T) {
	for _, tc := range []struct {
		n    int
		w    uint
		less bool
	}{{1, 2, true}, {100, 7, true}, {1 << 20, 16, false}} {
		w := chooseWindow(tc.n)
		if (tc.less && w > tc.w) || (!tc.less && w != tc.w) {
			t.Errorf("chooseWindow(%d) = %d", tc.n, w)
		}
		if windows(w)*int(w) < scalarBits+1 {
			t.Errorf("windows(%d) = %d leaves no room for the carry", w, windows(w))
		}
	}
}

// BenchmarkFixedBase compares ours with gnark-crypto's batch scalar
// multiplication, table included.
func BenchmarkFixedBase(b *testing.B) {
	_, _, g1, g2 := curve.Generators()
	w := defaultWorkers()
	for _, bc := range []struct {
		name        string
		n           int
		ours, gnark func(ks []fr.Element)
	}{
		{"G1", 1 << 16, func(ks []fr.Element) {
			out := make([]curve.G1Affine, len(ks))
			newG1Table(len(ks), w, func(int) {}).mulAll(len(ks), w, from(ks), toG1(out), func(int) {})
		}, func(ks []fr.Element) { curve.BatchScalarMultiplicationG1(&g1, ks) }},
		{"G2", 1 << 14, func(ks []fr.Element) {
			out := make([]curve.G2Affine, len(ks))
			newG2Table(len(ks), w, func(int) {}).mulAll(len(ks), w, from(ks), toG2(out), func(int) {})
		}, func(ks []fr.Element) { curve.BatchScalarMultiplicationG2(&g2, ks) }},
	} {
		ks := make([]fr.Element, bc.n)
		for i := range ks {
			ks[i].MustSetRandom()
		}
		b.Run(bc.name+"/ours", func(b *testing.B) {
			for b.Loop() {
				bc.ours(ks)
			}
		})
		b.Run(bc.name+"/gnark", func(b *testing.B) {
			for b.Loop() {
				bc.gnark(ks)
			}
		})
	}
}
