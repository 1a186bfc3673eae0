package conv

import (
	"fmt"
	"testing"

	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// go test -run '^$' -bench . -benchtime 3x ./transparent/conv/: cnn_c32's first
// convolution (3×32×32 → 32 channels, 3×3, pad 1) and a 32×16×16 → 64 one,
// under pcs.DefaultParams; X's commitment is not timed, Y's is.
func BenchmarkConv(b *testing.B) {
	p := pcs.DefaultParams()
	for _, s := range []Shape{
		{C: 3, H: 32, W: 32, O: 32, KH: 3, KW: 3, Stride: 1, Pad: 1},
		{C: 32, H: 16, W: 16, O: 64, KH: 3, KW: 3, Stride: 1, Pad: 1},
	} {
		l, x, _, y := setup(b, s, true)
		xData, _ := pcs.Commit(p, x)
		yt := mle.FromInt64(y)
		start := func() *transcript.Transcript {
			tr := transcript.New("bench")
			xData.Commitment().Absorb(tr, "x")
			return tr
		}
		oh, ow := s.Out()
		name := fmt.Sprintf("%dx%dx%d_to_%d", s.C, s.H, s.W, s.O)
		b.Run("prove/"+name, func(b *testing.B) {
			for b.Loop() {
				if _, _, err := l.ProveStep(start(), p, xData, x, yt); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(s.O*oh*ow*s.C*s.KH*s.KW), "multiply-adds")
		})
		proof, _, _ := l.ProveStep(start(), p, xData, x, yt)
		b.Run("verify/"+name, func(b *testing.B) {
			for b.Loop() {
				if err := l.VerifyStep(start(), p, xData.Commitment(), proof); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(proof.Size()), "proof-bytes")
		})
	}
}
