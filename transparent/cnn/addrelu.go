package cnn

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

// addRelu is a residual connection's y = max(0, z), z = a·2^UpA + b·2^UpB,
// for two committed tensors a and b of one layout (ops' Add, which aligns
// both operands to the finer scale and rescales nothing, then a standalone
// Relu: exactly ops.IntArith's integers). Bits is the Relu plan's bound
// B: compile's analysis keeps −2^B ≤ z < 2^B, and the prover refuses any
// other z.
//
// # Protocol
//
// z is never committed: it is linear in a and b, z = 2^UpA·a + 2^UpB·b.
// The prover commits y, the sign s (1 where z ≥ 0) and the limbs v0 (Limb
// bits) and v1 (B − Limb bits) of v = z + 2^B·(1 − s). Then
//
//  1. logUp: v0 ∈ [0, 2^Limb), v1 ∈ [0, 2^(B−Limb)), so v ∈ [0, 2^B);
//  2. r, then λ and μ drawn; one eq-weighted zero-check (sumcheck.ProveSum)
//     Σ_x eq(r, x)·[P0 + λ·P1 + μ·E](x) = 0 with P0 = y − s·z (the Relu),
//     P1 = s² − s (s boolean), E = v0 + 2^Limb·v1 − z − 2^B·(1 − s) (v's
//     limbs), written as nine terms over the committed tables eq(r), y, s,
//     a, b, v0, v1 with public coefficients (the constant −μ·2^B moves
//     into the claim μ·2^B); degree 3 (eq·s·s, eq·s·a, eq·s·b);
//  3. its finals: eq(r, ρ), which the verifier computes, and ŷ, ŝ, â, b̂,
//     v̂0, v̂1 at ρ, claims deferred to package batch.
//
// Nothing private is stated (the claim is public) and no relation among
// different tables' values at one point is checked. This replaces the
// product sumcheck from a stated ỹ(r) and its link (4d2abf4) in every mode.
//
// # Zero knowledge (pcs.Params{Hiding, Vanishing})
//
// Every table is a masked factor (its commitment's vanishing row), so the
// finals are f̂ values, uniform; the rounds are masked (Libra). Without
// Vanishing the finals are f̃ values (one linear form of each table).
//
// # Soundness
//
// s is boolean everywhere (P1 = 0), v = z + 2^B(1 − s) on the cube (E = 0)
// and v ∈ [0, 2^B) (1), so s = 1 gives z ∈ [0, 2^B) and s = 0 gives
// z ∈ [−2^B, 0): s is z's sign, and y = s·z (P0 = 0) is max(0, z). P0, P1,
// E are functions on the cube fixed by the commitments before r: one of
// them nonzero has its multilinear extension nonzero at r but with
// probability n/|F|, and then P̃0(r) + λ·P̃1(r) + μ·Ẽ(r) = 0 for (λ, μ)
// drawn after r with probability 1/|F| (Schwartz–Zippel, degree 1); the
// sum is that value. The sumcheck's degree is 3 before the last round and
// ≤ 7 in it (masked factors), 7 every round under hiding: 7n/|F|. Total
// (8n + 1)/|F| < 2^-240, plus the two lookups' (package logup) and the
// openings'.
type addRelu struct {
	UpA, UpB, Bits int
	size           int // the tables' entries (a power of two)
}

// limbs returns v's limb widths.
func (l *addRelu) limbs() (lo, hi int) {
	if l.Bits <= rescale.Limb {
		return l.Bits, 0
	}
	return rescale.Limb, l.Bits - rescale.Limb
}

func (l *addRelu) check() error {
	if l.UpA < 0 || l.UpB < 0 || l.UpA > 30 || l.UpB > 30 {
		return fmt.Errorf("add: operand alignments 2^%d and 2^%d outside 2^0..2^30", l.UpA, l.UpB)
	}
	if l.Bits < 1 || l.Bits > 2*rescale.Limb+1 {
		return fmt.Errorf("add: relu bound of %d bits outside 1..%d", l.Bits, 2*rescale.Limb+1)
	}
	return nil
}

