package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// hashLine matches the "sha256 HASH" line every ceremony step prints.
var hashLine = regexp.MustCompile(`(?m)^sha256 ([0-9a-f]{64})$`)

// TestCeremonyCLI: three participants per phase through the CLI; every
// step prints the hash to publish, `ceremony verify` checks the chain and
// the keys, the keys prove and verify (in Go and on chain), and a tampered
// contribution makes `ceremony verify` fail with a one-line error.
func TestCeremonyCLI(t *testing.T) {
	dir := t.TempDir()
	mustZK(t, "compile", demoModel, "--out", dir, "--range-check", "lookup", "--quiet")
	work := t.TempDir()
	var files, hashes []string
	step := func(args ...string) {
		t.Helper()
		out := mustZK(t, args...)
		m := hashLine.FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("zkinfer %s printed no hash: %q", strings.Join(args, " "), out)
		}
		hashes = append(hashes, m[1])
	}
	state := func(phase, i int) string { return filepath.Join(work, fmt.Sprintf("phase%d-%d.state", phase, i)) }
	step("ceremony", "init", dir, "--out", state(1, 0))
	files = append(files, state(1, 0))
	contribute := func(phase int) {
		for i := 1; i <= 3; i++ {
			step("ceremony", "contribute", files[len(files)-1], "--out", state(phase, i), "--quiet")
			files = append(files, state(phase, i))
		}
	}
	contribute(1)
	step("ceremony", "phase2", dir, files[3], "--beacon", "0x0123456789abcdef0123456789abcdef", "--quiet")
	files = append(files, filepath.Join(dir, "ceremony", "phase2-0000.state")) // the default --out
	contribute(2)
	if code, _, errOut := zk(t, "prove", dir, "--input", demoInput, "--proof", filepath.Join(work, "p.json"), "--quiet"); code == 0 {
		t.Fatal("prove ran before the ceremony's keys existed")
	} else if !strings.Contains(errOut, "run setup first") {
		t.Fatalf("prove without keys said %q", errOut)
	}
	out := mustZK(t, "ceremony", "finalize", files[7], dir, "--beacon", "0xfedcba9876543210fedcba9876543210", "--quiet")
	if !strings.Contains(out, "wrote pk.bin and vk.bin") {
		t.Fatalf("finalize said %q", out)
	}

	out = mustZK(t, append(append([]string{"ceremony", "verify", "--quiet"}, files...), "--dir", dir)...)
	if !strings.Contains(out, "verified: 3 phase-1 and 3 phase-2 contributions; pk.bin and vk.bin in") {
		t.Fatalf("ceremony verify said %q", out)
	}
	for i, h := range hashes { // every published hash is listed
		if !strings.Contains(out, h) {
			t.Fatalf("ceremony verify does not list step %d's hash %s", i, h)
		}
	}

	pf := filepath.Join(work, "p.json")
	mustZK(t, "prove", dir, "--input", demoInput, "--proof", pf, "--quiet")
	if out := mustZK(t, "verify", dir, "--proof", pf); !strings.Contains(out, "verified") {
		t.Fatalf("verify said %q", out)
	}
	onChain(t, func(t *testing.T) { // the ceremony's keys, with a Groth16 commitment, on chain
		if out := mustZK(t, "verify-evm", dir, "--proof", pf, "--quiet"); !strings.Contains(out, "accepted") {
			t.Fatalf("verify-evm said %q", out)
		}
	})

	t.Run("tampered contribution", func(t *testing.T) {
		b, err := os.ReadFile(files[2])
		if err != nil {
			t.Fatal(err)
		}
		b[len(b)*2/3] ^= 0x04
		bad := writeFile(t, t.TempDir(), "phase1-2.state", string(b))
		tampered := append(append([]string{}, files[:2]...), bad)
		tampered = append(tampered, files[3:]...)
		code, _, errOut := zk(t, append(append([]string{"ceremony", "verify", "--quiet"}, tampered...), "--dir", dir)...)
		if code != 1 || !strings.Contains(errOut, bad) || strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
			t.Fatalf("ceremony verify of a tampered chain: exit %d, %q", code, errOut)
		}
	})
	t.Run("usage", func(t *testing.T) {
		for _, args := range [][]string{
			{"ceremony"}, {"ceremony", "dance"}, {"ceremony", "contribute", files[1]},
			{"ceremony", "phase2", dir, files[3]}, {"ceremony", "verify"},
		} {
			if code, _, _ := zk(t, args...); code != 2 {
				t.Errorf("zkinfer %s: exit %d, want 2", strings.Join(args, " "), code)
			}
		}
		code, _, errOut := zk(t, "ceremony", "phase2", dir, files[3], "--beacon", "12")
		if code != 1 || !strings.Contains(errOut, "at least 16 bytes") {
			t.Errorf("a short beacon: exit %d, %q", code, errOut)
		}
	})
}

// onChain runs f as subtest "evm", skipped (saying why) without solc.
func onChain(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	t.Run("evm", func(t *testing.T) {
		needSolc(t)
		f(t)
	})
}
