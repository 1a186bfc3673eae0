package poseidon2gkr

import (
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/sumcheck"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// go test -run '^$' -bench Tree -benchtime 2x ./transparent/poseidon2gkr/:
// Merkle trees of 2^10, 2^14 and 2^15 leaves (cnn_c32's 249,394 weights
// packed 15 a field element, 16 bits each as circuit/commit.go packs them:
// 16,627 leaves, padded to 2^15; 16 a field element of 15 bits: 2^14)
// under pcs.DefaultParams, the leaves'
// opening at once (no batch); the leaves' commitment is not timed.
// Reports the process's CPU time per operation (cpu-ms/op: on a shared
// machine steadier than the wall time), the GKR levels' bytes and the
// whole proof's.
func BenchmarkTree(b *testing.B) { benchTree(b, pcs.DefaultParams(), []int{10, 14, 15}) }

// BenchmarkTreeZK is BenchmarkTree in zero knowledge: the leaves committed
// with pcs.DefaultParams plus Hiding and Vanishing (as artifact.ZKParams),
// every sumcheck's Libra mask under sumcheck.MaskParams.
func BenchmarkTreeZK(b *testing.B) {
	p := pcs.DefaultParams()
	p.Hiding, p.Vanishing = true, true
	benchTree(b, p, []int{10, 14})
}

func benchTree(b *testing.B, p pcs.Params, sizes []int) {
	saved := sumcheck.MaskParams
	sumcheck.MaskParams = realMaskParams
	defer func() { sumcheck.MaskParams = saved }()
	for _, n := range sizes {
		data, err := pcs.Commit(p, leavesOf(n))
		if err != nil {
			b.Fatal(err)
		}
		var proof Proof
		var root [1]Claim
		b.Run(fmt.Sprintf("prove/2^%d", n), func(b *testing.B) {
			var cpu time.Duration
			for b.Loop() {
				if p.Hiding { // a hiding commitment opens once: commit anew, untimed
					b.StopTimer()
					if data, err = pcs.Commit(p, leavesOf(n)); err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
				}
				t0 := cpuTime()
				if proof, root[0].Value, err = ProveTree(transcript.New("bench"), data, nil); err != nil {
					b.Fatal(err)
				}
				cpu += cpuTime() - t0
			}
			b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/op")
		})
		b.Run(fmt.Sprintf("verify/2^%d", n), func(b *testing.B) {
			if proof.Levels == nil {
				b.Skip("run with the prove benchmark")
			}
			t0 := cpuTime()
			for b.Loop() {
				if err := VerifyTree(transcript.New("bench"), p, data.Commitment(), root[0].Value, proof, nil); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64((cpuTime()-t0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
			gkr := proof.Size() - proof.Opening.Size()
			b.ReportMetric(float64(gkr), "gkr-bytes")
			b.ReportMetric(float64(proof.Size()), "proof-bytes")
			if proof.ZK != nil {
				b.ReportMetric(float64(proof.ZK.PoolOpening.Size()), "pool-open-bytes")
			}
		})
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
