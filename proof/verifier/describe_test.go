package verifier_test

import (
	"strings"
	"testing"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/proof/verifier"
)

// TestDescribeSumcheckNotZeroKnowledge: the transparent backend's proofs are
// binding but not zero knowledge (docs/TRANSPARENT.md), so its statement must
// never say that a private input or hashed weights "stay secret", while
// Groth16's, whose proofs are zero knowledge, does.
func TestDescribeSumcheckNotZeroKnowledge(t *testing.T) {
	for _, c := range []struct {
		backend       verifier.Backend
		params        circuit.Vis
		want, mustNot string
	}{
		{verifier.Groth16, circuit.Fixed, "private input that stays secret", "not zero knowledge"},
		{verifier.Sumcheck, circuit.Fixed, "not zero knowledge", "stays secret"},
		{verifier.Groth16, circuit.Hashed, "and secret weights", "not zero knowledge"},
		{verifier.Sumcheck, circuit.Hashed, "weights not in the proof", "secret weights"},
	} {
		s := &verifier.Settings{Backend: c.backend, ModelSHA256: strings.Repeat("ab", 32)}
		s.Visibility.Input = circuit.Private
		s.Visibility.Params = c.params
		s.Visibility.Output = circuit.Public
		p := &verifier.Proof{Commitments: map[string]string{"params": "0x01"}}
		got := verifier.Describe(s, p)
		if !strings.Contains(got, c.want) || strings.Contains(got, c.mustNot) {
			t.Errorf("%s, params %v: %q", c.backend, c.params, got)
		}
	}
}
