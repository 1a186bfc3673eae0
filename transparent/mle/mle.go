// Package mle holds multilinear polynomials by their evaluation tables.
//
// A function f: {0,1}^n → F has a unique multilinear extension
//
//	f̃(x) = Σ_{b ∈ {0,1}^n} f(b) · eq(x, b),  eq(x, b) = Π_j (x_j·b_j + (1−x_j)(1−b_j)),
//
// the polynomial of degree ≤ 1 in each variable that agrees with f on the
// hypercube. A [Table] stores f(b) at index Σ_j b_j·2^(n−1−j): variable 0 is
// the index's most significant bit, so a row-major matrix M[i][k] of 2^a×2^b
// entries is the table of M̃(i_1..i_a, k_1..k_b), row bits first.
//
// Two distinct multilinear polynomials in n variables agree on at most an
// n/|F| fraction of F^n (Schwartz–Zippel), so one evaluation at a random
// point tests equality of tables with error n/|F| ≤ 2^-246 for n ≤ 2^7.
package mle

import (
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/internal/par"
)

// Table is the evaluation table of a multilinear polynomial; its length is a
// power of two, 2^NumVars.
type Table []fr.Element

// NumVars returns n for a table of 2^n entries, or −1 when the length is not
// a power of two.
func (t Table) NumVars() int {
	n := len(t)
	if n == 0 || n&(n-1) != 0 {
		return -1
	}
	v := 0
	for n > 1 {
		n >>= 1
		v++
	}
	return v
}

// Fold binds variable 0 to r in place and returns the half-length table of
// t̃(r, x_1, …): t'[i] = t[i] + r·(t[i+h] − t[i]), one multiplication per
// output entry.
func (t Table) Fold(r fr.Element) Table {
	h := len(t) / 2
	par.For(h, 1<<12, func(lo, hi int) {
		var d fr.Element
		for i := lo; i < hi; i++ {
			d.Sub(&t[i+h], &t[i])
			d.Mul(&d, &r)
			t[i].Add(&t[i], &d)
		}
	})
	return t[:h]
}

// Sum returns Σ_x t(x) over the hypercube.
func (t Table) Sum() fr.Element {
	var s fr.Element
	for i := range t {
		s.Add(&s, &t[i])
	}
	return s
}

// Eval returns t̃(point) in 2^n multiplications without modifying t.
func (t Table) Eval(point []fr.Element) (fr.Element, error) {
	if n := t.NumVars(); n != len(point) {
		return fr.Element{}, fmt.Errorf("mle: table of length %d evaluated at a point of %d coordinates", len(t), len(point))
	}
	w := make(Table, len(t))
	copy(w, t)
	for _, r := range point {
		w = w.Fold(r)
	}
	return w[0], nil
}

// EqTable returns the table of eq(r, ·) over {0,1}^len(r): 2^n entries in
// 2^n multiplications, variable 0 the most significant bit.
func EqTable(r []fr.Element) Table {
	out := make(Table, 1<<len(r))
	out[0].SetOne()
	m := 1
	for _, rj := range r {
		// Spread each entry i into 2i (x_j = 0) and 2i+1 (x_j = 1), from the
		// top down so the entries not yet read are not overwritten.
		for i := m - 1; i >= 0; i-- {
			v := out[i]
			out[2*i+1].Mul(&v, &rj)
			out[2*i].Sub(&v, &out[2*i+1])
		}
		m *= 2
	}
	return out
}

// Eq returns eq(x, y) = Π_j (x_j·y_j + (1−x_j)(1−y_j)) for points of equal
// length.
func Eq(x, y []fr.Element) fr.Element {
	var acc, one, a, b fr.Element
	acc.SetOne()
	one.SetOne()
	for j := range x {
		a.Mul(&x[j], &y[j])
		a.Double(&a)
		b.Add(&x[j], &y[j])
		a.Sub(&a, &b)
		a.Add(&a, &one) // 2xy − x − y + 1
		acc.Mul(&acc, &a)
	}
	return acc
}

// Inner returns Σ_i a[i]·b[i] over the shorter length.
func Inner(a, b []fr.Element) fr.Element {
	var s, p fr.Element
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		p.Mul(&a[i], &b[i])
		s.Add(&s, &p)
	}
	return s
}

// FromInt64 returns the table of vals zero-padded to 2^n entries, for the
// smallest n with 2^n ≥ len(vals) (n = 0 for an empty slice).
func FromInt64(vals []int64) Table {
	n := 1
	for n < len(vals) {
		n *= 2
	}
	t := make(Table, n)
	for i, v := range vals {
		t[i].SetInt64(v)
	}
	return t
}

// Pow2 returns the smallest power of two ≥ n, and its exponent.
func Pow2(n int) (int, int) {
	p, k := 1, 0
	for p < n {
		p *= 2
		k++
	}
	return p, k
}
