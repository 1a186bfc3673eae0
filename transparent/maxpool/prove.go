package maxpool

import (
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/batch"
	"github.com/zkinfer/zkinfer/transparent/logup"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/rescale"
	"github.com/zkinfer/zkinfer/transparent/sumcheck"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// Proof is a max-pool step between committed X and the committed output Y.
type Proof struct {
	Y, L0, L1 pcs.Commitment
	// R commits the fresh masks of the virtual tables D and G under
	// vanishing masks (its vanishing row, see mask.go); zero otherwise.
	R       pcs.Commitment
	Lookups []logup.Proof  // L0, and L1 when the differences have two limbs
	Zero    sumcheck.Proof // Σ_w eq(r, w)·Π_i D̂(i, w) = 0; finals eq(r, ρ), D̂(i, ρ)
	// Link: Σ_x eq(p, x)·[(1+λ)(L0 + 2^12·L1) + λ(Ĝ − Ŷ)](x) = d (+ the tail
	// on R), p = (r_i, ρ); finals eq(p, σ), L̂0(σ), L̂1(σ) (with two limbs),
	// Ĝ(σ), Ŷ(σ_w)
	Link     sumcheck.Proof
	Gather   sumcheck.Proof // Ĝ(σ) = Σ_q S_σ(q)·X̂(q) (+ the tail on R); finals S̃_σ(ρ'), X̂(ρ')
	Openings []pcs.Opening  // L0 and L1 at σ, Y at σ_w, X at ρ' (empty when batched)
}

// Size returns the proof's size in bytes, 32 per field element or hash.
func (p *Proof) Size() int {
	n := 4 * 48
	for i := range p.Lookups {
		n += p.Lookups[i].Size()
	}
	for _, s := range []*sumcheck.Proof{&p.Zero, &p.Link, &p.Gather} {
		n += s.Size()
	}
	for i := range p.Openings {
		n += p.Openings[i].Size()
	}
	return n
}

// cheats are the soundness tests' cheating prover: trueDiffs commits the
// differences of the true maximum instead of the claimed output's.
type cheats struct {
	trueDiffs bool
	// claimProduct: with trueDiffs, the zero-check runs on the claimed
	// output's differences (product zero for any entry of the window, one
	// difference negative) while the limbs are the true maximum's.
	claimProduct bool
	// fudgeLink: the link sumcheck runs on its copy of L0 changed at entry
	// 0 so that its sum is the claim d (caught by the final L̂0(σ) against
	// L0's commitment).
	fudgeLink bool
	// forgeEq: the link runs on eq(p, ·) changed at entry 0 so that its sum
	// is d (caught by the final against eq(p, σ)).
	forgeEq bool
	// zeroEq: the product runs on eq(r, ·) set to 0 wherever the product
	// of the window's differences is not (its sum is then 0; caught by the
	// final against eq(r, ρ)).
	zeroEq bool
	// fakeMask: under vanishing masks, the D and G masks and both tails use
	// a random row other than R's vanishing row, consistently (every
	// sumcheck holds); the tails' finals are then no mask claims on R
	// (caught by the verifier's mask claims: the batch).
	fakeMask bool
}

// Prove proves Y = maxpool(X) for the X committed in xData (absorbed into tr
// by the caller) with integer table x, and the output table y (from
// [Layer.Run]); it commits to y and returns the proof and y's prover data. A
// wrong y yields a proof Verify rejects, or an error when its differences
// to the window leave [0, 2^Bits) (they cannot be range-checked).
func (l *Layer) Prove(tr *transcript.Transcript, params pcs.Params, xData *pcs.ProverData, x, y []int64) (Proof, *pcs.ProverData, error) {
	return l.prove(tr, params, xData, x, y, nil, cheats{})
}

// ProveBatched is Prove with every opening deferred into bp (package batch):
// the proof's openings are empty.
func (l *Layer) ProveBatched(tr *transcript.Transcript, params pcs.Params, xData *pcs.ProverData, x, y []int64, bp *batch.Prover) (Proof, *pcs.ProverData, error) {
	return l.prove(tr, params, xData, x, y, bp, cheats{})
}

func (l *Layer) prove(tr *transcript.Transcript, params pcs.Params, xData *pcs.ProverData, x, y []int64, bp *batch.Prover, ch cheats) (Proof, *pcs.ProverData, error) {
	xSize, ySize := l.Tables()
	if len(x) != xSize || 1<<xData.Commitment().NumVars != xSize || len(y) != ySize {
		return Proof{}, nil, fmt.Errorf("maxpool: tables of %d and %d entries (X committed over %d variables), want %d and %d", len(x), len(y), xData.Commitment().NumVars, xSize, ySize)
	}
	from := y
	if ch.trueDiffs {
		from, _ = l.Run(x)
	}
	slots := 1 << l.sv
	lo, hi := l.limbBits()
	d := make([]int64, slots*ySize)
	l0, l1 := make([]int64, len(d)), make([]int64, len(d))
	for u, q := range l.idx {
		var g int64
		if q >= 0 {
			g = x[q]
		}
		d[u] = from[u%ySize] - g
		if d[u] < 0 || d[u] >= 1<<l.Bits {
			return Proof{}, nil, fmt.Errorf("maxpool: difference %d at %d outside [0, 2^%d): the input is not in the layer's range", d[u], u, l.Bits)
		}
		l0[u], l1[u] = d[u]&(1<<rescale.Limb-1), d[u]>>rescale.Limb
	}
	yt, t0, t1 := mle.FromInt64(y), mle.FromInt64(l0), mle.FromInt64(l1)
	yData, err := pcs.Commit(params, yt)
	if err != nil {
		return Proof{}, nil, err
	}
	d0, err := pcs.Commit(params, t0)
	if err != nil {
		return Proof{}, nil, err
	}
	var d1 *pcs.ProverData
	proof := Proof{Y: yData.Commitment(), L0: d0.Commitment()}
	if hi > 0 {
		if d1, err = pcs.Commit(params, t1); err != nil {
			return Proof{}, nil, err
		}
		proof.L1 = d1.Commitment()
	}
	rm, err := newFreshMask(params, l.sv, l.wv)
	if err != nil {
		return Proof{}, nil, err
	}
	if rm != nil {
		if bp == nil {
			return Proof{}, nil, fmt.Errorf("maxpool: under vanishing masks the tails' finals are mask claims, which need a batch: use ProveBatched")
		}
		proof.R = rm.data.Commitment()
		if ch.fakeMask {
			for i := range rm.row {
				rm.row[i].SetRandom()
			}
		}
	}
	l.absorb(tr, &proof)
	lookups := []struct {
		d    *pcs.ProverData
		t    mle.Table
		bits int
	}{{d0, t0, lo}, {d1, t1, hi}}
	if hi == 0 {
		lookups = lookups[:1]
	}
	for _, c := range lookups {
		table, err := logup.Range(c.bits)
		if err != nil {
			return Proof{}, nil, err
		}
		lp, err := logup.ProveBatched(tr, params, c.d, c.t, table, bp)
		if err != nil {
			return Proof{}, nil, fmt.Errorf("maxpool: range check: %v", err)
		}
		proof.Lookups = append(proof.Lookups, lp)
	}
	// The zero-check on the product of the slots' differences.
	r := tr.Challenges("maxpool/r", l.wv)
	dt := mle.FromInt64(d)
	if ch.claimProduct {
		for u, q := range l.idx {
			var g int64
			if q >= 0 {
				g = x[q]
			}
			dt[u].SetInt64(y[u%ySize] - g)
		}
	}
	zero := sumcheck.Instance{Tables: []mle.Table{mle.EqTable(r)}, Terms: []sumcheck.Term{productTerm(1 + slots)}}
	for s := 0; s < slots; s++ {
		zero.Tables = append(zero.Tables, append(mle.Table(nil), dt[s*ySize:(s+1)*ySize]...))
	}
	if rm != nil {
		zero.Masks = rm.slotMasks(slots)
	}
	if ch.zeroEq {
		for w := range ySize {
			prod := fr.One()
			for s := 1; s <= slots; s++ {
				prod.Mul(&prod, &zero.Tables[s][w])
			}
			if !prod.IsZero() {
				zero.Tables[0][w].SetZero()
			}
		}
	}
	var rho []fr.Element
	if proof.Zero, rho, err = sumcheck.ProveSum(tr, fr.Element{}, zero, params.Hiding); err != nil {
		return Proof{}, nil, err
	}
	ri := tr.Challenges("maxpool/r_i", l.sv)
	point := append(append([]fr.Element(nil), ri...), rho...)
	// The link: d = Σ_i eq(r_i, i)·D̂(i, ρ) (the product's finals) is
	// D̃(p) (+ Z(ρ)·R̃(r_i, ρ_c) under vanishing masks: the tail), proven
	// to be (L0 + 2^12·L1)~(p) together with L0 + 2^12·L1 = Y − G on the
	// cube.
	dClaim := mle.Inner(mle.EqTable(ri), proof.Zero.Finals[1:])
	lambda := tr.Challenge("maxpool/lambda")
	gt := make(mle.Table, len(l.idx))
	for u, q := range l.idx {
		if q >= 0 {
			gt[u].SetInt64(x[q])
		}
	}
	yRep := make(mle.Table, len(gt))
	for u := range yRep {
		yRep[u] = yt[u%ySize]
	}
	link := sumcheck.Instance{Tables: []mle.Table{mle.EqTable(point), append(mle.Table(nil), t0...)}, Terms: l.linkTerms(lambda)}
	owners := []*pcs.ProverData{nil, d0}
	if hi > 0 {
		link.Tables = append(link.Tables, append(mle.Table(nil), t1...))
		owners = append(owners, d1)
	}
	link.Tables = append(link.Tables, gt, yRep)
	owners = append(owners, nil, yData)
	if rm != nil {
		link.Masks = make([][]fr.Element, len(link.Tables))
		for k, o := range owners {
			if o != nil {
				link.Masks[k] = o.MaskRow()
			}
		}
		link.Masks[len(owners)-2] = rm.row
		link.Spans = make([]int, len(link.Tables))
		link.Spans[len(owners)-1] = l.wv
		link.Tail = &sumcheck.Tail{Coef: pcs.Vanishing(rho), Point: rm.point(ri, rho), S: rm.row}
	}
	if ch.fudgeLink || ch.forgeEq {
		l.fudge(&link, dClaim, lambda, ch.forgeEq)
	}
	var sigma []fr.Element
	if proof.Link, sigma, err = sumcheck.ProveSum(tr, dClaim, link, params.Hiding); err != nil {
		return Proof{}, nil, err
	}
	sigmaW := sigma[l.sv:]
	gFinal := proof.Link.Finals[len(proof.Link.Finals)-2]
	gather := sumcheck.Instance{Terms: []sumcheck.Term{productTerm(2)}}
	sel, err := selector(l.idx, sigma, xData.Commitment().NumVars)
	if err != nil {
		return Proof{}, nil, err
	}
	gather.Tables = []mle.Table{sel, mle.FromInt64(x)}
	if rm != nil {
		gather.Masks = [][]fr.Element{nil, xData.MaskRow()}
		gather.Tail = &sumcheck.Tail{Coef: pcs.Vanishing(sigma), Point: rm.point(nil, sigma), S: rm.row}
	}
	var rho2 []fr.Element
	if proof.Gather, rho2, err = sumcheck.ProveSum(tr, gFinal, gather, params.Hiding); err != nil {
		return Proof{}, nil, err
	}
	opens := []struct {
		d *pcs.ProverData
		p []fr.Element
	}{{d0, sigma}, {d1, sigma}, {yData, sigmaW}, {xData, rho2}}
	if hi == 0 {
		opens = append(opens[:1], opens[2:]...)
	}
	for _, o := range opens {
		if openHook != nil {
			openHook(o.d, o.p)
		}
		op, err := bp.Open(tr, o.d, o.p)
		if err != nil {
			return Proof{}, nil, err
		}
		proof.Openings = append(proof.Openings, op)
	}
	if rm != nil && !ch.fakeMask {
		// The tails' finals: mask claims on R (mask.go, "Zero knowledge").
		for _, c := range []struct {
			tail *sumcheck.Tail
			pt   []fr.Element
			v    *fr.Element
		}{{link.Tail, sigma, proof.Link.Tail}, {gather.Tail, rho2, proof.Gather.Tail}} {
			if err := bp.ClaimMask(rm.data, tailAt(c.tail.Point, c.pt), *c.v); err != nil {
				return Proof{}, nil, err
			}
		}
	}
	return proof, yData, nil
}

// linkTerms returns the link's terms over the tables eq(p), L0, [L1,] G, Y
// (L1 left out with one limb).
func (l *Layer) linkTerms(lambda fr.Element) []sumcheck.Term {
	_, hi := l.limbBits()
	var onePlus, c1, negL fr.Element
	onePlus.SetOne()
	onePlus.Add(&onePlus, &lambda)
	c1.SetUint64(1 << rescale.Limb)
	c1.Mul(&c1, &onePlus)
	negL.Neg(&lambda)
	terms := []sumcheck.Term{{Coef: onePlus, Factors: []int{0, 1}}}
	k := 2
	if hi > 0 {
		terms = append(terms, sumcheck.Term{Coef: c1, Factors: []int{0, 2}})
		k = 3
	}
	return append(terms, sumcheck.Term{Coef: lambda, Factors: []int{0, k}}, sumcheck.Term{Coef: negL, Factors: []int{0, k + 1}})
}

// productTerm is the product of tables 0..k−1.
func productTerm(k int) sumcheck.Term {
	t := sumcheck.Term{Coef: fr.One(), Factors: make([]int, k)}
	for i := range t.Factors {
		t.Factors[i] = i
	}
	return t
}

// fudge changes the link's copy of L0 (or of eq(p, ·) with forgeEq) at
// entry 0 so that the terms' sum over the cube is the claim less the tail
// (the tests' cheating prover).
func (l *Layer) fudge(in *sumcheck.Instance, claim, lambda fr.Element, forgeEq bool) {
	var sum, t fr.Element
	size := len(in.Tables[0])
	for _, term := range in.Terms {
		for u := 0; u < size; u++ {
			t = term.Coef
			for _, k := range term.Factors {
				t.Mul(&t, &in.Tables[k][u])
			}
			sum.Add(&sum, &t)
		}
	}
	target := claim
	if in.Tail != nil {
		v := mle.Inner(mle.EqTable(in.Tail.Point), in.Tail.S)
		v.Mul(&v, &in.Tail.Coef)
		target.Sub(&target, &v)
	}
	// The entry-0 part of the sum: eq(p, 0)·rest.
	var rest fr.Element
	for _, term := range in.Terms {
		t = term.Coef
		for _, k := range term.Factors[1:] {
			t.Mul(&t, &in.Tables[k][0])
		}
		rest.Add(&rest, &t)
	}
	eq0 := in.Tables[0][0]
	target.Sub(&target, &sum)
	if forgeEq {
		rest.Inverse(&rest)
		t.Mul(&target, &rest)
		in.Tables[0][0].Add(&eq0, &t)
		return
	}
	var onePlus fr.Element
	onePlus.SetOne()
	onePlus.Add(&onePlus, &lambda)
	t.Mul(&eq0, &onePlus).Inverse(&t)
	t.Mul(&t, &target)
	in.Tables[1][0].Add(&in.Tables[1][0], &t)
}

// openHook, set only by the zero-knowledge test, sees every table the
// step opens and the point.
var openHook func(d *pcs.ProverData, point []fr.Element)

// combine returns l0 + 2^12·l1.
func combine(l0, l1 fr.Element) fr.Element {
	var t fr.Element
	t.SetUint64(1 << rescale.Limb)
	t.Mul(&t, &l1).Add(&t, &l0)
	return t
}

func (l *Layer) absorb(tr *transcript.Transcript, p *Proof) {
	tr.AppendBytes("maxpool/layer", l.digest[:])
	p.Y.Absorb(tr, "maxpool/y")
	p.L0.Absorb(tr, "maxpool/l0")
	p.L1.Absorb(tr, "maxpool/l1")
	p.R.Absorb(tr, "maxpool/mask")
}

// Verify checks a max-pool step for the X committed in xCom (absorbed into tr
// as the prover's was), whose entries the caller knows to lie in an interval
// of 2^Bits integers; on success proof.Y commits to the pooled tensor.
func (l *Layer) Verify(tr *transcript.Transcript, params pcs.Params, xCom pcs.Commitment, proof Proof) error {
	return l.VerifyBatched(tr, params, xCom, proof, nil)
}

// VerifyBatched is Verify with the openings' claims deferred into bv
// (package batch); nil checks them at once.
func (l *Layer) VerifyBatched(tr *transcript.Transcript, params pcs.Params, xCom pcs.Commitment, proof Proof, bv *batch.Verifier) error {
	xSize, ySize := l.Tables()
	lo, hi := l.limbBits()
	dVars := l.sv + l.wv
	if 1<<xCom.NumVars != xSize || 1<<proof.Y.NumVars != ySize || proof.L0.NumVars != dVars || (hi > 0 && proof.L1.NumVars != dVars) {
		return fmt.Errorf("maxpool: X, Y, L0, L1 committed over %d, %d, %d, %d variables, want %d entries, %d entries, %d, %d variables",
			xCom.NumVars, proof.Y.NumVars, proof.L0.NumVars, proof.L1.NumVars, xSize, ySize, dVars, dVars)
	}
	if hi == 0 && proof.L1 != (pcs.Commitment{}) {
		return fmt.Errorf("maxpool: one-limb differences with a second limb")
	}
	rc, err := freshMaskVars(params, l.sv, l.wv, proof.R)
	if err != nil {
		return err
	}
	l.absorb(tr, &proof)
	bits := []int{lo, hi}
	coms := []pcs.Commitment{proof.L0, proof.L1}
	if hi == 0 {
		bits = bits[:1]
	}
	if len(proof.Lookups) != len(bits) {
		return fmt.Errorf("maxpool: %d range checks, want %d", len(proof.Lookups), len(bits))
	}
	for i, b := range bits {
		table, err := logup.Range(b)
		if err != nil {
			return err
		}
		if err := logup.VerifyBatched(tr, params, coms[i], table, proof.Lookups[i], bv); err != nil {
			return fmt.Errorf("maxpool: range check of limb %d: %v", i, err)
		}
	}
	r := tr.Challenges("maxpool/r", l.wv)
	slots := 1 << l.sv
	zero := sumcheck.Shape{Tables: 1 + slots, Terms: []sumcheck.Term{productTerm(1 + slots)}}
	if rc >= 0 {
		zero.Masked = make([]int, 1+slots)
		zero.Masked[0] = -1
		for k := 1; k <= slots; k++ {
			zero.Masked[k] = rc - l.sv
		}
	}
	rho, fin, _, err := sumcheck.VerifySum(tr, fr.Element{}, l.wv, zero, proof.Zero)
	if err != nil {
		return fmt.Errorf("maxpool: a difference is zero in every window: %v", err)
	}
	if eq := mle.Eq(r, rho); !eq.Equal(&fin[0]) {
		return fmt.Errorf("maxpool: the zero-check's eq factor differs from eq(r, ρ)")
	}
	ri := tr.Challenges("maxpool/r_i", l.sv)
	// D̃(r_i, ρ) (+ Z(ρ)·R̃(r_i, ρ_c)) from the stated D̂(i, ρ): the link's claim.
	dClaim := mle.Inner(mle.EqTable(ri), fin[1:])
	lambda := tr.Challenge("maxpool/lambda")
	point := append(append([]fr.Element(nil), ri...), rho...)
	coms = []pcs.Commitment{{}, proof.L0, proof.L1, {}, proof.Y}
	if hi == 0 {
		coms = append(coms[:2], coms[3:]...)
	}
	link := sumcheck.Shape{Tables: len(coms), Terms: l.linkTerms(lambda)}
	if rc >= 0 {
		link.Masked = make([]int, len(coms))
		for k, c := range coms {
			link.Masked[k] = maskedVars(params, c)
		}
		link.Masked[0], link.Masked[len(coms)-2] = -1, rc
		link.Spans = make([]int, len(coms))
		link.Spans[len(coms)-1] = l.wv
		link.Tail = &sumcheck.Tail{Coef: pcs.Vanishing(rho), Point: maskPoint(rc, ri, rho)}
	}
	sigma, lfin, ltail, err := sumcheck.VerifySum(tr, dClaim, dVars, link, proof.Link)
	if err != nil {
		return fmt.Errorf("maxpool: the differences' limbs are not the output minus the window: %v", err)
	}
	if eq := mle.Eq(point, sigma); !eq.Equal(&lfin[0]) {
		return fmt.Errorf("maxpool: the link's eq factor differs from eq(p, σ)")
	}
	sigmaW := sigma[l.sv:]
	gather := sumcheck.Shape{Tables: 2, Terms: []sumcheck.Term{productTerm(2)}}
	if rc >= 0 {
		gather.Masked = []int{-1, maskedVars(params, xCom)}
		gather.Tail = &sumcheck.Tail{Coef: pcs.Vanishing(sigma), Point: maskPoint(rc, nil, sigma)}
	}
	rho2, gfin, gtail, err := sumcheck.VerifySum(tr, lfin[len(lfin)-2], xCom.NumVars, gather, proof.Gather)
	if err != nil {
		return fmt.Errorf("maxpool: the window against the input: %v", err)
	}
	sel, err := selector(l.idx, sigma, xCom.NumVars)
	if err != nil {
		return err
	}
	if sv, _ := sel.Eval(rho2); !sv.Equal(&gfin[0]) {
		return fmt.Errorf("maxpool: the gather's index factor differs from the public map's")
	}
	claims := []struct {
		name string
		c    pcs.Commitment
		p    []fr.Element
		v    fr.Element
	}{{"L0", proof.L0, sigma, lfin[1]}, {"L1", proof.L1, sigma, lfin[2]}, {"Y", proof.Y, sigmaW, lfin[len(lfin)-1]}, {"X", xCom, rho2, gfin[1]}}
	if hi == 0 {
		claims = append(claims[:1], claims[2:]...)
	}
	if len(proof.Openings) != len(claims) {
		return fmt.Errorf("maxpool: %d openings, want %d", len(proof.Openings), len(claims))
	}
	for i, c := range claims {
		if err := bv.Check(tr, params, c.c, c.p, c.v, proof.Openings[i]); err != nil {
			return fmt.Errorf("maxpool: opening %s: %v", c.name, err)
		}
	}
	if rc >= 0 {
		if err := bv.CheckMask(proof.R, tailAt(link.Tail.Point, sigma), ltail); err != nil {
			return fmt.Errorf("maxpool: the link's mask claim: %v", err)
		}
		if err := bv.CheckMask(proof.R, tailAt(gather.Tail.Point, rho2), gtail); err != nil {
			return fmt.Errorf("maxpool: the gather's mask claim: %v", err)
		}
	}
	return nil
}
