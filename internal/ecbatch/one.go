package ecbatch

import (
	"math/big"
	"sync"

	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fp"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
)

// Many points times ONE scalar (a ceremony contribution's δ⁻¹ pass over Z
// and K): every point follows the same addition chain, so it can be the
// scalar's own rather than a fixed window schedule. k is split once along
// the GLV endomorphism (k ≡ k₀ + λ·k₁, |kₕ| ≈ 2^127), each part written in
// width-w NAF (odd digits |d| < 2^{w−1}, at least w−1 zeros after each
// nonzero one: ~128/(w+1) nonzero digits), and the batch walks the joint
// chain from the top bit: one batched affine doubling per bit, one batched
// affine addition per nonzero digit, of a table entry d·P (P's odd
// multiples, 2^{w−2} of them) or its image φ(d·P) = (β·x, y) for k₁.
// With w = 6, per point: ~128 doublings and ~37 additions plus a 16-entry
// table (1 doubling, 15 additions), against the per-point-scalar
// Multiplier's 5-bit windows (~128 doublings, ~52 additions, 14 for its
// table). The field arithmetic is written for G1's fp directly, so that
// its additions inline (the generic Adder calls them through a
// dictionary); each batch step shares one inversion (Montgomery's trick).
// Exceptional sums (a point at infinity, equal or opposite points) are
// handled one by one, so the result is k·P for every P and k.

// nafWidth is the NAF width w of MulG1One.
const nafWidth = 6

// oneG1 is MulG1One's scratch, one per goroutine.
type oneG1 struct {
	tab       [][]curve.G1Affine // tab[m][i] = (2m+1)·P_i
	acc       []curve.G1Affine
	bx        []fp.Element // the added points' x (β·x for φ)
	den, prod []fp.Element
	lane      []int32
	naf       [2][]int8
	l, x3, t  fp.Element
	inv       fp.Element
}

var poolOne = sync.Pool{New: func() any { return new(oneG1) }}

// MulG1One sets pts[i] to k·pts[i] for every i, on the calling goroutine
// (callers run batches of a few hundred points in parallel).
func MulG1One(pts []curve.G1Affine, k *fr.Element) {
	if len(pts) == 0 {
		return
	}
	s := poolOne.Get().(*oneG1)
	s.mul(pts, k)
	poolOne.Put(s)
}

// wNAF writes the width-w NAF digits of |v| (least significant first)
// into dst, returns them and whether v < 0. v is cleared.
func wNAF(dst []int8, v *big.Int, w uint) ([]int8, bool) {
	neg := v.Sign() < 0
	v.Abs(v)
	dst = dst[:0]
	mod, half := int64(1)<<w, int64(1)<<(w-1)
	var d big.Int
	for v.Sign() > 0 {
		var digit int64
		if v.Bit(0) == 1 {
			digit = int64(uint64(v.Bits()[0]) & uint64(mod-1)) // v > 0: a word at least
			if digit >= half {
				digit -= mod
			}
			v.Sub(v, d.SetInt64(digit))
		}
		dst = append(dst, int8(digit))
		v.Rsh(v, 1)
	}
	d.SetUint64(0)
	return dst, neg
}

func (s *oneG1) mul(pts []curve.G1Affine, k *fr.Element) {
	n := len(pts)
	var b big.Int
	parts := endoG1.Split(k.BigInt(&b))
	b.SetUint64(0)
	var neg [2]bool
	maxD, length := 1, 0
	for h := range 2 {
		s.naf[h], neg[h] = wNAF(s.naf[h], &parts[h], nafWidth)
		length = max(length, len(s.naf[h]))
		for _, d := range s.naf[h] {
			maxD = max(maxD, int(abs8(d)))
		}
	}
	defer func() {
		clear(s.naf[0])
		clear(s.naf[1])
	}()
	// The table of odd multiples P, 3P, …, maxD·P.
	size := (maxD + 1) / 2
	for len(s.tab) < size {
		s.tab = append(s.tab, nil)
	}
	for m := range size {
		s.tab[m] = grow(s.tab[m], n)
	}
	copy(s.tab[0], pts)
	s.acc = grow(s.acc, n)
	if size > 1 {
		twoP := s.acc // 2P, in acc until the chain starts
		copy(twoP, pts)
		s.double(twoP)
		for m := 1; m < size; m++ {
			copy(s.tab[m], s.tab[m-1])
			s.add(s.tab[m], twoP, false, false)
		}
	}
	// The joint chain, top bit first.
	started := false
	for j := length - 1; j >= 0; j-- {
		if started {
			s.double(s.acc)
		}
		for h := range 2 {
			if j >= len(s.naf[h]) || s.naf[h][j] == 0 {
				continue
			}
			d := s.naf[h][j]
			t := s.tab[(abs8(d)-1)/2]
			ng := (d < 0) != neg[h]
			if !started {
				copy(s.acc, t)
				if h == 1 {
					for i := range s.acc {
						s.acc[i].X.Mul(&s.acc[i].X, &beta1)
					}
				}
				if ng {
					for i := range s.acc {
						s.acc[i].Neg(&s.acc[i])
					}
				}
				started = true
				continue
			}
			s.add(s.acc, t, ng, h == 1)
		}
	}
	if !started {
		clear(pts) // k = 0
		return
	}
	copy(pts, s.acc)
}

