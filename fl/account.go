package fl

import (
	"fmt"
	"math"

	"github.com/zkinfer/zkinfer/dp"
)

// Composition over rounds. A client takes part in every round of a
// federation, so what the released models say about its data is the
// composition of the rounds' releases: R rounds of the set-up mechanism
// are accounted for together, as zero-concentrated DP composes [Bun and
// Steinke 2016, Lemma 2.3: ρ-zCDP mechanisms compose to (Σρ)-zCDP]:
//
//   - discrete Gaussian of σ at L2 sensitivity S: each round is ρ-zCDP
//     with ρ = S²/(2σ²) (Accounting's argument), R rounds R·ρ-zCDP,
//     converted to (ε, δ) by [CKS20, Corollary 13] (zcdpDelta);
//   - discrete Laplace: each round is ε₀-DP, so R rounds are R·ε₀-DP
//     (basic composition) and, since ε₀-DP implies (ε₀²/2)-zCDP [Bun and
//     Steinke 2016, Proposition 1.4], also (R·ε₀²/2)-zCDP: the smaller ε
//     of the two at the target δ is reported.
//
// The tables' rounding adds to δ as in Accounting: the composed mechanism
// is within total variation R·M·η of the composed ideal one (total
// variation adds up over a composition), so (1 + e^ε)·R·M·η.
//
// [Bun and Steinke 2016]: https://arxiv.org/abs/1605.02065

// Composed is the (ε, δ) of rounds releases of the round's mechanism,
// for a target δ (0: the per-round δ of Accounting for the Gaussian, the
// tables' slack alone for the Laplace). ε is the least found (to 10^-6)
// for which the bound on δ holds.
func (d *DPShape) Composed(rounds int, delta float64) (eps, totalDelta float64, err error) {
	if rounds < 1 {
		return 0, 0, fmt.Errorf("fl: %d rounds: give at least 1", rounds)
	}
	if delta < 0 || delta >= 1 {
		return 0, 0, fmt.Errorf("fl: δ = %g is outside [0, 1)", delta)
	}
	m := d.Mechanism
	eps0, _ := m.Epsilon.Rat().Float64()
	r := float64(rounds)
	eta := float64(d.offset()+2) * math.Ldexp(1, -dp.UniformBits)
	slack := func(e float64) float64 { return (1 + math.Exp(e)) * r * float64(d.Count) * eta }
	if m.Kind == dp.Laplace {
		basic := r * eps0 // R·ε₀-DP
		if delta == 0 {
			return basic, slack(basic), nil
		}
		e, ok := zcdpEpsilon(r*eps0*eps0/2, delta, slack)
		if slack(basic) <= delta && (!ok || e >= basic) {
			return basic, slack(basic), nil
		}
		return composedOrErr(e, ok, delta, rounds)
	}
	if delta == 0 {
		_, delta = d.Accounting()
	}
	sigma, _ := m.Sigma.Rat().Float64()
	e, ok := zcdpEpsilon(r*float64(m.Sensitivity*m.Sensitivity)/(2*sigma*sigma), delta, slack)
	return composedOrErr(e, ok, delta, rounds)
}

// composedOrErr is zcdpEpsilon's answer as Composed's.
func composedOrErr(eps float64, ok bool, delta float64, rounds int) (float64, float64, error) {
	if !ok {
		return 0, 0, fmt.Errorf("fl: no ε gives δ = %g after %d rounds (the tables' slack alone exceeds it): accept a larger δ", delta, rounds)
	}
	return eps, delta, nil
}

// zcdpEpsilon is the least ε (bisection, to 10^-6) with
// zcdpDelta(ρ, ε) + slack(ε) ≤ delta; ok is false when none is.
func zcdpEpsilon(rho, delta float64, slack func(float64) float64) (float64, bool) {
	fits := func(e float64) bool { return zcdpDelta(rho, e)+slack(e) <= delta }
	// ε = ρ + 2√(ρ·ln(1/δ')) gives δ' [Bun and Steinke 2016, Proposition
	// 1.3]: with δ' = δ/2 it is within reach unless the slack is too large.
	hi := rho + 2*math.Sqrt(rho*math.Log(2/delta)) + 1
	for !fits(hi) {
		if hi > 1e3 {
			return 0, false
		}
		hi *= 2
	}
	lo := 0.0
	for hi-lo > 1e-6 {
		mid := (lo + hi) / 2
		if fits(mid) {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi, true
}
