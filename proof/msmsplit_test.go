package proof

import (
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
)

// TestMSMSplit: an MSM with the full-size scalars taken out (takeLarge)
// and summed apart (msmSplit) equals gnark-crypto's MultiExp of the whole
// vector, in G1 and G2, whatever their share (none, one, a few, at the
// limit of the split and over it, all); the vector keeps its small values.
func TestMSMSplit(t *testing.T) {
	const n = 400
	g1 := make([]curve.G1Affine, n)
	g2 := make([]curve.G2Affine, n)
	_, _, _, gen2 := curve.Generators()
	for i := range g1 {
		var k fr.Element
		k.SetRandom()
		g1[i].ScalarMultiplicationBase(k.BigInt(new(big.Int)))
		g2[i].ScalarMultiplication(&gen2, k.BigInt(new(big.Int)))
	}
	cfg := ecc.MultiExpConfig{NbTasks: 2}
	for _, tc := range []struct {
		name  string
		large int
	}{{"none", 0}, {"one", 1}, {"a few", 7}, {"at the limit", n / splitMost}, {"over it", n/splitMost + 1}, {"all", n}} {
		t.Run(tc.name, func(t *testing.T) {
			s := make([]fr.Element, n)
			step := n / max(tc.large, 1)
			for i := range s {
				switch {
				case i%step == 0 && i/step < tc.large:
					s[i].SetRandom()
					s[i].Neg(&s[i]) // r − x: full size
				case i%3 == 0:
					s[i].SetUint64(uint64(i) << 20)
				default:
					s[i].SetUint64(uint64(i % 2))
				}
			}
			var want1 curve.G1Jac
			var want2 curve.G2Jac
			if _, err := want1.MultiExp(g1, s, cfg); err != nil {
				t.Fatal(err)
			}
			if _, err := want2.MultiExp(g2, s, cfg); err != nil {
				t.Fatal(err)
			}
			l := takeLarge(s)
			if split := l != nil; split != (tc.large > 0 && tc.large <= n/splitMost) {
				t.Fatalf("%d full-size scalars of %d: split %v", tc.large, n, split)
			}
			for i := range s {
				if !s[i].IsUint64() && l != nil {
					t.Fatalf("scalar %d is still full-size after the split", i)
				}
			}
			var got1 curve.G1Jac
			var got2 curve.G2Jac
			if err := msmSplit(&got1, g1, s, l, cfg); err != nil {
				t.Fatal(err)
			}
			if err := msmSplit(&got2, g2, s, l, cfg); err != nil {
				t.Fatal(err)
			}
			if !got1.Equal(&want1) || !got2.Equal(&want2) {
				t.Fatal("the split MSM differs from MultiExp")
			}
		})
	}
}
