package sumcheck

import (
	"fmt"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// go test -run '^$' -bench . ./transparent/sumcheck/: the product of two
// 2^20-entry tables (the degree-2 sumcheck of a matrix product's inner
// dimension), prover and verifier.
func BenchmarkSumcheck(b *testing.B) {
	for _, c := range []struct{ d, n int }{{2, 20}, {3, 20}} {
		ts := randTables(c.d, c.n)
		claim := sumProd(ts)
		b.Run(fmt.Sprintf("prove/d%d_2^%d", c.d, c.n), func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				cp := clone(ts)
				b.StartTimer()
				if _, _, _, err := Prove(transcript.New("b"), claim, cp); err != nil {
					b.Fatal(err)
				}
			}
		})
		proof, _, _, _ := Prove(transcript.New("b"), claim, clone(ts))
		b.Run(fmt.Sprintf("verify/d%d_2^%d", c.d, c.n), func(b *testing.B) {
			for b.Loop() {
				if _, _, err := Verify(transcript.New("b"), claim, c.n, c.d, proof); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// go test -run '^$' -bench SumVsProve ./transparent/sumcheck/: one product
// of d tables of 2^20 entries by Prove and by ProveSum (one term,
// coefficient 1), and a two-term sum of the same degree.
func BenchmarkSumVsProve(b *testing.B) {
	for _, c := range []struct{ d, n int }{{2, 20}, {3, 20}} {
		ts := randTables(c.d, c.n)
		claim := sumProd(ts)
		factors := make([]int, c.d)
		for k := range factors {
			factors[k] = k
		}
		var one fr.Element
		one.SetOne()
		b.Run(fmt.Sprintf("Prove/d%d_2^%d", c.d, c.n), func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				cp := clone(ts)
				b.StartTimer()
				if _, _, _, err := Prove(transcript.New("b"), claim, cp); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("ProveSum/d%d_2^%d", c.d, c.n), func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				in := Instance{Tables: clone(ts), Terms: []Term{{Coef: one, Factors: factors}}}
				b.StartTimer()
				if _, _, err := ProveSum(transcript.New("b"), claim, in, false); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("ProveSum_2terms/d%d_2^%d", c.d, c.n), func(b *testing.B) {
			var two fr.Element
			two.SetUint64(2)
			for b.Loop() {
				b.StopTimer()
				in := Instance{Tables: clone(ts), Terms: []Term{{Coef: one, Factors: factors}, {Coef: two, Factors: factors[1:]}}}
				b.StartTimer()
				// The claim is not this sum's: the prover does not check it.
				if _, _, err := ProveSum(transcript.New("b"), claim, in, false); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
