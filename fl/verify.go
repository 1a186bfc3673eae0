package fl

import (
	"errors"
	"fmt"
	"math/big"
	"slices"

	"github.com/consensys/gnark-crypto/ecc"
	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark/backend/groth16"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
	"github.com/consensys/gnark/frontend"
)

// Point is a client commitment: a BN254 G1 point.
type Point = curve.G1Affine

// Statement is what an aggregation proof is checked against: all public.
type Statement struct {
	Round   uint64
	Clip    int64
	Weights []int64
	Old     *big.Int // the previous global model's commitment
	New     *big.Int // the aggregated model's commitment
	// Clients are the clients' published commitments, in slot order.
	Clients []curve.G1Affine
	// Dropped marks, when not nil, the slots of clients that dropped out
	// after committing: the proof's own commitment stands for theirs (the
	// aggregator's, to a zero update; Clients[k] is ignored), which is
	// sound only because Verify requires such a slot to weigh 0 (its
	// update then adds nothing, whatever it is).
	Dropped []bool
	// SeedCom and Coins are, with DP, the aggregator's published seed
	// commitment and the coins' value (dp.CoinsValue of the verifier's
	// coins).
	SeedCom, Coins *big.Int
	// OldW, NewW and ModelBases are, with public models, the two models'
	// quantized weights and the bases of ModelsKeyFile (public.go).
	OldW, NewW []int64
	ModelBases [2][]curve.G1Affine
}

// ErrInvalid wraps every answer that the proof does not hold for the
// statement (as opposed to a malformed input).
var ErrInvalid = errors.New("the aggregation proof is invalid")

// Verify checks prf against st: every client commitment appears once, the
// proof's commitment k is client k's published commitment, and the
// Groth16 proof holds for the public inputs (round, clip, weights, old
// and new model commitments) with those commitments.
func Verify(s Shape, vk *groth16bn254.VerifyingKey, prf *groth16bn254.Proof, st *Statement) error {
	if err := s.Check(); err != nil {
		return err
	}
	if len(st.Clients) != s.Clients || len(st.Weights) != s.Clients || (st.Dropped != nil && len(st.Dropped) != s.Clients) {
		return fmt.Errorf("fl: %d client commitments, %d weights and %d dropout marks for a circuit of %d clients: give every client's commitment, in slot order", len(st.Clients), len(st.Weights), len(st.Dropped), s.Clients)
	}
	if need := s.Clients + 2*boolInt(s.PublicModels); len(prf.Commitments) < need {
		return fmt.Errorf("%w: the proof carries %d commitments, the circuit %d: it is another circuit's", ErrInvalid, len(prf.Commitments), need)
	}
	clients := slices.Clone(st.Clients)
	for k, d := range st.Dropped {
		if !d {
			continue
		}
		if st.Weights[k] != 0 {
			return fmt.Errorf("%w: slot %d is given as dropped out, but the proof weighs it %.5f", ErrInvalid, k, float64(st.Weights[k])/(1<<WeightBits))
		}
		clients[k] = prf.Commitments[k]
	}
	for k := range clients {
		for j := range k {
			if clients[j].Equal(&clients[k]) {
				return fmt.Errorf("%w: client commitments %d and %d are the same point: one update counted twice", ErrInvalid, j, k)
			}
		}
	}
	for k := range clients {
		if !prf.Commitments[k].Equal(&clients[k]) {
			return fmt.Errorf("%w: the proof's commitment %d is not client %d's published commitment (an update changed after it was committed, or a client dropped, replaced or out of order)", ErrInvalid, k, k)
		}
	}
	pub := NewCircuit(s)
	pub.Round, pub.Clip, pub.Old, pub.New = st.Round, st.Clip, orZero(st.Old), orZero(st.New)
	if s.PublicModels {
		if err := checkModels(s, prf.Commitments, st); err != nil {
			return err
		}
		pub.Old, pub.New = 0, 0
	}
	for k, p := range st.Weights {
		pub.Weights[k] = p
	}
	if d := s.DP; d != nil {
		if st.SeedCom == nil || st.Coins == nil {
			return fmt.Errorf("fl: the circuit adds DP noise: give the aggregator's seed commitment and the coins")
		}
		if need := d.Sensitivity(st.Clip, st.Weights); d.Mechanism.Sensitivity < need {
			return fmt.Errorf("%w: the noise is calibrated for sensitivity %d, the bound %d and the weights need %d", ErrInvalid, d.Mechanism.Sensitivity, st.Clip, need)
		}
		pub.DPPub[0], pub.DPPub[1] = st.SeedCom, st.Coins
	}
	w, err := frontend.NewWitness(pub, ecc.BN254.ScalarField(), frontend.PublicOnly())
	if err != nil {
		return fmt.Errorf("fl: public inputs: %w", err)
	}
	if err := groth16.Verify(prf, vk, w); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
