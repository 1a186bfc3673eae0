package sumcheck

import (
	"sync"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/internal/par"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// sumProver holds a sum of products being proven: the tables (folded in
// place, round by round), their masks and the terms.
type sumProver struct {
	tables []mle.Table
	masks  [][]fr.Element // per table nil or s_k (nil: none masked)
	terms  []Term
	need   []int      // per table, the largest degree of a term it is in
	unit   []bool     // per term, Coef = 1 (no scaling)
	mul    int        // multiplications so far
	lie    fr.Element // tests only (pool cheats): round j adds lie·2^-(j+1), so the last claim is off by lie·2^-n

	n     int
	point []fr.Element   // ρ_0..ρ_{j−1}
	spans []int          // per table, Z's variables (the last ones; 0: all n); nil: all n
	shat  [][]fr.Element // in the last round, ŝ_k at 0 and 1 (nil for a plain factor)
}

func newSumProver(tables []mle.Table, masks [][]fr.Element, spans []int, terms []Term) *sumProver {
	s := &sumProver{tables: tables, terms: terms, need: make([]int, len(tables)), unit: make([]bool, len(terms)), n: tables[0].NumVars()}
	s.point = make([]fr.Element, 0, s.n)
	for _, m := range masks {
		if m != nil {
			s.masks, s.spans = masks, spans
		}
	}
	for t, term := range terms {
		for _, k := range term.Factors {
			s.need[k] = max(s.need[k], len(term.Factors))
		}
		s.unit[t] = term.Coef.IsOne()
	}
	return s
}

// rounds runs the n rounds on tr: round j's polynomial h_j of degree
// deg(j) (the terms', plus the tail's when tp is set, computed at its
// deg(j) + 1 points: each term at its own |t| + 1 and extended by
// interpolation), plus ρ·the mask's round polynomial (of the same degree)
// when mask is set, is absorbed, the challenge drawn and bound everywhere.
// It returns the round polynomials and the point.
func (s *sumProver) rounds(tr *transcript.Transcript, tp *tailProver, mask *Mask, deg func(j int) int) ([][]fr.Element, []fr.Element) {
	gs := make([][]fr.Element, s.n)
	for j := range s.n {
		g := s.round(deg(j))
		if tp != nil {
			tp.add(g, j, s.n)
		}
		if mask != nil {
			mask.AddRound(g)
		}
		if !s.lie.IsZero() {
			shiftRound(g, s.lie, j)
		}
		tr.AppendElements("sumcheck/round", g...)
		r := tr.Challenge("sumcheck/r")
		s.bind(r)
		if tp != nil {
			tp.bind(r, j, s.n)
		}
		if mask != nil {
			mask.Bind(r)
		}
		gs[j] = g
	}
	return gs, s.point
}

// round returns the round polynomial Σ_t Coef_t·Σ_{x'} Π_{k∈t} T_k(X, x')
// at X = 0..deg (deg ≥ every term's degree) for tables whose first
// variable is the round's. Each term is summed at X = 0..|t| only, and its
// sum extended to 0..deg by interpolation (O(deg²) once per round): per
// entry pair, table k costs need_k − 1 additions and term t costs
// (|t| + 1)(|t| − 1) multiplications, as [Prove]'s single product.
func (s *sumProver) round(deg int) []fr.Element {
	if s.masks != nil && len(s.point) == s.n-1 {
		return s.lastMasked(deg)
	}
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
		ext := Extend(sums[t], deg)
		for x := range g {
			if !s.unit[t] {
				ext[x].Mul(&ext[x], &term.Coef)
			}
			g[x].Add(&g[x], &ext[x])
		}
	}
	return g
}

// lastMasked is the last round's polynomial when some factors are masked:
// T̂_k(ρ_<, X) = T_k(ρ_<, X) + Z_<·X(1 − X)·ŝ_k(X), ŝ_k = s̃_k with its
// first c − 1 variables bound to ρ_{n−c..n−2} (linear in X; constant for
// c = 0), computed by folding a copy of s_k (2^c multiplications). A masked
// factor is of degree 3 in X; the rounds before are T̃_k's, since Z
// vanishes while a later variable is Boolean.
func (s *sumProver) lastMasked(deg int) []fr.Element {
	lines := make([][2]fr.Element, len(s.tables))
	s.shat = make([][]fr.Element, len(s.tables))
	zs := make([]fr.Element, len(s.tables))
	for k, tb := range s.tables {
		lines[k] = [2]fr.Element{tb[0], tb[1]}
		if m := s.masks[k]; m != nil {
			s.shat[k] = MaskRow(m, s.point)
			zs[k] = s.vanishing(k)
		}
	}
	return LastMaskedRound(s.terms, lines, s.shat, zs, deg)
}