// AddReluProof proves one residual Add and its Relu.
type AddReluProof struct {
	Y, S, V0, V1 pcs.Commitment
	Lookups      []logup.Proof  // v0, and v1 when B > Limb
	Sum          sumcheck.Proof // Σ eq(r, x)·(P0 + λ·P1 + μ·E)(x) = 0, ending at ρ
}

// Size returns the proof's size in bytes, 32 per field element or hash.
func (p *AddReluProof) Size() int {
	n := 4*48 + p.Sum.Size()
	for i := range p.Lookups {
		n += p.Lookups[i].Size()
	}
	return n
}

// run returns max(0, a·2^UpA + b·2^UpB), or an error naming an entry
// outside the bound.
func (l *addRelu) run(a, b []int64) ([]int64, error) {
	if len(a) != l.size || len(b) != l.size {
		return nil, fmt.Errorf("add: operands of %d and %d entries, want %d", len(a), len(b), l.size)
	}
	y := make([]int64, l.size)
	lim := int64(1) << l.Bits
	for i := range y {
		z := a[i]<<l.UpA + b[i]<<l.UpB
		if z < -lim || z >= lim {
			return nil, fmt.Errorf("add: sum %d at %d outside [−2^%d, 2^%d)", z, i, l.Bits, l.Bits)
		}
		y[i] = max(z, 0)
	}
	return y, nil
}

// addCheats: the tests' cheating prover (nil: honest). sign may replace the
// sign table (v computed from it mod 2^B, as a prover keeping v's limbs in
// range must); tables may replace the committed y, s, v0, v1 by any field
// tables; sum may edit the sumcheck's own copies of its tables (eq, y, s,
// a, b, v0, v1) after the commitments (μ: the zero-check's challenge).
type addCheats struct {
	sign   func(s []int64)
	tables func(y, s, v0, v1 mle.Table)
	sum    func(t []mle.Table, mu fr.Element)
}

// Tables of the zero-check (addTerms).
const (
	aEq = iota
	aY
	aS
	aA
	aB
	aV0
	aV1
)

// addTerms returns the zero-check's terms over the tables aEq..aV1 (aV1
// left out with one limb) and its claim μ·2^B.
func (l *addRelu) addTerms(lambda, mu fr.Element) ([]sumcheck.Term, fr.Element) {
	lo, hi := l.limbs()
	ua, ub, pl, pb := pow2(l.UpA), pow2(l.UpB), pow2(lo), pow2(l.Bits)
	var one, nua, nub, cs, mua, mub, mpl, claim fr.Element
	one.SetOne()
	nua.Neg(&ua)
	nub.Neg(&ub)
	claim.Mul(&mu, &pb)
	cs.Sub(&claim, &lambda)
	mua.Mul(&mu, &nua)
	mub.Mul(&mu, &nub)
	mpl.Mul(&mu, &pl)
	terms := []sumcheck.Term{
		{Coef: one, Factors: []int{aEq, aY}},        // y
		{Coef: nua, Factors: []int{aEq, aS, aA}},    // −s·2^UpA·a
		{Coef: nub, Factors: []int{aEq, aS, aB}},    // −s·2^UpB·b
		{Coef: cs, Factors: []int{aEq, aS}},         // (μ·2^B − λ)·s
		{Coef: lambda, Factors: []int{aEq, aS, aS}}, // λ·s²
		{Coef: mu, Factors: []int{aEq, aV0}},        // μ·v0
		{Coef: mua, Factors: []int{aEq, aA}},        // −μ·2^UpA·a
		{Coef: mub, Factors: []int{aEq, aB}},        // −μ·2^UpB·b
		{Coef: mpl, Factors: []int{aEq, aV1}},       // μ·2^Limb·v1
	}
	if hi == 0 {
		terms = terms[:len(terms)-1]
	}
	return terms, claim
}

