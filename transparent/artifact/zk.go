package artifact

import (
	"github.com/zkinfer/zkinfer/transparent/cnn"
	"github.com/zkinfer/zkinfer/transparent/lower"
	"github.com/zkinfer/zkinfer/transparent/mlp"
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
// revealed form (zeroKnowledge): those are proven the same way, and
// `verify` keeps the binding-only statement. Nothing is refused. Params and
// HidingParams remain the binding and hiding-only parameters of the
// packages' tests and benchmarks.

// ZKParams are Params with hiding commitments and vanishing masks: the
// parameters of every proof the CLI makes and checks.
var ZKParams = pcs.Params{RateLog: Params.RateLog, Queries: Params.Queries, Hiding: true, Vanishing: true}

// params are the commitment parameters of c's proofs.
func (c *Compiled) params() pcs.Params { return ZKParams }

// zeroKnowledge reports whether the chain's proofs hide everything private:
// false when a step has a shape whose vanishing masks are documented as too
// short (docs/TRANSPARENT.md, "What is still revealed"): a dense layer of
// K = 1 (its sumcheck over no variable states s̃_y itself), a convolution
// whose patch cube has one variable (C·KH·KW ≤ 2), a max pool whose output
// plane has fewer than 4 entries (R's row too short), or a layer's or
// convolution's output (its accumulator is private) of at most 2 entries
// (≤ 1 variable; one entry: no mask at all). A function of the
// architecture, so the prover's and the verifier's agree.
func zeroKnowledge(c *lower.Chain) bool {
	dense := c.Layers
	var convs []cnn.Conv
	switch {
	case c.CNN != nil:
		convs, dense = c.CNN.Convs, c.CNN.Dense
	case c.Res != nil:
		dense = c.Res.Dense
		for _, n := range c.Res.Nodes {
			if n.Kind == cnn.NodeConv {
				convs = append(convs, n.Conv)
			}
		}
	}
	for _, cv := range convs {
		s := cv.Shape
		oh, ow := s.Out()
		if s.C*s.KH*s.KW <= 2 || s.O*oh*ow <= 2 {
			return false
		}
		if cv.Pool > 0 && (oh/cv.Pool)*(ow/cv.Pool) < 4 {
			return false
		}
	}
	return denseZK(dense, c.M)
}

// denseZK is zeroKnowledge's rule for the dense layers (M rows each).
func denseZK(dense []mlp.Dense, M int) bool {
	for _, l := range dense {
		// M·N ≤ 2: the accumulator (private even for the last layer, whose
		// rescaled output is public) has ≤ 1 variable.
		if l.K == 1 || M*l.N <= 2 {
			return false
		}
	}
	return true
}
