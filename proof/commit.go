package proof

import (
	"fmt"
	"math/big"

	"github.com/zkinfer/zkinfer/circuit"
)

// WeightsCommitment is the commitment of the weights of the model at
// weightsPath (with this salt) that this directory's proofs carry, in the
// directory's scheme: the Pedersen point D of its proving key's commitment
// key (the directory must be set up), or the Poseidon2 hash. Publish it
// with VerifyingKeySHA256: verifiers check both.
func (c *Compiled) WeightsCommitment(weightsPath string, salt *big.Int) (string, error) {
	vis := c.Settings.Visibility
	if vis.Params != circuit.Hashed {
		return "", fmt.Errorf("%s: the weights are %s, not hashed: there is no model commitment", c.Dir, vis.Params)
	}
	if vis.PedersenParams() {
		return c.PedersenModelCommitment(weightsPath, salt)
	}
	return ModelCommitment(weightsPath, c.Settings.Quant, vis.Bits(), salt)
}
