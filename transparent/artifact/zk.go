package artifact

import "github.com/zkinfer/zkinfer/transparent/pcs"

// Zero knowledge (docs/TRANSPARENT.md, "Zero knowledge"; issue 22). Every
// proof of this backend (wire version 6) is made under ZKParams: hiding
// commitments with vanishing masks, every protocol's private values masked
// (sumchecks masked, finals and claims of the masked tables f̂ = f̃ + Z·s̃,
// logUp's sums and every relation among tables proven by sumchecks, the
// public output checked where Z vanishes), so that the proof reveals
// nothing of the private input — nor, with hashed weights, of the weights —
// beyond the public outputs. Settings.ZeroKnowledge is therefore set for
// every directory (Compile, Open), and verifier.Describe states what
// Groth16's does ("stays secret"). The shapes whose masks were too short
// to hide every revealed form are padded instead (docs/TRANSPARENT.md,
// "Padding small shapes"): dense layers to K, N ≥ matmul.MinDim (a K = 1
// layer's sumcheck over κ had no round and stated s̃_y itself, an output
// of ≤ 2 entries was a one-variable accumulator), convolutions' patch
// cubes to ≥ conv.MinPatch entries (C·KH·KW ≤ 2 left the patch value
// unhidden), and every CNN tensor's table to ≥ conv.MinTable entries (a
// convolution's or a pool's output of ≤ 2 values, an input of 4 entries).
// Hashed weights are committed afresh in every proof and bound to the
// model commitment, a Poseidon2 root, inside it (hashed.go), so they stay
// hidden across any number of proofs. Params and HidingParams remain the binding and hiding-only
// parameters of the packages' tests and benchmarks.

// ZKParams are Params with hiding commitments and vanishing masks: the
// parameters of every proof the CLI makes and checks.
var ZKParams = pcs.Params{RateLog: Params.RateLog, Queries: Params.Queries, Hiding: true, Vanishing: true}

// params are the commitment parameters of c's proofs.
func (c *Compiled) params() pcs.Params { return ZKParams }
