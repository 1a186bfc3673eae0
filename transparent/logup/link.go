package logup

import (
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/batch"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/sumcheck"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// Link is, under vanishing masks (pcs.Params.Vanishing) with fewer lookups
// than table entries (n < ℓ), f repeated to the table's 2^ℓ entries and the
// proof that it is: the lookup then runs on F = f_rep, every committed
// table over the same ℓ variables (a repeated table's vanishing mask would
// span only its own variables, which the sumcheck's masked factors cannot
// express).
//
// The transcript absorbs F's commitment and draws r = (r_hi, r_lo) ∈ F^ℓ
// (r_lo the last n coordinates); a sumcheck over n variables (masked factors,
// claim 0) proves
//
//	Σ_{x∈{0,1}^n} eq(r_lo, x)·(F̂(r_hi, x) − f̂(x)) = 0.
//
// With n = 0 (one lookup) nothing is bound (r_hi empty, F̂(r) ≠ F(r) off
// the cube) and the sum runs over all ℓ variables with f's single value
// repeated as a plain factor (a one-entry table has no mask).
//
// F̂(r_hi, ·) is F̂ with its first ℓ − n variables bound: on the n-cube F's
// entries folded by eq(r_hi), a masked factor whose row is
// Z(r_hi)·s_F (bound further by r_hi's last coordinates when F's columns
// span more than n variables). Its finals are claims on F at (r_hi, ρ) and
// on f at ρ. Soundness: the sum is the ℓ-variable multilinear extension of
// F − f_rep at r, nonzero with probability ≥ 1 − ℓ/|F| unless F = f_rep on
// the cube; the sumcheck adds ≤ 4n/|F| (degree 4 in its last round, masked)
// and the claims the batch's error.
type Link struct {
	F        pcs.Commitment
	Sumcheck sumcheck.Proof
}

// linkNeeded reports whether a lookup of 2^n entries into a table of 2^l
// needs a Link under p.
func linkNeeded(p pcs.Params, n, l int) bool { return p.Hiding && p.Vanishing && n < l }

// proveLink commits f repeated to 2^l entries, proves the link and records
// its two claims in bp; it returns the link and F's table and commitment.
func proveLink(tr *transcript.Transcript, params pcs.Params, fData *pcs.ProverData, f mle.Table, l int, bp *batch.Prover, ch cheats, table *Table) (*Link, mle.Table, *pcs.ProverData, error) {
	if bp == nil {
		return nil, nil, nil, fmt.Errorf("logup: %d lookups into a table of 2^%d entries under vanishing masks claim f's repetition twice: use ProveBatched (a hiding commitment opens once)", len(f), l)
	}
	n := f.NumVars()
	k, nl := linkVars(n, l)
	big := repeat(f, l)
	if ch.linkSub {
		big = repeat(cheats{substitute: true}.substituted(f, table), l)
	}
	bigData, err := pcs.Commit(params, big)
	if err != nil {
		return nil, nil, nil, err
	}
	link := &Link{F: bigData.Commitment()}
	link.F.Absorb(tr, "logup/f_rep")
	r := tr.Challenges("logup/r_link", l)
	eq := mle.EqTable(r[k:])
	folded := foldFirst(clone(big), r[:k])
	small := repeat(f, nl)
	if ch.linkTrueFold {
		folded = clone(small)
	}
	if ch.linkForgeEq {
		eq = mle.EqTable(forgedPoint(product(folded, nil, small), fr.Element{}))
	}
	in := sumcheck.Instance{
		Tables: []mle.Table{eq, folded, small},
		Terms:  linkTerms(),
		Masks:  [][]fr.Element{nil, foldedMask(bigData, r[:k], nl), nil},
	}
	if n > 0 {
		in.Masks[2] = fData.MaskRow()
	}
	var rho []fr.Element
	var zero fr.Element
	if link.Sumcheck, rho, err = sumcheck.ProveSum(tr, zero, in, true); err != nil {
		return nil, nil, nil, err
	}
	fin := link.Sumcheck.Finals
	if !omit["link F"] {
		if err := bp.Claim(bigData, append(append([]fr.Element(nil), r[:k]...), rho...), fin[1]); err != nil {
			return nil, nil, nil, err
		}
	}
	if !omit["link f"] {
		if err := bp.Claim(fData, rho[nl-n:], fin[2]); err != nil {
			return nil, nil, nil, err
		}
	}
	return link, big, bigData, nil
}

// verifyLink checks a link for f (n variables) into a table of 2^l entries
// and records its claims in bv; it returns F's commitment.
func verifyLink(tr *transcript.Transcript, params pcs.Params, f pcs.Commitment, l int, link *Link, bv *batch.Verifier) (pcs.Commitment, error) {
	n := f.NumVars
	if link == nil {
		return pcs.Commitment{}, fmt.Errorf("logup: %d lookups into a table of 2^%d entries under vanishing masks, and no link to f's repetition", 1<<n, l)
	}
	if bv == nil {
		return pcs.Commitment{}, fmt.Errorf("logup: a link to f's repetition checked at once: verify batched (a hiding commitment opens once)")
	}
	if link.F.NumVars != l {
		return pcs.Commitment{}, fmt.Errorf("logup: f's repetition committed over %d variables, want %d", link.F.NumVars, l)
	}
	link.F.Absorb(tr, "logup/f_rep")
	r := tr.Challenges("logup/r_link", l)
	k, nl := linkVars(n, l)
	sh := sumcheck.Shape{Tables: 3, Terms: linkTerms(), Masked: []int{-1, min(link.F.NumVars-link.F.RowVars, nl), -1}}
	if n > 0 {
		sh.Masked[2] = f.NumVars - f.RowVars
	}
	if link.Sumcheck.Mask == nil {
		return pcs.Commitment{}, fmt.Errorf("logup: the link to f's repetition is not masked under hiding")
	}
	var zero fr.Element
	rho, fin, _, err := sumcheck.VerifySum(tr, zero, nl, sh, link.Sumcheck)
	if err != nil {
		return pcs.Commitment{}, fmt.Errorf("logup: the link to f's repetition: %v", err)
	}
	if e := mle.Eq(r[k:], rho); !omit["link eq"] && !e.Equal(&fin[0]) {
		return pcs.Commitment{}, fmt.Errorf("logup: the link to f's repetition: eq factor differs from eq(r, ρ)")
	}
	if !omit["link F"] {
		if err := bv.Check(tr, params, link.F, append(append([]fr.Element(nil), r[:k]...), rho...), fin[1], pcs.Opening{}); err != nil {
			return pcs.Commitment{}, err
		}
	}
	if !omit["link f"] {
		if err := bv.Check(tr, params, f, rho[nl-n:], fin[2], pcs.Opening{}); err != nil {
			return pcs.Commitment{}, err
		}
	}
	return link.F, nil
}

// linkVars returns the link's bound variables k = ℓ − n and its sumcheck's
// nl = n, or k = 0 and nl = ℓ for n = 0.
func linkVars(n, l int) (k, nl int) {
	if n == 0 {
		return 0, l
	}
	return l - n, n
}

// linkTerms: eq·F(r_hi, ·) − eq·f.
func linkTerms() []sumcheck.Term {
	var one, minus fr.Element
	one.SetOne()
	minus.Neg(&one)
	return []sumcheck.Term{{Coef: one, Factors: []int{0, 1}}, {Coef: minus, Factors: []int{0, 2}}}
}

// foldFirst binds t's first len(r) variables to r (consumes t).
func foldFirst(t mle.Table, r []fr.Element) mle.Table {
	for _, ri := range r {
		t = t.Fold(ri)
	}
	return t
}

// foldedMask returns the mask row of F̂(rHi, ·) over n variables (F over
// len(rHi) + n): Z(rHi)·s_F (1 for rHi empty), s_F's variables beyond the
// last n bound to rHi's last coordinates (F's columns are its last c
// variables).
func foldedMask(d *pcs.ProverData, rHi []fr.Element, n int) []fr.Element {
	s := d.MaskRow()
	if s == nil {
		return nil
	}
	k := len(rHi)
	c := mle.Table(s).NumVars()
	if c > n {
		s = foldFirst(s, rHi[k-(c-n):])
	}
	z := fr.One()
	if k > 0 {
		z = pcs.Vanishing(rHi)
	}
	for i := range s {
		s[i].Mul(&s[i], &z)
	}
	return s
}
