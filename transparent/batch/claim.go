package batch

import (
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/pcs"
)

// Claim records the claim f̂(point) = value on d's table (f̂ = f̃ without
// pcs.Params.Vanishing) for a value the
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
	if p := d.Params(); p.Hiding && p.Vanishing {
		// Under a vanishing mask a claim is on f̂ = f̃ + Z·s̃. A protocol that
		// states f̃(z) (a plain sumcheck's final) would make the proof fail
		// at the verifier with no hint why: say it here.
		if want := d.MaskedEval(point); !want.Equal(&value) {
			return fmt.Errorf("batch: the stated value is not f̂(z) = f̃(z) + Z(z)·s̃(z_col) of a commitment with a vanishing mask; a protocol whose claims are f̃ must prove f̂ (masked factors, zk-design part B) or commit without pcs.Params.Vanishing")
		}
	}
	if claimHook != nil {
		claimHook(d, point, value)
	}
	b.add(d)
	b.claims[c] = append(b.claims[c], claim{append([]fr.Element(nil), point...), value})
	return nil
}
