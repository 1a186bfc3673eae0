package verifier

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/zkinfer/zkinfer/circuit"
)

// Describe says in plain words what a valid proof p of the circuit s describes
// established and what stayed secret: the model (fixed weights, or secret
// ones and their commitment), the input, the outputs or the claim, the
// public constants and the context. Call it after Verify accepted p.
func Describe(s *Settings, p *Proof) string {
	vis := s.Visibility
	var b strings.Builder
	switch vis.Params {
	case circuit.Fixed:
		fmt.Fprintf(&b, "the model with sha256 %s…, whose weights are fixed in the circuit, ", s.ModelSHA256[:16])
	case circuit.Private:
		fmt.Fprintf(&b, "a model with the architecture of sha256 %s… and secret weights (%d values, each within %d signed bits; they stay secret and are bound to nothing), ", s.ModelSHA256[:16], s.SecretWeights, vis.Bits())
	case circuit.Hashed:
		if s.Backend == Sumcheck && !s.ZeroKnowledge {
			fmt.Fprintf(&b, "a model with the architecture of sha256 %s… and weights not in the proof (%d values; not zero knowledge: evaluations of their tables are revealed) whose commitment is %s, ", s.ModelSHA256[:16], s.SecretWeights, p.Commitments["params"])
			break
		}
		if s.Backend == Sumcheck {
			// A transparent proof (wire version 8) commits the weights
			// afresh and proves, inside, that they hash with a secret salt
			// to the commitment, a Poseidon2 Merkle root: they stay secret
			// across any number of proofs (docs/TRANSPARENT.md, "Secret
			// weights"). Say what the commitment is.
			fmt.Fprintf(&b, "a model with the architecture of sha256 %s… and secret weights (%d values; they stay secret, across proofs too) whose commitment is %s (the Poseidon2 Merkle root of the weights and a secret salt), ", s.ModelSHA256[:16], s.SecretWeights, p.Commitments["params"])
			break
		}
		fmt.Fprintf(&b, "a model with the architecture of sha256 %s… and secret weights (%d values) whose commitment is %s, ", s.ModelSHA256[:16], s.SecretWeights, p.Commitments["params"])
	}
	switch vis.Input {
	case circuit.Public:
		b.WriteString("ran on the public input in the proof")
	case circuit.Private:
		if s.Backend == Sumcheck && !s.ZeroKnowledge {
			// A transparent proof made without vanishing masks (a model
			// with a part not yet masked) is binding, not zero knowledge
			// (docs/TRANSPARENT.md, "Zero knowledge"): the input is never
			// sent, but evaluations of its tables are. Say so.
			b.WriteString("ran on an input not included in the proof (not zero knowledge: the sumcheck backend's proof reveals evaluations of the input's and the layers' tables, see docs/TRANSPARENT.md)")
			break
		}
		b.WriteString("ran on a private input that stays secret")
	case circuit.Hashed:
		fmt.Fprintf(&b, "ran on a secret input whose commitment is %s", p.Commitments["input"])
	}
	switch {
	case vis.Claim != "":
		fmt.Fprintf(&b, ", and its outputs satisfy the claim %q (the outputs themselves stay secret", p.Claim)
		if vis.Output == circuit.Hashed {
			fmt.Fprintf(&b, "; their commitment is %s", p.Commitments["output"])
		}
		b.WriteString(")")
	case vis.DP != nil:
		b.WriteString(describeDP(s, p))
	case vis.Output == circuit.Public:
		o, _ := json.Marshal(p.Outputs)
		fmt.Fprintf(&b, " and produced outputs %s", o)
	case vis.Output == circuit.Hashed:
		fmt.Fprintf(&b, " and produced secret outputs whose commitment is %s", p.Commitments["output"])
	default:
		b.WriteString(" and produced private outputs (nothing about them is revealed)")
	}
	if len(s.FixedConstants) > 0 {
		fmt.Fprintf(&b, "; public constants fixed in the circuit: %s", strings.Join(s.FixedConstants, ", "))
	}
	if vis.InputSignedBy != "" {
		segs := s.Layout()
		if vals, err := p.PublicValues(); err == nil && len(vals) == segs.NumPublic() {
			key := circuit.KeyFromPublic(vals[segs.Offset(circuit.SegSignerX)], vals[segs.Offset(circuit.SegSignerY)])
			fmt.Fprintf(&b, "; the input was signed (%s) by the device key %s with nonce %s", vis.InputSignedBy, circuit.KeyHex(&key), vals[segs.Offset(circuit.SegSignerNonce)])
		}
	}
	if p.Context != "" {
		fmt.Fprintf(&b, "; the proof is bound to the context %s", p.Context)
	} else {
		b.WriteString("; the proof is bound to no context (whoever sees it can present it again)")
	}
	return b.String()
}
