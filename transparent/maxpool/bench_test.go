package maxpool

import (
	"math/rand/v2"
	"syscall"
	"testing"

	"github.com/zkinfer/zkinfer/transparent/batch"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
)

// BenchmarkPool: cnn_c32's first pool (32×32×32, 2×2, 23-bit differences:
// 2^15 inputs, 2^13 outputs), batched, pcs.DefaultParams binding, hiding,
// hiding + vanishing: prove CPU-s (X's commitment, the step and its batch
// proof) and the bytes of the step plus its batch proof.
func BenchmarkPool(b *testing.B) {
	l, err := NewLayer(32, 32, 32, 2, 23)
	if err != nil {
		b.Fatal(err)
	}
	x := input(rand.New(rand.NewPCG(8, 8)), l)
	y, _ := l.Run(x)
	for _, md := range []struct {
		name              string
		hiding, vanishing bool
	}{{"binding", false, false}, {"hiding", true, false}, {"vanishing", true, true}} {
		p := pcs.DefaultParams()
		p.Hiding, p.Vanishing = md.hiding, md.vanishing
		b.Run(md.name, func(b *testing.B) {
			c0, size := cpu(), 0
			for b.Loop() {
				// A hiding commitment opens once: X committed each time.
				xData, err := pcs.Commit(p, mle.FromInt64(x))
				if err != nil {
					b.Fatal(err)
				}
				tr, bp := start(xData), batch.NewProver()
				proof, _, err := l.ProveBatched(tr, p, xData, x, y, bp)
				if err != nil {
					b.Fatal(err)
				}
				bproof, err := bp.Prove(tr)
				if err != nil {
					b.Fatal(err)
				}
				size = proof.Size() + bproof.Size()
			}
			b.ReportMetric((cpu()-c0)/float64(b.N), "cpu-s/op")
			b.ReportMetric(float64(size), "proof-bytes")
		})
	}
}

func cpu() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
