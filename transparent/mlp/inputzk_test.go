package mlp

import (
	"math/rand/v2"
	"testing"

	"github.com/zkinfer/zkinfer/transparent/batch"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/transcript"
	"github.com/zkinfer/zkinfer/transparent/zktest"
)

// TestInputRangeZeroKnowledge: the input range under
// pcs.Params{Hiding, Vanishing} for two inputs with the same public facts
// (both in range), 48 proofs each: every field element of its zero-check
// (rounds, finals x̂, v̂0, v̂1 at ρ, the Libra mask's sum and value) has
// uniform low bits, and so has each final's vanishing part Z(ρ)·s̃(ρ_col)
// (the value less f̃(ρ)). With the vanishing masks zeroed
// (pcs.SetZeroVanishingForTests) the vanishing parts are 0: the test
// fails, so it can (zktest.MaskedRuns). The lookups are package logup's (its own tests).
func TestInputRangeZeroKnowledge(t *testing.T) {
	p := pcs.Params{RateLog: 1, Queries: 10, Hiding: true, Vanishing: true}
	rng := rand.New(rand.NewPCG(31, 31))
	x1, x2 := make([]int64, 16), make([]int64, 16)
	for i := range x1 {
		x1[i], x2[i] = rng.Int64N(1<<16)-1<<15, rng.Int64N(1<<16)-1<<15
	}
	m := &Model{InBits: 16}
	xs := [][]int64{x1, x2}
	masks := pcs.Params{RateLog: 1, Queries: 10, Hiding: true} // the Libra masks' commitments
	zktest.MaskedRuns(t, masks, func(h zktest.OpenHook) { openHook = h }, func(input int, c zktest.Counts) {
		x := xs[input]
		xData, err := pcs.Commit(p, mle.FromInt64(x))
		if err != nil {
			t.Fatal(err)
		}
		tr, bp := transcript.New("zk"), batch.NewProver()
		ir, err := m.proveInput(tr, p, xData, x, bp, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		bproof, err := bp.Prove(tr)
		if err != nil {
			t.Fatal(err)
		}
		tv, bv := transcript.New("zk"), batch.NewVerifier()
		if err := m.verifyInput(tv, p, xData.Commitment(), &ir, bv); err != nil {
			t.Fatal(err)
		}
		if err := bv.Verify(tv, p, bproof); err != nil {
			t.Fatal(err)
		}
		c.Sumcheck("zero-check", &ir.Zero)
	})
}
