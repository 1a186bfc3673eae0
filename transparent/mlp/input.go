package mlp

// The input range (InputRange, proveInput and verifyInput).
//
// # Protocol
//
// With v = x + 2^(b−1) (b = InBits) split into limbs v = v0 + 2^12·v1, the
// prover commits v0 and v1; logUp puts v0 in [0, 2^12) and v1 in
// [0, 2^(b−12)) (one limb when b ≤ 12: v1 must be 0). Then λ and z are
// drawn and one sumcheck (sumcheck.ProveSum) proves the eq-weighted
// zero-check
//
//	Σ_i eq(z, i)·[x(i) − v0(i) − 2^12·v1(i) (+ λ·v1(i) with one limb)] = −2^(b−1)
//
// (Σ_i eq(z, i) = 1 moves the constant 2^(b−1) into the claim), three terms
// eq·x, eq·v0, eq·v1 with public coefficients. Its finals are eq(z, ρ),
// which the verifier computes, and x̂(ρ), v̂0(ρ), v̂1(ρ), claims on the three
// commitments at ρ. No relation among different tables' values at one point
// is checked, and nothing private is stated: the claim is public.
//
// # Zero knowledge (pcs.Params{Hiding, Vanishing})
//
// x, v0 and v1 are masked factors (their commitments' vanishing rows), so
// the finals are f̂ values, uniform (package sumcheck, "Zero knowledge of a
// masked factor"), each one more claim on its table for package batch's
// accounting; the rounds are masked by the sumcheck's Libra mask. Without
// Vanishing the finals are f̃ values (binding or plain hiding: one linear
// form of each table, as before).
//
// # Soundness
//
// The lookups' error (package logup) puts v0 and v1 in range. The relation
// L = x + 2^(b−1) − v0 − 2^12·v1 (+ λ·v1) is a table fixed by the
// commitments before λ and z are drawn. With one limb, L₁ + λ·v1 vanishes
// on the cube for more than one λ only when L₁ = 0 and v1 = 0: 1/|F|. A
// nonzero L has L̃(z) ≠ 0 but with probability n/|F| (n = x's variables),
// and the sum is L̃(z) − 2^(b−1); the sumcheck of degree 4 (2 before the
// last round, 4 in it with masked factors; every round 4 under hiding)
// errs with ≤ 4n/|F|; its finals are bound by the openings (package pcs /
// batch). So x + 2^(b−1) = v0 + 2^12·v1 ∈ [0, 2^b) on the cube: x is a
// signed b-bit integer. Error of the zero-check: (5n + 1)/|F| < 2^-240,
// plus the lookups' and the openings'.

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

// ProveInput proves that every entry of the committed private input x (its
// table, already absorbed into tr) is a signed inBits-bit integer, as Prove
// does for a dense chain's input; other chains (transparent/cnn) use it. With
// bp not nil the openings are deferred into it (package batch).
func ProveInput(tr *transcript.Transcript, params pcs.Params, inBits int, xData *pcs.ProverData, x []int64, bp *batch.Prover) (InputRange, error) {
	return (&Model{InBits: inBits}).proveInput(tr, params, xData, x, bp, nil, nil)
}

// VerifyInput checks an InputRange proof for the input committed in x
// (absorbed into tr as the prover's was), deferring the openings' claims
// into bv when it is not nil.
func VerifyInput(tr *transcript.Transcript, params pcs.Params, inBits int, x pcs.Commitment, ir *InputRange, bv *batch.Verifier) error {
	return (&Model{InBits: inBits}).verifyInput(tr, params, x, ir, bv)
}

// inputTerms returns the zero-check's terms over the tables (eq, x, v0, v1)
// and its claim −2^(bits−1).
func inputTerms(bits, hi int, lambda fr.Element) ([]sumcheck.Term, fr.Element) {
	var one, c0, c1, claim fr.Element
	one.SetOne()
	c0.Neg(&one)
	c1.SetUint64(1 << rescale.Limb)
	c1.Neg(&c1)
	if hi == 0 {
		c1.Add(&c1, &lambda)
	}
	claim.SetUint64(1 << (bits - 1))
	claim.Neg(&claim)
	return []sumcheck.Term{{Coef: one, Factors: []int{0, 1}}, {Coef: c0, Factors: []int{0, 2}}, {Coef: c1, Factors: []int{0, 3}}}, claim
}

