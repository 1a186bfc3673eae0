package rescale

import (
	"math/rand/v2"
	"testing"

	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// go test -run '^$' -bench . ./transparent/rescale/: RescaleRelu at shift 12,
// 24 bits (zkinfer's defaults) on 2^15 accumulators (cnn_c32's first conv
// output, 32×32×32), under pcs.DefaultParams; a's commitment is not timed.
func BenchmarkRescaleRelu(b *testing.B) {
	p := Params{Shift: 12, Bits: 24, ReLU: true, PCS: pcs.DefaultParams()}
	a := randomA(rand.New(rand.NewPCG(1, 1)), p, 1<<15)
	aData, _ := pcs.Commit(p.PCS, mle.FromInt64(a))
	start := func() *transcript.Transcript {
		tr := transcript.New("bench")
		aData.Commitment().Absorb(tr, "a")
		return tr
	}
	b.Run("prove/2^15", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := Prove(start(), p, aData, a); err != nil {
				b.Fatal(err)
			}
		}
	})
	proof, _, _ := Prove(start(), p, aData, a)
	b.Run("verify/2^15", func(b *testing.B) {
		for b.Loop() {
			if err := Verify(start(), p, aData.Commitment(), proof); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(proof.Size()), "proof-bytes")
	})
}
