// Package batch defers the openings of a proof's committed tables to its
// end and proves them together: every claim f̃_c(z_k) = y_k on one
// commitment c is reduced to a single claim f̃_c(ρ) by one sumcheck, and
// each commitment is opened once, at its ρ.
//
// # Reduction (the standard multi-point batching of multilinear claims,
// e.g. Chiesa–Hu–Maller–Mishra–Vesely–Ward, "Marlin"/"Spartan" style; Thaler,
// "Proofs, Arguments, and Zero-Knowledge" §4.5.2)
//
// For claims (z_k, y_k), k = 1..K, on a table f of n variables: the
// transcript absorbs the commitment, K, every z_k and y_k, and draws
// c_1..c_K; with E(x) = Σ_k c_k·eq(z_k, x),
//
//	Σ_k c_k·y_k = Σ_{x ∈ {0,1}^n} E(x)·f(x)
//
// holds when every claim does. A degree-2 sumcheck reduces it to E(ρ)·f̃(ρ):
// the verifier computes E(ρ) = Σ_k c_k·eq(z_k, ρ) itself (K·n work) and
// checks f̃(ρ) by one pcs opening. One claim (K = 1) is opened directly.
//
// # Soundness
//
// If some y_k ≠ f̃(z_k), Σ_k c_k·(y_k − f̃(z_k)) is a nonzero linear form in
// the c_k, drawn after the y_k are bound: it vanishes with probability
// 1/|F|. Then the sumcheck's false claim survives with 2n/|F| and the
// opening with the pcs error. Deferring an opening is sound because every
// claimed value is in the transcript (a sumcheck's finals, a stated value)
// before any later challenge, and the openings' own challenges come after
// all claims: the claims are fixed before the batching's randomness.
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
	claims map[pcs.Commitment][]claim
}

// NewProver returns an empty collector.
func NewProver() *Prover {
	return &Prover{data: map[pcs.Commitment]*pcs.ProverData{}, claims: map[pcs.Commitment][]claim{}}
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
	if _, ok := b.data[c]; !ok {
		b.order = append(b.order, c)
		b.data[c] = d
	}
	v, err := d.Table().Eval(point)
	if err != nil {
		return pcs.Opening{}, err
	}
	b.claims[c] = append(b.claims[c], claim{append([]fr.Element(nil), point...), v})
	return pcs.Opening{}, nil
}

// Verifier collects the claims to check.
type Verifier struct {
	order  []pcs.Commitment
	claims map[pcs.Commitment][]claim
}

// NewVerifier returns an empty collector.
func NewVerifier() *Verifier { return &Verifier{claims: map[pcs.Commitment][]claim{}} }

// Check verifies the opening now when v is nil; otherwise it records the
// claim f̃_c(point) = value for [Verifier.Verify] and ignores op.
func (v *Verifier) Check(tr *transcript.Transcript, params pcs.Params, c pcs.Commitment, point []fr.Element, value fr.Element, op pcs.Opening) error {
	if v == nil {
		return pcs.Verify(tr, params, c, point, value, op)
	}
	if len(point) != c.NumVars {
		return fmt.Errorf("batch: point of %d coordinates for a commitment of %d variables", len(point), c.NumVars)
	}
	if _, ok := v.claims[c]; !ok {
		v.order = append(v.order, c)
	}
	v.claims[c] = append(v.claims[c], claim{append([]fr.Element(nil), point...), value})
	return nil
}

// Group is one commitment's batched opening.
type Group struct {
	Reduce sumcheck.Proof // over Σ_x E(x)·f(x); empty for a single claim
	Open   pcs.Opening    // f̃ at ρ (the claim's point for a single claim)
}

// Proof is every commitment's batched opening, in order of first claim.
type Proof struct {
	Groups []Group
}

// Size returns the proof's size in bytes, 32 per field element or hash.
func (p *Proof) Size() int {
	n := 0
	for i := range p.Groups {
		g := &p.Groups[i]
		n += g.Open.Size() + 32*len(g.Reduce.Finals)
		for _, r := range g.Reduce.Rounds {
			n += 32 * len(r)
		}
	}
	return n
}

