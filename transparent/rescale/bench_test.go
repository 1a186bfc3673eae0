package rescale

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

// go test -run '^$' -bench . ./transparent/rescale/: Rescale and
// RescaleRelu at shift 12, 24 bits (zkinfer's defaults) on 2^16
// accumulators (twice cnn_c32's first conv output, 32×32×32), under
// pcs.DefaultParams, binding, hiding and with vanishing masks, its openings batched as in a chain
// (ProveBatched, then the batch's proof); a's commitment is not timed.
// proof-bytes counts the rescale proof and the batch proof of its claims.
func BenchmarkRescale(b *testing.B) {
	for _, c := range []struct {
		relu, hiding, vanishing bool
	}{{true, false, false}, {true, true, false}, {true, true, true}, {false, false, false}} {
		p := Params{Shift: 12, Bits: 24, ReLU: c.relu, PCS: pcs.DefaultParams()}
		p.PCS.Hiding, p.PCS.Vanishing = c.hiding, c.vanishing
		a := randomA(rand.New(rand.NewPCG(1, 1)), p, 1<<16)
		start := func(aCom pcs.Commitment) *transcript.Transcript {
			tr := transcript.New("bench")
			aCom.Absorb(tr, "a")
			return tr
		}
		// prove commits a afresh (untimed: a hiding commitment opens once)
		// and adds the process's CPU time while proving to cpu.
		var cpu time.Duration
		prove := func(b *testing.B) (Proof, batch.Proof, pcs.Commitment) {
			b.StopTimer()
			aData, _ := pcs.Commit(p.PCS, mle.FromInt64(a))
			b.StartTimer()
			t0 := cpuTime()
			defer func() { cpu += cpuTime() - t0 }()
			tr, bp := start(aData.Commitment()), batch.NewProver()
			proof, _, err := ProveBatched(tr, p, aData, a, bp)
			if err != nil {
				b.Fatal(err)
			}
			bproof, err := bp.Prove(tr)
			if err != nil {
				b.Fatal(err)
			}
			return proof, bproof, aData.Commitment()
		}
		name := fmt.Sprintf("relu=%v/hiding=%v/2^16", c.relu, c.hiding)
		if c.vanishing {
			name = fmt.Sprintf("relu=%v/vanishing/2^16", c.relu)
		}
		b.Run("prove/"+name, func(b *testing.B) {
			cpu = 0
			for b.Loop() {
				prove(b)
			}
			b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/op")
		})
		var proof Proof
		var bproof batch.Proof
		var aCom pcs.Commitment
		b.Run("verify/"+name, func(b *testing.B) {
			if aCom.NumVars == 0 {
				proof, bproof, aCom = prove(b)
				b.ResetTimer()
			}
			for b.Loop() {
				tr, bv := start(aCom), batch.NewVerifier()
				if err := VerifyBatched(tr, p, aCom, proof, bv); err != nil {
					b.Fatal(err)
				}
				if err := bv.Verify(tr, p.PCS, bproof); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(proof.Size()), "rescale-bytes")
			b.ReportMetric(float64(proof.Size()+bproof.Size()), "proof-bytes")
		})
	}
}

// cpuTime is the process's user + system CPU time: on a shared machine it
// varies less with the load than the wall time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
