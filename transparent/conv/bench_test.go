package conv

import (
	"fmt"
	"testing"

	"github.com/zkinfer/zkinfer/transparent/batch"
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

// go test -run '^$' -bench ConvZK -benchtime 5x ./transparent/conv/: cnn_c32's
// first convolution batched (the step and its batch proof, every claim of
// the step: X and Y), binding vs hiding vs
// hiding with vanishing masks under pcs.DefaultParams; X's commitment is
// not timed (a hiding commitment serves one proof: committed afresh per
// proof), Y's is.
func BenchmarkConvZK(b *testing.B) {
	s := Shape{C: 3, H: 32, W: 32, O: 32, KH: 3, KW: 3, Stride: 1, Pad: 1}
	l, x, _, y := setup(b, s, true)
	yt := mle.FromInt64(y)
	for _, m := range []struct {
		name string
		p    pcs.Params
	}{
		{"binding", pcs.DefaultParams()},
		{"hiding", pcs.Params{RateLog: 2, Queries: 241, Hiding: true}},
		{"hiding+vanishing", pcs.Params{RateLog: 2, Queries: 241, Hiding: true, Vanishing: true}},
	} {
		b.Run(m.name, func(b *testing.B) {
			var step, all int
			for b.Loop() {
				b.StopTimer()
				xData, err := pcs.Commit(m.p, x)
				if err != nil {
					b.Fatal(err)
				}
				tr := transcript.New("bench")
				xData.Commitment().Absorb(tr, "x")
				bp := batch.NewProver()
				b.StartTimer()
				proof, _, err := l.ProveStepBatched(tr, m.p, xData, x, yt, bp)
				if err != nil {
					b.Fatal(err)
				}
				bproof, err := bp.Prove(tr)
				if err != nil {
					b.Fatal(err)
				}
				step, all = proof.Size(), proof.Size()+bproof.Size()
			}
			b.ReportMetric(float64(step), "step-bytes")
			b.ReportMetric(float64(all), "step+batch-bytes")
		})
	}
}
