package ceremony

import (
	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
)

// The long coefficients' part of the wires' sums in G1, one scalar at a
// time. A coefficient too long for the bucket method (sums.go) is a field
// element such as an inverse, and a circuit has few distinct ones
// (cnn_c32 had 178k long terms with 2 distinct values, ±2⁻¹², until
// circuit/sides.go's shortenR made them short), so Σₜ cₜ·Pₜ over a wire's
// long terms is grouped by coefficient,
// Σ_c c·(Σ_{t: cₜ = c} Pₜ), and each coefficient multiplies the point sums
// of all its groups at once (mulG1One: one addition chain for the whole
// batch, affine, all cores) instead of one Jacobian multiplication per
// term. The result is the same sum, so the evaluations are unchanged
// byte for byte (TestSameAsGnark).

// longGroup is one wire's long terms with one coefficient.
type longGroup struct {
	wire  int32
	coeff uint32
	rows  []int32
}

// longSums holds, for one side of the constraint matrix, each wire's long
// terms' sum on each of the given bases.
type longSums struct {
	start []int32            // wire k's groups are groups[start[k]:start[k+1]]
	pts   [][]curve.G1Affine // pts[b][g]: group g's c·ΣP on basis b
}

// longSumsOf computes the long terms' sums of side on every basis; nil
// when the side has no long term.
func longSumsOf(side *column, w *wireTerms, cs []fr.Element, bases ...[]curve.G1Affine) *longSums {
	nWires := len(side.start) - 1
	// Groups, wire by wire, each wire's coefficients in order of first use.
	var groups []longGroup
	start := make([]int32, nWires+1)
	for k := range nWires {
		first := len(groups)
		for _, e := range side.of(k) {
			if w.coeffs[e.coeff].short {
				continue
			}
			g := first
			for g < len(groups) && groups[g].coeff != e.coeff {
				g++
			}
			if g == len(groups) {
				groups = append(groups, longGroup{wire: int32(k), coeff: e.coeff})
			}
			groups[g].rows = append(groups[g].rows, e.row)
		}
		start[k+1] = int32(len(groups))
	}
	if len(groups) == 0 {
		return nil
	}
	// Groups ordered by coefficient, so that each coefficient's are one run.
	byCoeff := make(map[uint32][]int32)
	var order []uint32
	for g := range groups {
		c := groups[g].coeff
		if _, ok := byCoeff[c]; !ok {
			order = append(order, c)
		}
		byCoeff[c] = append(byCoeff[c], int32(g))
	}
	perm := make([]int32, 0, len(groups)) // position → group
	type run struct{ lo, hi int }
	runs := make([]run, 0, len(order))
	for _, c := range order {
		runs = append(runs, run{len(perm), len(perm) + len(byCoeff[c])})
		perm = append(perm, byCoeff[c]...)
	}
	ls := &longSums{start: start, pts: make([][]curve.G1Affine, len(bases))}
	for b, base := range bases {
		sorted := make([]curve.G1Affine, len(groups))
		parallel(len(groups), func(lo, hi int) {
			jac := make([]curve.G1Jac, hi-lo)
			for p := lo; p < hi; p++ {
				for _, row := range groups[perm[p]].rows {
					jac[p-lo].AddMixed(&base[row])
				}
			}
			toAffineG1(sorted[lo:hi], jac)
		}, nil)
		for _, r := range runs {
			mulG1One(sorted[r.lo:r.hi], &cs[groups[perm[r.lo]].coeff], nil)
		}
		out := make([]curve.G1Affine, len(groups))
		for p, g := range perm {
			out[g] = sorted[p]
		}
		ls.pts[b] = out
	}
	return ls
}

// add adds wire k's long terms' sum on basis b to acc.
func (ls *longSums) add(acc *curve.G1Jac, b, k int) {
	if ls == nil {
		return
	}
	for g := ls.start[k]; g < ls.start[k+1]; g++ {
		acc.AddMixed(&ls.pts[b][g])
	}
}
