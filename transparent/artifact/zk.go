package artifact

import (
	"github.com/zkinfer/zkinfer/transparent/cnn"
	"github.com/zkinfer/zkinfer/transparent/lower"
	"github.com/zkinfer/zkinfer/transparent/pcs"
)

// Zero knowledge (docs/TRANSPARENT.md, "Zero knowledge"; issue 22). Every
// proof of this backend (wire version 6) is made under ZKParams: hiding
// commitments with vanishing masks, every protocol's private values masked
// (sumchecks masked, finals and claims of the masked tables f̂ = f̃ + Z·s̃,
// logUp's sums and every relation among tables proven by sumchecks, the
// public output checked where Z vanishes), so that the proof reveals
// nothing of the private input — nor, with hashed weights, of the weights —
// beyond the public outputs. settings' ZeroKnowledge says so to
// verifier.Describe, which then states what Groth16's does ("stays
// secret"), except for the shapes whose masks are too short to hide every
// revealed form (zeroKnowledge: pools and convolutions to ≤ 2 values; dense
// layers and patch cubes are padded instead): those are proven the same
// way, and `verify` keeps the binding-only statement. Nothing is refused
// for it (a CNN's dense head reading fewer than 3 values is, by package
// cnn: its padded input would need a relayout). Params and HidingParams
// remain the binding and hiding-only parameters of the packages' tests
// and benchmarks.

// ZKParams are Params with hiding commitments and vanishing masks: the
// parameters of every proof the CLI makes and checks.
var ZKParams = pcs.Params{RateLog: Params.RateLog, Queries: Params.Queries, Hiding: true, Vanishing: true}

// params are the commitment parameters of c's proofs.
func (c *Compiled) params() pcs.Params { return ZKParams }

// zeroKnowledge reports whether the chain's proofs hide everything private:
// false when a step has a shape whose vanishing masks are documented as too
// short (docs/TRANSPARENT.md, "What is still revealed"): a max pool whose
// output has at most 2 values (a table of < 4 entries, wv < 2 variables:
// R's row too short, maxpool/mask.go; judged on the whole table, all
// channels, as maxpool.TestZeroKnowledge's 4 channels pooled to 1×1), or a
// convolution's output (its accumulator is private) of at most 2 entries
// (≤ 1 variable; one entry: no mask at all). Padding removed the others
// (issue 22): dense layers are padded to K, N ≥ matmul.MinDim (two
// variables each: a K = 1 layer's sumcheck over κ had no round and stated
// s̃_y itself, an output of ≤ 2 entries was a one-variable accumulator),
// and a convolution's patch cube to ≥ conv.MinPatch entries (C·KH·KW ≤ 2
// had kv ≤ 1: its patch value unhidden). A function of the architecture,
// so the prover's and the verifier's agree.
func zeroKnowledge(c *lower.Chain) bool {
	var convs []cnn.Conv
	switch {
	case c.CNN != nil:
		convs = c.CNN.Convs
	case c.Res != nil:
		for _, n := range c.Res.Nodes {
			if n.Kind == cnn.NodeConv {
				convs = append(convs, n.Conv)
			}
		}
	}
	for _, cv := range convs {
		s := cv.Shape
		oh, ow := s.Out()
		if s.O*oh*ow <= 2 {
			return false
		}
		if cv.Pool > 0 && s.O*(oh/cv.Pool)*(ow/cv.Pool) <= 2 {
			return false
		}
	}
	return true
}
