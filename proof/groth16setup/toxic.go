package groth16setup

import (
	"crypto/rand"
	"math/big"

	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
)

// toxicWaste is a setup's secret randomness: whoever knows it can forge
// proofs (τ, α, β, γ, δ) or open Pedersen commitments to other values (σ).
type toxicWaste struct {
	t, alpha, beta, gamma, delta fr.Element
	gammaInv, deltaInv           fr.Element
	// sigma[i] is commitment i's Pedersen knowledge exponent.
	sigma []fr.Element
	// commitG2 is the commitments' G2 base: a random point whose discrete
	// logarithm nobody needs, so it is not secret.
	commitG2 curve.G2Affine
}

// sampleToxicWaste draws the randomness from crypto/rand in the order
// gnark's groth16.Setup does (τ, α, β, γ, δ, each redrawn while zero; the
// commitments' G2 base; then one σ per commitment, uniform in [1, r−1],
// as gnark-crypto's pedersen.Setup draws it), so that both make the same
// keys from the same random stream (the tests rely on this).
func sampleToxicWaste(nbCommitments int) (*toxicWaste, error) {
	tw := new(toxicWaste)
	for _, e := range []*fr.Element{&tw.t, &tw.alpha, &tw.beta, &tw.gamma, &tw.delta} {
		for e.IsZero() {
			if _, err := e.SetRandom(); err != nil {
				return nil, err
			}
		}
	}
	tw.gammaInv.Inverse(&tw.gamma)
	tw.deltaInv.Inverse(&tw.delta)
	var err error
	if tw.commitG2, err = curve.RandomOnG2(); err != nil {
		tw.zeroize()
		return nil, err
	}
	var rMinusOne big.Int
	rMinusOne.Sub(fr.Modulus(), big.NewInt(1))
	tw.sigma = make([]fr.Element, nbCommitments)
	for i := range tw.sigma {
		s, err := rand.Int(rand.Reader, &rMinusOne)
		if err != nil {
			tw.zeroize()
			return nil, err
		}
		s.Add(s, big.NewInt(1))
		tw.sigma[i].SetBigInt(s)
		clear(s.Bits())
	}
	return tw, nil
}

// zeroize overwrites the secrets.
func (tw *toxicWaste) zeroize() {
	for _, e := range []*fr.Element{&tw.t, &tw.alpha, &tw.beta, &tw.gamma, &tw.delta, &tw.gammaInv, &tw.deltaInv} {
		e.SetZero()
	}
	clear(tw.sigma)
}
