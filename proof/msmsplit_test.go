package proof

import (
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
)

// TestMSMSplit: the split MSMs equal gnark-crypto's MultiExp whatever the
// share of full-size scalars (none, a few, just under and over the
// split's limit, all of them), and leave the scalars as they were.
func TestMSMSplit(t *testing.T) {
	const n = 400
	g1 := make([]curve.G1Affine, n)
	g2 := make([]curve.G2Affine, n)
	_, _, _, b := curve.Generators()
	for i := range g1 {
		var k fr.Element
		k.SetRandom()
		g1[i].ScalarMultiplicationBase(k.BigInt(new(big.Int)))
		g2[i].ScalarMultiplication(&b, k.BigInt(new(big.Int)))
	}
	cfg := ecc.MultiExpConfig{NbTasks: 2}
	for _, tc := range []struct {
		name  string
		large int
	}{{"none", 0}, {"one", 1}, {"a few", 7}, {"at the limit", n / splitMost}, {"over it", n/splitMost + 1}, {"all", n}} {
		t.Run(tc.name, func(t *testing.T) {
			s := make([]fr.Element, n)
			for i := range s {
				switch {
				case i%(n/max(tc.large, 1)) == 0 && i/(n/max(tc.large, 1)) < tc.large:
					s[i].SetRandom()
					s[i].Neg(&s[i]) // r − x: full size
				case i%3 == 0:
					s[i].SetUint64(uint64(i) << 20)
				default:
					s[i].SetUint64(uint64(i % 2))
				}
			}
			orig := make([]fr.Element, n)
			copy(orig, s)
			var want1, got1 curve.G1Jac
			var want2, got2 curve.G2Jac
			if _, err := want1.MultiExp(g1, s, cfg); err != nil {
				t.Fatal(err)
			}
			if _, err := want2.MultiExp(g2, s, cfg); err != nil {
				t.Fatal(err)
			}
			if err := msmSplitG1(&got1, g1, s, cfg); err != nil {
				t.Fatal(err)
			}
			if err := msmSplitG2(&got2, g2, s, cfg); err != nil {
				t.Fatal(err)
			}
			if !got1.Equal(&want1) || !got2.Equal(&want2) {
				t.Fatal("the split MSM differs from MultiExp")
			}
			for i := range s {
				if !s[i].Equal(&orig[i]) {
					t.Fatalf("scalar %d changed", i)
				}
			}
			idx, vals := splitLarge(s)
			restore(s, idx, vals)
			if split := idx != nil; split != (tc.large > 0 && tc.large <= n/splitMost) {
				t.Fatalf("%d full-size scalars of %d: split %v", tc.large, n, split)
			}
		})
	}
}
