package cnn

import (
	"math/rand/v2"
	"testing"

	"github.com/zkinfer/zkinfer/transparent/pcs"
)

// BenchmarkC32Committed is BenchmarkC32Hiding with every layer's weights
// committed (CommitWeights, then ProveCommitted; the committed model
// proves once, so each proof commits again) and verified from the
// architecture and the commitments: the cost of secret weights over
// hiding with public ones.
func BenchmarkC32Committed(b *testing.B) {
	p := pcs.DefaultParams()
	p.Hiding = true
	mod, m, in := compiled(b, c32(b), rand.New(rand.NewPCG(1, 32)))
	q, err := mod.Quantize(in)
	if err != nil {
		b.Fatal(err)
	}
	x := q[0].Data
	salt := [32]byte{1}
	b.Run("commit", func(b *testing.B) {
		c0 := cpuSeconds()
		for b.Loop() {
			if _, _, err := m.CommitWeights(p, salt); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric((cpuSeconds()-c0)/float64(b.N), "cpu-s/op")
	})
	b.Run("prove", func(b *testing.B) {
		c0 := cpuSeconds()
		for b.Loop() {
			cm, coms, err := m.CommitWeights(p, salt)
			if err != nil {
				b.Fatal(err)
			}
			if _, _, err := ProveCommitted(p, cm, coms, x); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric((cpuSeconds()-c0)/float64(b.N), "cpu-s/op")
	})
	cm, coms, err := m.CommitWeights(p, salt)
	if err != nil {
		b.Fatal(err)
	}
	proof, y, err := ProveCommitted(p, cm, coms, x)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("verify", func(b *testing.B) {
		c0 := cpuSeconds()
		for b.Loop() {
			if err := VerifyCommitted(p, m, y, proof); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric((cpuSeconds()-c0)/float64(b.N), "cpu-s/op")
		b.ReportMetric(float64(proof.Size()), "proof-bytes")
	})
}
