package maxpool

import (
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/batch"
	"github.com/zkinfer/zkinfer/transparent/conv"
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
	Lookups   []logup.Proof  // L0, and L1 when the differences have two limbs
	Zero      sumcheck.Proof // Σ_w eq(r, w)·Π_i D(i, w) = 0
	// Link: Σ_x eq(p, x)·Lk(x) = D̃(p), p = (r_i, ρ), Lk = (1+λ)·(L0 + 2^12·L1) + λ·(G − Y)
	Link     sumcheck.Proof
	At       [4]fr.Element  // L̃0, L̃1 (0 with one limb), G̃ at the link's point σ; Ỹ(σ_w)
	Gather   sumcheck.Proof // G̃(σ) reduced to X̃(ρ')
	Openings []pcs.Opening  // L0 and L1 at σ, Y at σ_w, X at ρ'
}

// Size returns the proof's size in bytes, 32 per field element or hash.
func (p *Proof) Size() int {
	n := 3*48 + len(p.At)*32
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
	// fudgeLink: the link sumcheck runs on Lk changed at entry 0 so that its
	// sum is the claim D̃(p) (caught by the link's final against the stated
	// tables' values).
	fudgeLink bool
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
	factors := []mle.Table{mle.EqTable(r)}
	for s := 0; s < slots; s++ {
		factors = append(factors, append(mle.Table(nil), dt[s*ySize:(s+1)*ySize]...))
	}
	var rho []fr.Element
	if proof.Zero, rho, _, err = sumcheck.ProveZK(tr, fr.Element{}, factors, params.Hiding); err != nil {
		return Proof{}, nil, err
	}
	ri := tr.Challenges("maxpool/r_i", l.sv)
	point := append(append([]fr.Element(nil), ri...), rho...)
	// The link: D̃(p) = Σ_i eq(r_i, i)·D̃(i, ρ) (the product's finals, the
	// prover's own tables), proven to be (L0 + 2^12·L1)~(p) together with
	// L0 + 2^12·L1 = Y − G on the cube.
	dClaim := mle.Inner(mle.EqTable(ri), proof.Zero.Finals[1:])
	lambda := tr.Challenge("maxpool/lambda")
	gt := make(mle.Table, len(l.idx))
	for u, q := range l.idx {
		if q >= 0 {
			gt[u].SetInt64(x[q])
		}
	}
	lk := make(mle.Table, len(gt))
	var onePlus, t, yv fr.Element
	onePlus.SetOne()
	onePlus.Add(&onePlus, &lambda)
	for u := range lk {
		dv := combine(t0[u], t1[u])
		yv.Sub(&gt[u], &yt[u%ySize]).Mul(&yv, &lambda)
		lk[u].Mul(&dv, &onePlus).Add(&lk[u], &yv)
	}
	if ch.fudgeLink {
		eq := mle.EqTable(point)
		sum := mle.Inner(eq, lk)
		t.Inverse(&eq[0])
		sum.Sub(&dClaim, &sum).Mul(&sum, &t)
		lk[0].Add(&lk[0], &sum)
	}
	var sigma []fr.Element
	if proof.Link, sigma, _, err = sumcheck.ProveZK(tr, dClaim, []mle.Table{mle.EqTable(point), lk}, params.Hiding); err != nil {
		return Proof{}, nil, err
	}
	sigmaW := sigma[l.sv:]
	proof.At[0], _ = t0.Eval(sigma)
	if hi > 0 {
		proof.At[1], _ = t1.Eval(sigma)
	}
	proof.At[2], _ = gt.Eval(sigma)
	proof.At[3], _ = yt.Eval(sigmaW)
	tr.AppendElements("maxpool/at-sigma", proof.At[:]...)
	var rho2 []fr.Element
	if proof.Gather, rho2, err = conv.ProveGatherZK(tr, l.idx, sigma, proof.At[2], mle.FromInt64(x), params.Hiding); err != nil {
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
		op, err := bp.Open(tr, o.d, o.p)
		if err != nil {
			return Proof{}, nil, err
		}
		proof.Openings = append(proof.Openings, op)
	}
	return proof, yData, nil
}

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
	if hi == 0 && (proof.L1 != pcs.Commitment{} || !proof.At[1].IsZero()) {
		return fmt.Errorf("maxpool: one-limb differences with a second limb")
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
	rho, fin, err := sumcheck.VerifyEq(tr, fr.Element{}, r, 1+1<<l.sv, proof.Zero, "maxpool: a difference is zero in every window")
	if err != nil {
		return err
	}
	ri := tr.Challenges("maxpool/r_i", l.sv)
	// D̃(r_i, ρ) from the stated D̃(i, ρ): the link's claim.
	dClaim := mle.Inner(mle.EqTable(ri), fin[1:])
	lambda := tr.Challenge("maxpool/lambda")
	point := append(append([]fr.Element(nil), ri...), rho...)
	sigma, lfin, err := sumcheck.VerifyEq(tr, dClaim, point, 2, proof.Link, "maxpool: the differences' limbs are not the output minus the window")
	if err != nil {
		return err
	}
	// Lk(σ) = (1+λ)·(L̃0 + 2^12·L̃1) + λ·(G̃ − Ỹ) from the stated values.
	var lk, onePlus, t fr.Element
	onePlus.SetOne()
	onePlus.Add(&onePlus, &lambda)
	lk = combine(proof.At[0], proof.At[1])
	lk.Mul(&lk, &onePlus)
	t.Sub(&proof.At[2], &proof.At[3]).Mul(&t, &lambda)
	lk.Add(&lk, &t)
	if !lk.Equal(&lfin[1]) {
		return fmt.Errorf("maxpool: the link's final differs from (1+λ)(L̃0 + 2^12·L̃1) + λ(G̃ − Ỹ) at σ")
	}
	tr.AppendElements("maxpool/at-sigma", proof.At[:]...)
	sigmaW := sigma[l.sv:]
	rho2, xv, err := conv.VerifyGather(tr, l.idx, sigma, proof.At[2], xCom.NumVars, proof.Gather)
	if err != nil {
		return fmt.Errorf("maxpool: the window against the input: %v", err)
	}
	claims := []struct {
		name string
		c    pcs.Commitment
		p    []fr.Element
		v    fr.Element
	}{{"L0", proof.L0, sigma, proof.At[0]}, {"L1", proof.L1, sigma, proof.At[1]}, {"Y", proof.Y, sigmaW, proof.At[3]}, {"X", xCom, rho2, xv}}
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
	return nil
}
