package verifier_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/proof"
	"github.com/zkinfer/zkinfer/proof/verifier"
)

// FuzzVerifyFiles feeds settings.json and proof files, as a page receives
// them, to ParseSettings, Verify with a real key and Describe: whatever the
// bytes, the answer is an error of one line or a statement, never a crash.
func FuzzVerifyFiles(f *testing.F) {
	dir := f.TempDir()
	_, p, err := proveCredit(dir, circuit.Visibility{Input: circuit.Private, Params: circuit.Fixed, Output: circuit.Private, Claim: "output[0] >= 0.5"})
	if err != nil {
		f.Fatal(err)
	}
	settings, _ := os.ReadFile(filepath.Join(dir, proof.SettingsFile))
	vk, _ := os.ReadFile(filepath.Join(dir, proof.VerifyingKey))
	good, _ := json.Marshal(p)
	f.Add(settings, good)
	f.Add(settings, []byte(`{"protocol":"groth16-bn254"}`))
	var m map[string]any
	json.Unmarshal(settings, &m)
	m["outputs"].([]any)[0].(map[string]any)["scale"] = 3
	edited, _ := json.Marshal(m)
	f.Add(edited, good)
	f.Fuzz(func(t *testing.T, settings, proofFile []byte) {
		s, err := verifier.ParseSettings(settings)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("settings error of several lines: %q", err)
			}
			return
		}
		q, err := verifier.ParseProof("PROOF.json", proofFile)
		if err != nil {
			return
		}
		if err := verifier.Verify(s, verifier.KeyBytes(vk), q, verifier.Options{}); err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error of several lines: %q", err)
			}
			return
		}
		if verifier.Describe(s, q) == "" {
			t.Fatal("no statement for a valid proof")
		}
	})
}
