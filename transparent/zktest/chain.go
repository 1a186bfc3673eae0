package zktest

import (
	"testing"

	"github.com/zkinfer/zkinfer/transparent/batch"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/sumcheck"
)

// Chain is a chain's end-to-end zero-knowledge test (packages mlp and
// cnn): it proves each of two inputs (prove(i) proves input i, checks the
// proof verifies and returns it) 48 times under vanishing masks and then
// 16 times with the masks zeroed (pcs.SetZeroVanishingForTests), with
// sumcheck.MaskParams set to maskParams, tallying every proof (Tally.Proof)
// and every claim's vanishing part (Tally.Hook, through
// batch.SetClaimHookForTests). With the masks every statistic must be
// uniform (Result.Worst ≤ Crit); without them some must not (a constant
// statistic reaches 3·16 = 48 > Crit), so the test can fail. It fails too
// when the proofs differ in shape or no claim reaches the hook. Restores
// the settings and the hook.
func Chain(t testing.TB, maskParams pcs.Params, prove func(input int) any) {
	t.Helper()
	saved := sumcheck.MaskParams
	sumcheck.MaskParams = maskParams
	defer func() {
		sumcheck.MaskParams = saved
		batch.SetClaimHookForTests(nil)
		pcs.SetZeroVanishingForTests(false)
	}()
	for _, zero := range []bool{false, true} {
		pcs.SetZeroVanishingForTests(zero)
		runs := 48
		if zero {
			runs = 16
		}
		tl := New()
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
		case !zero && r.Worst > Crit:
			t.Errorf("%s not uniform (chi-square %.1f > %.2f)", r.Name, r.Worst, Crit)
		case zero && r.Worst <= Crit:
			t.Errorf("vanishing masks zeroed: every statistic uniform (worst %.1f): the test cannot fail", r.Worst)
		}
	}
}
