package matmul

import (
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/sumcheck"
)

// zkCheat is the soundness tests' cheating prover under vanishing masks
// (zero outside tests): fixTail shifts the output tail's row so that a false
// claim's sum holds (caught only by the mask claim on Y); forgeEq moves the
// bias term's eq table so that it does (caught only by the eq check).
var zkCheat struct{ fixTail, forgeEq bool }

// OffBy returns claim − (Σ_{x∈cube} Σ_t Coef_t·Π_k T_k(x) + Tail.Coef·s̃(Tail.Point))
// for in's tables before the sumcheck: zero for a true claim. For cheating
// provers in tests (here and in package conv).
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
// every point, the sum moved by d. For cheating provers in tests.
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
// (2^m base entries) so that Σ coef·e·b grows by d, with rows·b[i] the
// weight of one base entry. For cheating provers in tests.
func ForgeEq(e mle.Table, m int, i int, w, d fr.Element) {
	var t fr.Element
	t.Inverse(&w)
	t.Mul(&t, &d)
	for j := i; j < len(e); j += 1 << m {
		e[j].Add(&e[j], &t)
	}
}
