package ceremony

import (
	"math/big"
	"math/bits"

	"github.com/zkinfer/zkinfer/internal/ecbatch"
)

// A wire's evaluation is a sparse linear combination Σₜ cₜ·[Lᵣₜ(τ)] of
// the Lagrange points of the rows it appears in. Most coefficients are
// short (±1, a quantized weight of a few bits), and a wire feeding a
// convolution or a dense layer appears in hundreds of rows, so each sum is
// computed with Pippenger's bucket method (N. Pippenger, "On the
// evaluation of powers and monomials", SIAM J. Comput. 1980; the method of
// multi-scalar multiplication) over the short coefficients: write
// |cₜ| = Σⱼ dₜⱼ·2^{bj} in signed digits |dₜⱼ| ≤ 2^{b−1}; for each window j
// add ±Pₜ into bucket |dₜⱼ| (one mixed addition per nonzero digit), then
// Σ_d d·bucket_d by running sums (2^b additions); windows are combined by
// b doublings each. A wire with t terms of at most k bits costs
// ⌈(k+1)/b⌉·(t + 2^b) additions instead of t short multiplications of k
// doublings each; b minimises it (b = 1, a plain double-and-add, for a
// lone term). Coefficients too long for a machine word (inverses, whose
// bits are all significant) are grouped by value, Σ_c c·(Σ_{t: cₜ = c} Pₜ),
// and each group multiplied once (GLV): the constant wire carries a hash's
// round constants into every permutation (54,220 long right-hand terms in a
// federated aggregation of 10 × 3,900 parameters, of 69 values),
// each once a G2 multiplication of its own.

// jacobian is G1Jac or G2Jac with what the sums need.
type jacobian[T, A any] interface {
	*T
	AddAssign(*T) *T
	AddMixed(*A) *T
	DoubleAssign() *T
	FromAffine(*A) *T
	ScalarMultiplication(*T, *big.Int) *T
	Neg(*T) *T
}

// point is G1Affine or G2Affine.
type point[A any] interface {
	*A
	Neg(*A) *A
}

// bucketWidth returns the window width b minimising the additions of a
// sum of t terms with coefficients of at most k bits (doublings counted
// as additions: either is ~10 field multiplications).
func bucketWidth(t, k int) uint {
	best, bestCost := uint(1), -1
	for b := uint(1); b <= 16; b++ {
		windows := k/int(b) + 1
		cost := windows * (t + 1<<b + int(b))
		if bestCost < 0 || cost < bestCost {
			best, bestCost = b, cost
		}
	}
	return best
}

// sum adds Σₜ cₜ·pts[rowₜ] over the terms to acc, leaving out the long
// coefficients' terms when skipLong (longSums adds them); buckets is
// scratch.
func sum[T, A any, PT jacobian[T, A], PA point[A]](acc *T, pts []A, terms []term, cs []coeff, skipLong bool, buckets *[]T) {
	k, short := 0, 0
	var few [4]longTerm[T]
	groups := few[:0] // the long terms, by coefficient (a wire has few but the constant one)
	for _, t := range terms {
		c := &cs[t.coeff]
		if c.short {
			k = max(k, bits.Len64(c.small))
			short++
			continue
		}
		if skipLong {
			continue
		}
		g := 0
		for g < len(groups) && groups[g].coeff != t.coeff {
			g++
		}
		if g == len(groups) {
			groups = append(groups, longTerm[T]{coeff: t.coeff})
		}
		PT(&groups[g].sum).AddMixed(&pts[t.row])
	}
	for i := range groups {
		c := &cs[groups[i].coeff]
		p := &groups[i].sum
		PT(p).ScalarMultiplication(p, &c.abs)
		if c.neg {
			PT(p).Neg(p)
		}
		PT(acc).AddAssign(p)
	}
	if short == 0 {
		return
	}
	b := bucketWidth(short, k)
	half, windows := 1<<(b-1), k/int(b)+1 // b·windows > k: room for the last carry
	*buckets = grow(*buckets, windows*half)
	bk := *buckets
	clear(bk) // Z = 0: the point at infinity
	var digits [65]int32
	for _, t := range terms {
		c := &cs[t.coeff]
		if !c.short {
			continue
		}
		ecbatch.Recode([]uint64{c.small}, b, digits[:windows])
		for j, d := range digits[:windows] {
			if d == 0 {
				continue
			}
			neg := c.neg != (d < 0)
			if d < 0 {
				d = -d
			}
			q := &bk[j*half+int(d)-1]
			if neg {
				var n A
				PT(q).AddMixed(PA(&n).Neg(&pts[t.row]))
			} else {
				PT(q).AddMixed(&pts[t.row])
			}
		}
	}
	var total T
	for j := windows - 1; j >= 0; j-- {
		for range b {
			PT(&total).DoubleAssign()
		}
		// Σ_d d·bucket_d = Σ_d (bucket_d + … + bucket_max): running sums.
		var run T
		w := bk[j*half : (j+1)*half]
		for d := half - 1; d >= 0; d-- {
			PT(&run).AddAssign(&w[d])
			PT(&total).AddAssign(&run)
		}
	}
	PT(acc).AddAssign(&total)
}

// longTerm is the sum of one wire's terms with one long coefficient.
type longTerm[T any] struct {
	coeff uint32
	sum   T
}

// grow returns s resized to n, reallocated when its capacity is short.
func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}
