package sumcheck

import (
	"fmt"
	"testing"

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
