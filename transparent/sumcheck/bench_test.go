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

// rescaleLike is rescale's zero-check (transparent/rescale/check.go) at 2^n
// entries: eq·(L1 + λ·L2 + κ1·(σ² − σ) + κ2·(σ·q − y)) over the tables eq,
// a, q, r, v, σ, y, the six committed ones masked when masked is set (rows
// of 2^(n/2) entries): rounds of degree 3, the last of degree 7 masked.
func rescaleLike(n int, masked bool) Instance {
	ts := randTables(7, n)
	in := Instance{Tables: ts}
	coef := func() fr.Element { var c fr.Element; c.SetRandom(); return c }
	for _, k := range []int{1, 2, 3, 4, 5, 6} {
		in.Terms = append(in.Terms, Term{Coef: coef(), Factors: []int{0, k}})
	}
	const eq, q, s, y = 0, 2, 5, 6
	in.Terms = append(in.Terms, Term{Coef: coef(), Factors: []int{eq, s, s}}, Term{Coef: coef(), Factors: []int{eq, s, q}}, Term{Coef: coef(), Factors: []int{eq, y}})
	if masked {
		in.Masks = make([][]fr.Element, len(ts))
		for k := 1; k < len(ts); k++ {
			in.Masks[k] = randTables(1, n/2)[0]
		}
	}
	return in
}

// go test -run '^$' -bench RescaleLike ./transparent/sumcheck/: the
// rescale-like zero-check at 2^16 entries: plain, zk (Libra mask) and zk
// with vanishing masks on six factors; cpu-ms/op and the proof's bytes.
func BenchmarkRescaleLike(b *testing.B) {
	const n = 16
	for _, c := range []struct {
		name       string
		zk, masked bool
	}{{"plain", false, false}, {"zk", true, false}, {"zk_vanishing", true, true}} {
		in := rescaleLike(n, c.masked)
		b.Run(fmt.Sprintf("%s/2^%d", c.name, n), func(b *testing.B) {
			cpu, size := 0.0, 0
			for b.Loop() {
				b.StopTimer()
				cp := in
				cp.Tables = clone(in.Tables)
				b.StartTimer()
				t0 := cpuNow()
				p, _, err := ProveSum(transcript.New("b"), fr.Element{}, cp, c.zk)
				if err != nil {
					b.Fatal(err)
				}
				cpu += cpuNow() - t0
				size = p.Size()
			}
			b.ReportMetric(cpu/float64(b.N), "cpu-ms/op")
			b.ReportMetric(float64(size), "bytes")
		})
	}
}