// maskedVars is the verifier's view of a commitment as a sumcheck factor:
// its vanishing mask's variables (the column variables) under
// pcs.Params{Hiding, Vanishing} over ≥ 1 variable, −1 otherwise.
func maskedVars(p pcs.Params, c pcs.Commitment) int {
	if !p.Hiding || !p.Vanishing || c.NumVars == 0 {
		return -1
	}
	return c.NumVars - c.RowVars
}

// maskRow is the prover's side of maskedVars: d's vanishing row or nil.
func maskRow(d *pcs.ProverData) []fr.Element {
	if d.Commitment().NumVars == 0 {
		return nil
	}
	return d.MaskRow()
}

// openHook, set only by the zero-knowledge test, sees every table the
// input range opens and the point.
var openHook func(d *pcs.ProverData, point []fr.Element)

// proveInput proves x's range; the tests' cheating provers may replace the
// limbs' tables (editV, after they are computed from x, before they are
// committed) and the sumcheck's tables eq(z, ·), x, v0, v1 (editSum); honest
// callers pass nil.
func (m *Model) proveInput(tr *transcript.Transcript, params pcs.Params, xData *pcs.ProverData, x []int64, bp *batch.Prover, editV func(v0, v1 mle.Table), editSum func(t []mle.Table)) (InputRange, error) {
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
	terms, claim := inputTerms(m.InBits, hi, lambda)
	tables := []mle.Table{mle.EqTable(z), mle.FromInt64(x), append(mle.Table(nil), t0...), append(mle.Table(nil), t1...)}
	if editSum != nil {
		editSum(tables)
	}
	in := sumcheck.Instance{Tables: tables, Terms: terms}
	if maskedVars(params, ir.V0) >= 0 {
		in.Masks = [][]fr.Element{nil, maskRow(xData), maskRow(d0), maskRow(d1)}
	}
	var rho []fr.Element
	if ir.Zero, rho, err = sumcheck.ProveSum(tr, claim, in, params.Hiding); err != nil {
		return ir, err
	}
	for _, d := range []*pcs.ProverData{xData, d0, d1} {
		if openHook != nil {
			openHook(d, rho)
		}
		op, err := bp.Open(tr, d, rho)
		if err != nil {
			return ir, err
		}
		ir.Openings = append(ir.Openings, op)
	}
	return ir, nil
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
	terms, claim := inputTerms(m.InBits, hi, lambda)
	sh := sumcheck.Shape{Tables: 4, Terms: terms}
	if maskedVars(params, ir.V0) >= 0 {
		sh.Masked = []int{-1, maskedVars(params, x), maskedVars(params, ir.V0), maskedVars(params, ir.V1)}
	}
	rho, fin, _, err := sumcheck.VerifySum(tr, claim, x.NumVars, sh, ir.Zero)
	if err != nil {
		return fmt.Errorf("mlp: input range: x + 2^(b−1) ≠ v0 + 2^12·v1: %v", err)
	}
	if eq := mle.Eq(z, rho); !eq.Equal(&fin[0]) {
		return fmt.Errorf("mlp: input range: the zero-check's eq factor differs from eq(z, ρ)")
	}
	if len(ir.Openings) != 3 {
		return fmt.Errorf("mlp: input range: %d openings, want 3", len(ir.Openings))
	}
	for i, c := range []pcs.Commitment{x, ir.V0, ir.V1} {
		if err := bv.Check(tr, params, c, rho, fin[1+i], ir.Openings[i]); err != nil {
			return fmt.Errorf("mlp: input range: opening %d: %v", i, err)
		}
	}
	return nil
}
