package proof

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/quant"
)

// TestSettingsAreExplicit: settings.json names its backend, range-check
// gadget and, with hashed weights, their commitment scheme; a file that
// leaves one out or empty, or names one that does not exist, is refused
// when the directory is opened, never read as some default.
func TestSettingsAreExplicit(t *testing.T) {
	dir := t.TempDir()
	vis := circuit.Visibility{Input: circuit.Private, Params: circuit.Hashed, Output: circuit.Public, ParamBits: 20}
	c, err := CompileWith(creditModel, dir, CompileOptions{Quant: quant.Default, Visibility: vis})
	if err != nil {
		t.Fatal(err)
	}
	if c.Settings.Visibility.ParamCommitment != circuit.Pedersen || c.Settings.Backend != Groth16 {
		t.Fatalf("compile recorded %q weights under %q", c.Settings.Visibility.ParamCommitment, c.Settings.Backend)
	}
	good, err := os.ReadFile(filepath.Join(dir, SettingsFile))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ from, to, want string }{
		{`"range_check": "bits"`, `"range_check": ""`, "range check"},
		{`"range_check": "bits"`, `"range_check": "auto"`, "range check"},
		{`"backend": "groth16-bn254"`, `"backend": ""`, "backend"},
		{`"backend": "groth16-bn254"`, `"backend": "groth16"`, "backend"},
		{`"param_commitment": "pedersen"`, `"param_commitment": ""`, "commitment scheme"},
		{`"param_commitment": "pedersen"`, `"param_commitment": "sha256"`, "not supported"},
		{`"input": "private"`, `"input": "secret"`, "input visibility"},
	} {
		edited := strings.Replace(string(good), tc.from, tc.to, 1)
		if edited == string(good) {
			t.Fatalf("settings.json has no %s", tc.from)
		}
		if err := os.WriteFile(filepath.Join(dir, SettingsFile), []byte(edited), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Open(dir)
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: %v, want one line naming %q", tc.to, err, tc.want)
		}
	}
}
