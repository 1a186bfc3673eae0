package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSegmentedEVM: for the credit model in 3 segments, export-verifier
// writes each segment's verifier and the bundle contract, calldata prints
// its checkBundle call, and verify-evm accepts the bundle verify accepts
// (reporting the bundle's gas and each segment's) and rejects (exit 1) the
// bundle with two segments swapped, as verify does.
func TestSegmentedEVM(t *testing.T) {
	needSolc(t)
	dir := filepath.Join(t.TempDir(), "seg")
	// bit range checks: each segment's boundary commitment is then its only
	// Groth16 commitment, as gnark's Solidity verifier needs
	mustZK(t, "compile", demoModel, "--out", dir, "--segments", "3", "--range-check", "bits", "--quiet")
	mustZK(t, "setup", dir, "--quiet")
	pf := filepath.Join(t.TempDir(), "bundle.json")
	mustZK(t, "prove", dir, "--input", demoInput, "--proof", pf, "--quiet")
	sol := filepath.Join(t.TempDir(), "Verifier.sol")
	out := mustZK(t, "export-verifier", dir, "--out", sol)
	if !strings.Contains(out, "contract ZkinferBundle") || !strings.Contains(out, "checkBundle(bytes[3],") {
		t.Fatalf("export-verifier said %q", out)
	}
	for _, f := range []string{"Segment0Verifier", "Segment1Verifier", "Segment2Verifier", "ZkinferBundle"} {
		if _, err := os.Stat(filepath.Join(filepath.Dir(sol), f+".sol")); err != nil {
			t.Fatal(err)
		}
	}
	if data := mustZK(t, "calldata", dir, "--proof", pf, "--call", "check"); !strings.HasPrefix(data, "0x") {
		t.Errorf("calldata printed %q", data)
	}
	out = mustZK(t, "verify-evm", dir, "--proof", pf, "--quiet")
	if !strings.HasPrefix(out, "accepted: gas used ") || !strings.Contains(out, "3 segments in one call") {
		t.Errorf("verify-evm said %q", out)
	}
	t.Log(strings.TrimSpace(out))

	raw, err := os.ReadFile(pf)
	if err != nil {
		t.Fatal(err)
	}
	var b map[string]any
	if err := json.Unmarshal(raw, &b); err != nil {
		t.Fatal(err)
	}
	segs := b["segments"].([]any)
	segs[1], segs[2] = segs[2], segs[1]
	swapped := filepath.Join(t.TempDir(), "swapped.json")
	raw, _ = json.Marshal(b)
	if err := os.WriteFile(swapped, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"verify", "verify-evm"} {
		if code, _, errOut := zk(t, cmd, dir, "--proof", swapped, "--quiet"); code != 1 {
			t.Errorf("%s of a swapped bundle: exit %d (%s), want 1", cmd, code, errOut)
		}
	}
}
