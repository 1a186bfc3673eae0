package pcs

import (
	"fmt"
	"math/rand/v2"

	"github.com/zkinfer/zkinfer/transparent/mle"
)

// CommitSeeded is a hiding CommitShape whose random coefficients and masking
// rows are drawn from ChaCha8 keyed by seed instead of crypto/rand: the same
// table, shape, parameters and seed give the same commitment, so that a
// model's weights committed once can be recommitted by the prover of every
// proof and recomputed by their owner (a transparent model commitment,
// docs/TRANSPARENT.md). It hides the table only if the seed is secret and
// uniform, and only as long as one opening of it is published: every proof
// that opens the commitment reveals t columns and one u, v of the same
// padded rows, so k proofs' openings together see k·t columns of rows that
// have t + 1 random coefficients. Use one seed per table.
func CommitSeeded(p Params, t mle.Table, rowVars int, seed [32]byte) (*ProverData, error) {
	if !p.Hiding {
		return nil, fmt.Errorf("pcs: a seeded commitment is a hiding one: set Params.Hiding")
	}
	return commitShape(p, t, rowVars, &seed)
}

// rngFor returns the generator of a commitment's hiding coefficients:
// keyed by seed, or by crypto/rand when seed is nil.
func rngFor(seed *[32]byte) rng {
	if seed == nil {
		return newRNG()
	}
	return rng{rand.NewChaCha8(*seed)}
}
