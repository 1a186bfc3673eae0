package proof

import (
	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
)

// MSMs over wire values, most of them small.
//
// A wire's value is mostly a bit, a limb or a small activation; a few are
// full-size field elements (a negative value is r − |v|, a hash, an
// inverse). gnark-crypto's MultiExp cuts every scalar into ⌈256/c⌉
// windows of c bits (c ≈ 10 for 8k points, 16 for a million) and sums
// each window's 2^(c−1) buckets with two Jacobian additions a bucket; a
// window whose digits are all zero costs almost nothing, but a single
// full-size scalar gives every window a nonzero digit and so its full
// reduction. For accuracy (7,297 constraints, ~20 negative inputs among
// ~7.5k wires) that reduction was most of the wires' MSMs: ~26 windows ×
// 1,024 additions each, in G1 for A, B and K and in G2 for B. msmSplit
// takes the few full-size scalars out (takeLarge) into an MSM of their own, so that
// the rest, all below 2^64, leaves the windows above bit 64 empty.

// splitMost is the largest share of full-size scalars takeLarge takes
// out: beyond it their own MSM costs about what it saves.
const splitMost = 8 // one scalar in eight

// largeScalars is the full-size scalars (64 bits or more) of a vector,
// taken out of it: their indices and values.
type largeScalars struct {
	idx  []int
	vals []fr.Element
}

// takeLarge finds the scalars of 64 bits or more of s; when there are
// some, but at most one in splitMost, it zeroes them in s and returns
// them, else nil (s untouched). s is not restored: the prover passes
// vectors it reads no more after their MSMs.
func takeLarge(s []fr.Element) *largeScalars {
	var idx []int
	limit := len(s) / splitMost
	for i := range s {
		if !s[i].IsUint64() {
			if len(idx) == limit {
				return nil
			}
			idx = append(idx, i)
		}
	}
	if len(idx) == 0 {
		return nil
	}
	l := &largeScalars{idx: idx, vals: make([]fr.Element, len(idx))}
	for j, i := range idx {
		l.vals[j] = s[i]
		s[i].SetZero()
	}
	return l
}

// jacobian is gnark-crypto's G1Jac or G2Jac, J, through its pointer.
type jacobian[P, J any] interface {
	*J
	MultiExp(points []P, scalars []fr.Element, config ecc.MultiExpConfig) (*J, error)
	AddAssign(q *J) *J
}

// msmSplit sets res to Σ sᵢ·pointsᵢ + Σ l.valsⱼ·points_(l.idxⱼ): the MSM of
// the vector l was taken out of (nil: nothing was), its full-size
// scalars summed apart.
func msmSplit[P, J any, PJ jacobian[P, J]](res PJ, points []P, s []fr.Element, l *largeScalars, cfg ecc.MultiExpConfig) error {
	if _, err := res.MultiExp(points, s, cfg); err != nil || l == nil {
		return err
	}
	sub := make([]P, len(l.idx))
	for j, i := range l.idx {
		sub[j] = points[i]
	}
	var large J
	if _, err := PJ(&large).MultiExp(sub, l.vals, cfg); err != nil {
		return err
	}
	res.AddAssign(&large)
	return nil
}
