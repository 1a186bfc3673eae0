package sumcheck

import (
	"fmt"
	"syscall"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/mle"

	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// go test -run '^$' -bench . ./transparent/sumcheck/: the product of two
// 2^20-entry tables (the degree-2 sumcheck of a matrix product's inner
// dimension), prover and verifier.
func BenchmarkSumcheck(b *testing.B) {
	for _, c := range []struct{ d, n int }{{2, 20}, {3, 20}} {
		ts := randTables(c.d, c.n)
		claim := sumProd(ts)
		b.Run(fmt.Sprintf("prove/d%d_2^%d", c.d, c.n), func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				cp := clone(ts)
				b.StartTimer()
				if _, _, _, err := Prove(transcript.New("b"), claim, cp); err != nil {
					b.Fatal(err)
				}
			}
		})
		proof, _, _, _ := Prove(transcript.New("b"), claim, clone(ts))
		b.Run(fmt.Sprintf("verify/d%d_2^%d", c.d, c.n), func(b *testing.B) {
			for b.Loop() {
				if _, _, err := Verify(transcript.New("b"), claim, c.n, c.d, proof); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// cpuNow returns the process's user + system CPU time in ms: on a shared
// machine a prover's CPU time varies less than its wall time.
func cpuNow() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e6
}

// go test -run '^$' -bench SumVsProve ./transparent/sumcheck/: one product
// of d tables of 2^20 entries by the prover before ProveSum (legacy), by
// Prove (now on ProveSum's prover) and by ProveSum (one term, coefficient
// 1), and a two-term sum of the same degree; cpu-ms/op is the process's CPU
// time per proof (every core's), the figure to compare under load.
func BenchmarkSumVsProve(b *testing.B) {
	for _, c := range []struct{ d, n int }{{2, 20}, {3, 20}} {
		ts := randTables(c.d, c.n)
		claim := sumProd(ts)
		factors := make([]int, c.d)
		for k := range factors {
			factors[k] = k
		}
		var one, two fr.Element
		one.SetOne()
		two.SetUint64(2)
		provers := []struct {
			name  string
			prove func([]mle.Table) error
		}{
			{"legacy", func(t []mle.Table) error { proveLegacy(transcript.New("b"), claim, t); return nil }},
			{"Prove", func(t []mle.Table) error { _, _, _, err := Prove(transcript.New("b"), claim, t); return err }},
			{"ProveSum", func(t []mle.Table) error {
				_, _, err := ProveSum(transcript.New("b"), claim, Instance{Tables: t, Terms: []Term{{Coef: one, Factors: factors}}}, false)
				return err
			}},
			// The claim is not this sum's: the prover does not check it.
			{"ProveSum_2terms", func(t []mle.Table) error {
				_, _, err := ProveSum(transcript.New("b"), claim, Instance{Tables: t, Terms: []Term{{Coef: one, Factors: factors}, {Coef: two, Factors: factors[1:]}}}, false)
				return err
			}},
		}
		for _, p := range provers {
			b.Run(fmt.Sprintf("%s/d%d_2^%d", p.name, c.d, c.n), func(b *testing.B) {
				cpu := 0.0
				for b.Loop() {
					b.StopTimer()
					cp := clone(ts)
					b.StartTimer()
					t0 := cpuNow()
					if err := p.prove(cp); err != nil {
						b.Fatal(err)
					}
					cpu += cpuNow() - t0
				}
				b.ReportMetric(cpu/float64(b.N), "cpu-ms/op")
			})
		}
	}
}
