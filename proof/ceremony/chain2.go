package ceremony

import (
	"bytes"
	"errors"
	"fmt"
	"math/big"

	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	cmpc "github.com/consensys/gnark-crypto/ecc/bn254/mpcsetup"
	"github.com/consensys/gnark/backend/groth16/bn254/mpcsetup"
)

// Phase 2's chain checked with one multi-scalar multiplication per state.
// A contribution multiplies δ by its secret x and the vectors over δ (Z
// and the private wires' K, together V) by x⁻¹, so δ·V is the same in
// every state of the chain and in the keys. gnark's Phase2.Verify checks
// each contribution's V against its predecessor's with a random linear
// combination of both (two MSMs per contribution); here one vector of
// independent uniform rₖ (crypto/rand), drawn once, serves the whole
// chain: Sⱼ = Σₖ rₖ·Vⱼₖ for each state j, and each contribution is checked
// by the pairing equation e(Sⱼ, [δⱼ]₂) = e(Sⱼ₋₁, [δⱼ₋₁]₂), [δ]₂ being
// bound to the contribution's secret by its proof of knowledge (gnark's
// UpdateProof.Verify on [δ]₁ and [δ]₂). If some Vⱼₖ ≠ (δⱼ₋₁/δⱼ)·Vⱼ₋₁,ₖ,
// the two sides' discrete logarithms differ by Σₖ rₖ·Eₖ with some Eₖ ≠ 0
// in F_r: zero with probability at most 2⁻¹²⁸ (the rₖ have rlcBits bits:
// rlc.go); over a chain of m contributions and the keys, at most
// (m+1)·2⁻¹²⁸ (union bound), the rₖ being shared.

// chain2 carries the check along the chain.
type chain2 struct {
	r []fr.Element // one per point of Z ‖ K
	s curve.G1Jac  // Σ r·V of the last state checked
	// first is the chain's first state until a step needs its sum: a
	// chain of one state (a participant building on phase 2's start) is
	// not summed for nothing.
	first *mpcsetup.Phase2
}

// sum is Σ rₖ·(z ‖ k)ₖ.
func (c *chain2) sum(z, k []curve.G1Affine) (curve.G1Jac, error) {
	if c.r == nil {
		var err error
		if c.r, err = randomScalars(len(z)+len(k), nil); err != nil {
			return curve.G1Jac{}, err
		}
	}
	if len(z)+len(k) != len(c.r) {
		return curve.G1Jac{}, errors.New("contribution size mismatch")
	}
	a, err := msmG1(z, c.r[:len(z)])
	if err != nil {
		return a, err
	}
	b, err := msmG1(k, c.r[len(z):])
	if err != nil {
		return a, err
	}
	return *a.AddAssign(&b), nil
}

// start takes phase 2's first state checked (its start); its sum is
// taken when the next step needs it.
func (c *chain2) start(p *mpcsetup.Phase2) {
	c.first = p
}

// last returns Σ r·V of the last state checked.
func (c *chain2) last() (*curve.G1Jac, error) {
	if p := c.first; p != nil {
		s, err := c.sum(p.Parameters.G1.Z, p.Parameters.G1.PKK)
		if err != nil {
			return nil, err
		}
		c.s, c.first = s, nil
	}
	return &c.s, nil
}

// step checks next's contribution on top of prev (the state last given
// to start or step): what gnark's Phase2.Verify checks, the vectors over δ
// by the pairing equation above.
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
	for i := range prev.Sigmas {
		if err := next.Sigmas[i].Verify(challenge, mpcsetup.DST_SIGMA+byte(i),
			cmpc.ValueUpdate{Previous: p.G1.SigmaCKK[i], Next: q.G1.SigmaCKK[i]},
			cmpc.ValueUpdate{Previous: &p.G2.Sigma[i], Next: &q.G2.Sigma[i]}); err != nil {
			return fmt.Errorf("failed to verify contribution to σ[%d]: %w", i, err)
		}
	}
	if err := next.Delta.Verify(challenge, mpcsetup.DST_DELTA,
		cmpc.ValueUpdate{Previous: &p.G1.Delta, Next: &q.G1.Delta},
		cmpc.ValueUpdate{Previous: &p.G2.Delta, Next: &q.G2.Delta}); err != nil {
		return fmt.Errorf("failed to verify contribution to δ: %w", err)
	}
	last, err := c.last()
	if err != nil {
		return err
	}
	s, err := c.sum(q.G1.Z, q.G1.PKK)
	if err != nil {
		return err
	}
	var sa, prevNeg curve.G1Affine
	sa.FromJacobian(&s)
	prevNeg.FromJacobian(last)
	prevNeg.Neg(&prevNeg)
	ok, err := curve.PairingCheck([]curve.G1Affine{sa, prevNeg}, []curve.G2Affine{q.G2.Delta, p.G2.Delta})
	if err != nil {
		return err
	}
	if !ok {
		return errors.New("failed to verify contribution to δ: Z or K is not the previous one over the contributed δ")
	}
	c.s = s
	return nil
}

// sealed checks the keys' Z and K against the chain's last state sealed
// with the beacon's δ: Σ rₖ·(δ·keysₖ) = Σ rₖ·lastₖ, one MSM where the
// seal takes a scalar multiplication per point.
func (c *chain2) sealed(z, k []curve.G1Affine, delta *fr.Element) error {
	last, err := c.last()
	if err != nil {
		return err
	}
	s, err := c.sum(z, k)
	if err != nil {
		return err
	}
	var b big.Int
	s.ScalarMultiplication(&s, delta.BigInt(&b))
	if !s.Equal(last) {
		return errors.New("its Z or K vector is not the chain's last state sealed with the beacon")
	}
	return nil
}

// sealedBases checks the keys' commitment bases (each Pedersen key's
// proof-of-knowledge basis) against the chain's last state's, last,
// sealed with the beacon's σᵢ: Σₖ rₖ·keysᵢₖ = σᵢ·Σₖ rₖ·lastᵢₖ with fresh
// uniform rₖ of rlcBits bits, two MSMs with half-length scalars where the
// seal takes a scalar multiplication per point. A wrong point makes the
// two sides' discrete logarithms differ by a nonzero linear form in the
// rₖ: it passes with probability at most 2⁻¹²⁸ (rlc.go).
func sealedBases(keys, last [][]curve.G1Affine, sigma []fr.Element) error {
	if len(keys) != len(last) || len(sigma) != len(last) {
		return errors.New("it has another number of commitments")
	}
	var b big.Int
	for i := range last {
		if len(keys[i]) != len(last[i]) {
			return fmt.Errorf("its commitment basis %d has another length", i)
		}
		r, err := randomScalars(len(last[i]), nil)
		if err != nil {
			return err
		}
		got, err := msmG1(keys[i], r)
		if err != nil {
			return err
		}
		want, err := msmG1(last[i], r)
		if err != nil {
			return err
		}
		want.ScalarMultiplication(&want, sigma[i].BigInt(&b))
		if !got.Equal(&want) {
			return fmt.Errorf("its commitment basis %d is not the chain's last state sealed with the beacon", i)
		}
	}
	return nil
}
