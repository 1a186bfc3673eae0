package sumcheck

import (
	"encoding/binary"
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// A MaskPool holds the Libra masks of many zero-knowledge sumchecks in one
// hiding commitment, so that a protocol running hundreds of them pays one
// commitment and one opening instead of one of each per sumcheck (each
// [MaskParams] opening of a one-row mask costs ~72 KB, mostly t = 241
// Merkle paths).
//
// The prover knows every sumcheck's round degrees up front ([RoundDegrees]
// of its [Shape]); [NewMaskPool] draws slot s's mask g_s (Σ_i (deg_i + 1)
// uniform coefficients, laid out from offset off_s = Σ_{s'<s} |g_s'|),
// commits the whole table P under [MaskParams] with a vanishing mask
// (pcs.Params.Vanishing) and absorbs the commitment and the slots' degrees,
// before any of the sumchecks' challenges. [ProveSumPooled] runs slot s's
// sumcheck as [ProveSum] with zk, g_s in place of a freshly committed mask:
// it states G_s and g_s(r_s) = ⟨a_s, P⟩ (a_s the weights r_{s,i}^k at
// off_s + offs_i + k) and opens nothing. After the last slot, [MaskPool.Open]
// draws γ and proves Σ_s γ^s·g_s(r_s) = ⟨A, P⟩, A = Σ_s γ^s·a_s, by one
// zero-knowledge sumcheck Σ_x A(x)·P̂(x) (A public: the verifier computes
// Ã at its point) and one pcs opening of P̂ there. The verifier runs
// [NewPoolVerifier], [VerifySumPooled] per slot and [PoolVerifier.Verify].
//
// Why not one pcs.OpenLinear of ⟨A, P⟩: a linear opening needs P in one
// row, whose u and v rows then have 2^⌈log |P|⌉+ entries each (8 MB for
// poseidon2gkr's 2^16-entry pool); A is not a tensor, so a square layout
// cannot open it directly. The sumcheck turns it into one MLE opening of a
// square P (u, v of √|P| entries) for n·4 + 1 more field elements and its
// own one-row Libra mask (one [MaskParams] opening).
//
// Soundness. P is bound (pcs binding) when it is absorbed, before any
// slot's ρ_s or r_s: no mask depends on a challenge, so each slot's
// sumcheck is sound as [ProveSum]'s given g_s(r_s) = ⟨a_s, P⟩ (ρ_s is drawn
// after P and G_s: 1/|F|). The stated values v_s are absorbed before γ; if
// some v_s ≠ ⟨a_s, P⟩, then Σ_s γ^s·(v_s − ⟨a_s, P⟩) is a nonzero
// polynomial in γ of degree < #slots, so the folded claim is false except
// with probability (#slots − 1)/|F| (Schwartz–Zippel); the reduction's
// sumcheck hands a false claim on to P̂(ρ) except with (2·(m − 1) + 4)/|F|
// (m = P's variables, degree 2, the masked last round 4) plus its own
// mask's 1/|F| and pcs error, and a false P̂(ρ) passes P's opening with the
// pcs error. In all: (#slots + 2m + 3)/|F| + two pcs errors, instead of one
// pcs error per sumcheck. The verifier assigns the slots: a slot's degrees
// must be the shape's, each slot is used once, and every slot before
// [PoolVerifier.Verify].
//
// Zero knowledge. Each slot's coefficients are fresh uniform randomness
// used by no other slot (the prover refuses a slot twice), so each
// sumcheck's rounds are one-time padded as in [MaskedProof] (Libra,
// Theorem 3): what they reveal of g_s is G_s, its rounds and g_s(r_s),
// exactly as with its own commitment. The pool adds: the hiding
// commitment (nothing), Σ_s γ^s·v_s (already known), the reduction
// sumcheck (Libra-masked: its rounds reveal nothing beyond its claim and
// finals), its finals Ã(ρ) (public) and P̂(ρ) = P̃(ρ) + Z(ρ)·s̃(ρ_col),
// uniform given everything else since the vanishing row s is uniform and
// enters nothing else (Z(ρ) ≠ 0 except with 2m/|F|), and P's one hiding
// opening, which reveals only that value (pcs hiding).
type MaskPool struct {
	layout
	coef   mle.Table // the slots' coefficients, zero-padded to 2^vars
	data   *pcs.ProverData
	maskP  pcs.Params // MaskParams when the pool was made (the reduction's own mask)
	cheat  poolCheats
	opened bool
}

// PoolVerifier is the verifier's side of a [MaskPool].
type PoolVerifier struct {
	layout
	com   pcs.Commitment
	maskP pcs.Params
}

// PoolOpening proves the folded value of a pool's slots: the sumcheck
// Σ_x A(x)·P̂(x) = Σ_s γ^s·g_s(r_s) (zero knowledge, own mask; finals
// Ã(ρ), P̂(ρ)) and P̂'s opening at its point ρ.
type PoolOpening struct {
	Reduce Proof
	Open   pcs.Opening
}

// Size returns the opening's bytes (32 per element or hash).
func (o *PoolOpening) Size() int { return o.Reduce.Size() + o.Open.Size() }

// layout is the slots' placement, shared by prover and verifier, with each
// slot's point and stated value once its sumcheck has run.
type layout struct {
	slots  [][]int // slot s's round degrees
	offs   []int   // slot s's coefficients start at offs[s]
	vars   int     // P has 2^vars entries
	used   []bool
	points [][]fr.Element
	values []fr.Element
}

func newLayout(slots [][]int) (layout, int, error) {
	if len(slots) == 0 {
		return layout{}, 0, fmt.Errorf("sumcheck: a mask pool of no slot")
	}
	l := layout{slots: make([][]int, len(slots)), offs: make([]int, len(slots)), used: make([]bool, len(slots)),
		points: make([][]fr.Element, len(slots)), values: make([]fr.Element, len(slots))}
	total := 0
	for s, degs := range slots {
		if err := checkDegrees(degs); err != nil {
			return layout{}, 0, fmt.Errorf("sumcheck: pool slot %d: %v", s, err)
		}
		l.slots[s] = append([]int(nil), degs...)
		l.offs[s] = total
		_, t := maskOffsets(degs)
		total += t
		if total > 1<<30 {
			return layout{}, 0, fmt.Errorf("sumcheck: a mask pool of more than 2^30 coefficients (slot %d)", s)
		}
	}
	for 1<<l.vars < max(total, 2) {
		l.vars++
	}
	return l, total, nil
}

// absorb binds the pool's commitment and its slots' degrees.
func (l *layout) absorb(tr *transcript.Transcript, com pcs.Commitment) {
	com.Absorb(tr, "sumcheck/pool")
	var b []byte
	b = binary.BigEndian.AppendUint64(b, uint64(len(l.slots)))
	for _, degs := range l.slots {
		b = binary.BigEndian.AppendUint64(b, uint64(len(degs)))
		for _, d := range degs {
			b = binary.BigEndian.AppendUint64(b, uint64(d))
		}
	}
	tr.AppendBytes("sumcheck/pool/slots", b)
}

// claim checks that slot s exists, is unused and has the round degrees
// degs, and marks it used.
func (l *layout) claim(s int, degs []int) error {
	if s < 0 || s >= len(l.slots) {
		return fmt.Errorf("sumcheck: pool slot %d of %d", s, len(l.slots))
	}
	if l.used[s] {
		return fmt.Errorf("sumcheck: pool slot %d used twice (a Libra mask is a one-time pad: give each sumcheck its own slot)", s)
	}
	if !equalInts(l.slots[s], degs) {
		return fmt.Errorf("sumcheck: pool slot %d has round degrees %v, the sumcheck's are %v (build the pool from the sumchecks' RoundDegrees)", s, l.slots[s], degs)
	}
	l.used[s] = true
	return nil
}

func (l *layout) record(s int, point []fr.Element, v fr.Element) {
	l.points[s] = append([]fr.Element(nil), point...)
	l.values[s] = v
}

// folded returns A = Σ_s γ^s·a_s (2^vars entries) and Σ_s γ^s·v_s, after
// checking every slot was used.
func (l *layout) folded(gamma fr.Element) (mle.Table, fr.Element, error) {
	for s, u := range l.used {
		if !u {
			return nil, fr.Element{}, fmt.Errorf("sumcheck: pool slot %d of %d never used (open the pool after all its sumchecks)", s, len(l.slots))
		}
	}
	a := make(mle.Table, 1<<l.vars)
	var sum, g, t fr.Element
	g.SetOne()
	for s, degs := range l.slots {
		w := maskWeights(l.points[s], degs)
		_, total := maskOffsets(degs)
		for i := range total {
			a[l.offs[s]+i].Mul(&w[i], &g)
		}
		sum.Add(&sum, t.Mul(&g, &l.values[s]))
		g.Mul(&g, &gamma)
	}
	return a, sum, nil
}

// reduceShape is the reduction's [Shape]: A·P̂, P̂ masked over its
// commitment's column variables c.
func reduceShape(c int) Shape {
	return Shape{Tables: 2, Terms: []Term{{Coef: fr.One(), Factors: []int{0, 1}}}, Masked: []int{-1, c}}
}

// NewMaskPool draws the masks of len(slots) sumchecks, slot s's rounds of
// degrees slots[s] ([RoundDegrees]), commits them as one table under
// [MaskParams] with Vanishing set, and absorbs the commitment and the
// slots' degrees into tr: call it before any challenge the sumchecks see.
func NewMaskPool(tr *transcript.Transcript, slots [][]int) (*MaskPool, error) {
	return newMaskPool(tr, slots, MaskParams)
}

func newMaskPool(tr *transcript.Transcript, slots [][]int, maskP pcs.Params) (*MaskPool, error) {
	l, total, err := newLayout(slots)
	if err != nil {
		return nil, err
	}
	pool := &MaskPool{layout: l, coef: make(mle.Table, 1<<l.vars), maskP: maskP}
	if err := drawMask(pool.coef[:total]); err != nil {
		return nil, err
	}
	p := poolParams(maskP)
	if pool.data, err = pcs.CommitShape(p, pool.coef, pcs.RowVars(l.vars, p)); err != nil {
		return nil, fmt.Errorf("sumcheck: committing the mask pool: %v", err)
	}
	pool.absorb(tr, pool.data.Commitment())
	return pool, nil
}

// poolParams are the pool commitment's: the masks', hiding, with a
// vanishing row.
func poolParams(maskP pcs.Params) pcs.Params {
	maskP.Hiding, maskP.Vanishing = true, true
	return maskP
}

// Commitment returns the pool's commitment (absorbed by [NewMaskPool]).
func (pool *MaskPool) Commitment() pcs.Commitment { return pool.data.Commitment() }

// take claims slot s for a sumcheck of round degrees degs and returns its mask.
func (pool *MaskPool) take(s int, degs []int) (*Mask, error) {
	if pool.opened {
		return nil, fmt.Errorf("sumcheck: pool slot %d used after the pool was opened", s)
	}
	if err := pool.claim(s, degs); err != nil {
		return nil, err
	}
	offs, total := maskOffsets(degs)
	off := pool.offs[s]
	if f := pool.cheat.offset; f != nil {
		off = f(s, off)
	}
	return maskOver(degs, offs, pool.coef[off:off+total]), nil
}

// ProveSumPooled is [ProveSum] with zk, its Libra mask pool's slot (of
// [RoundDegrees] of in's shape, n ≥ 1 variables): the proof's Mask carries
// G and g(r) only (Com and Open empty); [MaskPool.Open] proves g(r).
func ProveSumPooled(tr *transcript.Transcript, claim fr.Element, in Instance, pool *MaskPool, slot int) (Proof, []fr.Element, error) {
	if len(in.Tables) > 0 && len(in.Tables[0]) < 2 {
		return Proof{}, nil, fmt.Errorf("sumcheck: a pooled sumcheck over tables of %d entries (want ≥ 2: no rounds, no mask)", len(in.Tables[0]))
	}
	return proveSumIn(tr, claim, in, true, pool.maskP, pool, slot)
}

// VerifySumPooled is [VerifySum] of a [ProveSumPooled] proof in pool's
// slot: it checks the slot (its degrees the shape's, unused), and records
// ρ and g(r) for [PoolVerifier.Verify], which the caller must run.
func VerifySumPooled(tr *transcript.Transcript, claim fr.Element, n int, sh Shape, pool *PoolVerifier, slot int, proof Proof) (rho, finals []fr.Element, tail fr.Element, err error) {
	if n < 1 {
		return nil, nil, tail, fmt.Errorf("sumcheck: a pooled sumcheck over %d variables (want ≥ 1)", n)
	}
	return verifySumIn(tr, claim, n, sh, pool.maskP, proof, pool, slot)
}

// Open proves every slot's stated g_s(r_s) at once (see [MaskPool]); call it
// after the last slot's sumcheck. A pool opens once.
func (pool *MaskPool) Open(tr *transcript.Transcript) (PoolOpening, error) {
	if pool.opened {
		return PoolOpening{}, fmt.Errorf("sumcheck: mask pool opened twice")
	}
	gamma := tr.Challenge("sumcheck/pool/gamma")
	a, sum, err := pool.folded(gamma)
	if err != nil {
		return PoolOpening{}, err
	}
	pool.opened = true
	if pool.cheat.forgeA {
		forgePoolA(a, pool.coef, sum)
	}
	in := Instance{Tables: []mle.Table{a, append(mle.Table(nil), pool.coef...)}, Masks: [][]fr.Element{nil, pool.data.MaskRow()}, Terms: reduceShape(0).Terms}
	var op PoolOpening
	var rho []fr.Element
	if pool.cheat.forgeValue {
		lieNext = ptr(lieOf(sum, a, pool.coef))
	}
	op.Reduce, rho, err = proveSum(tr, sum, in, true, pool.maskP)
	if err != nil {
		return PoolOpening{}, fmt.Errorf("sumcheck: the mask pool's sumcheck: %v", err)
	}
	val, o, _, err := pool.data.Open(tr, rho)
	if err != nil {
		return PoolOpening{}, fmt.Errorf("sumcheck: the mask pool's opening: %v", err)
	}
	if !val.Equal(&op.Reduce.Finals[1]) && !pool.cheat.forgeValue {
		return PoolOpening{}, fmt.Errorf("sumcheck: internal error: the mask pool's value differs from its opening")
	}
	op.Open = o
	return op, nil
}

// NewPoolVerifier checks a pool's commitment's shape for slots (one
// [RoundDegrees] per pooled sumcheck, as the prover's) and absorbs it as
// [NewMaskPool] does.
func NewPoolVerifier(tr *transcript.Transcript, com pcs.Commitment, slots [][]int) (*PoolVerifier, error) {
	return newPoolVerifier(tr, com, slots, MaskParams)
}

func newPoolVerifier(tr *transcript.Transcript, com pcs.Commitment, slots [][]int, maskP pcs.Params) (*PoolVerifier, error) {
	l, _, err := newLayout(slots)
	if err != nil {
		return nil, err
	}
	if com.NumVars != l.vars || com.RowVars < 0 || com.RowVars > l.vars {
		return nil, fmt.Errorf("sumcheck: a mask pool commitment of %d variables (%d row variables) for %d slots, want %d", com.NumVars, com.RowVars, len(slots), l.vars)
	}
	pv := &PoolVerifier{layout: l, com: com, maskP: maskP}
	pv.absorb(tr, com)
	return pv, nil
}

// take claims slot s for a sumcheck of round degrees degs.
func (pv *PoolVerifier) take(s int, degs []int) error { return pv.claim(s, degs) }

// Verify checks a [MaskPool.Open]: every slot used, the folded sumcheck
// (A's final against the verifier's own Ã(ρ)) and P̂(ρ)'s opening.
func (pv *PoolVerifier) Verify(tr *transcript.Transcript, op PoolOpening) error {
	gamma := tr.Challenge("sumcheck/pool/gamma")
	a, sum, err := pv.folded(gamma)
	if err != nil {
		return err
	}
	if poolOmit["fold"] {
		return nil
	}
	c := pv.com.NumVars - pv.com.RowVars
	rho, fin, _, err := verifySum(tr, sum, pv.vars, reduceShape(c), pv.maskP, op.Reduce)
	if err != nil {
		return fmt.Errorf("sumcheck: the mask pool's sumcheck: %v", err)
	}
	// A is the verifier's: a prover free to state Ã(ρ) could fold any
	// values into a true claim.
	if av, _ := a.Eval(rho); !av.Equal(&fin[0]) && !poolOmit["A"] {
		return fmt.Errorf("sumcheck: the mask pool's sumcheck: A's final differs from Ã(ρ)")
	}
	if poolOmit["open"] {
		return nil
	}
	if err := pcs.Verify(tr, poolParams(pv.maskP), pv.com, rho, fin[1], op.Open); err != nil {
		return fmt.Errorf("sumcheck: the mask pool's opening: %v", err)
	}
	return nil
}

// RoundDegrees returns the round degrees of a [ProveSum] of shape sh over n
// variables (what a [MaskPool] slot for it holds): its statement, not the
// prover's tables, fixes them, so they are known before any challenge.
func RoundDegrees(n int, sh Shape) ([]int, error) {
	if err := sh.check(n); err != nil {
		return nil, err
	}
	d, dl := sh.degrees(n)
	return roundDegrees(n, d, dl), nil
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func emptyOpening(o pcs.Opening) bool {
	return len(o.U) == 0 && len(o.V) == 0 && len(o.Columns) == 0 && len(o.Proof) == 0 && len(o.Mask) == 0
}
