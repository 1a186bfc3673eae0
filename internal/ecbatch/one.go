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
// table). Since every point takes the same step at the same time, the
// batch is held as coordinate vectors and each step is a few element-wise
// vector operations (vec.go: AVX-512 IFMA products where the CPU has
// them, the step's inversions shared through a product tree): ~7 vector
// products a doubling and ~6 an addition, 16–20 µs a point against
// 39–51 µs for the same chain one field operation at a time (2^10
// points on one core, BenchmarkMulG1OneChain, load 0.4–2.2).
// Exceptional sums (a point at infinity, equal or opposite points) are
// redone one by one, so the result is k·P for every P and k.

// nafWidth is the NAF width w of MulG1One.
const nafWidth = 6

// oneG1 is MulG1One's scratch, one per goroutine.
type oneG1 struct {
	Lanes
	tx, ty []fp.Vector // (tx[m][i], ty[m][i]) = (2m+1)·P_i
	ax, ay fp.Vector   // the chain's accumulator
	bx     fp.Vector   // β·x of a table entry, for φ
	naf    [2][]int8
}

var poolOne = sync.Pool{New: func() any { return new(oneG1) }}

// MulG1One sets pts[i] to k·pts[i] for every i, on the calling goroutine
// (callers run batches of a thousand points or so in parallel: the
// vector operations gain up to ~2^10 lanes, BenchmarkMulG1OneChain).
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
	size := (maxD + 1) / 2
	for len(s.tx) < size {
		s.tx, s.ty = append(s.tx, nil), append(s.ty, nil)
	}
	for m := range size {
		s.tx[m], s.ty[m] = grow(s.tx[m], n), grow(s.ty[m], n)
	}
	s.ax, s.ay, s.bx = grow(s.ax, n), grow(s.ay, n), grow(s.bx, n)
	for i := range pts {
		s.tx[0][i], s.ty[0][i] = pts[i].X, pts[i].Y
	}
	if size > 1 {
		copy(s.ax, s.tx[0])
		copy(s.ay, s.ty[0])
		s.Double(s.ax, s.ay)
		for m := 1; m < size; m++ {
			copy(s.tx[m], s.tx[m-1])
			copy(s.ty[m], s.ty[m-1])
			s.Add(s.tx[m], s.ty[m], s.ax, s.ay, false)
		}
	}
	started := false
	for j := length - 1; j >= 0; j-- {
		if started {
			s.Double(s.ax, s.ay)
		}
		for h := range 2 {
			if j >= len(s.naf[h]) || s.naf[h][j] == 0 {
				continue
			}
			d := s.naf[h][j]
			m := (abs8(d) - 1) / 2
			qx, qy := s.tx[m], s.ty[m]
			if h == 1 {
				s.bx.ScalarMul(qx, &beta1)
				qx = s.bx
			}
			ng := (d < 0) != neg[h]
			if !started {
				copy(s.ax, qx)
				copy(s.ay, qy)
				if ng {
					for i := range s.ay {
						s.ay[i].Neg(&s.ay[i])
					}
				}
				started = true
				continue
			}
			s.Add(s.ax, s.ay, qx, qy, ng)
		}
	}
	if !started {
		clear(pts)
		return
	}
	for i := range pts {
		pts[i].X, pts[i].Y = s.ax[i], s.ay[i]
	}
}

func abs8(d int8) int8 {
	if d < 0 {
		return -d
	}
	return d
}
