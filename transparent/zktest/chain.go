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
// uniform: Result.Worst not Significant among the 2·Result.Stats
// statistics (one per position and input); without them some must not (a
// constant statistic over 16 runs, chi-square 48, has p-value
// 4^-15 ≈ 9·10^-10: Significant among up to 10^5), so the test can fail. It fails too
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
		p := PValue(runs, r.Worst)
		sig := Significant(runs, r.Worst, 2*r.Stats)
		t.Logf("masks zeroed %v: %d statistics (%d claims' vanishing parts), constant positions left out %q, worst %.1f (%s), p-value %.2g over %d statistics", zero, r.Stats, r.Claims, r.Constant, r.Worst, r.Name, p, 2*r.Stats)
		switch {
		case r.Unaligned > 0:
			t.Errorf("%d positions not in every proof: the chain's proofs differ in shape", r.Unaligned)
		case r.Claims == 0:
			t.Error("no claim's vanishing part recorded: the hook is not reached")
		case !zero && sig:
			t.Errorf("%s not uniform (chi-square %.1f, p-value %.2g, %d statistics: %.2g > family bound %g)", r.Name, r.Worst, p, 2*r.Stats, p*float64(2*r.Stats), Family)
		case zero && !sig:
			t.Errorf("vanishing masks zeroed: every statistic uniform (worst %.1f, p-value %.2g over %d statistics): the test cannot fail", r.Worst, p, 2*r.Stats)
		}
	}
}
