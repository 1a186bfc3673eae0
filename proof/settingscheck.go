package proof

import (
	"encoding/hex"
	"fmt"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/model"
)

// maxGroth16Commitments bounds settings.json's commitment count: a circuit
// has one per committing gadget kind, a handful at most.
const maxGroth16Commitments = 64

// check rejects settings that do not describe the compiled model m: every
// number the prover and the verifier index with is checked here, so a
// corrupt or edited settings.json is an error, never a crash.
func (s *Settings) check(m *model.Model) error {
	if s.Constraints < 0 {
		return fmt.Errorf("constraints is %d", s.Constraints)
	}
	n := circuit.Layout(m, s.Visibility).NumPublic()
	if s.PublicInputs != n {
		return fmt.Errorf("public_inputs is %d, the model's circuit has %d", s.PublicInputs, n)
	}
	if s.Groth16Commitments < 0 || s.Groth16Commitments > maxGroth16Commitments {
		return fmt.Errorf("groth16_commitments is %d", s.Groth16Commitments)
	}
	if i := s.ModelCommitmentIndex; i != nil && (*i < 0 || *i >= s.Groth16Commitments) {
		return fmt.Errorf("model_commitment_index is %d of %d commitments", *i, s.Groth16Commitments)
	}
	if b, err := hex.DecodeString(s.CircuitSHA); err != nil || len(b) != 32 {
		return fmt.Errorf("circuit_sha256 %.70q is not a SHA-256 digest", s.CircuitSHA)
	}
	return nil
}
