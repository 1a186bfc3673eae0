package sumcheck

import (
	"sync"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/internal/par"
	"github.com/zkinfer/zkinfer/transparent/mle"
)

// sumProver holds a sum of products being proven: the tables (folded in
// place, round by round) and the terms.
type sumProver struct {
	tables []mle.Table
	terms  []Term
	need   []int  // per table, the largest degree of a term it is in
	unit   []bool // per term, Coef = 1 (no scaling)
	mul    int    // multiplications so far
}

func newSumProver(tables []mle.Table, terms []Term) *sumProver {
	s := &sumProver{tables: tables, terms: terms, need: make([]int, len(tables)), unit: make([]bool, len(terms))}
	for t, term := range terms {
		for _, k := range term.Factors {
			s.need[k] = max(s.need[k], len(term.Factors))
		}
		s.unit[t] = term.Coef.IsOne()
	}
	return s
}

// round returns the round polynomial Σ_t Coef_t·Σ_{x'} Π_{k∈t} T_k(X, x')
// at X = 0..deg (deg ≥ every term's degree) for tables whose first
// variable is the round's. Each term is summed at X = 0..|t| only, and its
// sum extended to 0..deg by interpolation (O(deg²) once per round): per
// entry pair, table k costs need_k − 1 additions and term t costs
// (|t| + 1)(|t| − 1) multiplications, as [Prove]'s single product.
func (s *sumProver) round(deg int) []fr.Element {
	h := len(s.tables[0]) / 2
	sums := make([][]fr.Element, len(s.terms))
	for t, term := range s.terms {
		sums[t] = make([]fr.Element, len(term.Factors)+1)
		s.mul += h * (len(term.Factors) + 1) * (len(term.Factors) - 1)
	}
	var mu sync.Mutex
	par.For(h, 1<<11, func(lo, hi int) {
		vals := make([][]fr.Element, len(s.tables)) // T_k at X = 0..need_k for the current pair
		for k := range vals {
			vals[k] = make([]fr.Element, s.need[k]+1)
		}
		local := make([][]fr.Element, len(s.terms))
		for t := range local {
			local[t] = make([]fr.Element, len(s.terms[t].Factors)+1)
		}
		var diff, prod fr.Element
		for i := lo; i < hi; i++ {
			for k, tb := range s.tables {
				v := vals[k]
				v[0] = tb[i]
				v[1] = tb[i+h]
				if len(v) > 2 {
					diff.Sub(&v[1], &v[0])
					for x := 2; x < len(v); x++ {
						v[x].Add(&v[x-1], &diff)
					}
				}
			}
			for t, term := range s.terms {
				l := local[t]
				f0, rest := term.Factors[0], term.Factors[1:]
				for x := range l {
					prod = vals[f0][x]
					for _, k := range rest {
						prod.Mul(&prod, &vals[k][x])
					}
					l[x].Add(&l[x], &prod)
				}
			}
		}
		mu.Lock()
		for t := range sums {
			for x := range sums[t] {
				sums[t][x].Add(&sums[t][x], &local[t][x])
			}
		}
		mu.Unlock()
	})
	g := make([]fr.Element, deg+1)
	for t, term := range s.terms {
		ext := extend(sums[t], deg)
		for x := range g {
			if !s.unit[t] {
				ext[x].Mul(&ext[x], &term.Coef)
			}
			g[x].Add(&g[x], &ext[x])
		}
	}
	return g
}

// bind folds every table's first variable to r.
func (s *sumProver) bind(r fr.Element) {
	for k := range s.tables {
		s.mul += len(s.tables[k]) / 2
		s.tables[k] = s.tables[k].Fold(r)
	}
}

// extend returns the values at 0..deg of the polynomial of degree
// < len(ys) with values ys at 0..len(ys)−1.
func extend(ys []fr.Element, deg int) []fr.Element {
	out := make([]fr.Element, deg+1)
	copy(out, ys)
	for x := len(ys); x <= deg; x++ {
		var r fr.Element
		r.SetUint64(uint64(x))
		out[x] = Interpolate(ys, r)
	}
	return out
}
