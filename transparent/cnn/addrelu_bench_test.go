package cnn

import (
	"math/rand/v2"
	"testing"

	"github.com/zkinfer/zkinfer/transparent/batch"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// BenchmarkAddRelu: one Add+Relu of resnet_c32's first block's size (32
// channels of 16×16: 2^13 entries, B = 25), batched, pcs.DefaultParams
// binding, hiding, hiding + vanishing: prove CPU-s (a and b committed, the
// step, its batch proof) and the step's plus its batch proof's bytes.
func BenchmarkAddRelu(b *testing.B) {
	const size, bits = 1 << 13, 25
	rng := rand.New(rand.NewPCG(5, 5))
	a, bb := make([]int64, size), make([]int64, size)
	for i := range a {
		a[i], bb[i] = rng.Int64N(1<<23)-1<<22, rng.Int64N(1<<23)-1<<22
	}
	l := &addRelu{UpA: 0, UpB: 0, Bits: bits, size: size}
	y, err := l.run(a, bb)
	if err != nil {
		b.Fatal(err)
	}
	for _, md := range []struct {
		name              string
		hiding, vanishing bool
	}{{"binding", false, false}, {"hiding", true, false}, {"vanishing", true, true}} {
		p := pcs.DefaultParams()
		p.Hiding, p.Vanishing = md.hiding, md.vanishing
		b.Run(md.name, func(b *testing.B) {
			c0, n := cpuSeconds(), 0
			for b.Loop() {
				aData, _ := pcs.Commit(p, mle.FromInt64(a))
				bData, _ := pcs.Commit(p, mle.FromInt64(bb))
				tr, bp := transcript.New("bench"), batch.NewProver()
				pr, _, err := l.prove(tr, p, aData, bData, a, bb, y, bp, addCheats{})
				if err != nil {
					b.Fatal(err)
				}
				bproof, err := bp.Prove(tr)
				if err != nil {
					b.Fatal(err)
				}
				n = pr.Size() + bproof.Size()
			}
			b.ReportMetric((cpuSeconds()-c0)/float64(b.N), "cpu-s/op")
			b.ReportMetric(float64(n), "proof-bytes")
		})
	}
}
