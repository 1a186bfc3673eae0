package ecbatch

import (
	"math/big"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
)

// Variable-base scalar multiplication of many points at once, each by its
// own scalar, in lockstep: every point of a batch goes through the same
// sequence of doublings and additions, so each step is one batch of affine
// operations sharing one inversion (Montgomery's trick).
//
// Each scalar k is split along the group's endomorphisms: in G1,
// k ≡ k₀ + λ·k₁ (mod r) with |k₀|, |k₁| ≈ √r and φ(x, y) = (β·x, y) =
// [λ]P for a cube root of unity β (Gallant, Lambert and Vanstone, "Faster
// point multiplication on elliptic curves with efficient endomorphisms",
// CRYPTO 2001), so k·P = k₀·P + k₁·φ(P) takes ~128 doublings instead of
// 254; in G2 four parts of ~64 bits along P, φ(P), ψ(P), ψ(φ(P)), ψ the
// Frobenius-based endomorphism (Galbraith, Lin and Scott, "Endomorphisms
// for faster elliptic curve cryptography on a large class of curves",
// EUROCRYPT 2009), ~64 doublings. Each part is written in signed base-2^w
// digits (Recode), and a table per point holds d·P for 1 ≤ d ≤ 2^{w−1}
// (the endomorphisms' images of it are d·ψₕ(P)). Per point and part that
// is ⌈129/w⌉ (G1) or ⌈65/w⌉ (G2) affine additions, besides the shared
// doublings and the table, where gnark-crypto's Jacobian GLV and GLS pay a
// full Jacobian addition (~16 multiplications against ~6 in G1) for each
// nonzero digit and normalise to affine apart.

// glvWindow is the digit width: a 16-point table, and ⌈129/5⌉ = 26
// additions per part in G1.
const glvWindow = 5

// Endo is a group's decomposition k·P = Σₕ kₕ·ψₕ(P): Split gives the kₕ
// (short, of either sign) and Images the endomorphisms ψₕ (ψ₀ the
// identity, left out), each applied in place to an affine point.
type Endo[F any] struct {
	Split  func(k *big.Int) []big.Int
	Images []func(p *Affine[F])
}

// Multiplier multiplies batches of points by their scalars; its buffers
// are reused, so each goroutine has its own.
type Multiplier[F any, PF Field[F]] struct {
	endo   *Endo[F]
	adder  Adder[F, PF]
	tab    [][][]Affine[F] // tab[h][d][i] = ψₕ((d+1)·P_i)
	digits [][]int32       // digits[h][i·m + j]: digit j of point i's kₕ
	neg    [][]bool        // kₕ < 0
	acc, q []Affine[F]
}

// NewMultiplier returns a multiplier for the group whose decomposition is e.
func NewMultiplier[F any, PF Field[F]](e *Endo[F]) *Multiplier[F, PF] {
	h := len(e.Images) + 1
	return &Multiplier[F, PF]{endo: e, tab: make([][][]Affine[F], h), digits: make([][]int32, h), neg: make([][]bool, h)}
}

// Mul sets pts[i] to kᵢ·pts[i] for every i, scalar(i, k) setting kᵢ.
// The scalars' digits are cleared before it returns (they may derive from
// a contribution's secret).
func (m *Multiplier[F, PF]) Mul(pts []Affine[F], scalar func(i int, k *fr.Element)) {
	n := len(pts)
	if n == 0 {
		return
	}
	const half = 1 << (glvWindow - 1)
	// Split the scalars; the number of windows is the batch's longest part
	// plus one bit for the last carry.
	var (
		k     fr.Element
		b     big.Int
		parts = make([][]big.Int, n)
		bits  = 0
	)
	for i := range n {
		scalar(i, &k)
		k.BigInt(&b)
		parts[i] = m.endo.Split(&b)
		for h := range parts[i] {
			bits = max(bits, parts[i][h].BitLen())
		}
	}
	b.SetUint64(0)
	k.SetZero()
	windows := bits/glvWindow + 1
	for h := range m.digits {
		m.digits[h] = grow(m.digits[h], n*windows)
		m.neg[h] = grow(m.neg[h], n)
		for i := range n {
			p := &parts[i][h]
			m.neg[h][i] = p.Sign() < 0
			var limbs [4]uint64
			for j, w := range p.Bits() { // |kₕ| < 2^192
				limbs[j] = uint64(w)
			}
			Recode(limbs[:], glvWindow, m.digits[h][i*windows:(i+1)*windows])
			p.SetUint64(0)
		}
	}
	// Tables: P, 2P, …, 2^{w−1}·P for every point at once; then their
	// images.
	for h := range m.tab {
		if len(m.tab[h]) == 0 {
			m.tab[h] = make([][]Affine[F], half)
		}
		for d := range m.tab[h] {
			m.tab[h][d] = grow(m.tab[h][d], n)
		}
	}
	t := m.tab[0]
	copy(t[0], pts)
	copy(t[1], pts)
	m.adder.DoubleAll(t[1])
	for d := 2; d < half; d++ {
		copy(t[d], t[d-1])
		m.adder.Add(t[d], t[0])
	}
	for h, image := range m.endo.Images {
		for d := range half {
			copy(m.tab[h+1][d], t[d])
			for i := range n {
				image(&m.tab[h+1][d][i])
			}
		}
	}
	m.acc, m.q = grow(m.acc, n), grow(m.q, n)
	acc, q := m.acc, m.q
	clear(acc)
	for j := windows - 1; j >= 0; j-- {
		if j < windows-1 {
			for range glvWindow {
				m.adder.DoubleAll(acc)
			}
		}
		for h := range m.tab {
			for i := range n {
				d := m.digits[h][i*windows+j]
				switch {
				case d == 0:
					q[i] = Affine[F]{}
					continue
				case d > 0:
					q[i] = m.tab[h][d-1][i]
				default:
					q[i] = m.tab[h][-d-1][i]
				}
				if (d < 0) != m.neg[h][i] {
					Negate[F, PF](&q[i])
				}
			}
			m.adder.Add(acc, q)
		}
	}
	copy(pts, acc)
	for h := range m.digits {
		clear(m.digits[h])
		clear(m.neg[h])
	}
}

// grow returns s resized to n, reallocated when its capacity is short.
func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}
