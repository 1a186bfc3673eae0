package poseidon2gkr

import (
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/sumcheck"
	"github.com/zkinfer/zkinfer/transparent/transcript"
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
		in.Tables[tEq] = mle.EqTable(solvePoint(*in, claim))
	}
}

// solvePoint returns r' (≥ 1 coordinates) with Σ_x eq(r', x)·S(x) = claim,
// S the sum of in's terms with the eq factor dropped: the sum is
// (1 − r'_0)·A0 + r'_0·A1 for the halves' sums under eq(r'_rest), solved
// for r'_0 (as rescale's forged zero-check).
func solvePoint(in sumcheck.Instance, claim fr.Element) []fr.Element {
	s := make(mle.Table, len(in.Tables[tU0]))
	for _, t := range in.Terms {
		for i := range s {
			v := t.Coef
			for _, k := range t.Factors[1:] {
				v.Mul(&v, &in.Tables[k][i])
			}
			s[i].Add(&s[i], &v)
		}
	}
	n := s.NumVars()
	r := transcript.New("forge").Challenges("r", n)
	e := mle.EqTable(r[1:])
	h := len(s) / 2
	a0, a1 := mle.Inner(e, s[:h]), mle.Inner(e, s[h:])
	var num, den fr.Element
	num.Sub(&claim, &a0)
	den.Sub(&a1, &a0)
	den.Inverse(&den)
	r[0].Mul(&num, &den)
	return r
}