// absorb binds one commitment's claims and draws their coefficients.
func absorb(tr *transcript.Transcript, c pcs.Commitment, cl []claim) []fr.Element {
	c.Absorb(tr, "batch/commitment")
	tr.AppendUint64("batch/claims", uint64(len(cl)))
	for _, k := range cl {
		tr.AppendElements("batch/point", k.point...)
		tr.AppendElements("batch/value", k.value)
	}
	if len(cl) == 1 {
		return nil
	}
	return tr.Challenges("batch/c", len(cl))
}

// combined returns Σ_k c_k·y_k.
func combined(cl []claim, coef []fr.Element) fr.Element {
	var s, t fr.Element
	for k := range cl {
		t.Mul(&coef[k], &cl[k].value)
		s.Add(&s, &t)
	}
	return s
}

// Prove proves every recorded claim, one commitment after another.
func (b *Prover) Prove(tr *transcript.Transcript) (Proof, error) {
	return b.prove(tr, nil, false)
}

// prove is Prove with the tests' hooks: alter may change a claim's value
// after it was recorded (the verifier's copy is the protocol's); forgeE adds
// to E a table Δ with Σ_x Δ(x)·f(x) = 0 (Δ = f(1)·e_0 − f(0)·e_1), so that
// the sum, and so every round, is unchanged while E(ρ) is not Σ c_k·eq(z_k, ρ).
func (b *Prover) prove(tr *transcript.Transcript, alter func(g, k int, v *fr.Element), forgeE bool) (Proof, error) {
	var proof Proof
	for gi, c := range b.order {
		cl := b.claims[c]
		if alter != nil {
			for k := range cl {
				alter(gi, k, &cl[k].value)
			}
		}
		d := b.data[c]
		coef := absorb(tr, c, cl)
		var g Group
		point := cl[0].point
		if coef != nil {
			e := make(mle.Table, 1<<c.NumVars)
			for k := range cl {
				eq := mle.EqTable(cl[k].point)
				for i := range e {
					var t fr.Element
					t.Mul(&eq[i], &coef[k])
					e[i].Add(&e[i], &t)
				}
			}
			f := d.Table()
			if forgeE {
				var t fr.Element
				e[0].Add(&e[0], &f[1])
				e[1].Sub(&e[1], t.Set(&f[0]))
			}
			var err error
			if g.Reduce, point, _, err = sumcheck.Prove(tr, combined(cl, coef), []mle.Table{e, f}); err != nil {
				return Proof{}, err
			}
		}
		var err error
		if _, g.Open, _, err = d.Open(tr, point); err != nil {
			return Proof{}, err
		}
		proof.Groups = append(proof.Groups, g)
	}
	return proof, nil
}

// Verify checks every recorded claim against the proof.
func (v *Verifier) Verify(tr *transcript.Transcript, params pcs.Params, proof Proof) error {
	if len(proof.Groups) != len(v.order) {
		return fmt.Errorf("batch: %d batched openings, want one for each of %d commitments", len(proof.Groups), len(v.order))
	}
	for gi, c := range v.order {
		cl := v.claims[c]
		g := &proof.Groups[gi]
		coef := absorb(tr, c, cl)
		point, value := cl[0].point, cl[0].value
		if coef != nil {
			rho, fin, err := sumcheck.Verify(tr, combined(cl, coef), c.NumVars, 2, g.Reduce)
			if err != nil {
				return fmt.Errorf("batch: commitment %d: the claims' combination: %v", gi, err)
			}
			var e, t fr.Element
			for k := range cl {
				eq := mle.Eq(cl[k].point, rho)
				t.Mul(&eq, &coef[k])
				e.Add(&e, &t)
			}
			if !e.Equal(&fin[0]) {
				return fmt.Errorf("batch: commitment %d: the eq factor differs from Σ c_k·eq(z_k, ρ)", gi)
			}
			point, value = rho, fin[1]
		} else if len(g.Reduce.Rounds) != 0 || len(g.Reduce.Finals) != 0 {
			return fmt.Errorf("batch: commitment %d: a reduction for a single claim", gi)
		}
		if err := pcs.Verify(tr, params, c, point, value, g.Open); err != nil {
			return fmt.Errorf("batch: commitment %d: %v", gi, err)
		}
	}
	return nil
}
