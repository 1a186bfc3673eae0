package verifier_test

import (
	"strings"
	"testing"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/proof/verifier"
)

// TestDescribeSumcheckNotZeroKnowledge: a transparent proof made without
// vanishing masks (Settings.ZeroKnowledge false: a model with a part not
// yet masked) is binding but not zero knowledge (docs/TRANSPARENT.md), so
// its statement must never say that a private input or hashed weights
// "stay secret"; one made under them (wire version 6, every part masked)
// is, and says what Groth16's says.
func TestDescribeSumcheckNotZeroKnowledge(t *testing.T) {
	for _, c := range []struct {
		backend       verifier.Backend
		zk            bool
		params        circuit.Vis
		want, mustNot string
	}{
		{verifier.Groth16, false, circuit.Fixed, "private input that stays secret", "not zero knowledge"},
		{verifier.Sumcheck, false, circuit.Fixed, "not zero knowledge", "stays secret"},
		{verifier.Sumcheck, true, circuit.Fixed, "private input that stays secret", "not zero knowledge"},
		{verifier.Groth16, false, circuit.Hashed, "and secret weights", "a few such proofs"},
		{verifier.Sumcheck, false, circuit.Hashed, "weights not in the proof", "secret weights"},
		{verifier.Sumcheck, true, circuit.Hashed, "they stay secret, across proofs too) whose commitment is 0x01 (the Poseidon2 Merkle root", "not zero knowledge"},
	} {
		s := &verifier.Settings{Backend: c.backend, ModelSHA256: strings.Repeat("ab", 32), ZeroKnowledge: c.zk}
		s.Visibility.Input = circuit.Private
		s.Visibility.Params = c.params
		s.Visibility.Output = circuit.Public
		p := &verifier.Proof{Commitments: map[string]string{"params": "0x01"}}
		got := verifier.Describe(s, p)
		if !strings.Contains(got, c.want) || strings.Contains(got, c.mustNot) {
			t.Errorf("%s, zero knowledge %v, params %v: %q", c.backend, c.zk, c.params, got)
		}
		if c.zk && c.params == circuit.Hashed && !strings.Contains(got, "private input that stays secret") {
			t.Errorf("%s, zero knowledge, hashed: the input is not said to stay secret: %q", c.backend, got)
		}
	}
}
