package logup

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// go test -run '^$' -bench . ./transparent/logup/: 2^16 range checks of 12
// bits (a rescale's remainders at shift 12 for a 65,536-entry activation)
// under pcs.DefaultParams; f's own commitment is not timed.
func BenchmarkLookup(b *testing.B) {
	p := pcs.DefaultParams()
	for _, c := range []struct{ n, bits int }{{16, 12}} {
		table, _ := Range(c.bits)
		rng := rand.New(rand.NewPCG(1, 1))
		vals := make([]int64, 1<<c.n)
		for i := range vals {
			vals[i] = rng.Int64N(1 << c.bits)
		}
		f := mle.FromInt64(vals)
		fData, _ := pcs.Commit(p, f)
		start := func() *transcript.Transcript {
			tr := transcript.New("bench")
			fData.Commitment().Absorb(tr, "f")
			return tr
		}
		name := fmt.Sprintf("2^%d_in_range%d", c.n, c.bits)
		b.Run("prove/"+name, func(b *testing.B) {
			for b.Loop() {
				if _, err := Prove(start(), p, fData, f, table); err != nil {
					b.Fatal(err)
				}
			}
		})
		proof, _ := Prove(start(), p, fData, f, table)
		b.Run("verify/"+name, func(b *testing.B) {
			for b.Loop() {
				if err := Verify(start(), p, fData.Commitment(), table, proof); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(proof.Size()), "proof-bytes")
		})
	}
}
