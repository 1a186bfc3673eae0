// Package batch defers the openings of a proof's committed tables to its
// end and proves them together: all claims on the tables of one shape (the
// same number of variables and row split) are reduced to one point ρ by one
// sumcheck, and those tables are opened together at ρ with one
// pcs.MultiOpening (one proximity row and one evaluation row for all).
//
// # Reduction (multi-point batching of multilinear claims; Thaler, "Proofs,
// Arguments, and Zero-Knowledge" §4.5.2, applied to several tables at once)
//
// For claims f̃_c(z_{c,k}) = y_{c,k} on tables f_c of n variables: the
// transcript absorbs every commitment, its claims' points and values, and
// draws one coefficient a_{c,k} per claim; with E_c(x) = Σ_k a_{c,k}·eq(z_{c,k}, x),
//
//	Σ_{c,k} a_{c,k}·y_{c,k} = Σ_{x ∈ {0,1}^n} Σ_c E_c(x)·f_c(x)
//
// holds when every claim does. A sumcheck of degree 2 (round polynomials of
// Σ_c E_c·f_c sent by their values at 0, 1, 2) reduces it to
// Σ_c E_c(ρ)·f̃_c(ρ): the prover states every f̃_c(ρ), the verifier computes
// each E_c(ρ) itself and checks the sum, then checks the stated values by one
// multi-opening at ρ. A shape with a single claim is opened at its point.
//
// # Soundness
//
// If some y_{c,k} ≠ f̃_c(z_{c,k}), Σ a_{c,k}·(y_{c,k} − f̃_c(z_{c,k})) is a
// nonzero linear form in the a's, drawn after the y's are bound: it vanishes
// with probability 1/|F|. Then the sumcheck's false claim survives with
// 2n/|F|, the stated f̃_c(ρ) are checked through the multi-opening's
// λ-combination (1/|F|) and its proximity and consistency tests (the pcs
// error of one opening: the tables' rows form one interleaved matrix). Deferring an opening is sound because every
// claimed value is in the transcript (a sumcheck's finals, a stated value)
// before any later challenge, and the openings' own challenges come after
// all claims: the claims are fixed before the batching's randomness.
//
// # Vanishing masks (zero knowledge of the values; vanishing.go, vreduce.go)
//
// Under pcs.Params.Vanishing a commitment carries a vanishing mask s (C
// entries) and its polynomial is f̂ = f̃ + Z(x)·s̃(x_col) (package pcs). Two
// kinds of claims: value claims f̂(z) = y ([Prover.Claim], [Prover.Open],
// [Verifier.Check]) and mask claims s̃(w) = y ([Prover.ClaimMask],
// [Verifier.CheckMask]; w of c = n − rv coordinates). Per shape, with
// E_c = Σ_value a_k·eq(z_k, ·) and E'_c = Σ_value a_k·Z(z_k)·eq(z_k,col, ·) +
// Σ_mask a_k·eq(w_k, ·),
//
//	Σ a_k·y_k = Σ_x Σ_c [E_c(x)·f̂_c(x) + eq(x_row, 0)·E'_c(x_col)·s_c(x_col)]
//
// (f̂ = f on the cube; eq(x_row, 0) sums to 1 over the rows). One sumcheck
// proves it; Z vanishes on every summand while x_{n−1} is Boolean, so only
// the last round carries f̂'s mask term (degree 4: E's 1, Z's 2, s̃'s 1; 3
// when c = 0), and under hiding the Libra mask g has that degree in every
// variable, so every round is sent by that many values plus one. At ρ the
// prover states, per table, one value V_c = f̂_c(ρ) + τ_c·s̃_c(ρ_col),
// τ_c = eq(ρ_row, 0)·E'_c(ρ_col)/E_c(ρ) (or V_c = s̃_c(ρ_col) when
// E_c(ρ) = 0: a table with mask claims only), never f̂_c(ρ) and s̃_c(ρ_col)
// apart (together they give f̃_c(ρ)); the verifier computes E_c(ρ), E'_c,
// τ_c itself, checks Σ_c E_c(ρ)·V_c (+ ρ_g·g(ρ)) against the last round and
// checks the V_c by one pcs.OpenMultiWeighted with the row weights
// {1, Z(ρ) + τ_c} ({0, 1}). A shape with a single claim opens it directly
// ({1, Z(z)} at z, or {0, 1} at (0…0, w)).
//
// Soundness: a false claim survives the a's with 1/|F|; the sumcheck with
// Σ_j deg_j/|F| ≤ 4n/|F| (plus 1/|F| for the mask's ρ_g); the V_c are
// checked by a multi-opening with weights fixed by the verifier (the pcs
// error of one opening, plus 1/|F| for λ). A stated V_c that is not the
// committed polynomial's makes the last round's check or the opening fail,
// whichever comes first.
//
// Zero knowledge: every value the verifier sees about a table — its claims'
// y_k, V_c and (through the pcs and g's openings, which hide the rest)
// nothing else — is a linear form of (f, s). Their parts in s are
// Z(z_k)·eq(z_k,col), eq(w_k) and (Z(ρ) + τ_c)·eq(ρ_col): at ≤ C points in
// general position (w.h.p. over the verifier's challenges) they are
// independent, so with s uniform the revealed values are uniform whatever f
// is; the rounds are masked by g (Libra §4.1) and the last one is fixed by
// the verifier's check. A table must therefore receive at most C − 1
// claims in a reduction (C with V_c), which the prover asserts
// (maxClaims); more would let a combination cancel s and reveal a linear
// form of f alone. Tables of no variables have Z ≡ 0: their one value is
// public.
//
// # Use
//
// A protocol written against [Prover.Open] and [Verifier.Check] opens at
// once when its *Prover / *Verifier is nil (the proof then carries every
// opening) and defers otherwise (its openings are empty and the caller ends
// with [Prover.Prove] / [Verifier.Verify] on the same transcript).
package batch

