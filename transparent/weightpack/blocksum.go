package weightpack

import (
	"sync"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/internal/par"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/sumcheck"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// The block prover: sumcheck.ProveSum's proof of a statement (relation.go)
// whose coefficients vanish outside their blocks, in O(Σ 2^n) a round
// over the blocks instead of O(2^P) a table. Its proof is the one ProveSum
// would send for the statement's tables materialized to 2^P entries (the
// same rounds: a round's polynomial is determined by the sum; the same
// transcript; TestBlockProverMatches), so sumcheck.VerifySum checks it.
//
// Round j binds variable j (the most significant first). A term κ·C·F…
// with C on the block of n variables at offset o (prefix p = P − n) is
//
//   - in round j < p, κ·w_j·eq(X, o_j)·Σ_y c(y)·ΠF(y)·[H(ρ_<j, X, o_>j, y)]:
//     C vanishes off o's prefix and the F's are constant along it, so the
//     sum over the block is one inner product, linear in X through H (a
//     bin of the table space, holding the block) once H's own prefix is
//     bound, and w_j = Π_{i<j} eq(ρ_i, o_i) the prefix's weight so far;
//   - in round j ≥ p, κ·w_p times the ordinary round of the product of its
//     folded tables (H folded to the block's size by then).
//
// The last round is sumcheck's lastMasked: each factor as its line
// T(ρ_<, X), plus Z_<·X(1 − X)·ŝ(X) for a masked one.

// ptab is an instance table in the prover.
type ptab struct {
	itab
	tab  mle.Table    // c (coefficient), the table (data, public), H (full); folded in place
	w    fr.Element   // coefficient: eq(ρ_i, o_i) over the bound prefix variables
	mask []fr.Element // a masked data table's vanishing row (nil: plain)
	span int          // its Z's variables (the table's)
}

type blockProver struct {
	P     int
	tabs  []ptab
	terms []sumcheck.Term
	point []fr.Element
	// ips[t]: term t's Σ_y c(y)·ΠF(y) (no H) or c·ΠF (with H), cached
	// while its tables are not folded.
	ips  []fr.Element
	cfs  []mle.Table
	done []bool
	shat [][]fr.Element
}

// proveBlocks proves the statement on the prover's tables (each
// 2^vars entries, consumed) with masks (per table nil or its vanishing
// row) and, under zk, a Libra mask committed under sumcheck.MaskParams.
// It returns the proof and ρ'.
func proveBlocks(tr *transcript.Transcript, s *stmt, tabs []ptab, sh sumcheck.Shape, zk bool) (sumcheck.Proof, []fr.Element, error) {
	degs, err := sumcheck.RoundDegrees(s.P, sh)
	if err != nil {
		return sumcheck.Proof{}, nil, err
	}
	sh.Absorb(tr, s.claim, s.P) // as ProveSum: its proofs verify with VerifySum
	bp := &blockProver{P: s.P, tabs: tabs, terms: s.terms,
		ips: make([]fr.Element, len(s.terms)), cfs: make([]mle.Table, len(s.terms)), done: make([]bool, len(s.terms))}
	for i := range bp.tabs {
		bp.tabs[i].w = fr.One()
	}
	var proof sumcheck.Proof
	var mask *sumcheck.Mask
	if zk && s.P > 0 {
		if mask, err = sumcheck.NewMaskDegrees(degs, sumcheck.MaskParams); err != nil {
			return sumcheck.Proof{}, nil, err
		}
		proof.Mask = &sumcheck.MaskPart{Com: mask.Commitment(), Sum: mask.Sum()}
		proof.Mask.Com.Absorb(tr, "sumcheck/mask")
		tr.AppendElements("sumcheck/masksum", proof.Mask.Sum)
		mask.Start(tr.Challenge("sumcheck/rho"))
	}
	proof.Rounds = make([][]fr.Element, s.P)
	for j := range s.P {
		var g []fr.Element
		if j == s.P-1 {
			g = bp.last(degs[j])
		} else {
			g = bp.round(j, degs[j])
		}
		if mask != nil {
			mask.AddRound(g)
		}
		tr.AppendElements("sumcheck/round", g...)
		r := tr.Challenge("sumcheck/r")
		bp.bind(j, r)
		if mask != nil {
			mask.Bind(r)
		}
		proof.Rounds[j] = g
	}
	proof.Finals = bp.finals()
	tr.AppendElements("sumcheck/finals", proof.Finals...)
	if mask != nil {
		proof.Mask.Value = mask.Value()
		tr.AppendElements("sumcheck/maskvalue", proof.Mask.Value)
		if proof.Mask.Open, err = mask.Open(tr); err != nil {
			return sumcheck.Proof{}, nil, err
		}
	}
	return proof, bp.point, nil
}

// prefix returns the number of variables of table i's prefix, P − n.
func (bp *blockProver) prefix(i int) int { return bp.P - bp.tabs[i].vars }

// bit returns coefficient i's offset bit at variable j (j < its prefix).
func (bp *blockProver) bit(i, j int) uint {
	return uint(bp.tabs[i].off>>(bp.P-1-j)) & 1
}

// round returns round j's polynomial at 0..deg (j < P − 1).
func (bp *blockProver) round(j, deg int) []fr.Element {
	g := make([]fr.Element, deg+1)
	for t, term := range bp.terms {
		c := term.Factors[0]
		ct := &bp.tabs[c]
		var vals []fr.Element // κ-less term at X = 0..deg
		if j < bp.prefix(c) {
			vals = bp.prefixRound(t, j, deg)
		} else {
			vals = sumcheck.Extend(bp.pairSums(term.Factors), deg)
			for x := range vals {
				vals[x].Mul(&vals[x], &ct.w)
			}
		}
		for x := range g {
			var v fr.Element
			v.Mul(&vals[x], &term.Coef)
			g[x].Add(&g[x], &v)
		}
	}
	return g
}

// prefixRound is term t's round j < its prefix: w_j·eq(X, o_j)·I(X), I
// constant (the block's inner product) without H, and with H (a bin, a
// table over the last v ≥ n variables at its own offset) the line
// (1 − X)·I_0 + X·I_1 of c·ΠF against H's two slices at (X, o_>j) once
// H's own prefix is bound, or against H's entries at the block's place
// in the bin (I constant) before.
func (bp *blockProver) prefixRound(t, j, deg int) []fr.Element {
	term := bp.terms[t]
	c := term.Factors[0]
	ct := &bp.tabs[c]
	hf := -1 // the term's H, if any
	for _, k := range term.Factors[1:] {
		if bp.tabs[k].kind == fullKind {
			hf = k
		}
	}
	if !bp.done[t] {
		// c·ΠF over the block (none of them is folded before its prefix ends).
		cf := append(mle.Table(nil), ct.tab...)
		for _, k := range term.Factors[1:] {
			if k == hf {
				continue
			}
			f := bp.tabs[k].tab
			par.For(len(cf), 1<<12, func(lo, hi int) {
				for y := lo; y < hi; y++ {
					cf[y].Mul(&cf[y], &f[y])
				}
			})
		}
		if hf >= 0 {
			bp.cfs[t] = cf
		} else {
			bp.ips[t] = cf.Sum()
		}
		bp.done[t] = true
	}
	var i0, i1 fr.Element
	n := ct.vars
	switch {
	case hf < 0:
		i0, i1 = bp.ips[t], bp.ips[t]
	case j < bp.prefix(hf): // H not folded yet: the block's place in the bin
		h := bp.tabs[hf].tab
		at := ct.off - bp.tabs[hf].off
		i0 = mle.Inner(bp.cfs[t], h[at:at+1<<n])
		i1 = i0
	default:
		h := bp.tabs[hf].tab
		half := len(h) / 2
		mid := (ct.off >> n) & (1<<(bp.prefix(c)-1-j) - 1)
		base := mid << n
		i0 = mle.Inner(bp.cfs[t], h[base:base+1<<n])
		i1 = mle.Inner(bp.cfs[t], h[half+base:half+base+1<<n])
	}
	o := bp.bit(c, j)
	out := make([]fr.Element, deg+1)
	one := fr.One()
	for x := range out {
		var X, e, v, d fr.Element
		X.SetUint64(uint64(x))
		if o == 1 {
			e = X
		} else {
			e.Sub(&one, &X)
		}
		d.Sub(&i1, &i0).Mul(&d, &X)
		v.Add(&i0, &d).Mul(&v, &e).Mul(&v, &ct.w)
		out[x] = v
	}
	return out
}

// pairSums returns Σ_i Π_k T_k(X, i) at X = 0..|factors| for tables whose
// first variable is the round's (all of the same length).
func (bp *blockProver) pairSums(factors []int) []fr.Element {
	d := len(factors)
	h := len(bp.tabs[factors[0]].tab) / 2
	sums := make([]fr.Element, d+1)
	var mu sync.Mutex
	par.For(h, 1<<11, func(lo, hi int) {
		local := make([]fr.Element, d+1)
		vals := make([][]fr.Element, d)
		for k := range vals {
			vals[k] = make([]fr.Element, d+1)
		}
		var diff, prod fr.Element
		for i := lo; i < hi; i++ {
			for k, f := range factors {
				tb, v := bp.tabs[f].tab, vals[k]
				v[0], v[1] = tb[i], tb[i+h]
				diff.Sub(&v[1], &v[0])
				for x := 2; x <= d; x++ {
					v[x].Add(&v[x-1], &diff)
				}
			}
			for x := range local {
				prod = vals[0][x]
				for k := 1; k < d; k++ {
					prod.Mul(&prod, &vals[k][x])
				}
				local[x].Add(&local[x], &prod)
			}
		}
		mu.Lock()
		for x := range sums {
			sums[x].Add(&sums[x], &local[x])
		}
		mu.Unlock()
	})
	return sums
}

// line returns table i's line T(ρ_<, X) in the last round, as its values
// at X = 0 and 1 (a coefficient's weighted by its prefix).
func (bp *blockProver) line(i int) [2]fr.Element {
	t := &bp.tabs[i]
	if t.vars == 0 {
		v := t.tab[0]
		if t.kind != coefKind {
			return [2]fr.Element{v, v}
		}
		v.Mul(&v, &t.w)
		var z fr.Element
		if bp.bit(i, bp.P-1) == 1 {
			return [2]fr.Element{z, v}
		}
		return [2]fr.Element{v, z}
	}
	a, b := t.tab[0], t.tab[1]
	if t.kind == coefKind {
		a.Mul(&a, &t.w)
		b.Mul(&b, &t.w)
	}
	return [2]fr.Element{a, b}
}

// last is the last round: sumcheck's, over each table's line.
func (bp *blockProver) last(deg int) []fr.Element {
	lines := make([][2]fr.Element, len(bp.tabs))
	bp.shat = make([][]fr.Element, len(bp.tabs))
	zs := make([]fr.Element, len(bp.tabs))
	for i := range bp.tabs {
		lines[i] = bp.line(i)
		if m := bp.tabs[i].mask; m != nil {
			bp.shat[i] = sumcheck.MaskRow(m, bp.point)
			zs[i] = bp.vanishing(i)
		}
	}
	return sumcheck.LastMaskedRound(bp.terms, lines, bp.shat, zs, deg)
}

// vanishing returns table i's Z over the bound coordinates of its span.
func (bp *blockProver) vanishing(i int) fr.Element {
	z, one := fr.One(), fr.One()
	var t fr.Element
	for _, r := range bp.point[bp.P-bp.tabs[i].span:] {
		t.Sub(&one, &r).Mul(&t, &r)
		z.Mul(&z, &t)
	}
	return z
}

// bind binds variable j to r: a table folds once its prefix is bound; a
// coefficient's weight takes eq(r, o_j) before.
func (bp *blockProver) bind(j int, r fr.Element) {
	bp.point = append(bp.point, r)
	if j == bp.P-1 {
		return // finals() evaluates the lines
	}
	one := fr.One()
	for i := range bp.tabs {
		t := &bp.tabs[i]
		if j >= bp.prefix(i) {
			t.tab = t.tab.Fold(r)
			continue
		}
		if t.kind == coefKind {
			if bp.bit(i, j) == 1 {
				t.w.Mul(&t.w, &r)
			} else {
				var e fr.Element
				e.Sub(&one, &r)
				t.w.Mul(&t.w, &e)
			}
		}
	}
}

// finals returns each table's final: its line at ρ'_{P−1}, plus
// Z(ρ')·ŝ(ρ'_{P−1}) for a masked one.
func (bp *blockProver) finals() []fr.Element {
	r := bp.point[bp.P-1]
	out := make([]fr.Element, len(bp.tabs))
	for i := range bp.tabs {
		ln := bp.line(i)
		out[i].Sub(&ln[1], &ln[0]).Mul(&out[i], &r).Add(&out[i], &ln[0])
		if sk := bp.shat[i]; sk != nil {
			m := sumcheck.MaskTerm(sk, bp.vanishing(i), r)
			out[i].Add(&out[i], &m)
		}
	}
	return out
}
