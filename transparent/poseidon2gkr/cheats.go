package poseidon2gkr

import (
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/internal/cheat"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/sumcheck"
)

// forgeHook (tests: cheats.forgeEq) returns a hook that, at round 0 of
// the last level, replaces the tables by those of the committed leaves and
// eq(ρ, ·) by eq(r', ·) for an r' solved so that the sum is the layer's
// (false, for those tables) claim: the sumcheck then passes, its finals
// are the committed leaves' and only eq's final betrays it.
func forgeHook(committed mle.Table) layerHook {
	return func(i int, in *sumcheck.Instance, claim fr.Element) {
		if i != 0 {
			return
		}
		x := children(committed)
		st := states(x)
		r := &schedule[0]
		for k := range 2 {
			u := in.Tables[tU0+k]
			for j := range u {
				u[j].Add(&st[0][k][j], &r.key[k])
			}
		}
		copy(in.Tables[tCarry], x[1])
		in.Tables[tEq] = mle.EqTable(cheat.EqPoint(cheat.EqFree(in), claim))
	}
}

// forgeLeaves plays the zero-knowledge cheats at the leaves' sumcheck
// (in: the committed leaves' tables, c the false claim on a tampered
// tree's leaves): forgeLeafEq replaces eq(z, ·) by eq(r', ·) for r'
// solved so that the tables' sum is the claim less the tail (the "leafeq"
// check); forgeMask shifts the tail's row S by δ/Coef, δ the claim's
// error, so that the sum is right and the tail's final a false mask claim
// (the "maskA" check, with [forgeA]).
func forgeLeaves(ch cheats, in *sumcheck.Instance, c Claim, z *zkRun) {
	tv := z.tailValue()
	switch {
	case ch.forgeLeafEq:
		var want fr.Element
		want.Sub(&c.Value, &tv)
		in.Tables[0] = mle.EqTable(cheat.EqPoint(cheat.EqFree(in), want))
	case ch.forgeMask:
		l, _ := in.Tables[1].Eval(c.Point)
		var d fr.Element
		d.Sub(&c.Value, &tv).Sub(&d, &l)
		var inv fr.Element
		inv.Inverse(&z.pend.tail.Coef)
		d.Mul(&d, &inv)
		s := append([]fr.Element(nil), z.pend.tail.S...)
		for b := range s {
			s[b].Add(&s[b], &d)
		}
		in.Tail.S = s
	}
}

// forgeA makes Σ_x A(x)·M(x) equal sum by changing A at one entry where
// M is not zero: the mask claims' sumcheck then passes with false claims,
// and only A's final, which the verifier computes, betrays it.
func forgeA(a, m mle.Table, sum fr.Element) {
	d := sum
	have := mle.Inner(a, m)
	d.Sub(&d, &have)
	for e := range m {
		if !m[e].IsZero() {
			var inv fr.Element
			inv.Inverse(&m[e])
			d.Mul(&d, &inv)
			a[e].Add(&a[e], &d)
			return
		}
	}
}
