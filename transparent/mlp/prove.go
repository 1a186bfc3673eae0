package mlp

import (
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/batch"
	"github.com/zkinfer/zkinfer/transparent/logup"
	"github.com/zkinfer/zkinfer/transparent/matmul"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/rescale"
	"github.com/zkinfer/zkinfer/transparent/sumcheck"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// Proof proves y = model(x) for a private x.
type Proof struct {
	X      pcs.Commitment
	Input  InputRange
	Steps  []matmul.StepProof
	Requan []rescale.Proof
	Out    pcs.Opening // the last output at ρ, against the public y
}

// InputRange proves every entry of x is a signed InBits-bit integer: with
// v = x + 2^(InBits−1) = v0 + 2^12·v1, lookups v0 ∈ [0, 2^12),
// v1 ∈ [0, 2^(InBits−12)), and the eq-weighted zero-check at a random z
// Σ_i eq(z, i)·L(i) = 0, L = x + 2^(InBits−1) − v0 − 2^12·v1 (+ λ·v1 with
// one limb, λ random: then v1 = 0 too), a sumcheck of degree 2 ending at ρ
// with x̃, ṽ0, ṽ1 at ρ stated, from which the verifier recomputes L̃(ρ)
// (input.go, "Soundness").
type InputRange struct {
	V0, V1   pcs.Commitment
	Lookups  []logup.Proof
	Zero     sumcheck.Proof
	AtRho    [3]fr.Element // x̃, ṽ0, ṽ1 at the zero-check's point ρ
	Openings []pcs.Opening
}

// Size returns the proof's size in bytes, 32 per field element or hash.
func (p *Proof) Size() int {
	n := 48 + 2*48 + 96 + p.Input.Zero.Size() + p.Out.Size()
	for i := range p.Input.Lookups {
		n += p.Input.Lookups[i].Size()
	}
	for i := range p.Input.Openings {
		n += p.Input.Openings[i].Size()
	}
	for i := range p.Steps {
		n += p.Steps[i].Size() + p.Requan[i].Size()
	}
	return n
}

func (m *Model) limbs() (int, int) {
	if m.InBits <= rescale.Limb {
		return m.InBits, 0
	}
	return rescale.Limb, m.InBits - rescale.Limb
}

// Prove runs the model on the private x (M×K₀) and proves its output, which
// it returns.
func Prove(params pcs.Params, m *Model, M int, x []int64) (Proof, []int64, error) {
	p, _, y, err := m.prove(params, M, x, false, cheats{})
	return p, y, err
}

// cheats are the soundness tests' cheating prover: change a layer's
// accumulators (everything downstream follows), or claim another output than
// the one computed.
type cheats struct {
	editAcc func(layer int, a []int64)
	claimY  func(y []int64) []int64
}

// prove proves y = model(x); with batched, every opening is deferred into
// the returned batch proof (package batch) and the proof's are empty.
func (m *Model) prove(params pcs.Params, M int, x []int64, batched bool, ch cheats) (Proof, batch.Proof, []int64, error) {
	var bp *batch.Prover
	if batched {
		bp = batch.NewProver()
	}
	accs, y, err := m.eval(M, x, ch.editAcc)
	if err != nil {
		return Proof{}, batch.Proof{}, nil, err
	}
	if ch.claimY != nil {
		y = ch.claimY(y)
	}
	tr := m.start(M, y)
	var proof Proof
	K0 := m.Layers[0].K
	xInts := padded(x, M, K0)
	xt := mle.FromInt64(xInts)
	xData, err := pcs.Commit(params, xt)
	if err != nil {
		return Proof{}, batch.Proof{}, nil, err
	}
	proof.X = xData.Commitment()
	proof.X.Absorb(tr, "mlp/x")
	if proof.Input, err = m.proveInput(tr, params, xData, xInts, bp, nil, nil); err != nil {
		return Proof{}, batch.Proof{}, nil, err
	}
	cur, curData := xt, xData
	for i := range m.Layers {
		l := &m.Layers[i]
		aInts := padded(accs[i], M, l.N)
		step, aData, err := matmul.ProveStepBatched(tr, params, m.gemm[i], M, curData, cur, mle.FromInt64(aInts), bp)
		if err != nil {
			return Proof{}, batch.Proof{}, nil, fmt.Errorf("mlp: layer %d: %v", i, err)
		}
		rq, outData, err := rescale.ProveBatched(tr, l.params(params), aData, aInts, bp)
		if err != nil {
			return Proof{}, batch.Proof{}, nil, fmt.Errorf("mlp: layer %d: %v", i, err)
		}
		w, _ := rescale.Compute(l.params(params), aInts)
		proof.Steps = append(proof.Steps, step)
		proof.Requan = append(proof.Requan, rq)
		cur, curData = mle.FromInt64(w.Y), outData
	}
	pts := OutputPoints(tr, "mlp/rho", params, curData.Commitment().NumVars)
	if len(pts) > 1 && !batched {
		return Proof{}, batch.Proof{}, nil, fmt.Errorf("mlp: vanishing masks need batched openings (ProveBatched)")
	}
	for _, pt := range pts {
		if proof.Out, err = bp.Open(tr, curData, pt); err != nil {
			return Proof{}, batch.Proof{}, nil, err
		}
	}
	var bproof batch.Proof
	if batched {
		if bproof, err = bp.Prove(tr); err != nil {
			return Proof{}, batch.Proof{}, nil, err
		}
	}
	return proof, bproof, y, nil
}

// proveInput proves x's range; the tests' cheating provers may replace the
// limbs' tables (editV, after they are computed from x) and the
// zero-check's table (editL); honest callers pass nil.
func (m *Model) proveInput(tr *transcript.Transcript, params pcs.Params, xData *pcs.ProverData, x []int64, bp *batch.Prover, editV func(v0, v1 mle.Table), editL func(mle.Table)) (InputRange, error) {
	lo, hi := m.limbs()
	off := int64(1) << (m.InBits - 1)
	v0, v1 := make([]int64, len(x)), make([]int64, len(x))
	for i, xi := range x {
		v := xi + off
		v0[i], v1[i] = v&(1<<rescale.Limb-1), v>>rescale.Limb
	}
	var ir InputRange
	t0, t1 := mle.FromInt64(v0), mle.FromInt64(v1)
	if editV != nil {
		editV(t0, t1)
	}
	d0, err := pcs.Commit(params, t0)
	if err != nil {
		return ir, err
	}
	d1, err := pcs.Commit(params, t1)
	if err != nil {
		return ir, err
	}
	ir.V0, ir.V1 = d0.Commitment(), d1.Commitment()
	ir.V0.Absorb(tr, "mlp/v0")
	ir.V1.Absorb(tr, "mlp/v1")
	checks := []struct {
		d    *pcs.ProverData
		t    mle.Table
		bits int
	}{{d0, t0, lo}, {d1, t1, hi}}
	if hi == 0 {
		checks = checks[:1] // v1 ≡ 0, checked by the zero-check
	}
	for _, c := range checks {
		table, err := logup.Range(c.bits)
		if err != nil {
			return ir, err
		}
		lp, err := logup.ProveBatched(tr, params, c.d, c.t, table, bp)
		if err != nil {
			return ir, fmt.Errorf("mlp: input range: %v", err)
		}
		ir.Lookups = append(ir.Lookups, lp)
	}
	lambda := tr.Challenge("mlp/lambda")
	z := tr.Challenges("mlp/z", ir.V0.NumVars)
	xt := mle.FromInt64(x)
	lt := make(mle.Table, len(xt))
	for i := range lt {
		lt[i] = inputRelation(m.InBits, hi, lambda, xt[i], t0[i], t1[i])
	}
	if editL != nil {
		editL(lt)
	}
	var rho []fr.Element
	if ir.Zero, rho, _, err = sumcheck.ProveZK(tr, fr.Element{}, []mle.Table{mle.EqTable(z), lt}, params.Hiding); err != nil {
		return ir, err
	}
	ir.AtRho[0], _ = xt.Eval(rho)
	ir.AtRho[1], _ = t0.Eval(rho)
	ir.AtRho[2], _ = t1.Eval(rho)
	tr.AppendElements("mlp/at-rho", ir.AtRho[:]...)
	for _, d := range []*pcs.ProverData{xData, d0, d1} {
		op, err := bp.Open(tr, d, rho)
		if err != nil {
			return ir, err
		}
		ir.Openings = append(ir.Openings, op)
	}
	return ir, nil
}

// Verify checks that y (M×N_last) is the model's output on some private x of
// InBits signed bits.
func Verify(params pcs.Params, m *Model, M int, y []int64, proof Proof) error {
	return m.verify(params, M, y, proof, nil)
}

// verify checks a proof; with bp not nil, every opening's claim is checked
// by that batch proof instead of the proof's own openings.
func (m *Model) verify(params pcs.Params, M int, y []int64, proof Proof, bp *batch.Proof) error {
	var bv *batch.Verifier
	if bp != nil {
		bv = batch.NewVerifier()
	}
	last := m.Layers[len(m.Layers)-1]
	if M < 1 || len(y) != M*last.N {
		return fmt.Errorf("mlp: output of %d values, want %d×%d", len(y), M, last.N)
	}
	if len(proof.Steps) != len(m.Layers) || len(proof.Requan) != len(m.Layers) {
		return fmt.Errorf("mlp: proof of %d and %d layer steps, want %d", len(proof.Steps), len(proof.Requan), len(m.Layers))
	}
	xSize, _ := matmul.Tables(m.gemm[0], M)
	if 1<<proof.X.NumVars != xSize {
		return fmt.Errorf("mlp: x committed over %d variables, want %d entries", proof.X.NumVars, xSize)
	}
	tr := m.start(M, y)
	proof.X.Absorb(tr, "mlp/x")
	if err := m.verifyInput(tr, params, proof.X, &proof.Input, bv); err != nil {
		return err
	}
	cur := proof.X
	for i := range m.Layers {
		l := &m.Layers[i]
		if err := matmul.VerifyStepBatched(tr, params, m.gemm[i], M, cur, proof.Steps[i], bv); err != nil {
			return fmt.Errorf("mlp: layer %d: %v", i, err)
		}
		if err := rescale.VerifyBatched(tr, l.params(params), proof.Steps[i].Y, proof.Requan[i], bv); err != nil {
			return fmt.Errorf("mlp: layer %d: %v", i, err)
		}
		cur = proof.Requan[i].Y
	}
	yt := mle.FromInt64(padded(y, M, last.N))
	if len(yt) != 1<<cur.NumVars {
		return fmt.Errorf("mlp: output committed over %d variables, want %d entries", cur.NumVars, len(yt))
	}
	pts := OutputPoints(tr, "mlp/rho", params, cur.NumVars)
	if len(pts) > 1 && bv == nil {
		return fmt.Errorf("mlp: a proof under vanishing masks must be batched")
	}
	for _, pt := range pts {
		want, _ := yt.Eval(pt)
		if err := bv.Check(tr, params, cur, pt, want, proof.Out); err != nil {
			return fmt.Errorf("mlp: the committed output is not y: %v", err)
		}
	}
	if bv != nil {
		if err := bv.Verify(tr, params, *bp); err != nil {
			return fmt.Errorf("mlp: openings: %v", err)
		}
	}
	return nil
}

// inputRelation returns x + 2^(bits−1) − v0 − 2^12·v1, plus λ·v1 when v
// has one limb (hi = 0): zero at every entry exactly when x + 2^(bits−1) =
// v0 + 2^12·v1 (and v1 = 0 with one limb, for all but one λ).
func inputRelation(bits, hi int, lambda, x, v0, v1 fr.Element) fr.Element {
	var l, t fr.Element
	t.SetUint64(1 << (bits - 1))
	l.Add(&x, &t).Sub(&l, &v0)
	t.SetUint64(1 << rescale.Limb)
	t.Mul(&t, &v1)
	l.Sub(&l, &t)
	if hi == 0 {
		t.Mul(&lambda, &v1)
		l.Add(&l, &t)
	}
	return l
}

func (m *Model) verifyInput(tr *transcript.Transcript, params pcs.Params, x pcs.Commitment, ir *InputRange, bv *batch.Verifier) error {
	lo, hi := m.limbs()
	if ir.V0.NumVars != x.NumVars || ir.V1.NumVars != x.NumVars {
		return fmt.Errorf("mlp: input limbs committed over %d and %d variables, want %d", ir.V0.NumVars, ir.V1.NumVars, x.NumVars)
	}
	ir.V0.Absorb(tr, "mlp/v0")
	ir.V1.Absorb(tr, "mlp/v1")
	bits := []int{lo}
	if hi > 0 {
		bits = append(bits, hi)
	}
	if len(ir.Lookups) != len(bits) {
		return fmt.Errorf("mlp: input range: %d lookups, want %d", len(ir.Lookups), len(bits))
	}
	for i, c := range []pcs.Commitment{ir.V0, ir.V1}[:len(bits)] {
		table, err := logup.Range(bits[i])
		if err != nil {
			return err
		}
		if err := logup.VerifyBatched(tr, params, c, table, ir.Lookups[i], bv); err != nil {
			return fmt.Errorf("mlp: input range: %v", err)
		}
	}
	lambda := tr.Challenge("mlp/lambda")
	z := tr.Challenges("mlp/z", x.NumVars)
	rho, fin, err := sumcheck.VerifyEq(tr, fr.Element{}, z, 2, ir.Zero, "mlp: input range: x + 2^(b−1) ≠ v0 + 2^12·v1")
	if err != nil {
		return err
	}
	if l := inputRelation(m.InBits, hi, lambda, ir.AtRho[0], ir.AtRho[1], ir.AtRho[2]); !l.Equal(&fin[1]) {
		return fmt.Errorf("mlp: input range: the zero-check's final differs from x̃ + 2^(b−1) − ṽ0 − 2^12·ṽ1 at ρ")
	}
	tr.AppendElements("mlp/at-rho", ir.AtRho[:]...)
	if len(ir.Openings) != 3 {
		return fmt.Errorf("mlp: input range: %d openings, want 3", len(ir.Openings))
	}
	for i, c := range []pcs.Commitment{x, ir.V0, ir.V1} {
		if err := bv.Check(tr, params, c, rho, ir.AtRho[i], ir.Openings[i]); err != nil {
			return fmt.Errorf("mlp: input range: opening %d: %v", i, err)
		}
	}
	return nil
}
