package ceremony

import (
	"bytes"
	"errors"
	"fmt"
	"math/big"
	"slices"

	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	cmpc "github.com/consensys/gnark-crypto/ecc/bn254/mpcsetup"
	"github.com/consensys/gnark/backend/groth16/bn254/mpcsetup"
)

// Phase 2's chain checked end to end. A contribution multiplies δ by its
// secret x and the vectors over δ (Z and the private wires' K, together V)
// by x⁻¹, and each σᵢ by its secret yᵢ and σᵢ's commitment basis (its
// proof-of-knowledge key, Cᵢ) by yᵢ; its proofs of knowledge (gnark's
// UpdateProof.Verify) tie [δ]₁, [δ]₂ and [σᵢ]₂ to x and yᵢ, the
// participant's own secrets, each bound to the previous state's hash.
//
// The vectors are checked from the chain's first state to its last, not
// state by state. With one vector of independent uniform rₖ (crypto/rand,
// rlcBits bits, drawn once), S = Σₖ rₖ·Vₖ and Tᵢ = Σₖ rₖ·Cᵢₖ of the first
// and the last state, the pairing equations
//
//	e(S_last, [δ_last]₂) = e(S_first, [δ_first]₂)
//	e(Tᵢ_last, [σᵢ_first]₂) = e(Tᵢ_first, [σᵢ_last]₂)
//
// hold when V_last = (δ_first/δ_last)·V_first and Cᵢ_last =
// (σᵢ_last/σᵢ_first)·Cᵢ_first; a wrong point leaves the two sides'
// discrete logarithms differing by a nonzero linear form in its rₖ: it
// passes with probability at most 2⁻¹²⁸ an equation (rlc.go). That is all
// the keys need: they are the last state's vectors, sealed with the
// beacon or as they are (CloseLast), so they are determined by the first
// state, which is checked
// against phase 1 (checkStart, checkPreparedStart), and by δ_last and
// σ_last, which are δ_first and σ_first times every participant's secret
// (the proofs of knowledge). Whatever an intermediate state's vectors
// held, the keys are the right ones for secrets that include the honest
// participant's x and y, which nobody else knows: the argument of Bowe,
// Gabizon and Miers (which snarkjs's `zkey verify` follows, comparing the
// final vectors with the initial ones over the final δ). gnark's
// Phase2.Verify instead takes two MSMs of V and two of each Cᵢ with
// full-size coefficients per contribution; here a chain of any length
// takes one MSM of V and of each Cᵢ at either end, with half-length
// coefficients. When the equations fail, Verify walks the chain again
// state by state (blame) to name the first contribution that broke it.

// chain2 carries the check along the chain.
type chain2 struct {
	r []fr.Element // one per point of Z ‖ K, then of each commitment basis
	// first is the chain's first state until a step needs its sums: a
	// chain of one state (a participant building on phase 2's start) is
	// not summed for nothing; ends holds its sums and its [δ]₂ and [σ]₂
	// from then on.
	first *mpcsetup.Phase2
	ends  *chainEnd
	// tail is the last state stepped to, whose vectors finish checks.
	tail *mpcsetup.Phase2
	// keysChecked says sealedKeys compared the keys with the first state
	// while tail was unchecked: the chain needs no finish.
	keysChecked bool
}

// chainEnd is what the check keeps of a state: its sums and the G2
// elements they are compared over.
type chainEnd struct {
	s     curve.G1Jac   // Σ rₖ·Vₖ
	t     []curve.G1Jac // Σ rₖ·Cᵢₖ for each commitment i
	delta curve.G2Affine
	sigma []curve.G2Affine
}

// sum is Σ rₖ·(z ‖ k)ₖ, the coefficients drawn (end).
func (c *chain2) sum(z, k []curve.G1Affine) (curve.G1Jac, error) {
	if len(z)+len(k) > len(c.r) {
		return curve.G1Jac{}, errors.New("contribution size mismatch")
	}
	a, err := msmG1(z, c.r[:len(z)])
	if err != nil {
		return a, err
	}
	b, err := msmG1(k, c.r[len(z):len(z)+len(k)])
	if err != nil {
		return a, err
	}
	return *a.AddAssign(&b), nil
}

