package verifier

import "github.com/zkinfer/zkinfer/circuit"

// UnboundWeights warns, beside a valid proof with secret weights verified
// without the commitment to expect, that it shows that some weights with
// the model's architecture gave the outputs, not that the published model
// did; "" when there is nothing to warn of.
func UnboundWeights(s *Settings, opt Options) string {
	vis := s.Visibility
	switch {
	case !vis.SecretParams() || opt.ModelCommitment != "":
		return ""
	case vis.Params == circuit.Hashed:
		return "the weights are secret and no --model-commitment was given: nothing was checked against a published model (any weights with this architecture give a valid proof); pass --model-commitment with the value the model's owner published (zkinfer commit)"
	}
	return "the weights are private and bound to no commitment: any weights with this architecture give a valid proof (compile with --param-visibility hashed to bind them)"
}