func abs8(d int8) int8 {
	if d < 0 {
		return -d
	}
	return d
}

// reserve returns the lane and denominator buffers for a batch of n.
func (s *oneG1) reserve(n int) ([]int32, []fp.Element) {
	if cap(s.den) < n {
		s.den = make([]fp.Element, n)
		s.prod = make([]fp.Element, n)
		s.bx = make([]fp.Element, n)
		s.lane = make([]int32, 0, n)
	}
	return s.lane[:0], s.den[:n]
}

// invert replaces every element of d (none zero) by its inverse.
func (s *oneG1) invert(d []fp.Element) {
	if len(d) == 0 {
		return
	}
	prod := s.prod[:len(d)]
	prod[0] = d[0]
	for k := 1; k < len(d); k++ {
		prod[k].Mul(&prod[k-1], &d[k])
	}
	s.inv.Inverse(&prod[len(d)-1])
	for k := len(d) - 1; k > 0; k-- {
		s.t.Mul(&s.inv, &prod[k-1])
		s.inv.Mul(&s.inv, &d[k])
		d[k] = s.t
	}
	d[0] = s.inv
}

// add sets acc[i] += ±t[i] (or ±φ(t[i]) when phi), negated when neg.
func (s *oneG1) add(acc, t []curve.G1Affine, neg, phi bool) {
	lane, den := s.reserve(len(acc))
	bx := s.bx[:len(acc)]
	for i := range acc {
		a, q := &acc[i], &t[i]
		if q.IsInfinity() {
			continue
		}
		bx[i] = q.X
		if phi {
			bx[i].Mul(&bx[i], &beta1)
		}
		if a.IsInfinity() {
			a.X = bx[i]
			a.Y = q.Y
			if neg {
				a.Y.Neg(&a.Y)
			}
			continue
		}
		if a.X.Equal(&bx[i]) {
			var y fp.Element
			y = q.Y
			if neg {
				y.Neg(&y)
			}
			if a.Y.Equal(&y) {
				doubleOne(a)
			} else {
				*a = curve.G1Affine{}
			}
			continue
		}
		den[len(lane)].Sub(&bx[i], &a.X)
		lane = append(lane, int32(i))
	}
	den = den[:len(lane)]
	s.invert(den)
	for k, i := range lane {
		a, q := &acc[i], &t[i]
		if neg { // λ = (y_b − y_a) / (x_b − x_a), y_b = ±y
			s.l.Add(&q.Y, &a.Y)
			s.l.Neg(&s.l)
		} else {
			s.l.Sub(&q.Y, &a.Y)
		}
		s.l.Mul(&s.l, &den[k])
		s.x3.Square(&s.l) // x₃ = λ² − x_a − x_b
		s.x3.Sub(&s.x3, &a.X)
		s.x3.Sub(&s.x3, &bx[i])
		s.t.Sub(&a.X, &s.x3) // y₃ = λ(x_a − x₃) − y_a
		s.t.Mul(&s.t, &s.l)
		a.Y.Sub(&s.t, &a.Y)
		a.X = s.x3
	}
	s.lane = lane
}

// doubleOne doubles one point with its own inversion (exceptional sums).
func doubleOne(p *curve.G1Affine) {
	var j curve.G1Jac
	j.FromAffine(p)
	j.DoubleAssign()
	p.FromJacobian(&j)
}

// double sets every p[i] to 2p[i], the inversions shared. y = 0 does not
// occur in G1 (odd order); the point at infinity stays itself.
func (s *oneG1) double(p []curve.G1Affine) {
	lane, den := s.reserve(len(p))
	for i := range p {
		if p[i].Y.IsZero() {
			p[i] = curve.G1Affine{}
			continue
		}
		den[len(lane)].Double(&p[i].Y)
		lane = append(lane, int32(i))
	}
	den = den[:len(lane)]
	s.invert(den)
	for k, i := range lane {
		a := &p[i]
		s.l.Square(&a.X) // λ = 3x² / 2y
		s.t.Double(&s.l)
		s.l.Add(&s.l, &s.t)
		s.l.Mul(&s.l, &den[k])
		s.x3.Square(&s.l) // x₃ = λ² − 2x
		s.t.Double(&a.X)
		s.x3.Sub(&s.x3, &s.t)
		s.t.Sub(&a.X, &s.x3) // y₃ = λ(x − x₃) − y
		s.t.Mul(&s.t, &s.l)
		a.Y.Sub(&s.t, &a.Y)
		a.X = s.x3
	}
	s.lane = lane
}
