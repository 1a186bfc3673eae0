// Package cheat exists for the soundness tests' cheating provers (packages
// matmul and conv; docs/TRANSPARENT.md, "Zero knowledge"): it edits a
// sumcheck instance so that a false claim's sum holds, so that a test can
// show the one verifier check that still catches it is needed. The provers
// call it only behind their unexported test switches (off outside tests);
// being internal, it is no part of any package's public API.
package cheat

import (
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/sumcheck"
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
