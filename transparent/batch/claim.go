package batch

import (
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/pcs"
)

// Claim records the claim f̃(point) = value on d's table for a value the
// protocol has already stated (a sumcheck's final value bound in the
// transcript) instead of one computed from the table, as Open does: an
// honest prover's value is the table's, and a false one makes Prove's
// reduction start from a false sum, which the verifier's round check and
// the multi-opening reject (package doc). Used for committed weights, whose
// claims come out of the layer's sumcheck.
func (b *Prover) Claim(d *pcs.ProverData, point []fr.Element, value fr.Element) error {
	if b == nil {
		return fmt.Errorf("batch: a stated claim needs a collector")
	}
	c := d.Commitment()
	if len(point) != c.NumVars {
		return fmt.Errorf("batch: point of %d coordinates for a table of %d variables", len(point), c.NumVars)
	}
	if _, ok := b.data[c]; !ok {
		b.order = append(b.order, c)
		b.data[c] = d
	}
	b.claims[c] = append(b.claims[c], claim{append([]fr.Element(nil), point...), value})
	return nil
}
