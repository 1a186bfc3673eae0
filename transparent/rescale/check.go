package rescale

import (
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/internal/par"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/sumcheck"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// The checks after the lookups, as zero-checks by sumcheck whose finals are
// single tables' values (docs/zk-design Part C: no verifier check combines
// different tables' values at one point, so each table's claims can carry
// its own vanishing mask).
//
// Linear relations. L1 = a + 2^(s−1) − 2^s·q − r and
// L2 = q + 2^(b−1)·(1 − σ) − v0 − 2^12·v1 (σ ≡ 0 without ReLU) must vanish on
// the cube. With λ drawn after every commitment, L = L1 + λ·L2 is affine in
// the tables (linCoefs); the prover proves Σ_x eq(z, x)·L(x) = 0 (one product
// [eq(z, ·), L], degree 2) and states a, q, r, v0, v1, σ at the sumcheck's
// point ρ; the verifier checks eq(z, ρ) itself and L's final against
// linCoefs applied to the stated values, which become opening claims.
// Soundness: if L1 or L2 is nonzero at some x, L(x) ≠ 0 except for one λ
// (1/|F|); then Σ_x eq(z, x)·L(x) = L̃(z) is a nonzero multilinear
// polynomial's value at a random z, zero with probability ≤ n/|F|; the
// sumcheck errs with 2n/|F| (plus 1/|F| for a masked one's shift): in all
// ≤ (3n + 2)/|F| < 2^-245 for n ≤ 64, besides the openings' own error.
//
// Sign (with ReLU). σ(σ − 1) = 0 and σ·q = y on the cube, combined with μ
// drawn after ỹ(z) is stated: Σ_x eq(z, x)·σ(x)·(σ(x) − 1 + μ·q(x)) = μ·ỹ(z),
// one product [eq(z, ·), σ, σ − 1 + μ·q] of degree 3; the prover states
// q(ρ'); the verifier checks the third factor's final against
// σ(ρ') − 1 + μ·q(ρ'). Soundness: if either relation fails at some x then
// σ(σ − 1)(x) + μ·(σq − y)(x) ≠ 0 except for one μ (1/|F|); then n/|F| at z
// and 3n/|F| (+1/|F| masked) for the sumcheck: ≤ (4n + 2)/|F|. ỹ(z) is an
// opened value of y (a claim of its own; under hiding it will need a tail).

// linCoefs returns the coefficients of L = L1 + λ·L2 on the columns and its
// constant term, for s = p.Shift and b = p.Bits.
func linCoefs(p Params, lam fr.Element) (coef [numCols]fr.Element, c0 fr.Element) {
	var half, full, hb, limb fr.Element
	half.SetUint64(1 << (p.Shift - 1))
	full.SetUint64(1 << p.Shift)
	hb.SetUint64(1 << (p.Bits - 1))
	limb.SetUint64(1 << Limb)
	coef[colA].SetOne()
	coef[colQ].Sub(&lam, &full)          // −2^s + λ
	coef[colR].SetOne().Neg(&coef[colR]) // −1
	coef[colV0].Neg(&lam)                // −λ
	coef[colV1].Mul(&lam, &limb).Neg(&coef[colV1])
	coef[colSigma].Mul(&lam, &hb).Neg(&coef[colSigma])
	c0.Mul(&lam, &hb).Add(&c0, &half) // 2^(s−1) + λ·2^(b−1)
	return coef, c0
}

// linAt returns Σ_c coef_c·at[c] + c0.
func linAt(coef *[numCols]fr.Element, c0 fr.Element, at []fr.Element) fr.Element {
	out := c0
	for c := range coef {
		var t fr.Element
		t.Mul(&coef[c], &at[c])
		out.Add(&out, &t)
	}
	return out
}

// linTable returns L's table: linAt at every entry.
func linTable(coef *[numCols]fr.Element, c0 fr.Element, vals *[numCols]mle.Table) mle.Table {
	out := make(mle.Table, len(vals[0]))
	par.For(len(out), 1<<12, func(lo, hi int) {
		var t fr.Element
		for i := lo; i < hi; i++ {
			out[i] = c0
			for c := range coef {
				t.Mul(&coef[c], &vals[c][i])
				out[i].Add(&out[i], &t)
			}
		}
	})
	return out
}

// claim is a value a table (by column, or the output y) must open to.
type claim struct {
	col   int // a column, or colY
	point []fr.Element
	value fr.Element
}

// colY names the output y in a claim.
const colY = numCols

// proveChecks runs the linear zero-check and (with ReLU) the sign check on
// the committed tables and returns the claims on them, in the order the
// verifier rebuilds them (present columns at ρ, then σ and q at ρ', y at z).
func proveChecks(tr *transcript.Transcript, p Params, proof *Proof, vals *[numCols]mle.Table, present [numCols]bool, y mle.Table, ch cheats) ([]claim, error) {
	n := vals[0].NumVars()
	lam := tr.Challenge("rescale/lambda")
	z := tr.Challenges("rescale/z", n)
	coef, c0 := linCoefs(p, lam)
	lin := linTable(&coef, c0, vals)
	if ch.linZero {
		lin = make(mle.Table, len(lin))
	}
	eqLin := mle.EqTable(z)
	if ch.forgeLin {
		eqLin = mle.EqTable(solvePoint(lin, fr.Element{}))
	}
	var rho []fr.Element
	var err error
	if proof.Lin, rho, _, err = sumcheck.ProveZK(tr, fr.Element{}, []mle.Table{eqLin, lin}, p.PCS.Hiding); err != nil {
		return nil, err
	}
	proof.AtRho = make([]fr.Element, numCols)
	for c := range vals {
		proof.AtRho[c], _ = vals[c].Eval(rho)
	}
	if ch.atRho != nil {
		ch.atRho(proof.AtRho)
	}
	tr.AppendElements("rescale/at-rho", proof.AtRho...)
	var claims []claim
	for c := range vals {
		if present[c] {
			claims = append(claims, claim{c, rho, proof.AtRho[c]})
		}
	}
	if !p.ReLU {
		return claims, nil
	}

	proof.YAtR, _ = y.Eval(z)
	tr.AppendElements("rescale/y(z)", proof.YAtR)
	mu := tr.Challenge("rescale/mu")
	sigma, q := vals[colSigma], vals[colQ]
	third := make(mle.Table, len(sigma))
	one := fr.One()
	for i := range third {
		third[i].Mul(&mu, &q[i])
		if !ch.bitZero {
			third[i].Add(&third[i], &sigma[i]).Sub(&third[i], &one)
		}
	}
	var target fr.Element
	target.Mul(&mu, &proof.YAtR)
	eqSign := mle.EqTable(z)
	if ch.forgeSign {
		eqSign = mle.EqTable(solvePoint(product(sigma, third), target))
	}
	var rho2 []fr.Element
	if proof.Sign, rho2, _, err = sumcheck.ProveZK(tr, target, []mle.Table{eqSign, clone(sigma), third}, p.PCS.Hiding); err != nil {
		return nil, err
	}
	proof.QAtSign, _ = q.Eval(rho2)
	tr.AppendElements("rescale/q(rho')", proof.QAtSign)
	return append(claims, claim{colSigma, rho2, proof.Sign.Finals[1]}, claim{colQ, rho2, proof.QAtSign}, claim{colY, z, proof.YAtR}), nil
}

// verifyChecks is proveChecks' verifier: it checks both sumchecks and the
// finals' relations and returns the same claims, to be checked against the
// commitments.
func verifyChecks(tr *transcript.Transcript, p Params, proof *Proof, present [numCols]bool, n int) ([]claim, error) {
	lam := tr.Challenge("rescale/lambda")
	z := tr.Challenges("rescale/z", n)
	rho, fin, err := sumcheck.VerifyEq(tr, fr.Element{}, z, 2, proof.Lin, "rescale: linear relations")
	if err != nil {
		return nil, err
	}
	if len(proof.AtRho) != numCols {
		return nil, fmt.Errorf("rescale: %d values at ρ, want %d", len(proof.AtRho), numCols)
	}
	at := proof.AtRho
	for c := range at {
		if !present[c] && !at[c].IsZero() {
			return nil, fmt.Errorf("rescale: value %d at ρ must be 0 (no such table)", c)
		}
	}
	coef, c0 := linCoefs(p, lam)
	if l := linAt(&coef, c0, at); !l.Equal(&fin[1]) {
		return nil, fmt.Errorf("rescale: linear relations: the stated values at ρ do not give L's final (a + 2^(s−1) ≠ q·2^s + r or q + 2^(b−1)(1 − σ) ≠ v0 + 2^12·v1)")
	}
	tr.AppendElements("rescale/at-rho", at...)
	var claims []claim
	for c := range at {
		if present[c] {
			claims = append(claims, claim{c, rho, at[c]})
		}
	}
	if !p.ReLU {
		if !proof.YAtR.IsZero() || !proof.QAtSign.IsZero() || len(proof.Sign.Rounds)+len(proof.Sign.Finals) > 0 || proof.Sign.Mask != nil {
			return nil, fmt.Errorf("rescale: without ReLU the proof must not carry the sign check's values")
		}
		return claims, nil
	}

	tr.AppendElements("rescale/y(z)", proof.YAtR)
	mu := tr.Challenge("rescale/mu")
	var target fr.Element
	target.Mul(&mu, &proof.YAtR)
	rho2, fin2, err := sumcheck.VerifyEq(tr, target, z, 3, proof.Sign, "rescale: σ is a bit and y = σ·q")
	if err != nil {
		return nil, err
	}
	tr.AppendElements("rescale/q(rho')", proof.QAtSign)
	var want fr.Element
	one := fr.One()
	want.Mul(&mu, &proof.QAtSign).Add(&want, &fin2[1]).Sub(&want, &one)
	if !want.Equal(&fin2[2]) {
		return nil, fmt.Errorf("rescale: σ is a bit and y = σ·q: factor σ − 1 + μ·q differs from the stated σ and q")
	}
	return append(claims, claim{colSigma, rho2, fin2[1]}, claim{colQ, rho2, proof.QAtSign}, claim{colY, z, proof.YAtR}), nil
}
