package logup

import (
	"fmt"
	"math/rand/v2"
	"syscall"
	"testing"
	"time"

	"github.com/zkinfer/zkinfer/transparent/batch"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// go test -run '^$' -bench . ./transparent/logup/: 2^16 range checks of 12
// bits (a rescale's remainders at shift 12 for a 65,536-entry activation)
// and 2^10 (fewer lookups than table entries) under pcs.DefaultParams,
// opened at once (binding: Prove opens each table once or more) and batched
// (binding, hiding, hiding with vanishing masks: ProveBatched, then the
// batch's proof; its bytes counted); f's own commitment is not timed.
// cpu-ms/op is the process's CPU time per proof (getrusage), which varies
// less with the shared machine's load than the wall time.
func BenchmarkLookup(b *testing.B) {
	for _, c := range []struct{ n, bits int }{{16, 12}, {10, 12}} {
		table, _ := Range(c.bits)
		rng := rand.New(rand.NewPCG(1, 1))
		vals := make([]int64, 1<<c.n)
		for i := range vals {
			vals[i] = rng.Int64N(1 << c.bits)
		}
		f := mle.FromInt64(vals)
		name := fmt.Sprintf("2^%d_in_range%d", c.n, c.bits)
		for _, mode := range []struct {
			name                       string
			hiding, vanishing, batched bool
		}{{"open", false, false, false}, {"batched", false, false, true}, {"batched-hiding", true, false, true}, {"batched-vanishing", true, true, true}} {
			p := pcs.DefaultParams()
			p.Hiding, p.Vanishing = mode.hiding, mode.vanishing
			start := func() (*transcript.Transcript, *pcs.ProverData) {
				fData, _ := pcs.Commit(p, f) // hiding: opened once per commitment
				tr := transcript.New("bench")
				fData.Commitment().Absorb(tr, "f")
				return tr, fData
			}
			run := func() (Proof, *batch.Proof, pcs.Commitment, error) {
				tr, fData := start()
				if !mode.batched {
					pr, err := Prove(tr, p, fData, f, table)
					return pr, nil, fData.Commitment(), err
				}
				bp := batch.NewProver()
				pr, err := ProveBatched(tr, p, fData, f, table, bp)
				if err != nil {
					return pr, nil, fData.Commitment(), err
				}
				bpr, err := bp.Prove(tr)
				return pr, &bpr, fData.Commitment(), err
			}
			proof, bproof, com, err := run()
			if err != nil {
				b.Fatal(err)
			}
			size := proof.Size()
			if bproof != nil {
				size += bproof.Size()
			}
			b.Run("prove-"+mode.name+"/"+name, func(b *testing.B) {
				var cpu time.Duration
				for b.Loop() {
					b.StopTimer()
					tr, fData := start()
					b.StartTimer()
					t0 := cpuTime()
					bp := batch.NewProver()
					if !mode.batched {
						bp = nil
					}
					if _, err := ProveBatched(tr, p, fData, f, table, bp); err != nil {
						b.Fatal(err)
					}
					if bp != nil {
						if _, err := bp.Prove(tr); err != nil {
							b.Fatal(err)
						}
					}
					cpu += cpuTime() - t0
				}
				b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/op")
				b.ReportMetric(float64(size), "proof-bytes")
			})
			b.Run("verify-"+mode.name+"/"+name, func(b *testing.B) {
				for b.Loop() {
					tr := transcript.New("bench")
					com.Absorb(tr, "f")
					var bv *batch.Verifier
					if mode.batched {
						bv = batch.NewVerifier()
					}
					if err := VerifyBatched(tr, p, com, table, proof, bv); err != nil {
						b.Fatal(err)
					}
					if bv != nil {
						if err := bv.Verify(tr, p, *bproof); err != nil {
							b.Fatal(err)
						}
					}
				}
				b.ReportMetric(float64(size), "proof-bytes")
			})
		}
	}
}

// cpuTime is the process's user + system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
