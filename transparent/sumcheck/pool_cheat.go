package sumcheck

import (
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/mle"
)

// poolCheats, set only by tests on a [MaskPool], play a cheating prover.
type poolCheats struct {
	// lie[s] = δ: slot s's sumcheck proves claim + δ (the caller passes
	// the false claim): round j adds δ·2^-(j+1) and g_s(r_s) is stated off
	// by δ·2^-n/ρ_s, so only the pool's opening can catch it.
	lie map[int]fr.Element
	// offset, when set, moves a slot's coefficients (the prover reads them
	// at offset(s, off) instead of off).
	offset func(s, off int) int
	// forgeA changes A at one entry so that ⟨A, P⟩ is the folded stated
	// value (caught by A's final check).
	forgeA bool
	// forgeValue runs the reduction on the folded stated value, shifting
	// its rounds and stating P̂(ρ) off to match (caught by P's opening).
	forgeValue bool
}

// poolOmit, set only by tests, deletes the named checks of
// [PoolVerifier.Verify]: "fold" (the whole folded check), "A" (A's final),
// "open" (P̂(ρ)'s opening).
var poolOmit map[string]bool

// lieNext, set only by the forgeValue cheat, makes the next unpooled
// ProveSum (the pool's reduction) run with that lie, the gap landing in
// its second final.
var lieNext *fr.Element

// shiftRound adds δ·2^-(j+1) to round j's values.
func shiftRound(g []fr.Element, delta fr.Element, j int) {
	var half, t fr.Element
	half.SetUint64(2)
	half.Inverse(&half)
	t = delta
	for range j + 1 {
		t.Mul(&t, &half)
	}
	for x := range g {
		g[x].Add(&g[x], &t)
	}
}

// liedGap is δ·2^-n/scale: what the last claim is off by after n shifted
// rounds, divided by the coefficient of the value that absorbs it.
func liedGap(delta fr.Element, n int, scale fr.Element) fr.Element {
	var t fr.Element
	t.Inverse(&scale)
	t.Mul(&t, &delta)
	var half fr.Element
	half.SetUint64(2)
	half.Inverse(&half)
	for range n {
		t.Mul(&t, &half)
	}
	return t
}

// lieOf is sum − ⟨a, p⟩: how far the folded stated value is from the truth.
func lieOf(sum fr.Element, a, p mle.Table) fr.Element {
	v := mle.Inner(a, p)
	return *v.Sub(&sum, &v)
}

// forgePoolA changes a at an entry where p is nonzero so that ⟨a, p⟩ = sum.
func forgePoolA(a, p mle.Table, sum fr.Element) {
	d := lieOf(sum, a, p)
	for i := range p {
		if !p[i].IsZero() {
			var t fr.Element
			t.Inverse(&p[i]).Mul(&t, &d)
			a[i].Add(&a[i], &t)
			return
		}
	}
}
