package proof

import "github.com/zkinfer/zkinfer/proof/verifier"

// Describe says in plain words what a valid proof p of this directory
// established and what stayed secret: the model (fixed weights, or secret
// ones and their commitment), the input, the outputs or the claim, the
// public constants and the context (verifier.Describe). Call it after
// VerifyWith accepted p.
func (c *Compiled) Describe(p *Proof) string {
	return verifier.Describe(&c.Settings.Settings, p)
}