// MaskRow returns ŝ = s̃ with its first c − 1 variables bound to the last
// c − 1 coordinates of point (c the vanishing row's variables; for c = 0
// the constant line of s's one entry): the masked factor's mask in the
// last round, a line in X.
func MaskRow(m []fr.Element, point []fr.Element) mle.Table {
	c := mle.Table(m).NumVars()
	if c == 0 {
		return mle.Table{m[0], m[0]}
	}
	sk := append(mle.Table(nil), m...)
	for _, r := range point[len(point)-(c-1):] {
		sk = sk.Fold(r)
	}
	return sk
}

// LastMaskedRound returns the last round's polynomial at 0..deg of
// Σ_t Coef_t·Π_k T̂_k(X), each factor given by its line (values at X = 0
// and 1) plus, where shat[k] is not nil, Z_<[k]·X(1 − X)·ŝ_k(X) (shat[k]
// from MaskRow, zs[k] its Z over the bound coordinates of its span).
// Provers whose tables are not plain folded tables (weightpack's block
// prover) give their lines and share this round with ProveSum's.
func LastMaskedRound(terms []Term, lines [][2]fr.Element, shat [][]fr.Element, zs []fr.Element, deg int) []fr.Element {
	vals := make([][]fr.Element, len(lines))
	one := fr.One()
	for k, ln := range lines {
		v := make([]fr.Element, deg+1)
		var diff fr.Element
		diff.Sub(&ln[1], &ln[0])
		v[0] = ln[0]
		for x := 1; x <= deg; x++ {
			v[x].Add(&v[x-1], &diff)
		}
		if sk := shat[k]; sk != nil {
			for x := 0; x <= deg; x++ {
				var X, w, sx fr.Element
				X.SetUint64(uint64(x))
				w.Sub(&one, &X).Mul(&w, &X).Mul(&w, &zs[k]) // Z_<·X(1 − X)
				sx.Sub(&sk[1], &sk[0]).Mul(&sx, &X).Add(&sx, &sk[0])
				w.Mul(&w, &sx)
				v[x].Add(&v[x], &w)
			}
		}
		vals[k] = v
	}
	g := make([]fr.Element, deg+1)
	for _, term := range terms {
		for x := range g {
			prod := term.Coef
			for _, k := range term.Factors {
				prod.Mul(&prod, &vals[k][x])
			}
			g[x].Add(&g[x], &prod)
		}
	}
	return g
}

// MaskTerm returns a masked factor's mask part of its final after the
// last round's challenge r: z·ŝ(r), z its Z(ρ), ŝ from MaskRow.
func MaskTerm(shat []fr.Element, z, r fr.Element) fr.Element {
	var m fr.Element
	m.Sub(&shat[1], &shat[0]).Mul(&m, &r).Add(&m, &shat[0]).Mul(&m, &z)
	return m
}

// bind folds every table's first variable to r.
func (s *sumProver) bind(r fr.Element) {
	for k := range s.tables {
		s.mul += len(s.tables[k]) / 2
		s.tables[k] = s.tables[k].Fold(r)
	}
	s.point = append(s.point, r)
}

// vanishing returns table k's Z over the bound coordinates of its span:
// Π_{n−span ≤ i < j} ρ_i(1 − ρ_i) (Z_< in the last round, Z(ρ) after it).
func (s *sumProver) vanishing(k int) fr.Element {
	span := s.n
	if s.spans != nil && s.spans[k] > 0 {
		span = s.spans[k]
	}
	var z, one, t fr.Element
	z.SetOne()
	one.SetOne()
	for _, r := range s.point[s.n-span:] {
		t.Sub(&one, &r).Mul(&t, &r)
		z.Mul(&z, &t)
	}
	return z
}

// finals returns T̂_k(ρ) = T̃_k(ρ) + Z(ρ)·s̃_k(ρ_{n−c..n−1}) once every
// round is bound (s̃_k(ρ…) = ŝ_k(ρ_{n−1})).
func (s *sumProver) finals() []fr.Element {
	out := make([]fr.Element, len(s.tables))
	for k, t := range s.tables {
		out[k] = t[0]
		if s.shat != nil && s.shat[k] != nil {
			m := MaskTerm(s.shat[k], s.vanishing(k), s.point[s.n-1])
			out[k].Add(&out[k], &m)
		}
	}
	return out
}

// Extend returns the values at 0..deg of the polynomial of degree
// < len(ys) with values ys at 0..len(ys)−1.
func Extend(ys []fr.Element, deg int) []fr.Element {
	out := make([]fr.Element, deg+1)
	copy(out, ys)
	for x := len(ys); x <= deg; x++ {
		var r fr.Element
		r.SetUint64(uint64(x))
		out[x] = Interpolate(ys, r)
	}
	return out
}