// end takes a state's sums, drawing the coefficients at the first.
func (c *chain2) end(p *mpcsetup.Phase2) (*chainEnd, error) {
	g1, g2 := &p.Parameters.G1, &p.Parameters.G2
	if c.r == nil {
		n := len(g1.Z) + len(g1.PKK)
		for _, b := range g1.SigmaCKK {
			n = max(n, len(b))
		}
		var err error
		if c.r, err = randomScalars(n, nil); err != nil {
			return nil, err
		}
	}
	s, err := c.sum(g1.Z, g1.PKK)
	if err != nil {
		return nil, err
	}
	e := &chainEnd{s: s, t: make([]curve.G1Jac, len(g1.SigmaCKK)), delta: g2.Delta, sigma: slices.Clone(g2.Sigma)}
	for i, b := range g1.SigmaCKK {
		if len(b) > len(c.r) {
			return nil, errors.New("contribution size mismatch")
		}
		if e.t[i], err = msmG1(b, c.r[:len(b)]); err != nil {
			return nil, err
		}
	}
	return e, nil
}

// start takes phase 2's first state checked (its start, or the first of
// the last states a participant checks); its sums are taken when the next
// step needs them.
func (c *chain2) start(p *mpcsetup.Phase2) {
	c.first, c.ends, c.tail = p, nil, nil
}

// last returns Σ r·V of the last state checked, after finish.
func (c *chain2) last() (*curve.G1Jac, error) {
	if c.tail != nil {
		return nil, errors.New("the chain's vectors are not checked yet")
	}
	if p := c.first; p != nil {
		e, err := c.end(p)
		if err != nil {
			return nil, err
		}
		c.ends, c.first = e, nil
	}
	if c.ends == nil {
		return nil, errors.New("the chain has no state")
	}
	return &c.ends.s, nil
}

// step checks next's contribution on top of prev (the state last given
// to start or step): what gnark's Phase2.Verify checks but the vectors,
// which finish checks from the chain's first state. It takes the first
// state's sums at the first step, so that the caller may drop that state.
func (c *chain2) step(prev, next *mpcsetup.Phase2) error {
	challenge := hashPhase2(prev)
	if len(next.Challenge) != 0 && !bytes.Equal(next.Challenge, challenge) {
		return errors.New("the challenge does not match the previous contribution's hash")
	}
	next.Challenge = challenge
	p, q := &prev.Parameters, &next.Parameters
	if len(q.G1.Z) != len(p.G1.Z) || len(q.G1.PKK) != len(p.G1.PKK) || len(q.G1.SigmaCKK) != len(p.G1.SigmaCKK) ||
		len(q.G2.Sigma) != len(p.G2.Sigma) || len(next.Sigmas) != len(p.G1.SigmaCKK) {
		return errors.New("contribution size mismatch")
	}
	for i := range q.G1.SigmaCKK {
		if len(q.G1.SigmaCKK[i]) != len(p.G1.SigmaCKK[i]) {
			return errors.New("contribution size mismatch")
		}
	}
	for i := range prev.Sigmas {
		if err := next.Sigmas[i].Verify(challenge, mpcsetup.DST_SIGMA+byte(i),
			cmpc.ValueUpdate{Previous: &p.G2.Sigma[i], Next: &q.G2.Sigma[i]}); err != nil {
			return fmt.Errorf("failed to verify contribution to σ[%d]: %w", i, err)
		}
	}
	if err := next.Delta.Verify(challenge, mpcsetup.DST_DELTA,
		cmpc.ValueUpdate{Previous: &p.G1.Delta, Next: &q.G1.Delta},
		cmpc.ValueUpdate{Previous: &p.G2.Delta, Next: &q.G2.Delta}); err != nil {
		return fmt.Errorf("failed to verify contribution to δ: %w", err)
	}
	if c.first != nil {
		var err error
		if c.ends, err = c.end(c.first); err != nil {
			return err
		}
		c.first = nil
	}
	c.tail = next
	return nil
}

