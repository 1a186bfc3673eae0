package pcs

import (
	"fmt"
	"testing"

	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// go test -run '^$' -bench . ./transparent/pcs/: a 2^20-entry table (a
// 1024×1024 weight matrix, or 4 MiB of int32 activations) under the default
// parameters (rate 1/4, 241 queries).
func BenchmarkPCS(b *testing.B) {
	for _, n := range []int{16, 20} {
		p := DefaultParams()
		tab := randTable(n)
		z := randPoint(n)
		b.Run(fmt.Sprintf("commit/2^%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := Commit(p, tab); err != nil {
					b.Fatal(err)
				}
			}
		})
		pd, _ := Commit(p, tab)
		b.Run(fmt.Sprintf("open/2^%d", n), func(b *testing.B) {
			for b.Loop() {
				pd.Open(transcript.New("b"), z)
			}
		})
		val, op, _, _ := pd.Open(transcript.New("b"), z)
		b.Run(fmt.Sprintf("verify/2^%d", n), func(b *testing.B) {
			for b.Loop() {
				if err := Verify(transcript.New("b"), p, pd.Commitment(), z, val, op); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(op.Size()), "proof-bytes")
			b.ReportMetric(float64(int(1)<<pd.com.RowVars), "rows")
		})
	}
}
