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
//  2. r and λ drawn; one sumcheck of degree 3 (the product):
//     ỹ(r) = Σ_x eq(r, x)·s(x)·w(x), w = z + λ·(1 − s),
//     which, λ being drawn after every commitment, is both ỹ(r) = MLE(s·z)(r)
//     and Σ eq(r, x)·s(x)(1 − s(x)) = 0 (error 1/|F| for λ, n/|F| for r,
//     3n/|F| for the sumcheck); it ends at ρ with s̃(ρ) and w̃(ρ) stated;
//  3. μ drawn; the link, one sumcheck of degree 2 at ρ:
//     w̃(ρ) = Σ_x eq(ρ, x)·[w(x) + μ·E(x)], E = v0 + 2^Limb·v1 − z − 2^B·(1 − s),
//     i.e. the product's w̃(ρ) is z + λ(1 − s) of the committed a, b, s, and
//     the eq-weighted zero-check Σ_x eq(ρ, x)·E(x) = 0 (v = z + 2^B(1 − s)
//     on the cube), combined by μ. It ends at σ with ã, b̃, s̃, ṽ0, ṽ1 at σ
//     stated, from which the verifier recomputes the link's final. No
//     relation among different tables' values at one point is checked:
//     with one vanishing mask per hiding commitment (docs/TRANSPARENT.md,
//     "Zero knowledge") such a relation does not hold on opened values;
//  4. ỹ(r), s̃(ρ), and ã, b̃, s̃, ṽ0, ṽ1 at σ are claims (deferred to
//     package batch).
//
// Both sumchecks are masked under pcs.Params.Hiding (sumcheck.ProveZK).
//
// Soundness: s is boolean everywhere (2); v = z + 2^B(1 − s) on the cube
// (3) and v ∈ [0, 2^B) (1), so s = 1 gives z ∈ [0, 2^B) and s = 0 gives
// z ∈ [−2^B, 0): s is z's sign, and y = s·z (2) is max(0, z). The link's
// error: E ≠ 0 (fixed by the commitments before ρ) has Ẽ(ρ) = 0 with
// probability n/|F|; w̃(ρ) + μ·Ẽ(ρ) equals the stated w̃(ρ) for a μ drawn
// after it unless both hold: 1/|F|; its sumcheck: 2n/|F|: (3n + 1)/|F|.
// With the product's (4n + 1)/|F| the total error is ≤ (7n + 2)/|F| + the
// two lookups' (package logup) + the openings'.
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
	Sum          sumcheck.Proof // ỹ(r) = Σ eq(r, x)·s(x)·w(x), ending at ρ
	Link         sumcheck.Proof // w̃(ρ) = Σ eq(ρ, x)·(w(x) + μ·E(x)), ending at σ
	At           [5]fr.Element  // ã, b̃, s̃, ṽ0, ṽ1 at σ (ṽ1 zero with one limb)
}