// finish checks the vectors of the last state stepped to against the
// chain's first state's (the equations above); a chain of one state has
// nothing to check.
func (c *chain2) finish() error {
	q := c.tail
	if q == nil {
		return nil
	}
	e, err := c.end(q)
	if err != nil {
		return err
	}
	f := c.ends
	if len(e.t) != len(f.t) {
		return errors.New("contribution size mismatch")
	}
	if err := sameRatio2(&e.s, &e.delta, &f.s, &f.delta); err != nil {
		return errors.New("failed to verify contribution to δ: Z or K is not the previous one over the contributed δ")
	}
	for i := range e.t {
		if err := sameRatio2(&e.t[i], &f.sigma[i], &f.t[i], &e.sigma[i]); err != nil {
			return fmt.Errorf("failed to verify contribution to σ[%d]: its commitment basis is not the previous one times the contributed σ", i)
		}
	}
	c.tail, c.ends = nil, e
	return nil
}

// sameRatio2 checks e(a, x) = e(b, y).
func sameRatio2(a *curve.G1Jac, x *curve.G2Affine, b *curve.G1Jac, y *curve.G2Affine) error {
	var aa, bb curve.G1Affine
	aa.FromJacobian(a)
	bb.FromJacobian(b)
	bb.Neg(&bb)
	ok, err := curve.PairingCheck([]curve.G1Affine{aa, bb}, []curve.G2Affine{*x, *y})
	if err != nil {
		return err
	}
	if !ok {
		return errors.New("pairing check failed")
	}
	return nil
}

// sealedKeys checks the keys' Z ‖ K and commitment bases (each Pedersen
// key's proof-of-knowledge basis) against the chain, d being the beacon's
// δ and σᵢ: the keys are the last state sealed, V_keys = δ⁻¹·V_last and
// Cᵢ_keys = σᵢ·Cᵢ_last, so with S_keys = Σ rₖ·V_keysₖ and Tᵢ_keys alike
// (the chain's coefficients) the equations
//
//	e(δ·S_keys, [δ_last]₂) = e(S_ref, [δ_ref]₂)
//	e(σᵢ⁻¹·Tᵢ_keys, [σᵢ_ref]₂) = e(Tᵢ_ref, [σᵢ_last]₂)
//
// hold, ref being the chain's first state while its last is not yet
// checked (finish not called: these are then finish's equations with the
// last state's sums replaced by what the keys make them, and the last
// state's own vectors, which nothing but the beacon's hash reads, need no
// MSM), or the last state itself after finish. One MSM of each key vector;
// a wrong point passes with probability at most 2⁻¹²⁸ an equation (the
// argument of finish and rlc.go). Whether the keys or the chain are wrong
// when it fails is finish's to tell (Verify).
func (c *chain2) sealedKeys(z, k []curve.G1Affine, bases [][]curve.G1Affine, d []fr.Element) error {
	if len(d) != len(bases)+1 {
		return errors.New("it has another number of commitments")
	}
	ref := c.ends
	var delta *curve.G2Affine
	var sigma []curve.G2Affine
	if q := c.tail; q != nil {
		delta, sigma = &q.Parameters.G2.Delta, q.Parameters.G2.Sigma
	} else {
		if _, err := c.last(); err != nil {
			return err
		}
		ref = c.ends
		delta, sigma = &ref.delta, ref.sigma
	}
	if len(ref.t) != len(bases) || len(sigma) != len(bases) {
		return errors.New("it has another number of commitments")
	}
	s, err := c.sum(z, k)
	if err != nil {
		return err
	}
	var b big.Int
	s.ScalarMultiplication(&s, d[0].BigInt(&b))
	if err := sameRatio2(&s, delta, &ref.s, &ref.delta); err != nil {
		return errors.New("its Z or K vector is not the chain's sealed with the beacon")
	}
	for i, basis := range bases {
		if len(basis) > len(c.r) {
			return fmt.Errorf("its commitment basis %d has another length", i)
		}
		t, err := msmG1(basis, c.r[:len(basis)])
		if err != nil {
			return err
		}
		var inv fr.Element
		inv.Inverse(&d[1+i])
		t.ScalarMultiplication(&t, inv.BigInt(&b))
		if err := sameRatio2(&t, &ref.sigma[i], &ref.t[i], &sigma[i]); err != nil {
			return fmt.Errorf("its commitment basis %d is not the chain's sealed with the beacon", i)
		}
	}
	if c.tail != nil {
		c.keysChecked = true
	}
	return nil
}
