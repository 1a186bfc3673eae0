package mlp

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/zkinfer/zkinfer/transparent/pcs"
)

// go test -run '^$' -bench . ./transparent/mlp/: an MNIST-size MLP
// (784 → 128 ReLU → 10) and cnn_c32's dense head (3072 → 256 ReLU → 10), one
// private input, 16-bit activations, pcs.DefaultParams: the whole chain
// (input range check, two Gemms, two rescales, the output's reveal), with
// every claim opened at once and with batched openings (ProveBatched).
func BenchmarkMLP(b *testing.B) {
	p := pcs.DefaultParams()
	for _, c := range []struct{ k0, hidden, out int }{{784, 128, 10}, {3072, 256, 10}} {
		rng := rand.New(rand.NewPCG(1, 1))
		m := model(b, rng, c.k0, c.hidden, c.out, 16)
		x := input(rng, c.k0)
		name := fmt.Sprintf("%dx%dx%d", c.k0, c.hidden, c.out)
		b.Run("prove/"+name, func(b *testing.B) {
			for b.Loop() {
				if _, _, err := Prove(p, m, 1, x); err != nil {
					b.Fatal(err)
				}
			}
		})
		proof, y, _ := Prove(p, m, 1, x)
		b.Run("verify/"+name, func(b *testing.B) {
			for b.Loop() {
				if err := Verify(p, m, 1, y, proof); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(proof.Size()), "proof-bytes")
		})
		b.Run("prove-batched/"+name, func(b *testing.B) {
			for b.Loop() {
				if _, _, err := ProveBatched(p, m, 1, x); err != nil {
					b.Fatal(err)
				}
			}
		})
		bproof, _, _ := ProveBatched(p, m, 1, x)
		b.Run("verify-batched/"+name, func(b *testing.B) {
			for b.Loop() {
				if err := VerifyBatched(p, m, 1, y, bproof); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(bproof.Size()), "proof-bytes")
		})
	}
}
