package proof

import (
	"fmt"

	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
)

// CommitmentBasis is the basis of the proving key's Groth16 commitment
// key idx (pk.CommitmentKeys[idx].Basis): one point per committed private
// wire, in the order of the circuit's PrivateCommitted list. A
// commitment's point in a proof is Σ v_i·Basis[i] over the committed
// values v (with gnark's mask zeroed: proverOptions), which package
// proof/segment computes before proving (a segment's boundary
// commitment). The whole proving key is read.
func (c *Compiled) CommitmentBasis(idx int) ([]curve.G1Affine, error) {
	pk, err := c.readProvingKey()
	if err != nil {
		return nil, fmt.Errorf("%w (run setup first)", err)
	}
	bpk, ok := pk.(*groth16bn254.ProvingKey)
	if !ok || idx < 0 || idx >= len(bpk.CommitmentKeys) {
		return nil, fmt.Errorf("%s: the proving key has no commitment key %d: compile and set up again", c.Dir, idx)
	}
	return bpk.CommitmentKeys[idx].Basis, nil
}
