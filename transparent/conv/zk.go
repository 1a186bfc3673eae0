package conv

import (
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/batch"
	"github.com/zkinfer/zkinfer/transparent/internal/cheat"
	"github.com/zkinfer/zkinfer/transparent/matmul"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/sumcheck"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// A convolution step under vanishing masks (pcs.Params{Hiding, Vanishing};
// zk design parts A/B, issue 22). The step reveals, besides masked rounds:
//
//   - Proof.YAtR = ŷ(r), r = (r_o, r_p), a value claim on Y; the matmul
//     sumcheck proves ŷ(r) − bias = Σ_κ Ŵ(κ)·B̂(κ) + Z(r)·s̃_y(r_col) with
//     the tail {Z(r), r_col, s_y}, whose final is a mask claim on Y.
//   - The patch table B(κ) = P̃(κ, r_p) = Σ_p eq(r_p)_p·X[idx(κ, p)] is a
//     linear form of the private X, never committed: its value at r_k was
//     the matmul's final and the gather's claim. It is masked by Y's own
//     vanishing row, bound at a fresh point: with c_B = min(c_y, kv) (c_y
//     Y's column variables) the transcript draws u ∈ F^(c_y − c_B) after
//     ŷ(r), and B̂(κ) = B̃(κ) + Z(κ)·s̃_y(u, κ_last c_B) is a masked factor of
//     the matmul sumcheck (row s_y bound to u); its final B̂(r_k) is uniform.
//     The gather proves B̂(r_k) = Σ_q S(q)·x̂(q) + Z(r_k)·s̃_y(u, r_k…) with
//     x̂ a masked factor (x's vanishing row; final x̂(ρ), a value claim on
//     X) and the tail {Z(r_k), (u, r_k…), s_y}, whose final is a second mask
//     claim on Y. No commitment is added (a fresh one-row table for B's
//     mask cost a batch group of its own: ~180 KB at 241 queries).
//   - Committed weights: Ŵ(r_o, κ) is a masked factor (row Z(r_o)·s_w,
//     matmul.MaskAfter), final a value claim on W. A committed bias is a
//     second term over n = max(kv, ov) variables (both cubes repeated over
//     the first): patchSum·2^−(n−ov)·eq(r_o, x_last ov)·b̂(x_last ov),
//     finals eq(r_o, ρ_last ov) (computed) and b̂(ρ_last ov) (a value claim);
//     Proof.BAtR stays zero.
//
// Soundness of the new parts: s_y is fixed by Y's commitment before r and
// u; B̂(r_k) = B̃(r_k) + Z(r_k)·s̃_y(u, r_k…) is what the gather proves with
// its tail, whose final is bound to s_y by the mask claim (batch error),
// so the gather's claim is the same statement as before. The matmul sumcheck:
// n rounds, the last of degree ≤ 6 (two masked factors) with the Libra mask:
// ≤ 6n/|F| + 1/|F|; the gather's: xVars rounds, last of degree 4:
// ≤ 4·xVars/|F| + 1/|F|; every final bound by the batch (its error). With
// n, xVars ≤ 40: ≤ 2^-244 each, before the batch's and the pcs's errors.
//
// Zero knowledge: s_y (2^c_y entries) receives from this step 4 forms —
// ŷ(r)'s eq(r_col), the output tail's eq(w) at the matmul's point, B̂(r_k)'s
// eq((u, r_k…)), the gather tail's eq(w') at the gather's point — and the
// batch's V_y and the next layer's claims: independent w.h.p. (points in
// general position) while they number ≤ 2^c_y, and B̂(r_k) uniform when
// c_B ≥ 2. With c_B = 0 (kv = 0, or Y of one column) B̃(r_k) is not hidden.

// vanishing reports whether p makes commitments with vanishing masks.
func vanishing(p pcs.Params) bool { return p.Hiding && p.Vanishing }

// patchMaskVars is c_B = min(c_y, kv), the variables of B's mask (0: B
// plain), and c_y − c_B, the coordinates of u.
func (l *Layer) patchMaskVars(y pcs.Commitment) (int, int) {
	if y.NumVars == 0 || l.kv == 0 {
		return 0, 0
	}
	cy := y.NumVars - y.RowVars
	return min(cy, l.kv), cy - min(cy, l.kv)
}

// zkShape is the matmul sumcheck's statement under vanishing masks and its
// number of variables; cB is B's mask variables.
func (l *Layer) zkShape(w, b, y pcs.Commitment, cB int, ro, rp, eqP []fr.Element) (sumcheck.Shape, int) {
	_, bvars := l.biasVars()
	bias := b != (pcs.Commitment{})
	n := l.kv
	if bias {
		n = max(l.kv, bvars)
	}
	sh := sumcheck.Shape{Tables: 2, Masked: []int{-1, -1}, Spans: []int{0, 0}}
	sh.Terms = []sumcheck.Term{{Coef: matmul.Repeat(fr.One(), l.kv, n), Factors: []int{0, 1}}}
	if w != (pcs.Commitment{}) {
		sh.Masked[0], sh.Spans[0] = matmul.MaskVars(w.NumVars > 0, min(w.NumVars-w.RowVars, l.kv), l.kv, n)
	}
	sh.Masked[1], sh.Spans[1] = matmul.MaskVars(cB > 0, cB, l.kv, n)
	if bias {
		sh.Tables = 4
		// the committed table B (biasVars' bv variables: b repeated) and
		// eq(r_o, ·)·2^(ov−bv) repeated alike: Σ = b̃(r_o) for b's copies
		mb, sb := matmul.MaskVars(b.NumVars > 0, b.NumVars-b.RowVars, bvars, n)
		sh.Masked = append(sh.Masked, -1, mb)
		sh.Spans = append(sh.Spans, 0, sb)
		sh.Terms = append(sh.Terms, sumcheck.Term{Coef: matmul.Repeat(l.patchSum(eqP), bvars, n), Factors: []int{2, 3}})
	}
	sh.Tail = matmul.OutputTail(y, nil, append(append([]fr.Element(nil), ro...), rp...))
	return sh, n
}

// gatherShape is the gather's statement under vanishing masks: S·x̂, x
// masked, and when B is masked (cB > 0) the tail Z(r_k)·s̃_y(u, r_k…).
func gatherShape(x pcs.Commitment, cB int, u, rk []fr.Element) sumcheck.Shape {
	sh := sumcheck.Shape{Tables: 2, Terms: []sumcheck.Term{{Coef: fr.One(), Factors: []int{0, 1}}}, Masked: []int{-1, -1}}
	if x.NumVars > 0 {
		sh.Masked[1] = x.NumVars - x.RowVars
	}
	if cB > 0 {
		pt := append(append([]fr.Element(nil), u...), rk[len(rk)-cB:]...)
		sh.Tail = &sumcheck.Tail{Coef: pcs.Vanishing(rk), Point: pt}
	}
	return sh
}

func (l *Layer) weightComs() (w, b pcs.Commitment) {
	w, b, _ = l.com.Commitments()
	return
}

// vanishingClaim is the step's sumcheck claim under vanishing masks from
// Ŷ(r) as stated: less the public bias's share when the weights are public
// (committed weights: the bias is a term of the sumcheck). The prover and
// the verifier derive it here alike.
func (l *Layer) vanishingClaim(yAtR fr.Element, eqO, eqP mle.Table) fr.Element {
	if l.com == nil {
		return l.claim(yAtR, eqO, eqP)
	}
	return yAtR
}

// proveVanishing is proveStep's reduction under vanishing masks, after Y's
// commitment; wl holds the weights the reduction runs on (the layer's, or
// a cheat's).
func (l *Layer) proveVanishing(tr *transcript.Transcript, params pcs.Params, xData, yData *pcs.ProverData, x mle.Table, wl *Layer, proof *Proof, bp *batch.Prover) error {
	if bp == nil {
		return fmt.Errorf("conv: a step under vanishing masks states mask claims: prove batched (ProveStepBatched)")
	}
	ro, rp := l.start(tr, proof.Y)
	yPoint := append(append([]fr.Element(nil), ro...), rp...)
	proof.YAtR = yData.MaskedEval(yPoint)
	tr.AppendElements("conv/Y(r)", proof.YAtR)
	cB, cu := l.patchMaskVars(proof.Y)
	u := tr.Challenges("conv/u", cu)
	eqO, eqP := mle.EqTable(ro), mle.EqTable(rp)
	claim := l.vanishingClaim(proof.YAtR, eqO, eqP)
	wc, bc := l.weightComs()
	sh, n := l.zkShape(wc, bc, proof.Y, cB, ro, rp, eqP)
	in := sumcheck.Instance{Terms: sh.Terms, Tail: matmul.OutputTail(proof.Y, yData, yPoint)}
	add := func(t mle.Table, row []fr.Element) {
		t, row, span := matmul.Factor(t, row, n)
		in.Tables = append(in.Tables, t)
		in.Masks = append(in.Masks, row)
		in.Spans = append(in.Spans, span)
	}
	var wRow, bRow []fr.Element
	if l.com != nil {
		wRow = matmul.MaskAfter(l.com.WData, ro)
	}
	add(wl.foldW(eqO), wRow)
	if cB > 0 {
		bRow = yData.MaskRow()
		for _, ui := range u {
			bRow = mle.Table(bRow).Fold(ui)
		}
	}
	add(l.patches(x, eqP), bRow)
	if l.com != nil && l.com.BData != nil {
		add(l.biasEq(eqO), nil)
		add(l.biasTable(), matmul.MaskAfter(l.com.BData, nil))
	}
	if zkCheat.fixTail {
		cheat.ShiftTail(in.Tail, cheat.OffBy(claim, &in))
	}
	if zkCheat.forgeEq && len(in.Tables) == 4 {
		i := 0
		for l.Bias[i] == 0 {
			i++
		}
		var w fr.Element
		w.SetInt64(l.Bias[i])
		sp := l.patchSum(eqP)
		w.Mul(&w, &sp)
		_, ov := mle.Pow2(l.O)
		cheat.ForgeEq(in.Tables[2], ov, i, w, cheat.OffBy(claim, &in))
	}
	var err error
	var rho []fr.Element
	if proof.Matmul, rho, err = sumcheck.ProveSum(tr, claim, in, true); err != nil {
		return err
	}
	fin := proof.Matmul.Finals
	rk := rho[n-l.kv:]
	if err := l.proveW(ro, rk, fin[0], bp); err != nil {
		return err
	}
	if len(fin) == 4 {
		_, bvars := l.biasVars()
		if err := bp.Claim(l.com.BData, rho[n-bvars:], fin[3]); err != nil {
			return err
		}
	}
	if zkSeen != nil {
		yv, _ := yData.Table().Eval(yPoint)
		zkSeen("ŷ(r)", proof.YAtR, yv)
		bv, _ := l.patches(x, eqP).Eval(rho[n-l.kv:])
		zkSeen("B̂(r_k)", fin[1], bv)
		if proof.Matmul.Tail != nil {
			zkSeen("s̃_y tail", *proof.Matmul.Tail, fr.Element{})
		}
	}
	if in.Tail != nil && !zkCheat.fixTail {
		if err := bp.ClaimMask(yData, matmul.TailAt(in.Tail.Point, rho), *proof.Matmul.Tail); err != nil {
			return err
		}
	}
	// The gather: B̂(r_k) = Σ_q S(q)·x̂(q) + Z(r_k)·s̃_B(r_k).
	patch := append(append([]fr.Element(nil), rk...), rp...)
	s, err := selector(l.idx, patch, x.NumVars())
	if err != nil {
		return err
	}
	gs := gatherShape(xData.Commitment(), cB, u, rk)
	if zkCheat.gatherX != nil {
		x = zkCheat.gatherX
	}
	gin := sumcheck.Instance{Tables: []mle.Table{s, append(mle.Table(nil), x...)}, Terms: gs.Terms, Masks: [][]fr.Element{nil, nil}, Tail: gs.Tail}
	if gs.Masked[1] >= 0 {
		gin.Masks[1] = xData.MaskRow()
	}
	if gin.Tail != nil {
		gin.Tail.S = yData.MaskRow()
	}
	if zkCheat.gatherX != nil {
		cheat.ShiftTail(gin.Tail, cheat.OffBy(fin[1], &gin))
	}
	var rho2 []fr.Element
	if proof.Gather, rho2, err = sumcheck.ProveSum(tr, fin[1], gin, true); err != nil {
		return err
	}
	if zkSeen != nil {
		xv, _ := xData.Table().Eval(rho2)
		zkSeen("x̂(ρ)", proof.Gather.Finals[1], xv)
		if proof.Gather.Tail != nil {
			zkSeen("gather tail s̃_y(u, …)", *proof.Gather.Tail, fr.Element{})
		}
	}
	if gin.Tail != nil && zkCheat.gatherX == nil {
		if err := bp.ClaimMask(yData, matmul.TailAt(gin.Tail.Point, rho2), *proof.Gather.Tail); err != nil {
			return err
		}
	}
	if _, err := bp.Open(tr, xData, rho2); err != nil {
		return err
	}
	_, err = bp.Open(tr, yData, yPoint)
	return err
}

// verifyVanishing is VerifyStepBatched's check under vanishing masks.
func (l *Layer) verifyVanishing(tr *transcript.Transcript, xCom pcs.Commitment, proof Proof, bv *batch.Verifier) error {
	if bv == nil {
		return fmt.Errorf("conv: a step under vanishing masks states mask claims: verify batched (VerifyStepBatched)")
	}
	if !proof.BAtR.IsZero() {
		return fmt.Errorf("conv: a stated bias value under vanishing masks (the bias is a term of the sumcheck)")
	}
	ro, rp := l.start(tr, proof.Y)
	yPoint := append(append([]fr.Element(nil), ro...), rp...)
	tr.AppendElements("conv/Y(r)", proof.YAtR)
	cB, cu := l.patchMaskVars(proof.Y)
	u := tr.Challenges("conv/u", cu)
	eqO, eqP := mle.EqTable(ro), mle.EqTable(rp)
	claim := l.vanishingClaim(proof.YAtR, eqO, eqP)
	wc, bc := l.weightComs()
	sh, n := l.zkShape(wc, bc, proof.Y, cB, ro, rp, eqP)
	if n > 0 && proof.Matmul.Mask == nil || xCom.NumVars > 0 && proof.Gather.Mask == nil {
		return fmt.Errorf("conv: a sumcheck not masked under hiding")
	}
	rho, fin, tail, err := sumcheck.VerifySum(tr, claim, n, sh, proof.Matmul)
	if err != nil {
		return fmt.Errorf("conv: %v", err)
	}
	rk := rho[n-l.kv:]
	if err := l.checkW(tr, ro, rk, eqO, fin[0], bv); err != nil {
		return err
	}
	if sh.Tables == 4 {
		ov, bvars := l.biasVars()
		e := mle.Eq(ro, rho[n-ov:])
		e.Mul(&e, &l.biasEq(nil)[0])
		if !omit["bias eq"] && !e.Equal(&fin[2]) {
			return fmt.Errorf("conv: the bias term's eq factor differs from eq(r_o, ρ)")
		}
		if err := bv.Check(tr, pcs.Params{}, bc, rho[n-bvars:], fin[3], pcs.Opening{}); err != nil {
			return err
		}
	}
	if sh.Tail != nil && !omit["y tail"] {
		if err := bv.CheckMask(proof.Y, matmul.TailAt(sh.Tail.Point, rho), tail); err != nil {
			return err
		}
	}
	patch := append(append([]fr.Element(nil), rk...), rp...)
	gs := gatherShape(xCom, cB, u, rk)
	rho2, gfin, gtail, err := sumcheck.VerifySum(tr, fin[1], xCom.NumVars, gs, proof.Gather)
	if err != nil {
		return fmt.Errorf("conv: gather: %v", err)
	}
	s, err := selector(l.idx, patch, xCom.NumVars)
	if err != nil {
		return err
	}
	if sv, _ := s.Eval(rho2); !sv.Equal(&gfin[0]) {
		return fmt.Errorf("conv: gather: the index map's factor differs from the public map")
	}
	if gs.Tail != nil && !omit["B tail"] {
		if err := bv.CheckMask(proof.Y, matmul.TailAt(gs.Tail.Point, rho2), gtail); err != nil {
			return err
		}
	}
	if err := bv.Check(tr, pcs.Params{}, xCom, rho2, gfin[1], pcs.Opening{}); err != nil {
		return fmt.Errorf("conv: opening X: %v", err)
	}
	if err := bv.Check(tr, pcs.Params{}, proof.Y, yPoint, proof.YAtR, pcs.Opening{}); err != nil {
		return fmt.Errorf("conv: opening Y: %v", err)
	}
	return nil
}

// zkCheat is the soundness tests' cheating prover under vanishing masks
// (zero outside tests): fixTail and forgeEq as in package matmul (the
// output tail's row, the bias term's eq table moved to fit a false claim);
// gatherX runs the gather on that table (the committed X) while the
// matmul ran on another, the patch mask's tail row shifted to fit.
var zkCheat struct {
	fixTail, forgeEq bool
	gatherX          mle.Table
}

// zkSeen, set by the zero-knowledge test, receives each value the step
// reveals with the private form it masks (f̃ at its point; 0 for a mask
// value); nil outside tests.
var zkSeen func(name string, revealed, private fr.Element)

// omit names verifier checks the soundness tests delete, to show each is
// needed; empty outside tests.
var omit = map[string]bool{}
