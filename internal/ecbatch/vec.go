package ecbatch

import (
	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fp"
)

// Batched affine G1 arithmetic on coordinate vectors (x and y of every
// point in separate fp.Vectors): each formula step is one element-wise
// vector operation, which gnark-crypto runs 8 lanes at a time with
// AVX-512 IFMA where the CPU has it (fp.Vector.Mul: ~10 ns a product
// against ~20 for a lone fp.Mul on this repository's machine), and the
// inversions of a step are shared through a product tree rather than
// Montgomery's prefix chain: the tree's levels are element-wise products
// too (n/2 + n/4 + … going up, two per element coming down: the chain's
// 3(n−1) multiplications, but vectorised and without the chain's serial
// dependency). Exceptional lanes (a point at infinity, equal x: a
// doubling or a sum at infinity) get denominator 1 in the vector pass and
// are then redone one by one, so every result is exact.

// vecMin is the shortest vector worth a vector call (a call costs about
// as much as a dozen products); shorter tree levels are done one by one.
const vecMin = 64

// Lanes is the scratch of the vector arithmetic: Add and Double. Each
// goroutine has its own.
type Lanes struct {
	den, l, x3, t fp.Vector
	lv            []fp.Vector // product-tree levels
	exc           []int32
	save          []curve.G1Affine // exceptional lanes' first operands
}

// size makes every scratch vector n long.
func (s *Lanes) size(n int) {
	s.den, s.l, s.x3, s.t = grow(s.den, n), grow(s.l, n), grow(s.x3, n), grow(s.t, n)
}

// invert replaces every element of d (none zero) by its inverse; depth
// names the tree level's scratch.
func (s *Lanes) invert(d fp.Vector, depth int) {
	n := len(d)
	if n < vecMin {
		invertChain(d, s.t[:n])
		return
	}
	for len(s.lv) <= depth {
		s.lv = append(s.lv, nil)
	}
	h := n / 2
	p := fp.Vector(grow(s.lv[depth], h+n%2))
	s.lv[depth] = p
	lo, hi, ph := d[:h], d[h:2*h], fp.Vector(p[:h])
	ph.Mul(lo, hi) // p[i] = d[i]·d[i+h]
	if n%2 == 1 {
		p[h] = d[n-1]
	}
	s.invert(p, depth+1)
	// 1/d[i] = p[i]·d[i+h] and 1/d[i+h] = p[i]·d[i].
	t := s.t[:h]
	t.Mul(ph, lo)
	lo.Mul(ph, hi)
	copy(hi, t)
	if n%2 == 1 {
		d[n-1] = p[h]
	}
}

// invertChain is Montgomery's prefix chain, for short vectors; prod is
// scratch of d's length.
func invertChain(d, prod fp.Vector) {
	if len(d) == 0 {
		return
	}
	prod[0] = d[0]
	for k := 1; k < len(d); k++ {
		prod[k].Mul(&prod[k-1], &d[k])
	}
	var inv, t fp.Element
	inv.Inverse(&prod[len(d)-1])
	for k := len(d) - 1; k > 0; k-- {
		t.Mul(&inv, &prod[k-1])
		inv.Mul(&inv, &d[k])
		d[k] = t
	}
	d[0] = inv
}

func infinite(x, y *fp.Element) bool { return x.IsZero() && y.IsZero() }

// Double sets every (x[i], y[i]) to its double; the point at infinity
// (0, 0) stays itself: y = 0 occurs nowhere else in G1 (of odd order),
// and with its denominator set to 1 the formulas map (0, 0) to (0, 0).
func (s *Lanes) Double(x, y fp.Vector) {
	n := len(x)
	s.size(n)
	den, l, x3, t := s.den, s.l, s.x3, s.t
	den.Add(y, y)
	for i := range den {
		if den[i].IsZero() {
			den[i].SetOne()
		}
	}
	s.invert(den, 0)
	l.Mul(x, x) // λ = 3x² / 2y
	t.Add(l, l)
	l.Add(l, t)
	l.Mul(l, den)
	x3.Mul(l, l) // x₃ = λ² − 2x
	t.Add(x, x)
	x3.Sub(x3, t)
	t.Sub(x, x3) // y₃ = λ(x − x₃) − y
	t.Mul(t, l)
	y.Sub(t, y)
	copy(x, x3)
}

// Add sets (x[i], y[i]) += (qx[i], ±qy[i]) for every i, −qy when neg
// (the four vectors of one length).
func (s *Lanes) Add(x, y, qx, qy fp.Vector, neg bool) {
	n := len(x)
	s.size(n)
	den, l, x3, t := s.den, s.l, s.x3, s.t
	den.Sub(qx, x)
	s.exc, s.save = s.exc[:0], s.save[:0]
	for i := range den {
		if den[i].IsZero() || infinite(&x[i], &y[i]) || infinite(&qx[i], &qy[i]) {
			den[i].SetOne()
			s.exc = append(s.exc, int32(i))
			s.save = append(s.save, curve.G1Affine{X: x[i], Y: y[i]})
		}
	}
	s.invert(den, 0)
	if neg { // λ = (−q_y − y) / (q_x − x) = −l, l = (q_y + y) / (q_x − x)
		l.Add(qy, y)
	} else { // λ = l = (q_y − y) / (q_x − x)
		l.Sub(qy, y)
	}
	l.Mul(l, den)
	x3.Mul(l, l) // x₃ = λ² − x − q_x
	x3.Sub(x3, x)
	x3.Sub(x3, qx)
	if neg { // y₃ = λ(x − x₃) − y = l(x₃ − x) − y
		t.Sub(x3, x)
	} else {
		t.Sub(x, x3)
	}
	t.Mul(t, l)
	y.Sub(t, y)
	copy(x, x3)
	for k, i := range s.exc {
		p, q := s.save[k], curve.G1Affine{X: qx[i], Y: qy[i]}
		if neg {
			q.Neg(&q)
		}
		p.Add(&p, &q)
		x[i], y[i] = p.X, p.Y
	}
}
