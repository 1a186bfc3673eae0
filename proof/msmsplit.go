package proof

import (
	"github.com/consensys/gnark-crypto/ecc"
	curve "github.com/consensys/gnark-crypto/ecc/bn254"
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
// takes the few full-size scalars out into an MSM of their own, so that
// the rest, all below 2^64, leaves the windows above bit 64 empty.

// splitMost is the largest share of full-size scalars msmSplit takes out:
// beyond it their own MSM costs about what it saves.
const splitMost = 8 // one scalar in eight

// splitLarge finds the scalars of 64 bits or more; when there are some,
// but at most one in splitMost, it zeroes them in s and returns their
// indices and values (restore puts them back).
func splitLarge(s []fr.Element) (idx []int, vals []fr.Element) {
	limit := len(s) / splitMost
	for i := range s {
		if !s[i].IsUint64() {
			if len(idx) == limit {
				return nil, nil
			}
			idx = append(idx, i)
		}
	}
	if len(idx) == 0 {
		return nil, nil
	}
	vals = make([]fr.Element, len(idx))
	for j, i := range idx {
		vals[j] = s[i]
		s[i].SetZero()
	}
	return idx, vals
}

// restore puts the scalars splitLarge took out back into s.
func restore(s []fr.Element, idx []int, vals []fr.Element) {
	for j, i := range idx {
		s[i] = vals[j]
	}
}

// jacobian is gnark-crypto's G1Jac or G2Jac, J, through its pointer.
type jacobian[P, J any] interface {
	*J
	MultiExp(points []P, scalars []fr.Element, config ecc.MultiExpConfig) (*J, error)
	AddAssign(q *J) *J
}

// msmSplit is Σ sᵢ·pointsᵢ (res.MultiExp), the full-size scalars summed
// apart; s is left as it was.
func msmSplit[P, J any, PJ jacobian[P, J]](res PJ, points []P, s []fr.Element, cfg ecc.MultiExpConfig) error {
	idx, vals := splitLarge(s)
	defer restore(s, idx, vals)
	if _, err := res.MultiExp(points, s, cfg); err != nil || idx == nil {
		return err
	}
	sub := make([]P, len(idx))
	for j, i := range idx {
		sub[j] = points[i]
	}
	var large J
	if _, err := PJ(&large).MultiExp(sub, vals, cfg); err != nil {
		return err
	}
	res.AddAssign(&large)
	return nil
}

// msmSplitG1 is msmSplit in G1.
func msmSplitG1(res *curve.G1Jac, points []curve.G1Affine, s []fr.Element, cfg ecc.MultiExpConfig) error {
	return msmSplit(res, points, s, cfg)
}

// msmSplitG2 is msmSplit in G2.
func msmSplitG2(res *curve.G2Jac, points []curve.G2Affine, s []fr.Element, cfg ecc.MultiExpConfig) error {
	return msmSplit(res, points, s, cfg)
}
