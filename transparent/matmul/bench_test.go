package matmul

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/zkinfer/zkinfer/transparent/pcs"
)

// go test -run '^$' -bench . ./transparent/matmul/: cnn_c32's dense layer
// (1×3072 · 3072×256, W public), a batch of 16 through it, and a square
// 256×1024 · 1024×1024 layer, under pcs.DefaultParams.
func BenchmarkMatMul(b *testing.B) {
	p := pcs.DefaultParams()
	for _, c := range []struct{ M, K, N int }{{1, 3072, 256}, {16, 3072, 256}, {256, 1024, 1024}} {
		pub, x := instance(rand.New(rand.NewPCG(1, 1)), c.M, c.K, c.N, true)
		name := fmt.Sprintf("%dx%dx%d", c.M, c.K, c.N)
		b.Run("prove/"+name, func(b *testing.B) {
			for b.Loop() {
				if _, _, err := Prove(p, pub, x); err != nil {
					b.Fatal(err)
				}
			}
		})
		proof, _, _ := Prove(p, pub, x)
		b.Run("verify/"+name, func(b *testing.B) {
			for b.Loop() {
				if err := Verify(p, pub, proof); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(proof.Size()), "proof-bytes")
		})
	}
}
