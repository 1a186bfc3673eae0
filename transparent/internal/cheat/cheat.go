// Package cheat exists for the soundness tests' cheating provers (packages
// matmul, conv, logup, rescale and poseidon2gkr; docs/TRANSPARENT.md, "Zero knowledge"): it edits a
// sumcheck instance so that a false claim's sum holds, so that a test can
// show the one verifier check that still catches it is needed. The provers
// call it only behind their unexported test switches (off outside tests);
// being internal, it is no part of any package's public API.
package cheat

import (
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/sumcheck"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// OffBy returns claim − (Σ_{x∈cube} Σ_t Coef_t·Π_k T_k(x) + Tail.Coef·s̃(Tail.Point))
// for in's tables before the sumcheck: zero for a true claim.
func OffBy(claim fr.Element, in *sumcheck.Instance) fr.Element {
	var sum, p fr.Element
	for x := range in.Tables[0] {
		for _, t := range in.Terms {
			p = t.Coef
			for _, k := range t.Factors {
				p.Mul(&p, &in.Tables[k][x])
			}
			sum.Add(&sum, &p)
		}
	}
	if t := in.Tail; t != nil {
		v, _ := mle.Table(t.S).Eval(t.Point)
		v.Mul(&v, &t.Coef)
		sum.Add(&sum, &v)
	}
	return *p.Sub(&claim, &sum)
}

// ShiftTail adds d/Coef to every entry of the tail's row: s̃(P) + d/Coef at
// every point, the sum moved by d. The row is copied, not edited in place.
func ShiftTail(t *sumcheck.Tail, d fr.Element) {
	var inv fr.Element
	inv.Inverse(&t.Coef)
	d.Mul(&d, &inv)
	t.S = append([]fr.Element(nil), t.S...)
	for i := range t.S {
		t.S[i].Add(&t.S[i], &d)
	}
}

// ForgeEq moves the base entry i (b[i] ≠ 0) of the repeated eq table e
// (2^m base entries) so that Σ coef·e·b grows by d, with w = rows·b[i] the
// weight of one base entry.
func ForgeEq(e mle.Table, m int, i int, w, d fr.Element) {
	var t fr.Element
	t.Inverse(&w)
	t.Mul(&t, &d)
	for j := i; j < len(e); j += 1 << m {
		e[j].Add(&e[j], &t)
	}
}

// EqFree returns S(x) = Σ_t Coef_t·Π_{k≥1} T_k(x): in's sum with each
// term's first factor (its eq(z, ·) table) dropped.
func EqFree(in *sumcheck.Instance) mle.Table {
	s := make(mle.Table, len(in.Tables[in.Terms[0].Factors[0]]))
	for _, t := range in.Terms {
		for i := range s {
			v := t.Coef
			for _, k := range t.Factors[1:] {
				v.Mul(&v, &in.Tables[k][i])
			}
			s[i].Add(&s[i], &v)
		}
	}
	return s
}

// EqPoint returns r' (≥ 1 coordinates) with Σ_x eq(r', x)·q(x) = target,
// the forged point a cheating prover puts in place of the verifier's: the
// sum is (1 − r'_0)·A0 + r'_0·A1 for the halves' sums A0, A1 under
// eq(r'_rest), any values the prover likes, solved for r'_0.
func EqPoint(q mle.Table, target fr.Element) []fr.Element {
	r := transcript.New("forge").Challenges("forge", q.NumVars())
	e := mle.EqTable(r[1:])
	h := len(q) / 2
	a0, a1 := mle.Inner(e, q[:h]), mle.Inner(e, q[h:])
	var num, den fr.Element
	num.Sub(&target, &a0)
	den.Sub(&a1, &a0)
	den.Inverse(&den)
	r[0].Mul(&num, &den)
	return r
}
