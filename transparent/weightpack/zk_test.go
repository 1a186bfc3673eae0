package weightpack

import (
	"testing"

	"github.com/zkinfer/zkinfer/transparent/batch"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/transcript"
	"github.com/zkinfer/zkinfer/transparent/zktest"
)

// TestZeroKnowledge (zktest.MaskedRuns): two weight sets that differ in one
// entry, each packed 48 times under fresh hiding commitments with vanishing
// masks (a table of 2^7 8-bit entries, 12 × 7 of 16 × 8 valid, a wide one
// of 2^5 16-bit entries, 27 valid, split into two limbs, and the salt; the
// padding zero):
// every value the verifier receives from the range check and packing's one
// sumcheck — its rounds, finals, Libra mask sum and value — and the
// vanishing part Z·s̃ of each claim (what separates the revealed f̂
// from the f̃ a verifier guessing the weights computes) has uniform low
// bits (no statistic zktest.Significant); with the vanishing masks zeroed the
// vanishing parts are 0 and the test fails. Independence between values
// is argued (logup's and the masked sumcheck's), not tested.
func TestZeroKnowledge(t *testing.T) {
	if testing.Short() {
		t.Skip("128 proofs")
	}
	p := pcs.Params{RateLog: 1, Queries: 8, Hiding: true, Vanishing: true}
	l, err := NewLayoutValid([]int{7, 5}, []bool{false, true}, []Valid{{Rows: 12, Cols: 7, ColVars: 3}, {Rows: 1, Cols: 27, ColVars: 5}}, testBits)
	if err != nil {
		t.Fatal(err)
	}
	a := weights(l, 9)
	zeroPadding(l, a)
	b := append([]mle.Table(nil), a...)
	b[0] = append(mle.Table(nil), a[0]...)
	b[0][3].SetInt64(5) // another entry in range
	if b[0][3].Equal(&a[0][3]) {
		b[0][3].SetInt64(-5)
	}
	inputs := [][]mle.Table{a, b}
	zktest.MaskedRuns(t, pcs.Params{RateLog: 1, Queries: 16, Hiding: true}, func(h zktest.OpenHook) { claimHook = h }, func(in int, c zktest.Counts) {
		w := inputs[in]
		data := make([]*pcs.ProverData, len(w))
		coms := make([]pcs.Commitment, len(w))
		for i := range w {
			data[i], _ = pcs.Commit(p, w[i])
			coms[i] = data[i].Commitment()
		}
		leaves, _ := l.Leaves(w)
		ld, _ := pcs.Commit(p, leaves)
		bp, bv := batch.NewProver(), batch.NewVerifier()
		ptr, vtr := transcript.New("zk"), transcript.New("zk")
		proof, err := Prove(ptr, p, l, data, w, ld, bp)
		if err != nil {
			t.Fatal(err)
		}
		bproof, err := bp.Prove(ptr)
		if err != nil {
			t.Fatal(err)
		}
		if err := Verify(vtr, p, l, coms, ld.Commitment(), proof, bv); err != nil {
			t.Fatal(err)
		}
		if err := bv.Verify(vtr, p, bproof); err != nil {
			t.Fatal(err)
		}
		c.Sumcheck("pack", &proof.Sumcheck)
	})
}
