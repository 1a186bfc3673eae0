package mlp

import (
	"math/rand/v2"
	"testing"

	"github.com/zkinfer/zkinfer/transparent/batch"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/sumcheck"
	"github.com/zkinfer/zkinfer/transparent/zktest"
)

// chainZK proves each of two inputs (prove(i) proves input i, checks the
// proof verifies and returns it) under vanishing masks, 48 times, and then
// 16 times with the masks zeroed (pcs.SetZeroVanishingForTests): with the
// masks every statistic of package zktest (the proof's stated values,
// finals, tails, first rounds, and every claim's vanishing part) must be
// uniform; without them some must not, so the test can fail.
func chainZK(t *testing.T, prove func(input int) any) {
	t.Helper()
	saved := sumcheck.MaskParams
	sumcheck.MaskParams = pcs.Params{RateLog: 1, Queries: 10, Hiding: true}
	defer func() {
		sumcheck.MaskParams = saved
		batch.SetClaimHookForTests(nil)
		pcs.SetZeroVanishingForTests(false)
	}()
	for _, zero := range []bool{false, true} {
		pcs.SetZeroVanishingForTests(zero)
		runs := 48
		if zero {
			runs = 16 // a constant statistic reaches 3·16 = 48 > zktest.Crit
		}
		tl := zktest.New()
		batch.SetClaimHookForTests(tl.Hook)
		for input := range 2 {
			for range runs {
				tl.Start(input)
				tl.Proof(prove(input))
			}
		}
		batch.SetClaimHookForTests(nil)
		r := tl.Result()
		t.Logf("masks zeroed %v: %d statistics (%d claims' vanishing parts), constant positions left out %q, worst %.1f (%s)", zero, r.Stats, r.Claims, r.Constant, r.Worst, r.Name)
		switch {
		case r.Unaligned > 0:
			t.Errorf("%d positions not in every proof: the chain's proofs differ in shape", r.Unaligned)
		case r.Claims == 0:
			t.Error("no claim's vanishing part recorded: the hook is not reached")
		case !zero && r.Worst > zktest.Crit:
			t.Errorf("%s not uniform (chi-square %.1f > %.2f)", r.Name, r.Worst, zktest.Crit)
		case zero && r.Worst <= zktest.Crit:
			t.Errorf("vanishing masks zeroed: every statistic uniform (worst %.1f): the test cannot fail", r.Worst)
		}
	}
}

// ignoring returns a 16 → 8 (ReLU) → 4 model whose first layer ignores
// input 0, and two inputs that differ only there (the same output).
func ignoring(t *testing.T) (*Model, [2][]int64) {
	rng := rand.New(rand.NewPCG(22, 22))
	m := model(t, rng, 16, 8, 4, 64)
	for j := 0; j < m.Layers[0].N; j++ {
		m.Layers[0].W[j] = 0 // input 0 feeds nothing
	}
	m, err := NewModel(m.InBits, m.Layers)
	if err != nil {
		t.Fatal(err)
	}
	x1 := input(rng, 16)
	x2 := append([]int64(nil), x1...)
	x2[0] = -x1[0] + 1
	_, y1, _ := m.Run(1, x1)
	_, y2, _ := m.Run(1, x2)
	for i := range y1 {
		if y1[i] != y2[i] {
			t.Fatal("the two inputs' outputs differ: the test's premise is wrong")
		}
	}
	return m, [2][]int64{x1, x2}
}

// TestChainZeroKnowledge: the dense chain end to end (input range, dense
// steps, rescales, the output's check, the batch) under
// pcs.Params{Hiding, Vanishing}, with fixed and with committed weights
// (whose claims' vanishing parts are then tallied too): see chainZK.
func TestChainZeroKnowledge(t *testing.T) {
	p := pcs.Params{RateLog: 1, Queries: 10, Hiding: true, Vanishing: true}
	m, xs := ignoring(t)
	t.Run("fixed", func(t *testing.T) {
		chainZK(t, func(i int) any {
			proof, y, err := ProveBatched(p, m, 1, xs[i])
			if err != nil {
				t.Fatal(err)
			}
			if err := VerifyBatched(p, m, 1, y, proof); err != nil {
				t.Fatal(err)
			}
			return proof
		})
	})
	t.Run("committed", func(t *testing.T) {
		salt := [32]byte{22}
		chainZK(t, func(i int) any {
			cm, coms, err := m.CommitWeights(p, salt)
			if err != nil {
				t.Fatal(err)
			}
			proof, y, err := ProveCommitted(p, cm, coms, 1, xs[i])
			if err != nil {
				t.Fatal(err)
			}
			if err := VerifyCommitted(p, m, 1, y, proof); err != nil {
				t.Fatal(err)
			}
			return proof
		})
	})
}
