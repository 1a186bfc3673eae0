package weightpack

import (
	"math/rand/v2"
	"syscall"
	"testing"
	"time"

	"github.com/zkinfer/zkinfer/transparent/batch"
	"github.com/zkinfer/zkinfer/transparent/matmul"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/poseidon2gkr"
	"github.com/zkinfer/zkinfer/transparent/sumcheck"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// c32Vars are cnn_c32's committed tables' variables in the model
// commitment's order: conv 3→32 (W 2^5 × 2^5 for 27 taps, b 2^5), conv
// 32→64 (W 2^6 × 2^9 for 288, b 2^6), dense 4096×56 and 56×10 (W
// matmul.Dim-padded, b its N): 297,136 entries for 249,394 weights.
func c32Vars() []int {
	dense := func(k, n int) (int, int) {
		_, c := matmul.Dim(k)
		_, e := matmul.Dim(n)
		return c + e, e
	}
	d0w, d0b := dense(4096, 56)
	d1w, d1b := dense(56, 10)
	return []int{10, 5, 15, 6, d0w, d0b, d1w, d1b}
}

// c32Valid are those tables' valid rectangles: conv Wmat O × C·KH·KW
// (32 × 27, 64 × 288), dense W K × N (4096 × 56, 56 × 10), the biases'
// N of 2^e: 249,394 weights of 297,312 entries.
func c32Valid() []Valid {
	return []Valid{{Rows: 32, Cols: 27, ColVars: 5}, {}, {Rows: 64, Cols: 288, ColVars: 9}, {},
		{Rows: 4096, Cols: 56, ColVars: 6}, {Rows: 1, Cols: 56, ColVars: 6}, {Rows: 56, Cols: 10, ColVars: 4}, {Rows: 1, Cols: 10, ColVars: 4}}
}

// go test -run '^$' -bench Pack -benchtime 1x ./transparent/weightpack/:
// cnn_c32's tables of random 15-bit weights and 21-bit biases (wide: two
// 15-bit limbs each), zero padding, their valid entries packed (2^14
// leaves) and
// their Merkle tree proven (poseidon2gkr) in one batch, under
// pcs.DefaultParams (binding) and with Hiding and Vanishing (zero
// knowledge); the real Libra mask parameters. CPU time of the process.
func BenchmarkPack(b *testing.B) {
	zk := pcs.DefaultParams()
	zk.Hiding, zk.Vanishing = true, true
	b.Run("binding", func(b *testing.B) { benchPack(b, pcs.DefaultParams(), c32Valid()) })
	b.Run("zk", func(b *testing.B) { benchPack(b, zk, c32Valid()) })
}

// BenchmarkPackOneTable is BenchmarkPack with one table of 2^18 entries
// (and the salt) in place of cnn_c32's 8: a proxy for committing the slot
// space V as one table (docs/TRANSPARENT.md, "Packing the weights", left
// (1)): one range check of the weights, one pair in the packing sumcheck,
// the same 2^15 leaves.
func BenchmarkPackOneTable(b *testing.B) {
	zk := pcs.DefaultParams()
	zk.Hiding, zk.Vanishing = true, true
	l, err := NewLayout([]int{18}, DefaultBits)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("binding", func(b *testing.B) { benchLayout(b, pcs.DefaultParams(), l) })
	b.Run("zk", func(b *testing.B) { benchLayout(b, zk, l) })
}

// BenchmarkPackPadded is BenchmarkPack with every entry packed, the
// layers' padding included (NewLayoutWide): 2^15 leaves instead of 2^14.
func BenchmarkPackPadded(b *testing.B) {
	zk := pcs.DefaultParams()
	zk.Hiding, zk.Vanishing = true, true
	b.Run("binding", func(b *testing.B) { benchPack(b, pcs.DefaultParams(), nil) })
	b.Run("zk", func(b *testing.B) { benchPack(b, zk, nil) })
}

func benchPack(b *testing.B, p pcs.Params, valid []Valid) {
	// The biases, at the accumulator's scale (up to ±483,754), are wide.
	l, err := NewLayoutValid(c32Vars(), []bool{false, true, false, true, false, true, false, true}, valid, DefaultBits)
	if err != nil {
		b.Fatal(err)
	}
	benchLayout(b, p, l)
}

func benchLayout(b *testing.B, p pcs.Params, l *Layout) {
	saved := sumcheck.MaskParams
	sumcheck.MaskParams = pcs.Params{RateLog: 2, Queries: 241, Hiding: true}
	defer func() { sumcheck.MaskParams = saved }()
	var err error
	rng := rand.New(rand.NewPCG(32, 32))
	w := make([]mle.Table, l.Inputs())
	for t := range l.Inputs() - 1 {
		w[t] = make(mle.Table, 1<<l.In[t])
		for y := range w[t] {
			if l.Wide[t] {
				w[t][y].SetInt64(rng.Int64N(1<<21) - 1<<20)
			} else {
				w[t][y].SetInt64(rng.Int64N(1<<15) - 1<<14)
			}
		}
	}
	zeroPadding(l, w)
	w[len(w)-1] = l.SaltTable([32]byte{32})
	for b.Loop() {
		c0 := cpuTime()
		data := make([]*pcs.ProverData, len(w))
		coms := make([]pcs.Commitment, len(w))
		for t := range w {
			if data[t], err = pcs.Commit(p, w[t]); err != nil {
				b.Fatal(err)
			}
			coms[t] = data[t].Commitment()
		}
		leaves, _ := l.Leaves(w)
		ld, err := pcs.Commit(p, leaves)
		if err != nil {
			b.Fatal(err)
		}
		c1 := cpuTime()
		bp := batch.NewProver()
		tr := transcript.New("bench")
		pp, err := Prove(tr, p, l, data, w, ld, bp)
		if err != nil {
			b.Fatal(err)
		}
		c2 := cpuTime()
		tp, root, err := poseidon2gkr.ProveTree(tr, ld, bp)
		if err != nil {
			b.Fatal(err)
		}
		c3 := cpuTime()
		bproof, err := bp.Prove(tr)
		if err != nil {
			b.Fatal(err)
		}
		c4 := cpuTime()
		bv, vtr := batch.NewVerifier(), transcript.New("bench")
		if err := Verify(vtr, p, l, coms, ld.Commitment(), pp, bv); err != nil {
			b.Fatal(err)
		}
		c5 := cpuTime()
		if err := poseidon2gkr.VerifyTree(vtr, p, ld.Commitment(), root, tp, bv); err != nil {
			b.Fatal(err)
		}
		c6 := cpuTime()
		if err := bv.Verify(vtr, p, bproof); err != nil {
			b.Fatal(err)
		}
		c7 := cpuTime()
		s := func(d time.Duration) float64 { return d.Seconds() }
		b.ReportMetric(s(c1-c0), "commit-cpu-s")
		b.ReportMetric(s(c2-c1), "pack-prove-cpu-s")
		b.ReportMetric(s(c3-c2), "tree-prove-cpu-s")
		b.ReportMetric(s(c4-c3), "batch-prove-cpu-s")
		b.ReportMetric(s(c5-c4), "pack-verify-cpu-s")
		b.ReportMetric(s(c6-c5), "tree-verify-cpu-s")
		b.ReportMetric(s(c7-c6), "batch-verify-cpu-s")
		b.ReportMetric(float64(pp.Size()), "pack-bytes")
		b.ReportMetric(float64(tp.Size()), "tree-bytes")
		b.ReportMetric(float64(bproof.Size()), "batch-bytes")
		b.ReportMetric(float64(l.LeafVars), "leaf-vars")
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
