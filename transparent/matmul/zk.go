package matmul

import (
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/batch"
	"github.com/zkinfer/zkinfer/transparent/internal/cheat"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/sumcheck"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// A step under vanishing masks (pcs.Params{Hiding, Vanishing}; zk design
// parts A/B, issue 22). Every value the verifier receives is public, an
// f̂ of a masked commitment, a mask claim at a fresh point, or a masked
// sumcheck round:
//
//   - StepProof.YAtR is ŷ(r) = ỹ(r) + Z(r)·s̃_y(r_col), r = (r_i, r_j), a
//     value claim on Y. The sumcheck proves
//     ŷ(r) − bias = Σ_κ Â(κ)·Ŵ(κ) + Z(r)·s̃_y(r_col) with the tail
//     {Z(r), r_col, s_y} (sumcheck.Tail), whose final s̃_y(ρ…) becomes a
//     mask claim on Y (batch.ClaimMask); s̃_y(r_col) is never stated.
//   - Â(κ) = X̂(r_i, κ) is a masked factor, row Z(r_i)·s_x ([MaskAfter]);
//     its final X̂(r_i, r_k) is a value claim on X.
//   - Committed W: Ŵ(κ, r_j) is a masked factor, row Z(r_j)·s_w bound to
//     r_j ([MaskBefore]); its final Ŵ(r_k, r_j) a value claim on W. Public
//     W: a plain factor checked by the verifier as before.
//   - Committed b: nothing is stated (StepProof.BAtR stays zero); the
//     bias's part rows(r_i)·b̃(r_j) is a second term of the same sumcheck,
//     run over n = max(c, e) variables with both cubes repeated over the
//     first variables: Σ_x 2^−(n−c)·Â·Ŵ + rows·2^−(n−e)·eq(r_j, x_last e)·
//     b̂(x_last e) (b̂ a masked factor spanning its own e variables); its
//     finals are eq(r_j, ρ_last e), which the verifier computes, and
//     b̂(ρ_last e), a value claim on b. Public b: computed, as before.
//
// Soundness of the step under vanishing masks: the random point r as
// before ((a + e)/|F|); the sumcheck over n variables with a last round of
// degree ≤ 6 (two masked factors) and the Libra mask: ≤ 6n/|F| + 1/|F|;
// every final bound by a claim of the batch (its error). ≤ 2^-230 with
// n ≤ 40, before the batch's and the pcs's errors.
//
// Zero knowledge: the rounds are masked (Libra); the finals are f̂ values
// at the sumcheck's point (uniform, pcs/batch's argument: their forms in
// the vanishing rows are independent of the other claims' w.h.p.), the
// tail's final is a form eq(ρ…) of s_y at a fresh point, and ŷ(r) carries
// Z(r)·s̃_y(r_col). Y receives 3 forms of s_y (ŷ(r), the tail's, the
// batch's V) besides its rows: hidden while Y has ≥ 2 column variables.
// Not hidden: a 1-entry sumcheck (K = 1: n = 0 with no committed bias),
// whose tail final is s̃_y(r_col) itself (documented in TRANSPARENT.md).

// vanishing reports whether p makes commitments with vanishing masks.
func vanishing(p pcs.Params) bool { return p.Hiding && p.Vanishing }

// zkShape is the sumcheck's statement under vanishing masks; n its
// variables, bias whether the committed bias's term is in.
func (pub *Public) zkShape(d dims, x, w, y, b pcs.Commitment, ri, rj []fr.Element, eqI []fr.Element) (sumcheck.Shape, int) {
	bias := b != (pcs.Commitment{})
	n := d.c
	if bias {
		n = max(d.c, d.e)
	}
	sh := sumcheck.Shape{Tables: 2, Masked: []int{-1, -1}, Spans: []int{0, 0}}
	sh.Terms = []sumcheck.Term{{Coef: Repeat(fr.One(), d.c, n), Factors: []int{0, 1}}}
	cx := x.NumVars - x.RowVars
	sh.Masked[0], sh.Spans[0] = MaskVars(x.NumVars > 0, min(cx, d.c), d.c, n)
	if w != (pcs.Commitment{}) {
		cw := w.NumVars - w.RowVars
		sh.Masked[1], sh.Spans[1] = MaskVars(w.NumVars > 0, max(cw-d.e, 0), d.c, n)
	}
	if bias {
		sh.Tables = 4
		cb := b.NumVars - b.RowVars
		mb, sb := MaskVars(b.NumVars > 0, cb, d.e, n)
		sh.Masked = append(sh.Masked, -1, mb)
		sh.Spans = append(sh.Spans, 0, sb)
		sh.Terms = append(sh.Terms, sumcheck.Term{Coef: Repeat(pub.rowsTimes(eqI, fr.One()), d.e, n), Factors: []int{2, 3}})
	}
	sh.Tail = OutputTail(y, nil, append(append([]fr.Element(nil), ri...), rj...))
	return sh, n
}

// committedCom returns the layer's weight commitments (zero when public).
func (pub *Public) committedCom() (w, b pcs.Commitment) {
	w, b, _ = pub.com.Commitments()
	return
}

// vanishingClaim is the step's sumcheck claim under vanishing masks from
// Ŷ(r_i, r_j) as stated: less the public bias's share b̃(r_j) when the
// weights are public (committed weights: the bias is a term of the
// sumcheck). The prover and the verifier derive it here alike.
func (pub *Public) vanishingClaim(yAtR fr.Element, eqI, eqJ mle.Table) fr.Element {
	if pub.com == nil {
		bc := pub.biasClaim(eqI, eqJ)
		yAtR.Sub(&yAtR, &bc)
	}
	return yAtR
}

// operands returns the step sumcheck's two tables: X's rows folded at r_i
// and W folded at eq(r_j) — usedX and usedW (a cheating prover's; usedW
// nil: the layer's weights) in place of the step's.
func (pub *Public) operands(usedX mle.Table, usedW []fr.Element, ri []fr.Element, eqJ mle.Table, k int) (a, w mle.Table) {
	a = append(mle.Table(nil), usedX...)
	for _, r := range ri {
		a = a.Fold(r)
	}
	folder := pub
	if usedW != nil {
		l := *pub.Layer
		l.W = usedW
		folder = &Public{Layer: &l, M: pub.M}
	}
	return a, folder.foldW(eqJ, k)
}

// proveVanishing is proveStep's reduction under vanishing masks, after Y's
// commitment and (r_i, r_j); it fills proof and records every claim in bp.
func (pub *Public) proveVanishing(tr *transcript.Transcript, d dims, xData, yData *pcs.ProverData, usedX mle.Table, usedW []fr.Element, ri, rj []fr.Element, proof *StepProof, bp *batch.Prover) error {
	if bp == nil {
		return fmt.Errorf("matmul: a step under vanishing masks states mask claims: prove batched (ProveStepBatched)")
	}
	yPoint := append(append([]fr.Element(nil), ri...), rj...)
	proof.YAtR = yData.MaskedEval(yPoint)
	tr.AppendElements("matmul/Y(r)", proof.YAtR)
	eqI, eqJ := mle.EqTable(ri), mle.EqTable(rj)
	claim := pub.vanishingClaim(proof.YAtR, eqI, eqJ)
	wc, bc := pub.committedCom()
	sh, n := pub.zkShape(d, xData.Commitment(), wc, yData.Commitment(), bc, ri, rj, eqI)
	a, w := pub.operands(usedX, usedW, ri, eqJ, d.k)
	in := sumcheck.Instance{Terms: sh.Terms, Tail: OutputTail(yData.Commitment(), yData, yPoint)}
	add := func(t mle.Table, row []fr.Element) {
		t, row, span := Factor(t, row, n)
		in.Tables = append(in.Tables, t)
		in.Masks = append(in.Masks, row)
		in.Spans = append(in.Spans, span)
	}
	add(a, MaskAfter(xData, ri))
	var wRow []fr.Element
	if pub.com != nil {
		wRow = MaskBefore(pub.com.WData, rj)
	}
	add(w, wRow)
	if pub.com != nil && pub.com.BData != nil {
		add(append(mle.Table(nil), eqJ...), nil)
		bt := make(mle.Table, d.n)
		copy(bt, pub.B)
		add(bt, MaskAfter(pub.com.BData, nil))
	}
	if zkCheat.fixTail {
		cheat.ShiftTail(in.Tail, cheat.OffBy(claim, &in))
	}
	if zkCheat.forgeEq && len(in.Tables) == 4 {
		i := 0
		for pub.B[i].IsZero() {
			i++
		}
		var w fr.Element
		w = pub.rowsTimes(eqI, pub.B[i])
		cheat.ForgeEq(in.Tables[2], d.e, i, w, cheat.OffBy(claim, &in))
	}
	sc, rho, err := sumcheck.ProveSum(tr, claim, in, true)
	if err != nil {
		return err
	}
	proof.Sumcheck = sc
	rk := rho[n-d.c:]
	if zkSeen != nil {
		yv, _ := yData.Table().Eval(yPoint)
		xv, _ := xData.Table().Eval(append(append([]fr.Element(nil), ri...), rk...))
		zkSeen("ŷ(r)", proof.YAtR, yv)
		zkSeen("X̂(r_i, r_k)", sc.Finals[0], xv)
		if sc.Tail != nil {
			zkSeen("s̃_y tail", *sc.Tail, fr.Element{})
		}
	}
	if err := pub.proveW(rk, rj, sc.Finals[1], bp); err != nil {
		return err
	}
	if len(sc.Finals) == 4 {
		if err := bp.Claim(pub.com.BData, rho[n-d.e:], sc.Finals[3]); err != nil {
			return err
		}
	}
	if in.Tail != nil && !zkCheat.fixTail {
		if err := bp.ClaimMask(yData, TailAt(in.Tail.Point, rho), *sc.Tail); err != nil {
			return err
		}
	}
	if _, err := bp.Open(tr, xData, append(append([]fr.Element(nil), ri...), rk...)); err != nil {
		return err
	}
	_, err = bp.Open(tr, yData, yPoint)
	return err
}

// verifyVanishing is VerifyStepBatched's check under vanishing masks, after
// (r_i, r_j).
func (pub *Public) verifyVanishing(tr *transcript.Transcript, d dims, xCom pcs.Commitment, ri, rj []fr.Element, proof StepProof, bv *batch.Verifier) error {
	if bv == nil {
		return fmt.Errorf("matmul: a step under vanishing masks states mask claims: verify batched (VerifyStepBatched)")
	}
	if !proof.BAtR.IsZero() {
		return fmt.Errorf("matmul: a stated bias value under vanishing masks (the bias is a term of the sumcheck)")
	}
	yPoint := append(append([]fr.Element(nil), ri...), rj...)
	tr.AppendElements("matmul/Y(r)", proof.YAtR)
	eqI, eqJ := mle.EqTable(ri), mle.EqTable(rj)
	claim := pub.vanishingClaim(proof.YAtR, eqI, eqJ)
	wc, bc := pub.committedCom()
	sh, n := pub.zkShape(d, xCom, wc, proof.Y, bc, ri, rj, eqI)
	if proof.Sumcheck.Mask == nil && n > 0 {
		return fmt.Errorf("matmul: the step's sumcheck is not masked under hiding")
	}
	rho, fin, tail, err := sumcheck.VerifySum(tr, claim, n, sh, proof.Sumcheck)
	if err != nil {
		return fmt.Errorf("matmul: %v", err)
	}
	rk := rho[n-d.c:]
	if err := pub.checkW(tr, rk, rj, eqJ, d.k, fin[1], bv); err != nil {
		return err
	}
	if sh.Tables == 4 {
		if e := mle.Eq(rj, rho[n-d.e:]); !omit["bias eq"] && !e.Equal(&fin[2]) {
			return fmt.Errorf("matmul: the bias term's eq factor differs from eq(r_j, ρ)")
		}
		if err := bv.Check(tr, pcs.Params{}, bc, rho[n-d.e:], fin[3], pcs.Opening{}); err != nil {
			return err
		}
	}
	if sh.Tail != nil && !omit["y tail"] {
		if err := bv.CheckMask(proof.Y, TailAt(sh.Tail.Point, rho), tail); err != nil {
			return err
		}
	}
	if err := bv.Check(tr, pcs.Params{}, xCom, append(append([]fr.Element(nil), ri...), rk...), fin[0], pcs.Opening{}); err != nil {
		return fmt.Errorf("matmul: opening X: %v", err)
	}
	if err := bv.Check(tr, pcs.Params{}, proof.Y, yPoint, proof.YAtR, pcs.Opening{}); err != nil {
		return fmt.Errorf("matmul: opening Y: %v", err)
	}
	return nil
}

// zkSeen, set by the zero-knowledge test, receives each value the step
// reveals with the private form it masks (f̃ at its point; 0 for a mask
// value); nil outside tests.
var zkSeen func(name string, revealed, private fr.Element)

// omit names verifier checks the soundness tests delete, to show each is
// needed (TestVanishingChecksNeeded); empty outside tests.
var omit = map[string]bool{}