import (
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/sumcheck"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

type claim struct {
	point []fr.Element
	value fr.Element
}

// Prover collects the claims to open.
type Prover struct {
	order  []pcs.Commitment
	data   map[pcs.Commitment]*pcs.ProverData
	claims map[pcs.Commitment][]claim // value claims f̂(z) = y
	masks  map[pcs.Commitment][]claim // mask claims s̃(w) = y (vanishing.go)
	// sigmaShift, set only by tests, opens a vanishing reduction's first
	// table with σ_0 + 1 (its stated V_0 honest): the opening must refuse it.
	sigmaShift bool
	stream     *sumcheck.MaskStream // PoolMasks's, opened by Prove
	// unbounded, set only by tests, lifts maxClaims's zero-knowledge bound,
	// so that the algebra of reductions it forbids (c = 0) is tested too.
	unbounded bool
}

// NewProver returns an empty collector.
func NewProver() *Prover {
	return &Prover{data: map[pcs.Commitment]*pcs.ProverData{}, claims: map[pcs.Commitment][]claim{}, masks: map[pcs.Commitment][]claim{}}
}

// add records d's commitment in order of first claim.
func (b *Prover) add(d *pcs.ProverData) pcs.Commitment {
	c := d.Commitment()
	if _, ok := b.data[c]; !ok {
		b.order = append(b.order, c)
		b.data[c] = d
	}
	return c
}

// Open opens d at point now when b is nil; otherwise it records the claim
// (its value computed from the table) and returns an empty opening.
func (b *Prover) Open(tr *transcript.Transcript, d *pcs.ProverData, point []fr.Element) (pcs.Opening, error) {
	if b == nil {
		_, op, _, err := d.Open(tr, point)
		return op, err
	}
	c := d.Commitment()
	if len(point) != c.NumVars {
		return pcs.Opening{}, fmt.Errorf("batch: point of %d coordinates for a table of %d variables", len(point), c.NumVars)
	}
	b.add(d)
	v := d.MaskedEval(point) // f̂(z): f̃(z) without a vanishing mask
	if claimHook != nil {
		claimHook(d, point, v)
	}
	b.claims[c] = append(b.claims[c], claim{append([]fr.Element(nil), point...), v})
	return pcs.Opening{}, nil
}

// Verifier collects the claims to check.
type Verifier struct {
	order  []pcs.Commitment
	claims map[pcs.Commitment][]claim
	masks  map[pcs.Commitment][]claim
	points [][]fr.Element // per shape, the point its tables were opened at
	stream *sumcheck.StreamVerifier
}

// Points returns, after [Verifier.Verify], the point at which each shape's
// tables were opened (ρ of its reduction, or its single claim's point), in
// the proof's order: the zero-knowledge tests read f̃(ρ) off the V_c with it.
func (v *Verifier) Points() [][]fr.Element { return v.points }

// NewVerifier returns an empty collector.
func NewVerifier() *Verifier {
	return &Verifier{claims: map[pcs.Commitment][]claim{}, masks: map[pcs.Commitment][]claim{}}
}

// Check verifies the opening now when v is nil; otherwise it records the
// claim f̂_c(point) = value (f̃_c without a vanishing mask) for
// [Verifier.Verify] and ignores op.
func (v *Verifier) Check(tr *transcript.Transcript, params pcs.Params, c pcs.Commitment, point []fr.Element, value fr.Element, op pcs.Opening) error {
	if v == nil {
		return pcs.Verify(tr, params, c, point, value, op)
	}
	if len(point) != c.NumVars {
		return fmt.Errorf("batch: point of %d coordinates for a commitment of %d variables", len(point), c.NumVars)
	}
	v.add(c)
	v.claims[c] = append(v.claims[c], claim{append([]fr.Element(nil), point...), value})
	return nil
}

// add records c in order of first claim.
func (v *Verifier) add(c pcs.Commitment) {
	_, ok := v.claims[c]
	if _, ok2 := v.masks[c]; !ok && !ok2 {
		v.order = append(v.order, c)
		v.claims[c] = nil
	}
}

// Group is one shape's batched opening.
type Group struct {
	Rounds [][]fr.Element // the reduction's round polynomials at 0, 1, 2; none for a single claim
	Finals []fr.Element   // f̃_c(ρ) for each table of the shape; none for a single claim
	Open   pcs.MultiOpening
	// Mask masks the reduction's rounds under hiding parameters (reduce.go):
	// nil for a single claim or binding commitments.
	Mask *Mask
}

// Proof is every shape's batched opening, in order of first claim.
type Proof struct {
	Groups []Group
	// Pools are the zero-knowledge sumchecks' mask pools (PoolMasks),
	// opened before the groups.
	Pools sumcheck.StreamProof
}

// Size returns the proof's size in bytes, 32 per field element or hash.
func (p *Proof) Size() int {
	n := p.Pools.Size()
	for i := range p.Groups {
		g := &p.Groups[i]
		n += g.Open.Size() + 32*len(g.Finals)
		if g.Mask != nil {
			n += 48 + 64 + g.Mask.Open.Size()
		}
		for _, r := range g.Rounds {
			n += 32 * len(r)
		}
	}
	return n
}

type shape struct{ vars, rowVars int }

// shapes returns the commitments grouped by shape, in order of first claim.
func shapes(order []pcs.Commitment) [][]pcs.Commitment {
	var out [][]pcs.Commitment
	at := map[shape]int{}
	for _, c := range order {
		s := shape{c.NumVars, c.RowVars}
		i, ok := at[s]
		if !ok {
			i = len(out)
			at[s] = i
			out = append(out, nil)
		}
		out[i] = append(out[i], c)
	}
	return out
}

// absorb binds one shape's claims and draws their coefficients (nil for a
// single claim). With a vanishing mask each commitment's mask claims
// follow its value claims (and their coefficients the value claims'
// coefficients); without one masks is empty and the transcript is as before.
func absorb(tr *transcript.Transcript, coms []pcs.Commitment, claims, masks map[pcs.Commitment][]claim, vanishing bool) []fr.Element {
	tr.AppendUint64("batch/tables", uint64(len(coms)))
	total := 0
	for _, c := range coms {
		cl := claims[c]
		c.Absorb(tr, "batch/commitment")
		tr.AppendUint64("batch/claims", uint64(len(cl)))
		for _, k := range cl {
			tr.AppendElements("batch/point", k.point...)
			tr.AppendElements("batch/value", k.value)
		}
		total += len(cl)
		if vanishing {
			ms := masks[c]
			tr.AppendUint64("batch/maskclaims", uint64(len(ms)))
			for _, k := range ms {
				tr.AppendElements("batch/maskpoint", k.point...)
				tr.AppendElements("batch/maskvalue", k.value)
			}
			total += len(ms)
		}
	}
	if total == 1 {
		return nil
	}
	return tr.Challenges("batch/a", total)
}

// combined returns Σ a·y over the shape's claims, in order (each
// commitment's value claims, then its mask claims).
func combined(coms []pcs.Commitment, claims, masks map[pcs.Commitment][]claim, coef []fr.Element) fr.Element {
	var s, t fr.Element
	i := 0
	for _, c := range coms {
		for _, k := range append(claims[c], masks[c]...) {
			t.Mul(&coef[i], &k.value)
			s.Add(&s, &t)
			i++
		}
	}
	return s
}

// Prove proves every recorded claim, one shape after another.
func (b *Prover) Prove(tr *transcript.Transcript) (Proof, error) {
	return b.prove(tr, nil, false)
}

// prove is Prove with the tests' hooks: alter may change a claim's value
// after it was recorded (the verifier's copy is the protocol's); forgeE adds
// to the first table's E a table Δ with Σ_x Δ(x)·f(x) = 0 (Δ = f(1)·e_0 −
// f(0)·e_1), so that the sum, and so every round, is unchanged while E(ρ) is
// not Σ a_k·eq(z_k, ρ).
func (b *Prover) prove(tr *transcript.Transcript, alter func(g, k int, v *fr.Element), forgeE bool) (Proof, error) {
	var proof Proof
	var err error
	if proof.Pools, err = b.provePools(tr); err != nil {
		return Proof{}, err
	}
	for gi, coms := range shapes(b.order) {
		if alter != nil {
			k := 0
			for _, c := range coms {
				for _, cl := range [][]claim{b.claims[c], b.masks[c]} {
					for i := range cl {
						alter(gi, k, &cl[i].value)
						k++
					}
				}
			}
		}
		datas := make([]*pcs.ProverData, len(coms))
		for i, c := range coms {
			datas[i] = b.data[c]
		}
		if p := datas[0].Params(); p.Hiding && p.Vanishing {
			g, err := b.proveVanishing(tr, coms, datas, forgeE)
			if err != nil {
				return Proof{}, fmt.Errorf("batch: shape %d: %v", gi, err)
			}
			proof.Groups = append(proof.Groups, g)
			continue
		}
		for _, c := range coms {
			if len(b.masks[c]) > 0 {
				return Proof{}, fmt.Errorf("batch: a mask claim on a commitment without a vanishing mask; commit with pcs.Params.Vanishing")
			}
		}
		coef := absorb(tr, coms, b.claims, nil, false)
		var g Group
		point := b.claims[coms[0]][0].point
		if coef != nil {
			es, fs := make([]mle.Table, len(coms)), make([]mle.Table, len(coms))
			i := 0
			for ci, c := range coms {
				es[ci] = make(mle.Table, 1<<c.NumVars)
				for _, k := range b.claims[c] {
					addEq(es[ci], k.point, coef[i])
					i++
				}
				fs[ci] = datas[ci].Table()
			}
			if forgeE {
				var t fr.Element
				es[0][0].Add(&es[0][0], &fs[0][1])
				es[0][1].Sub(&es[0][1], t.Set(&fs[0][0]))
			}
			var mask *sumcheck.Mask
			if p := datas[0].Params(); masked(p, coms[0].NumVars) {
				var err error
				if mask, err = sumcheck.NewMask(coms[0].NumVars, 2, p); err != nil {
					return Proof{}, err
				}
			}
			var err error
			if g.Rounds, point, g.Finals, g.Mask, err = reduce(tr, combined(coms, b.claims, nil, coef), es, fs, mask); err != nil {
				return Proof{}, err
			}
		}
		var err error
		if _, g.Open, err = pcs.OpenMulti(tr, datas, point); err != nil {
			return Proof{}, err
		}
		proof.Groups = append(proof.Groups, g)
	}
	return proof, nil
}

// addEq adds k·eq(z, ·) to e: mle.EqTable's expansion started from k
// instead of 1, so the scaling costs nothing (2^n multiplications in all).
func addEq(e mle.Table, z []fr.Element, k fr.Element) {
	eq := make(mle.Table, len(e))
	eq[0] = k
	m := 1
	for _, zj := range z {
		for i := m - 1; i >= 0; i-- {
			v := eq[i]
			eq[2*i+1].Mul(&v, &zj)
			eq[2*i].Sub(&v, &eq[2*i+1])
		}
		m *= 2
	}
	for i := range e {
		e[i].Add(&e[i], &eq[i])
	}
}

// Verify checks every recorded claim against the proof.
func (v *Verifier) Verify(tr *transcript.Transcript, params pcs.Params, proof Proof) error {
	if err := v.verifyPools(tr, proof.Pools); err != nil {
		return err
	}
	groups := shapes(v.order)
	if len(proof.Groups) != len(groups) {
		return fmt.Errorf("batch: %d batched openings, want one for each of %d table shapes", len(proof.Groups), len(groups))
	}
	vanishing := params.Hiding && params.Vanishing
	for gi, coms := range groups {
		g := &proof.Groups[gi]
		if vanishing {
			if err := v.verifyVanishing(tr, params, coms, g); err != nil {
				return fmt.Errorf("batch: shape %d: %v", gi, err)
			}
			continue
		}
		for _, c := range coms {
			if len(v.masks[c]) > 0 {
				return fmt.Errorf("batch: a mask claim under parameters without a vanishing mask; verify with pcs.Params.Vanishing")
			}
		}
		coef := absorb(tr, coms, v.claims, nil, false)
		first := v.claims[coms[0]][0]
		point, values := first.point, []fr.Element{first.value}
		if coef != nil {
			if len(g.Finals) != len(coms) {
				return fmt.Errorf("batch: shape %d: %d final values for %d tables", gi, len(g.Finals), len(coms))
			}
			rho, last, err := verifyReduce(tr, params, combined(coms, v.claims, nil, coef), coms[0].NumVars, 2, g)
			if err != nil {
				return fmt.Errorf("batch: shape %d: the claims' combination: %v", gi, err)
			}
			// Σ_c E_c(ρ)·f̃_c(ρ), E_c(ρ) = Σ_k a_{c,k}·eq(z_{c,k}, ρ) computed here.
			var sum, e, t fr.Element
			i := 0
			for ci, c := range coms {
				e.SetZero()
				for _, k := range v.claims[c] {
					eq := mle.Eq(k.point, rho)
					t.Mul(&eq, &coef[i])
					e.Add(&e, &t)
					i++
				}
				t.Mul(&e, &g.Finals[ci])
				sum.Add(&sum, &t)
			}
			if !sum.Equal(&last) {
				return fmt.Errorf("batch: shape %d: Σ_c E_c(ρ)·f_c(ρ) with the eq factors computed here differs from the reduction's last claim", gi)
			}
			point, values = rho, g.Finals
		} else if len(g.Rounds) != 0 || len(g.Finals) != 0 || g.Mask != nil {
			return fmt.Errorf("batch: shape %d: a reduction for a single claim", gi)
		}
		if err := pcs.VerifyMulti(tr, params, coms, point, values, g.Open); err != nil {
			return fmt.Errorf("batch: shape %d: %v", gi, err)
		}
		v.points = append(v.points, point)
	}
	return nil
}
