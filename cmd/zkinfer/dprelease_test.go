package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestDPRelease: compile --dp, dp commit, dp coins, prove, verify through
// the CLI on the credit model; verify prints the mechanism, ε, δ and the
// sensitivity in words, refuses other coins and another seed commitment,
// and warns for each one it was not given; the exports and a claim are
// refused with a one-line error.
func TestDPRelease(t *testing.T) {
	tmp := t.TempDir()
	dir, pf := filepath.Join(tmp, "dp"), filepath.Join(tmp, "proof.json")
	mustZK(t, "compile", demoModel, "--out", dir, "--dp", "laplace", "--epsilon", "1", "--sensitivity", "0.1", "--quiet")
	mustZK(t, "setup", dir, "--quiet")
	seed, seedCm := filepath.Join(tmp, "seed.json"), filepath.Join(tmp, "dpcommit.json")
	mustZK(t, "dp", "commit", "--seed-out", seed, "--out", seedCm)
	coins := strings.TrimSpace(mustZK(t, "dp", "coins"))
	if code, _, errOut := zk(t, "prove", dir, "--input", demoInput, "--proof", pf, "--quiet"); code == 0 || !strings.Contains(errOut, "--dp-seed") {
		t.Fatalf("prove without a seed: exit %d, %q", code, errOut)
	}
	mustZK(t, "prove", dir, "--input", demoInput, "--proof", pf, "--dp-seed", seed, "--dp-coins", coins, "--quiet")
	code, out, errOut := zk(t, "verify", dir, "--proof", pf, "--dp-commitment", seedCm, "--dp-coins", coins)
	if code != 0 {
		t.Fatalf("verify: exit %d, %q", code, errOut)
	}
	for _, want := range []string{"released the noisy outputs", "discrete Laplace", "ε = 1, δ = ", "sensitivity of 0.1 output units"} {
		if !strings.Contains(out, want) {
			t.Fatalf("verify does not say %q: %s", want, out)
		}
	}
	if strings.Contains(errOut, "not checked") {
		t.Fatalf("verify warned with both expectations given: %s", errOut)
	}
	if _, _, errOut := zk(t, "verify", dir, "--proof", pf); !strings.Contains(errOut, "seed commitment was not checked") || !strings.Contains(errOut, "coins were not checked") {
		t.Fatalf("verify without expectations does not warn: %q", errOut)
	}
	other := strings.TrimSpace(mustZK(t, "dp", "coins"))
	if code, _, errOut := zk(t, "verify", dir, "--proof", pf, "--dp-commitment", seedCm, "--dp-coins", other); code != exitInvalid || !strings.Contains(errOut, "not the expected") {
		t.Fatalf("other coins: exit %d, %q", code, errOut)
	}
	seed2, cm2 := filepath.Join(tmp, "seed2.json"), filepath.Join(tmp, "dpcommit2.json")
	mustZK(t, "dp", "commit", "--seed-out", seed2, "--out", cm2)
	if code, _, errOut := zk(t, "verify", dir, "--proof", pf, "--dp-commitment", cm2, "--dp-coins", coins); code != exitInvalid || !strings.Contains(errOut, "seed committed") {
		t.Fatalf("another seed commitment: exit %d, %q", code, errOut)
	}
	for _, args := range [][]string{
		{"export-verifier", dir, "--out", filepath.Join(tmp, "v.sol")},
		{"export-web", dir, "--out", filepath.Join(tmp, "web")},
		{"compile", demoModel, "--out", filepath.Join(tmp, "c"), "--dp", "laplace", "--epsilon", "1", "--sensitivity", "0.1", "--claim", "output[0] >= 0.5"},
		{"compile", demoModel, "--out", filepath.Join(tmp, "c"), "--dp", "laplace", "--epsilon", "1"},
		{"compile", demoModel, "--out", filepath.Join(tmp, "c"), "--epsilon", "1"},
	} {
		code, _, errOut := zk(t, args...)
		if first, _, _ := strings.Cut(errOut, "\n"); code == 0 || !strings.HasPrefix(first, "zkinfer ") || len(first) < 30 {
			t.Fatalf("%v: exit %d, %q", args, code, errOut)
		}
	}
}
