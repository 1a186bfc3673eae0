package batch

import (
	"fmt"
	"testing"
	"time"

	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// go test -run '^$' -bench Vanishing ./transparent/batch/: cnn_c32-like
// tables (8 of 2^15 entries, 8 of 2^13, committed for shared openings as
// cnn.Prove does, pcs.DefaultParams), two value claims each (and one mask
// claim with the vanishing mask): commit + batch prove, verify, bytes.
func BenchmarkVanishing(b *testing.B) {
	for _, vanishing := range []bool{false, true} {
		p := pcs.DefaultParams()
		p.Hiding, p.Vanishing, p.Shared = true, vanishing, 8
		b.Run(fmt.Sprintf("vanishing=%v", vanishing), func(b *testing.B) {
			tabs := make([]mle.Table, 0, 16)
			for _, n := range []int{15, 13} {
				for range 8 {
					t := make(mle.Table, 1<<n)
					for i := range t {
						t[i].SetUint64(uint64(i*7919) % 4096)
					}
					tabs = append(tabs, t)
				}
			}
			var size int
			var tc, tp, tv time.Duration
			for b.Loop() {
				bp, bv := NewProver(), NewVerifier()
				tr := transcript.New("bench")
				for ti, t := range tabs {
					t0 := time.Now()
					d, err := pcs.Commit(p, t)
					if err != nil {
						b.Fatal(err)
					}
					tc += time.Since(t0)
					for k := range 2 {
						z := transcript.New(fmt.Sprint(ti, k)).Challenges("z", t.NumVars())
						y := d.MaskedEval(z)
						bp.Claim(d, z, y)
						bv.Check(nil, p, d.Commitment(), z, y, pcs.Opening{})
					}
					if vanishing {
						c := d.Commitment()
						w := transcript.New(fmt.Sprint(ti, "w")).Challenges("w", c.NumVars-c.RowVars)
						y, _ := mle.Table(d.MaskRow()).Eval(w)
						bp.ClaimMask(d, w, y)
						bv.CheckMask(c, w, y)
					}
				}
				t0 := time.Now()
				proof, err := bp.Prove(tr)
				if err != nil {
					b.Fatal(err)
				}
				t1 := time.Now()
				if err := bv.Verify(transcript.New("bench"), p, proof); err != nil {
					b.Fatal(err)
				}
				tp, tv = tp+t1.Sub(t0), tv+time.Since(t1)
				size = proof.Size()
			}
			b.ReportMetric(float64(size), "proof-bytes")
			b.ReportMetric(tc.Seconds()/float64(b.N), "commit-s")
			b.ReportMetric(tp.Seconds()/float64(b.N), "prove-s")
			b.ReportMetric(tv.Seconds()/float64(b.N), "verify-s")
		})
	}
}
