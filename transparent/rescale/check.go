package rescale

import (
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/internal/cheat"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/sumcheck"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// The check after the lookups: every relation among the tables as one
// eq-weighted zero-check by sumcheck (sumcheck.ProveSum), whose finals are
// single tables' values at its point ρ: no verifier check combines
// different tables' opened values at one point, so each table's claim can
// carry its own vanishing mask (zk design Part C), and nothing private is
// stated beyond the finals (Part D: the ReLU's ỹ(z) is no longer a claimed
// sum).
//
// The relations, on the cube:
//
//	L1 = a + 2^(s−1) − 2^s·q − r = 0,
//	L2 = q + 2^(b−1)·(1 − σ) − v0 − 2^12·v1 = 0   (σ ≡ 0 without ReLU),
//	B  = σ·σ − σ = 0,  P = σ·q − y = 0              (with ReLU).
//
// With λ, κ1, κ2 drawn after every commitment, E = L1 + λ·L2 + κ1·B +
// κ2·P and the prover proves Σ_x eq(z, x)·E(x) = 0 for a random z. The
// constant terms sum to c0 = 2^(s−1) + λ·2^(b−1) (Σ_x eq(z, x) = 1), so the
// claim is −c0 and the rest are the terms Coef·eq·T (linear, degree 2) and,
// with ReLU, κ1·eq·σ·σ and κ2·eq·σ·q (degree 3; 7 in the last round when
// the tables carry vanishing masks). The verifier checks eq's final against
// eq(z, ρ) itself; the other finals are claims on the commitments (batch).
//
// Soundness: if some relation fails at a point x of the cube, E(x), a
// nonzero polynomial of degree 1 in (λ, κ1, κ2), vanishes with probability
// ≤ 1/|F|; then Σ_x eq(z, x)·E(x), the multilinear extension of E's cube
// values at a random z, is zero with probability ≤ n/|F|; the sumcheck
// errs with ≤ n·D/|F| (D = 3, or 7 under vanishing masks, whose masked
// rounds all take the last round's degree) plus 1/|F| for a masked one's
// ρ_g: in all ≤ (4n + 2)/|F| without vanishing masks and (8n + 2)/|F| with
// them, < 2^-243 for n ≤ 64, besides the openings' error. Before this
// check the verifier tested L1 and L2 on values opened at one point z
// (n/|F|) and ran two zero-checks for B and P ((4n + 1)/|F| each, ỹ(r_b)
// stated).

// colY names the output y among the claimed tables.
const colY = numCols

// layout is the sumcheck's tables: eq(z, ·), the present columns in column
// order, then y (ReLU only). idx[c] is column c's table, −1 when absent.
type layout struct {
	idx    [numCols]int
	y      int // −1 without ReLU
	tables int
}

func (p Params) layout() layout {
	present := p.present()
	l := layout{y: -1, tables: 1}
	for c := range l.idx {
		l.idx[c] = -1
		if present[c] {
			l.idx[c] = l.tables
			l.tables++
		}
	}
	if p.ReLU {
		l.y = l.tables
		l.tables++
	}
	return l
}

// challenges are the zero-check's coefficients and point.
type challenges struct {
	lam, k1, k2 fr.Element // k1, k2 zero without ReLU
	z           []fr.Element
}

func drawChallenges(tr *transcript.Transcript, p Params, n int) challenges {
	var ch challenges
	ch.lam = tr.Challenge("rescale/lambda")
	if p.ReLU {
		ch.k1 = tr.Challenge("rescale/kappa-bit")
		ch.k2 = tr.Challenge("rescale/kappa-relu")
	}
	ch.z = tr.Challenges("rescale/z", n)
	return ch
}

// statement returns the zero-check's claim (−c0) and terms.
func (p Params) statement(l layout, ch challenges) (fr.Element, []sumcheck.Term) {
	var half, full, hb, limb, coef, claim fr.Element
	half.SetUint64(1 << (p.Shift - 1))
	full.SetUint64(1 << p.Shift)
	hb.SetUint64(1 << (p.Bits - 1))
	limb.SetUint64(1 << Limb)
	claim.Mul(&ch.lam, &hb).Add(&claim, &half).Neg(&claim) // −(2^(s−1) + λ·2^(b−1))
	var terms []sumcheck.Term
	lin := func(c int, v fr.Element) {
		if l.idx[c] >= 0 {
			terms = append(terms, sumcheck.Term{Coef: v, Factors: []int{0, l.idx[c]}})
		}
	}
	lin(colA, fr.One())
	lin(colQ, *coef.Sub(&ch.lam, &full))                                 // −2^s + λ
	lin(colR, *coef.SetOne().Neg(&coef))                                 // −1
	lin(colV0, *coef.Neg(&ch.lam))                                       // −λ
	lin(colV1, *coef.Mul(&ch.lam, &limb).Neg(&coef))                     // −λ·2^12
	lin(colSigma, *coef.Mul(&ch.lam, &hb).Add(&coef, &ch.k1).Neg(&coef)) // −λ·2^(b−1) − κ1
	if p.ReLU {
		s, q := l.idx[colSigma], l.idx[colQ]
		terms = append(terms,
			sumcheck.Term{Coef: ch.k1, Factors: []int{0, s, s}},
			sumcheck.Term{Coef: ch.k2, Factors: []int{0, s, q}},
			sumcheck.Term{Coef: *coef.Neg(&ch.k2), Factors: []int{0, l.y}})
	}
	return claim, terms
}

// vanishing reports whether the committed tables carry vanishing masks.
func vanishing(p pcs.Params, n int) bool { return p.Hiding && p.Vanishing && n > 0 }

// proveCheck runs the zero-check on the committed tables and returns its
// point ρ; data holds the present columns' commitments (nil when absent).
func proveCheck(tr *transcript.Transcript, p Params, proof *Proof, vals *[numCols]mle.Table, data *[numCols]*pcs.ProverData, y mle.Table, yData *pcs.ProverData, cht cheats) ([]fr.Element, error) {
	n := vals[0].NumVars()
	l := p.layout()
	ch := drawChallenges(tr, p, n)
	claim, terms := p.statement(l, ch)
	in := sumcheck.Instance{Tables: make([]mle.Table, l.tables), Terms: terms}
	if vanishing(p.PCS, n) {
		in.Masks = make([][]fr.Element, l.tables)
	}
	use := func(k int, t mle.Table, d *pcs.ProverData) {
		in.Tables[k] = append(mle.Table(nil), t...)
		if in.Masks != nil {
			in.Masks[k] = append([]fr.Element(nil), d.MaskRow()...)
		}
	}
	for c, k := range l.idx {
		if k >= 0 {
			use(k, vals[c], data[c])
		}
	}
	if l.y >= 0 {
		use(l.y, y, yData)
	}
	if cht.sumTable != nil {
		cht.sumTable(l, in.Tables)
	}
	in.Tables[0] = mle.EqTable(ch.z)
	if cht.forgeEq {
		in.Tables[0] = mle.EqTable(cheat.EqPoint(cheat.EqFree(&in), claim))
	}
	var rho []fr.Element
	var err error
	if proof.Check, rho, err = sumcheck.ProveSum(tr, claim, in, p.PCS.Hiding); err != nil {
		return nil, err
	}
	return rho, nil
}

// verifyCheck is proveCheck's verifier: it returns ρ and the finals, whose
// entries l.idx[c] and l.y the caller checks against the commitments.
func verifyCheck(tr *transcript.Transcript, p Params, proof *Proof, coms *[numCols]*pcs.Commitment, n int) (layout, []fr.Element, []fr.Element, error) {
	l := p.layout()
	ch := drawChallenges(tr, p, n)
	claim, terms := p.statement(l, ch)
	sh := sumcheck.Shape{Tables: l.tables, Terms: terms}
	if vanishing(p.PCS, n) {
		sh.Masked = make([]int, l.tables)
		sh.Masked[0] = -1
		for c, k := range l.idx {
			if k >= 0 {
				sh.Masked[k] = coms[c].NumVars - coms[c].RowVars
			}
		}
		if l.y >= 0 {
			sh.Masked[l.y] = proof.Y.NumVars - proof.Y.RowVars
		}
	}
	rho, fin, _, err := sumcheck.VerifySum(tr, claim, n, sh, proof.Check)
	if err != nil {
		return l, nil, nil, fmt.Errorf("rescale: zero-check of the relations (a + 2^(s−1) = q·2^s + r, q + 2^(b−1)(1 − σ) = v0 + 2^12·v1, σ a bit, y = σ·q): %v", err)
	}
	if eq := mle.Eq(ch.z, rho); !eq.Equal(&fin[0]) && !verifyNoEq {
		return l, nil, nil, fmt.Errorf("rescale: zero-check of the relations: eq factor differs from eq(z, ρ)")
	}
	return l, rho, fin, nil
}

// verifyNoEq, set only by tests, deletes the check of eq's final.
var verifyNoEq bool