func (l *addRelu) absorb(tr *transcript.Transcript, p *AddReluProof) {
	tr.AppendUint64("add/up-a", uint64(l.UpA))
	tr.AppendUint64("add/up-b", uint64(l.UpB))
	tr.AppendUint64("add/bits", uint64(l.Bits))
	p.Y.Absorb(tr, "add/y")
	p.S.Absorb(tr, "add/s")
	p.V0.Absorb(tr, "add/v0")
	p.V1.Absorb(tr, "add/v1")
}

// prove proves y (the prover's table: honest, or a cheat's) against the
// committed a and b; every opening is deferred into bp.
func (l *addRelu) prove(tr *transcript.Transcript, params pcs.Params, aData, bData *pcs.ProverData, a, b, y []int64, bp *batch.Prover, ch addCheats) (AddReluProof, *pcs.ProverData, error) {
	if len(a) != l.size || len(b) != l.size || len(y) != l.size {
		return AddReluProof{}, nil, fmt.Errorf("add: tables of %d, %d, %d entries, want %d", len(a), len(b), len(y), l.size)
	}
	lo, hi := l.limbs()
	s, v0, v1 := make([]int64, l.size), make([]int64, l.size), make([]int64, l.size)
	z := make([]int64, l.size)
	for i := range z {
		z[i] = a[i]<<l.UpA + b[i]<<l.UpB
		if z[i] >= 0 {
			s[i] = 1
		}
	}
	if ch.sign != nil {
		ch.sign(s)
	}
	for i := range z {
		v := (z[i] + (1-s[i])<<l.Bits) & (1<<l.Bits - 1)
		if ch.sign == nil && v != z[i]+(1-s[i])<<l.Bits {
			return AddReluProof{}, nil, fmt.Errorf("add: sum %d at %d outside [−2^%d, 2^%d)", z[i], i, l.Bits, l.Bits)
		}
		v0[i], v1[i] = v&(1<<lo-1), v>>lo
	}
	yt, st, t0, t1 := mle.FromInt64(y), mle.FromInt64(s), mle.FromInt64(v0), mle.FromInt64(v1)
	if ch.tables != nil {
		ch.tables(yt, st, t0, t1)
	}
	var p AddReluProof
	datas := make([]*pcs.ProverData, 4)
	for i, t := range []mle.Table{yt, st, t0, t1} {
		if i == 3 && hi == 0 {
			break
		}
		d, err := pcs.Commit(params, t)
		if err != nil {
			return AddReluProof{}, nil, err
		}
		datas[i] = d
	}
	p.Y, p.S, p.V0 = datas[0].Commitment(), datas[1].Commitment(), datas[2].Commitment()
	if hi > 0 {
		p.V1 = datas[3].Commitment()
	}
	l.absorb(tr, &p)
	for i, bits := range []int{lo, hi} {
		if bits == 0 {
			break
		}
		table, err := logup.Range(bits)
		if err != nil {
			return AddReluProof{}, nil, err
		}
		lp, err := logup.ProveBatched(tr, params, datas[2+i], []mle.Table{t0, t1}[i], table, bp)
		if err != nil {
			return AddReluProof{}, nil, fmt.Errorf("add: range check: %v", err)
		}
		p.Lookups = append(p.Lookups, lp)
	}
	n := yt.NumVars()
	r := tr.Challenges("add/r", n)
	lambda := tr.Challenge("add/lambda")
	mu := tr.Challenge("add/mu")
	terms, claim := l.addTerms(lambda, mu)
	tables := []mle.Table{mle.EqTable(r), clone(yt), clone(st), mle.FromInt64(a), mle.FromInt64(b), clone(t0), clone(t1)}
	owners := []*pcs.ProverData{nil, datas[0], datas[1], aData, bData, datas[2], datas[3]}
	if hi == 0 {
		tables, owners = tables[:aV1], owners[:aV1]
	}
	if ch.sum != nil {
		ch.sum(tables, mu)
	}
	in := sumcheck.Instance{Tables: tables, Terms: terms}
	if maskedVars(params, p.Y) >= 0 {
		in.Masks = make([][]fr.Element, len(tables))
		for k, d := range owners[1:] {
			in.Masks[1+k] = d.MaskRow()
		}
	}
	var rho []fr.Element
	var err error
	if p.Sum, rho, err = sumcheck.ProveSum(tr, claim, in, params.Hiding); err != nil {
		return AddReluProof{}, nil, err
	}
	for _, d := range owners[1:] {
		if openHook != nil {
			openHook(d, rho)
		}
		if _, err := bp.Open(tr, d, rho); err != nil {
			return AddReluProof{}, nil, err
		}
	}
	return p, datas[0], nil
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

func clone(t mle.Table) mle.Table { return append(mle.Table(nil), t...) }

// pow2 returns 2^k in the field.
func pow2(k int) fr.Element {
	var e fr.Element
	e.SetUint64(1)
	for ; k > 0; k-- {
		e.Double(&e)
	}
	return e
}

// verify checks p against the committed a and b; on success p.Y commits
// to max(0, a·2^UpA + b·2^UpB).
func (l *addRelu) verify(tr *transcript.Transcript, params pcs.Params, aCom, bCom pcs.Commitment, p *AddReluProof, bv *batch.Verifier) error {
	n := aCom.NumVars
	lo, hi := l.limbs()
	if 1<<n != l.size || bCom.NumVars != n || p.Y.NumVars != n || p.S.NumVars != n || p.V0.NumVars != n || (hi > 0 && p.V1.NumVars != n) {
		return fmt.Errorf("add: tables committed over %d, %d, %d, %d, %d, %d variables, want %d entries", aCom.NumVars, bCom.NumVars, p.Y.NumVars, p.S.NumVars, p.V0.NumVars, p.V1.NumVars, l.size)
	}
	if hi == 0 && p.V1 != (pcs.Commitment{}) {
		return fmt.Errorf("add: a second limb for a %d-bit bound", l.Bits)
	}
	l.absorb(tr, p)
	bits := []int{lo, hi}[:1+min(hi, 1)]
	if len(p.Lookups) != len(bits) {
		return fmt.Errorf("add: %d range checks, want %d", len(p.Lookups), len(bits))
	}
	for i, b := range bits {
		table, err := logup.Range(b)
		if err != nil {
			return err
		}
		if err := logup.VerifyBatched(tr, params, []pcs.Commitment{p.V0, p.V1}[i], table, p.Lookups[i], bv); err != nil {
			return fmt.Errorf("add: range check of limb %d: %v", i, err)
		}
	}
	r := tr.Challenges("add/r", n)
	lambda := tr.Challenge("add/lambda")
	mu := tr.Challenge("add/mu")
	terms, claim := l.addTerms(lambda, mu)
	coms := []pcs.Commitment{{}, p.Y, p.S, aCom, bCom, p.V0, p.V1}[:aV1+min(hi, 1)]
	sh := sumcheck.Shape{Tables: len(coms), Terms: terms}
	if maskedVars(params, p.Y) >= 0 {
		sh.Masked = make([]int, len(coms))
		sh.Masked[aEq] = -1
		for k, c := range coms[1:] {
			sh.Masked[1+k] = maskedVars(params, c)
		}
	}
	rho, fin, _, err := sumcheck.VerifySum(tr, claim, n, sh, p.Sum)
	if err != nil {
		return fmt.Errorf("add: y = relu(a + b) with a boolean sign and v's limbs: %v", err)
	}
	if eq := mle.Eq(r, rho); !eq.Equal(&fin[aEq]) {
		return fmt.Errorf("add: the zero-check's eq factor differs from eq(r, ρ)")
	}
	for k, c := range coms[1:] {
		if err := bv.Check(tr, params, c, rho, fin[1+k], pcs.Opening{}); err != nil {
			return fmt.Errorf("add: opening %d: %v", k, err)
		}
	}
	return nil
}
