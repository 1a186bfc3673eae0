package sumcheck

import (
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/mle"
)

// A tail Coef·s̃(P) with c = len(P) ≤ n is a product term over the last c
// variables:
//
//	s̃(P) = Σ_{x∈{0,1}^n} 2^−(n−c)·eq(P, x_{n−c..n−1})·s(x_{n−c..n−1}),
//
// so in round j < n − c (x_j free, the tail constant in it) it adds the
// constant Coef·2^−(n−c)·2^(n−c−j−1)·s̃(P) = Coef·2^−(j+1)·s̃(P), and in
// round j ≥ n − c the degree-2 round polynomial of Coef·2^−(n−c)·E·S over
// the tables E = eq(P, ·) and S = s, folded with the challenges. After the
// last round S is s̃(ρ_{n−c..n−1}) (Proof.Tail) and the verifier adds
// Coef·2^−(n−c)·eq(P, ρ_{n−c..n−1})·Proof.Tail to the finals' terms. When
// c > n, s is first folded by P's first c − n coordinates (public), so the
// tail is s̃'(P_{c−n..}) with c' = n and its final s̃(P_{..c−n}, ρ).

// tailPoint returns the tail's point after folding (its last min(c, n)
// coordinates) and the number c − min(c, n) of leading coordinates folded.
func tailPoint(t *Tail, n int) ([]fr.Element, int) {
	c := len(t.Point)
	if c <= n {
		return t.Point, 0
	}
	return t.Point[c-n:], c - n
}

// tailDegree is the tail's degree in the rounds that see it: 2 over at
// least one variable, 0 for a constant (c = 0) tail.
func tailDegree(t *Tail, n int) int {
	if p, _ := tailPoint(t, n); len(p) > 0 {
		return 2
	}
	return 0
}

// tailProver is the prover's side of a tail.
type tailProver struct {
	coef  fr.Element
	c     int        // c' = min(c, n)
	e, s  mle.Table  // eq(P', ·) and s', folded from round n − c' on
	value fr.Element // s̃'(P') = s̃(P)
	scale fr.Element // 2^−(j+1) in round j < n − c'
}

func newTailProver(t *Tail, n int) *tailProver {
	p, lead := tailPoint(t, n)
	s := append(mle.Table(nil), t.S...)
	for _, r := range t.Point[:lead] {
		s = s.Fold(r)
	}
	tp := &tailProver{coef: t.Coef, c: len(p), e: mle.EqTable(p), s: s}
	tp.value = mle.Inner(tp.e, tp.s)
	tp.scale.SetUint64(2)
	tp.scale.Inverse(&tp.scale)
	return tp
}

// add adds the tail's round-j polynomial (n variables) to g (values at
// 0..len(g)−1).
func (tp *tailProver) add(g []fr.Element, j, n int) {
	if j < n-tp.c {
		var v fr.Element
		v.Mul(&tp.coef, &tp.value).Mul(&v, &tp.scale)
		for x := range g {
			g[x].Add(&g[x], &v)
		}
		return
	}
	sums := roundPoly([]mle.Table{tp.e, tp.s}, 2)
	w := tp.weight(n)
	ext := Extend(sums, len(g)-1)
	for x := range g {
		ext[x].Mul(&ext[x], &w)
		g[x].Add(&g[x], &ext[x])
	}
}

// weight returns Coef·2^−(n−c').
func (tp *tailProver) weight(n int) fr.Element {
	var w, two fr.Element
	two.SetUint64(2)
	w.SetUint64(1)
	for range n - tp.c {
		w.Mul(&w, &two)
	}
	w.Inverse(&w)
	return *w.Mul(&w, &tp.coef)
}

// bind records round j's challenge r.
func (tp *tailProver) bind(r fr.Element, j, n int) {
	if j < n-tp.c {
		var half fr.Element
		half.SetUint64(2)
		half.Inverse(&half)
		tp.scale.Mul(&tp.scale, &half)
		return
	}
	tp.e = tp.e.Fold(r)
	tp.s = tp.s.Fold(r)
}

// final returns s̃'(ρ_{n−c'..n−1}) once every round is bound.
func (tp *tailProver) final() fr.Element { return tp.s[0] }

// tailTerm is the verifier's tail term at the end:
// Coef·2^−(n−c')·eq(P', ρ_{n−c'..n−1})·final.
func tailTerm(t *Tail, rho []fr.Element, final fr.Element) fr.Element {
	n := len(rho)
	p, _ := tailPoint(t, n)
	tp := tailProver{coef: t.Coef, c: len(p)}
	w := tp.weight(n)
	eq := mle.Eq(p, rho[n-len(p):])
	return *w.Mul(&w, &eq).Mul(&w, &final)
}
