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
// z is never committed: it is linear in a and b, so z̃(ρ) = 2^UpA·ã(ρ) +
// 2^UpB·b̃(ρ) at any point. The prover commits y, the sign s (1 where
// z ≥ 0) and the limbs v0 (Limb bits) and v1 (B − Limb bits) of
// v = z + 2^B·(1 − s). Then
//
//  1. logUp: v0 ∈ [0, 2^Limb), v1 ∈ [0, 2^(B−Limb)), so v ∈ [0, 2^B);
//  2. r and λ drawn; one sumcheck of degree 3:
//     ỹ(r) = Σ_x eq(r, x)·s(x)·(z(x) + λ·(1 − s(x))),
//     which, λ being drawn after every commitment, is both ỹ(r) = MLE(s·z)(r)
//     and Σ eq(r, x)·s(x)(1 − s(x)) = 0 (error 1/|F| for λ, n/|F| for r);
//  3. at the sumcheck's point ρ the verifier checks the last factor against
//     ã(ρ), b̃(ρ), s̃(ρ), and ṽ0(ρ) + 2^Limb·ṽ1(ρ) = z̃(ρ) + 2^B·(1 − s̃(ρ))
//     (both sides multilinear, fixed before ρ: error n/|F|);
//  4. ỹ(r), ã, b̃, s̃, ṽ0, ṽ1 at ρ are openings (deferred to package batch).
//
// Soundness: s is boolean everywhere (2); v = z + 2^B(1 − s) lies in
// [0, 2^B) (1, 3), so s = 1 gives z ∈ [0, 2^B) and s = 0 gives z ∈ [−2^B, 0):
// s is z's sign, and y = s·z (2) is max(0, z). Total error ≤ (2n + 1)/|F| +
// the two lookups' (package logup).
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
	Lookups      []logup.Proof // v0, and v1 when B > Limb
	YAtR         fr.Element
	Sum          sumcheck.Proof
	AtRho        [5]fr.Element // ã, b̃, s̃, ṽ0, ṽ1 at ρ (ṽ1 zero with one limb)
}

// Size returns the proof's size in bytes, 32 per field element or hash.
func (p *AddReluProof) Size() int {
	n := 4*48 + 32 + 5*32 + p.Sum.Size()
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
// range must); sumZ may replace z in the sumcheck's last factor only;
// tables may replace the committed y, s, v0, v1 by any field tables.
type addCheats struct {
	sign   func(s []int64)
	sumZ   func(z []int64)
	tables func(y, s, v0, v1 mle.Table)
	// fudgeS runs the sumcheck on s changed at entry 0 so that its sum is
	// the committed (edited) ỹ(r).
	fudgeS bool
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
	if ch.sumZ != nil {
		ch.sumZ(z)
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
	p.YAtR, _ = yt.Eval(r)
	tr.AppendElements("add/y(r)", p.YAtR)
	zt := mle.FromInt64(z)
	w := make(mle.Table, l.size)
	var one, t fr.Element
	one.SetOne()
	for i := range w {
		t.Sub(&one, &st[i]).Mul(&t, &lambda)
		w[i].Add(&zt[i], &t)
	}
	sumS := clone(st)
	if ch.fudgeS {
		eq := mle.EqTable(r)
		var sum, t fr.Element
		for i := range w {
			t.Mul(&eq[i], &sumS[i]).Mul(&t, &w[i])
			sum.Add(&sum, &t)
		}
		t.Mul(&eq[0], &w[0]).Inverse(&t)
		sum.Sub(&p.YAtR, &sum).Mul(&sum, &t)
		sumS[0].Add(&sumS[0], &sum)
	}
	var rho []fr.Element
	var err error
	if p.Sum, rho, _, err = sumcheck.Prove(tr, p.YAtR, []mle.Table{mle.EqTable(r), sumS, w}); err != nil {
		return AddReluProof{}, nil, err
	}
	for i, tb := range []mle.Table{mle.FromInt64(a), mle.FromInt64(b), st, t0, t1} {
		p.AtRho[i], _ = tb.Eval(rho)
	}
	tr.AppendElements("add/at-rho", p.AtRho[:]...)
	opens := []struct {
		d *pcs.ProverData
		x []fr.Element
	}{{datas[0], r}, {aData, rho}, {bData, rho}, {datas[1], rho}, {datas[2], rho}, {datas[3], rho}}
	if hi == 0 {
		opens = opens[:5]
	}
	for _, o := range opens {
		if _, err := bp.Open(tr, o.d, o.x); err != nil {
			return AddReluProof{}, nil, err
		}
	}
	return p, datas[0], nil
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
	if hi == 0 && (p.V1 != pcs.Commitment{} || !p.AtRho[4].IsZero()) {
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
	tr.AppendElements("add/y(r)", p.YAtR)
	rho, fin, err := sumcheck.VerifyEq(tr, p.YAtR, r, 3, p.Sum, "add: y = relu(a + b)")
	if err != nil {
		return err
	}
	av, bvv, sv, v0, v1 := p.AtRho[0], p.AtRho[1], p.AtRho[2], p.AtRho[3], p.AtRho[4]
	var z, t, one, oneMinusS fr.Element
	ua, ub := pow2(l.UpA), pow2(l.UpB)
	z.Mul(&av, &ua)
	t.Mul(&bvv, &ub)
	z.Add(&z, &t)
	one.SetOne()
	oneMinusS.Sub(&one, &sv)
	if !fin[1].Equal(&sv) {
		return fmt.Errorf("add: the sign's factor differs from s̃(ρ)")
	}
	var w fr.Element
	w.Mul(&lambda, &oneMinusS).Add(&w, &z)
	if !fin[2].Equal(&w) {
		return fmt.Errorf("add: the sum's factor differs from 2^UpA·ã(ρ) + 2^UpB·b̃(ρ) + λ(1 − s̃(ρ))")
	}
	// v0 + 2^lo·v1 = z + 2^B·(1 − s) at ρ.
	var lhs, rhs fr.Element
	pl, pb := pow2(lo), pow2(l.Bits)
	lhs.Mul(&v1, &pl).Add(&lhs, &v0)
	rhs.Mul(&oneMinusS, &pb).Add(&rhs, &z)
	if !lhs.Equal(&rhs) {
		return fmt.Errorf("add: the limbs of v do not add up to z + 2^B(1 − s): a sign is wrong")
	}
	tr.AppendElements("add/at-rho", p.AtRho[:]...)
	claims := []struct {
		c pcs.Commitment
		x []fr.Element
		v fr.Element
	}{{p.Y, r, p.YAtR}, {aCom, rho, av}, {bCom, rho, bvv}, {p.S, rho, sv}, {p.V0, rho, v0}, {p.V1, rho, v1}}
	if hi == 0 {
		claims = claims[:5]
	}
	for i, c := range claims {
		if err := bv.Check(tr, params, c.c, c.x, c.v, pcs.Opening{}); err != nil {
			return fmt.Errorf("add: opening %d: %v", i, err)
		}
	}
	return nil
}
