package artifact

import "github.com/zkinfer/zkinfer/transparent/pcs"

// Zero knowledge (docs/TRANSPARENT.md, "Zero knowledge"; issue 22). Every
// proof of this backend (wire version 6) is made under ZKParams: hiding
// commitments with vanishing masks, every protocol's private values masked
// (sumchecks masked, finals and claims of the masked tables f̂ = f̃ + Z·s̃,
// logUp's sums and every relation among tables proven by sumchecks, the
// public output checked where Z vanishes), so that the proof reveals
// nothing of the private input — nor, with hashed weights, of the weights —
// beyond the public outputs. settings' ZeroKnowledge says so to
// verifier.Describe, which then states what Groth16's does ("stays
// secret"). Params and HidingParams remain the binding and hiding-only
// parameters of the packages' tests and benchmarks.

// ZKParams are Params with hiding commitments and vanishing masks: the
// parameters of every proof the CLI makes and checks.
var ZKParams = pcs.Params{RateLog: Params.RateLog, Queries: Params.Queries, Hiding: true, Vanishing: true}

// zeroKnowledge is settings' ZeroKnowledge for a directory of this
// backend: every model's proof is (ZKParams).
const zeroKnowledge = true

// params are the commitment parameters of c's proofs.
func (c *Compiled) params() pcs.Params { return ZKParams }