// Size returns the proof's size in bytes, 32 per field element or hash.
func (p *AddReluProof) Size() int {
	n := 4*48 + 32 + 5*32 + p.Sum.Size() + p.Link.Size()
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
	// fudgeLink runs the link on its table changed at entry 0 so that its
	// sum is the product's w̃(ρ).
	fudgeLink bool
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
	if p.Sum, rho, _, err = sumcheck.ProveZK(tr, p.YAtR, []mle.Table{mle.EqTable(r), sumS, w}, params.Hiding); err != nil {
		return AddReluProof{}, nil, err
	}
	// The link: w̃(ρ) (the product's final) = Σ eq(ρ, x)·(w + μ·E)(x).
	mu := tr.Challenge("add/mu")
	ua, ub, pl, pb := pow2(l.UpA), pow2(l.UpB), pow2(lo), pow2(l.Bits)
	lk := make(mle.Table, l.size)
	at, bt := mle.FromInt64(a), mle.FromInt64(b)
	for i := range lk {
		lk[i] = l.link(lambda, mu, ua, ub, pl, pb, at[i], bt[i], st[i], t0[i], t1[i])
	}
	if ch.fudgeLink {
		eq := mle.EqTable(rho)
		sum := mle.Inner(eq, lk)
		t.Inverse(&eq[0])
		sum.Sub(&p.Sum.Finals[2], &sum).Mul(&sum, &t)
		lk[0].Add(&lk[0], &sum)
	}
	var sigma []fr.Element
	if p.Link, sigma, _, err = sumcheck.ProveZK(tr, p.Sum.Finals[2], []mle.Table{mle.EqTable(rho), lk}, params.Hiding); err != nil {
		return AddReluProof{}, nil, err
	}
	for i, tb := range []mle.Table{at, bt, st, t0, t1} {
		p.At[i], _ = tb.Eval(sigma)
	}
	tr.AppendElements("add/at-sigma", p.At[:]...)
	opens := []struct {
		d *pcs.ProverData
		x []fr.Element
	}{{datas[0], r}, {datas[1], rho}, {aData, sigma}, {bData, sigma}, {datas[1], sigma}, {datas[2], sigma}, {datas[3], sigma}}
	if hi == 0 {
		opens = opens[:6]
	}
	for _, o := range opens {
		if _, err := bp.Open(tr, o.d, o.x); err != nil {
			return AddReluProof{}, nil, err
		}
	}
	return p, datas[0], nil
}

// link returns w + μ·E at one entry: w = z + λ(1 − s), E = v0 + 2^lo·v1 −
// z − 2^B·(1 − s), z = 2^UpA·a + 2^UpB·b (ua, ub, pl, pb: 2^UpA, 2^UpB,
// 2^lo, 2^B).
func (l *addRelu) link(lambda, mu, ua, ub, pl, pb, a, b, s, v0, v1 fr.Element) fr.Element {
	var z, t, oneMinusS, w, e fr.Element
	z.Mul(&ua, &a)
	t.Mul(&ub, &b)
	z.Add(&z, &t)
	oneMinusS.SetOne()
	oneMinusS.Sub(&oneMinusS, &s)
	w.Mul(&lambda, &oneMinusS).Add(&w, &z)
	e.Mul(&pl, &v1).Add(&e, &v0).Sub(&e, &z)
	t.Mul(&pb, &oneMinusS)
	e.Sub(&e, &t).Mul(&e, &mu)
	return *w.Add(&w, &e)
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
	if hi == 0 && (p.V1 != pcs.Commitment{} || !p.At[4].IsZero()) {
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
	mu := tr.Challenge("add/mu")
	sigma, lfin, err := sumcheck.VerifyEq(tr, fin[2], rho, 2, p.Link, "add: the sum's factor or v's limbs do not match a, b, s (a sign or z is wrong)")
	if err != nil {
		return err
	}
	lk := l.link(lambda, mu, pow2(l.UpA), pow2(l.UpB), pow2(lo), pow2(l.Bits), p.At[0], p.At[1], p.At[2], p.At[3], p.At[4])
	if !lk.Equal(&lfin[1]) {
		return fmt.Errorf("add: the link's final differs from w + μ·E at σ of the stated ã, b̃, s̃, ṽ0, ṽ1")
	}
	tr.AppendElements("add/at-sigma", p.At[:]...)
	claims := []struct {
		c pcs.Commitment
		x []fr.Element
		v fr.Element
	}{{p.Y, r, p.YAtR}, {p.S, rho, fin[1]}, {aCom, sigma, p.At[0]}, {bCom, sigma, p.At[1]}, {p.S, sigma, p.At[2]}, {p.V0, sigma, p.At[3]}, {p.V1, sigma, p.At[4]}}
	if hi == 0 {
		claims = claims[:6]
	}
	for i, c := range claims {
		if err := bv.Check(tr, params, c.c, c.x, c.v, pcs.Opening{}); err != nil {
			return fmt.Errorf("add: opening %d: %v", i, err)
		}
	}
	return nil
}
