package sumcheck

import (
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// Term is Coef·Π_k Tables[Factors[k]], one summand of an [Instance]. A
// table may appear in several terms, and more than once in one (a square).
type Term struct {
	Coef    fr.Element
	Factors []int
}

// Tail adds Coef·s̃(Point) to an [Instance]'s sum, s̃ the multilinear
// extension of S (2^len(Point) entries, a hiding commitment's vanishing
// mask row). The verifier's [Shape] uses Coef and Point; S is the prover's.
type Tail struct {
	Coef  fr.Element
	Point []fr.Element
	S     []fr.Element
}

// Instance is a generalized sumcheck's statement with the prover's tables:
//
//	claim = Σ_{x∈{0,1}^n} Σ_t Coef_t·Π_{k∈t} T̂_k(x) + Tail.Coef·s̃(Tail.Point),
//
// T̂_k = T̃_k for a plain factor (Masks[k] nil) and, for a masked one,
// T̂_k(x) = T̃_k(x) + Z(x)·s̃_k(x_{n−c..n−1}), Z(x) = Π_{i<n} x_i(1 − x_i),
// s_k = Masks[k] of 2^c entries (c ≤ n): the polynomial a hiding
// commitment (pcs, vanishing mask) opens. T̂_k = T_k on the cube, so
// masks change no sum, only the last round and the finals.
//
// A table committed over its own m < n variables and repeated over the
// first n − m (T_k(x) = f(x_{n−m..n−1})) has Spans[k] = m: its factor is
// f̂(x_{n−m..}) = T̃_k(x) + Z_m(x)·s̃_k(x_{n−c..}), Z_m = Π_{i≥n−m} x_i(1 − x_i)
// (c ≤ m), and its final f̂(ρ_{n−m..}) is a value claim on f's commitment.
type Instance struct {
	Tables []mle.Table    // each 2^n entries; consumed (folded in place)
	Masks  [][]fr.Element // nil, or per table nil or its mask row s_k
	Spans  []int          // nil, or per masked table Z's variables m (below; 0: n)
	Terms  []Term         // at least one; every table in some term
	Tail   *Tail          // nil: none
}

// Shape is what the verifier knows of an [Instance]: the number of tables,
// the terms, which tables are masked (Masked[k] = c, the mask's variables,
// or −1 for a plain factor; nil: none) and the tail's Coef and Point (its S
// is ignored), and the masked tables' spans (Spans as in [Instance]).
type Shape struct {
	Tables int
	Terms  []Term
	Masked []int
	Spans  []int
	Tail   *Tail
}

// Shape returns the verifier's view of in (Masked nil when no table is
// masked).
func (in *Instance) Shape() Shape {
	sh := Shape{Tables: len(in.Tables), Terms: in.Terms, Tail: in.Tail}
	masked := false
	for _, m := range in.Masks {
		masked = masked || m != nil
	}
	if masked {
		sh.Spans = in.Spans
		sh.Masked = make([]int, len(in.Tables))
		for k := range sh.Masked {
			sh.Masked[k] = -1
			if k < len(in.Masks) && in.Masks[k] != nil {
				sh.Masked[k] = mle.Table(in.Masks[k]).NumVars()
			}
		}
	}
	return sh
}

// check validates the shape for n variables.
func (sh *Shape) check(n int) error {
	if sh.Tables < 1 || len(sh.Terms) == 0 {
		return fmt.Errorf("sumcheck: a sum of %d tables and %d terms (want at least one of each)", sh.Tables, len(sh.Terms))
	}
	used := make([]bool, sh.Tables)
	for t, term := range sh.Terms {
		if len(term.Factors) == 0 {
			return fmt.Errorf("sumcheck: term %d has no factor (a constant belongs in the claim)", t)
		}
		for _, k := range term.Factors {
			if k < 0 || k >= sh.Tables {
				return fmt.Errorf("sumcheck: term %d names table %d of %d", t, k, sh.Tables)
			}
			used[k] = true
		}
	}
	for k, u := range used {
		if !u {
			return fmt.Errorf("sumcheck: table %d is in no term (its final would be unchecked)", k)
		}
	}
	if sh.Masked != nil {
		if len(sh.Masked) != sh.Tables {
			return fmt.Errorf("sumcheck: %d mask entries for %d tables", len(sh.Masked), sh.Tables)
		}
		for k, c := range sh.Masked {
			if c < -1 || c > n || c >= 0 && n == 0 {
				return fmt.Errorf("sumcheck: table %d's mask has %d variables (want −1 for none, or 0..%d; a 0-variable table has no mask)", k, c, n)
			}
		}
	}
	if sh.Spans != nil {
		if len(sh.Spans) != sh.Tables {
			return fmt.Errorf("sumcheck: %d mask spans for %d tables", len(sh.Spans), sh.Tables)
		}
		for k, m := range sh.Spans {
			if m == 0 {
				continue
			}
			c := -1
			if sh.Masked != nil {
				c = sh.Masked[k]
			}
			if c < 0 || m < max(c, 1) || m > n {
				return fmt.Errorf("sumcheck: table %d's mask spans %d variables (mask of %d; want 0 for all n = %d, or c ≤ span ≤ n on a masked table)", k, m, c, n)
			}
		}
	}
	return nil
}

// degrees returns the degree of the rounds before the last (d: max_t |t|)
// and of the last round (dl: max_t Σ_{k∈t} (3 for a masked factor, 1 for a
// plain one)), at least 1, and at least 2 with a tail over ≥ 1 variable.
func (sh *Shape) degrees(n int) (d, dl int) {
	d, dl = 1, 1
	if sh.Tail != nil {
		d = max(d, tailDegree(sh.Tail, n))
		dl = d
	}
	for _, term := range sh.Terms {
		d = max(d, len(term.Factors))
		l := 0
		for _, k := range term.Factors {
			if sh.masked(k) {
				l += 3
			} else {
				l++
			}
		}
		dl = max(dl, l)
	}
	return d, dl
}

// roundDegrees returns the n rounds' degrees: d before the last, dl in it.
// Each round is sent at its own degree, zk or not (with the Libra mask's
// g_j of the same degree: [Mask]).
func roundDegrees(n, d, dl int) []int {
	degs := uniformDegrees(n, d)
	if n > 0 {
		degs[n-1] = dl
	}
	return degs
}

func (sh *Shape) masked(k int) bool { return sh.Masked != nil && sh.Masked[k] >= 0 }

// Absorb binds the statement to tr: n, the shape and the claim (what
// ProveSum and VerifySum absorb first; a prover of its own for the same
// statement calls it so that its proofs verify with VerifySum).
func (sh *Shape) Absorb(tr *transcript.Transcript, claim fr.Element, n int) {
	var b []byte
	put := func(v int) { b = binary.BigEndian.AppendUint64(b, uint64(int64(v))) }
	put(n)
	put(sh.Tables)
	put(len(sh.Terms))
	coefs := make([]fr.Element, len(sh.Terms))
	for t, term := range sh.Terms {
		coefs[t] = term.Coef
		put(len(term.Factors))
		for _, k := range term.Factors {
			put(k)
		}
	}
	// Masked nil and Masked all −1 are the same statement.
	if slices.ContainsFunc(sh.Masked, func(c int) bool { return c >= 0 }) {
		put(len(sh.Masked))
		for _, c := range sh.Masked {
			put(c)
		}
	} else {
		put(0)
	}
	// Spans nil, 0 and n are the same statement.
	if slices.ContainsFunc(sh.Spans, func(m int) bool { return m != 0 && m != n }) {
		put(len(sh.Spans))
		for _, m := range sh.Spans {
			if m == 0 {
				m = n
			}
			put(m)
		}
	} else {
		put(0)
	}
	if sh.Tail == nil {
		put(-1)
	} else {
		put(len(sh.Tail.Point))
	}
	tr.AppendBytes("sumcheck/sum/shape", b)
	tr.AppendElements("sumcheck/sum/coefs", coefs...)
	if sh.Tail != nil {
		tr.AppendElements("sumcheck/sum/tail", append([]fr.Element{sh.Tail.Coef}, sh.Tail.Point...)...)
	}
	tr.AppendElements("sumcheck/claim", claim)
}

// ProveSum proves claim = the sum of in (see [Instance]) and returns the
// proof and the point ρ; every round j is sent as its deg_j + 1 values at
// 0..deg_j, deg_j its own degree (max_t |t| and the tail's 2 before the
// last round, max_t Σ_{k∈t}(3 masked, 1 plain) in it), zk or not; under
// zk the rounds are masked by a Libra mask g (see [MaskedProof]) whose g_j
// has degree deg_j ([NewMaskDegrees]; why that keeps zero knowledge:
// [Mask]), committed under [MaskParams] (a sum over 0 variables has no
// rounds and no mask). The tables are consumed. The finals are T̂_k(ρ),
// one per table, which the caller checks (opens) as after [Prove].
//
// Soundness: a false claim survives round j with probability ≤ deg_j/|F|
// (the verifier fixes each round's length deg_j + 1 from the shape, never
// from the proof), so ≤ Σ_j deg_j/|F| = ((n−1)·d + d_last)/|F|
// < 2^-240 for n ≤ 64, degree ≤ 24; under zk add 1/|F| for ρ_g and the
// mask opening's pcs error. The finals
// T̂_k(ρ) are bound only by the caller's openings of T̂_k (pcs error).
//
// Zero knowledge of a masked factor: T̂_k(ρ) = T̃_k(ρ) + Z(ρ)·s̃_k(ρ_col)
// with Z(ρ) ≠ 0 unless some ρ_i ∈ {0, 1} (probability ≤ 2n/|F|), a
// uniform value as long as s_k's other revealed forms are independent of
// eq(ρ_col, ·) (batch's accounting: ≤ 2^c forms per mask).
//
// With a [MaskStream] attached to tr ([AttachStream]), a zk ProveSum over
// n ≥ 1 variables is [ProveSumPooled] in the stream's next slot.
func ProveSum(tr *transcript.Transcript, claim fr.Element, in Instance, zk bool) (Proof, []fr.Element, error) {
	if st, ok := attached(tr).(*MaskStream); ok && zk && len(in.Tables) > 0 && len(in.Tables[0]) >= 2 {
		n := in.Tables[0].NumVars()
		if n < 0 {
			return Proof{}, nil, fmt.Errorf("sumcheck: table of length %d is not a power of two", len(in.Tables[0]))
		}
		degs, err := RoundDegrees(n, in.Shape())
		if err != nil {
			return Proof{}, nil, err
		}
		pool, s, err := st.next(tr, degs)
		if err != nil {
			return Proof{}, nil, err
		}
		return proveSumIn(tr, claim, in, true, st.maskP, pool, s)
	}
	return proveSum(tr, claim, in, zk, MaskParams)
}

func proveSum(tr *transcript.Transcript, claim fr.Element, in Instance, zk bool, p pcs.Params) (Proof, []fr.Element, error) {
	return proveSumIn(tr, claim, in, zk, p, nil, 0)
}

// proveSumIn is [ProveSum] with its mask committed under p, or, when pool
// is set (zk), drawn from the pool's slot.
func proveSumIn(tr *transcript.Transcript, claim fr.Element, in Instance, zk bool, p pcs.Params, pool *MaskPool, slot int) (Proof, []fr.Element, error) {
	if len(in.Tables) == 0 {
		return Proof{}, nil, fmt.Errorf("sumcheck: no tables")
	}
	n := in.Tables[0].NumVars()
	if n < 0 {
		return Proof{}, nil, fmt.Errorf("sumcheck: table of length %d is not a power of two", len(in.Tables[0]))
	}
	for k, t := range in.Tables {
		if len(t) != len(in.Tables[0]) {
			return Proof{}, nil, fmt.Errorf("sumcheck: table %d has %d entries, table 0 has %d", k, len(t), len(in.Tables[0]))
		}
	}
	if in.Masks != nil && len(in.Masks) != len(in.Tables) {
		return Proof{}, nil, fmt.Errorf("sumcheck: %d masks for %d tables (want one per table, nil for a plain one)", len(in.Masks), len(in.Tables))
	}
	for k, m := range in.Masks {
		if m != nil && mle.Table(m).NumVars() < 0 {
			return Proof{}, nil, fmt.Errorf("sumcheck: table %d's mask has %d entries, not a power of two", k, len(m))
		}
	}
	if t := in.Tail; t != nil && (len(t.Point) > 40 || len(t.S) != 1<<len(t.Point)) {
		return Proof{}, nil, fmt.Errorf("sumcheck: the tail's row has %d entries for a point of %d coordinates (want 2^%d)", len(t.S), len(t.Point), len(t.Point))
	}
	sh := in.Shape()
	if err := sh.check(n); err != nil {
		return Proof{}, nil, err
	}
	d, dl := sh.degrees(n)
	sh.Absorb(tr, claim, n)
	s := newSumProver(in.Tables, in.Masks, in.Spans, in.Terms)
	var tp *tailProver
	if in.Tail != nil {
		tp = newTailProver(in.Tail, n)
	}
	degs := roundDegrees(n, d, dl)
	var mask *Mask
	var proof Proof
	if pool != nil {
		var err error
		if mask, err = pool.take(slot, degs); err != nil {
			return Proof{}, nil, err
		}
		proof.Mask = &MaskPart{Sum: mask.Sum()}
		tr.AppendUint64("sumcheck/slot", uint64(slot))
		tr.AppendElements("sumcheck/masksum", proof.Mask.Sum)
		mask.Start(tr.Challenge("sumcheck/rho"))
		s.lie = pool.cheat.lie[slot]
	} else if zk && n > 0 {
		var err error
		if mask, err = NewMaskDegrees(degs, p); err != nil {
			return Proof{}, nil, err
		}
		proof.Mask = &MaskPart{Com: mask.Commitment(), Sum: mask.Sum()}
		proof.Mask.Com.Absorb(tr, "sumcheck/mask")
		tr.AppendElements("sumcheck/masksum", proof.Mask.Sum)
		mask.Start(tr.Challenge("sumcheck/rho"))
	}
	if lieNext != nil && pool == nil {
		s.lie, lieNext = *lieNext, nil
	}
	var point []fr.Element
	proof.Rounds, point = s.rounds(tr, tp, mask, func(j int) int { return degs[j] })
	proof.Finals = s.finals()
	if !s.lie.IsZero() && pool == nil { // a test's cheat on a pool's A·P̂: the shift lands in P̂(ρ)
		var t fr.Element
		t.Inverse(&proof.Finals[0])
		proof.Finals[1].Add(&proof.Finals[1], t.Mul(&t, ptr(liedGap(s.lie, n, fr.One()))))
	}
	tr.AppendElements("sumcheck/finals", proof.Finals...)
	if tp != nil {
		v := tp.final()
		proof.Tail = &v
		tr.AppendElements("sumcheck/tail", v)
	}
	if pool != nil {
		proof.Mask.Value = mask.Value()
		if !s.lie.IsZero() { // a test's cheat: the rounds' shift lands in g(r)
			proof.Mask.Value.Add(&proof.Mask.Value, ptr(liedGap(s.lie, n, mask.rho)))
		}
		tr.AppendElements("sumcheck/maskvalue", proof.Mask.Value)
		pool.record(slot, point, proof.Mask.Value)
	} else if mask != nil {
		proof.Mask.Value = mask.Value()
		tr.AppendElements("sumcheck/maskvalue", proof.Mask.Value)
		var err error
		if proof.Mask.Open, err = mask.Open(tr); err != nil {
			return Proof{}, nil, err
		}
	}
	return proof, point, nil
}

// VerifySum checks a [ProveSum] proof of claim over n variables for the
// statement's shape sh; a masked proof (Mask set) has its mask opened under
// [MaskParams]. It returns ρ, the finals T̂_k(ρ) (one per table), which the
// caller must check against the tables (opening them, or evaluating public
// ones), and the tail's final s̃(ρ…) (zero without a tail), which the caller
// turns into a mask claim.
//
// With a [StreamVerifier] attached to tr, a masked proof is checked as
// [VerifySumPooled] in the stream's next slot.
func VerifySum(tr *transcript.Transcript, claim fr.Element, n int, sh Shape, proof Proof) (rho, finals []fr.Element, tail fr.Element, err error) {
	if sv, ok := attached(tr).(*StreamVerifier); ok && proof.Mask != nil {
		if n < 1 {
			return nil, nil, tail, fmt.Errorf("sumcheck: a pooled sumcheck over %d variables (want ≥ 1)", n)
		}
		degs, err := RoundDegrees(n, sh)
		if err != nil {
			return nil, nil, tail, err
		}
		pv, s, err := sv.next(tr, degs)
		if err != nil {
			return nil, nil, tail, err
		}
		return verifySumIn(tr, claim, n, sh, sv.maskP, proof, pv, s)
	}
	return verifySum(tr, claim, n, sh, MaskParams, proof)
}

func verifySum(tr *transcript.Transcript, claim fr.Element, n int, sh Shape, p pcs.Params, proof Proof) ([]fr.Element, []fr.Element, fr.Element, error) {
	return verifySumIn(tr, claim, n, sh, p, proof, nil, 0)
}

// verifySumIn is [VerifySum] with the mask opened under p, or, when pool
// is set, the proof's mask a slot of the pool (its value recorded there,
// checked by [PoolVerifier.Verify]).
func verifySumIn(tr *transcript.Transcript, claim fr.Element, n int, sh Shape, p pcs.Params, proof Proof, pool *PoolVerifier, slot int) ([]fr.Element, []fr.Element, fr.Element, error) {
	var none fr.Element
	if n < 0 {
		return nil, nil, none, fmt.Errorf("sumcheck: a sum over %d variables", n)
	}
	if err := sh.check(n); err != nil {
		return nil, nil, none, err
	}
	if len(proof.Rounds) != n || len(proof.Finals) != sh.Tables {
		return nil, nil, none, fmt.Errorf("sumcheck: proof of %d rounds and %d finals for %d variables and %d tables", len(proof.Rounds), len(proof.Finals), n, sh.Tables)
	}
	if (proof.Tail != nil) != (sh.Tail != nil) {
		return nil, nil, none, fmt.Errorf("sumcheck: proof's tail final present %v, statement's tail %v", proof.Tail != nil, sh.Tail != nil)
	}
	d, dl := sh.degrees(n)
	degs := roundDegrees(n, d, dl)
	sh.Absorb(tr, claim, n)
	cur := claim
	var rhoG fr.Element
	mp := proof.Mask
	if pool != nil {
		if mp == nil || mp.Com != (pcs.Commitment{}) || !emptyOpening(mp.Open) {
			return nil, nil, none, fmt.Errorf("sumcheck: a pooled sumcheck's proof must carry its mask's sum and value only (mask present %v)", mp != nil)
		}
		if err := pool.take(slot, degs); err != nil {
			return nil, nil, none, err
		}
		tr.AppendUint64("sumcheck/slot", uint64(slot))
		tr.AppendElements("sumcheck/masksum", mp.Sum)
		rhoG = tr.Challenge("sumcheck/rho")
		var t fr.Element
		cur.Add(&cur, t.Mul(&rhoG, &mp.Sum))
	} else if mp != nil {
		if n == 0 {
			return nil, nil, none, fmt.Errorf("sumcheck: a mask on a sum over 0 variables")
		}
		if err := checkMaskCom(mp.Com, degs); err != nil {
			return nil, nil, none, err
		}
		mp.Com.Absorb(tr, "sumcheck/mask")
		tr.AppendElements("sumcheck/masksum", mp.Sum)
		rhoG = tr.Challenge("sumcheck/rho")
		var t fr.Element
		cur.Add(&cur, t.Mul(&rhoG, &mp.Sum))
	}
	point := make([]fr.Element, n)
	for j, g := range proof.Rounds {
		// The length is the shape's, never the proof's: a longer round
		// would be a polynomial of higher degree (soundness deg/|F|).
		if len(g) != degs[j]+1 {
			return nil, nil, none, fmt.Errorf("sumcheck: round %d polynomial has %d values, want %d (degree %d from the statement's shape)", j, len(g), degs[j]+1, degs[j])
		}
		var s fr.Element
		s.Add(&g[0], &g[1])
		if !s.Equal(&cur) {
			return nil, nil, none, fmt.Errorf("sumcheck: round %d: g(0)+g(1) differs from the claim", j)
		}
		tr.AppendElements("sumcheck/round", g...)
		point[j] = tr.Challenge("sumcheck/r")
		cur = Interpolate(g, point[j])
	}
	var total fr.Element
	for _, term := range sh.Terms {
		prod := term.Coef
		for _, k := range term.Factors {
			prod.Mul(&prod, &proof.Finals[k])
		}
		total.Add(&total, &prod)
	}
	if sh.Tail != nil {
		tt := tailTerm(sh.Tail, point, *proof.Tail)
		total.Add(&total, &tt)
	}
	if mp != nil {
		var t fr.Element
		total.Add(&total, t.Mul(&rhoG, &mp.Value))
	}
	if !total.Equal(&cur) {
		return nil, nil, none, fmt.Errorf("sumcheck: the terms at the final values differ from the last round's claim")
	}
	tr.AppendElements("sumcheck/finals", proof.Finals...)
	var tail fr.Element
	if sh.Tail != nil {
		tail = *proof.Tail
		tr.AppendElements("sumcheck/tail", tail)
	}
	if pool != nil {
		tr.AppendElements("sumcheck/maskvalue", mp.Value)
		pool.record(slot, point, mp.Value)
	} else if mp != nil {
		tr.AppendElements("sumcheck/maskvalue", mp.Value)
		if err := VerifyMaskOpeningDegrees(tr, p, mp.Com, point, degs, mp.Value, mp.Open); err != nil {
			return nil, nil, none, fmt.Errorf("sumcheck: mask opening: %v", err)
		}
	}
	return point, proof.Finals, tail, nil
}
