package proof

import (
	"fmt"
	"math/big"

	"github.com/consensys/gnark-crypto/ecc"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/proof/verifier"
)

// dpSection fills a DP release's "dp" section of the proof file from the
// assignment's public inputs: the seed commitment, the coins and the
// released values in output units (verifier.NewDPProof).
func (c *Compiled) dpSection(p *Proof, a *circuit.Circuit, w *circuit.Witness) error {
	if c.Settings.Visibility.DP == nil {
		return nil
	}
	vals := make([]*big.Int, len(a.Public))
	for i, v := range a.Public {
		b, ok := new(big.Int).SetString(fmt.Sprint(v), 10)
		if !ok {
			return fmt.Errorf("prove: public input %d is not an integer", i)
		}
		vals[i] = b.Mod(b, fieldModulus)
	}
	d, err := verifier.NewDPProof(&c.Settings.Settings, vals, w.DP.Coins)
	if err != nil {
		return fmt.Errorf("prove: %w", err)
	}
	p.DP = d
	return nil
}

var fieldModulus = ecc.BN254.ScalarField()
