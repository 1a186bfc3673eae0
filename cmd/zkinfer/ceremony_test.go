package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	bn254 "github.com/consensys/gnark-crypto/ecc/bn254"
)

// hashLine matches the "sha256 HASH" line every ceremony step prints.
var hashLine = regexp.MustCompile(`(?m)^sha256 ([0-9a-f]{64})$`)

// trustLine is how finalize and verify say what the keys rest on: each
// phase's honest participant for soundness, phase 1's for binding.
const trustLine = "trust: proofs under these keys are sound if at least one participant of each phase was honest"

// TestCeremonyCLI: three participants per phase through the CLI; every
// step prints the hash to publish, phase2 and finalize print their beacon,
// `ceremony verify --in-progress` checks the chain before finalize, and
// `ceremony verify` after it checks the chain and the keys (which before
// finalize, from a local setup, fail) and prints both beacons and the trust
// statement; the keys prove and verify (in Go and on chain), and a tampered
// contribution or too few contributions make `ceremony verify` fail with a
// one-line error.
func TestCeremonyCLI(t *testing.T) {
	dir := t.TempDir()
	mustZK(t, "compile", demoModel, "--out", dir, "--range-check", "lookup", "--quiet")
	work := t.TempDir()
	var files, hashes, outputs []string
	step := func(args ...string) {
		t.Helper()
		out := mustZK(t, args...)
		m := hashLine.FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("zkinfer %s printed no hash: %q", strings.Join(args, " "), out)
		}
		hashes, outputs = append(hashes, m[1]), append(outputs, out)
	}
	state := func(phase, i int) string { return filepath.Join(work, fmt.Sprintf("phase%d-%d.state", phase, i)) }
	step("ceremony", "init", dir, "--out", state(1, 0))
	files = append(files, state(1, 0))
	contribute := func(phase int) { // each participant verifies the chain so far first
		for i := 1; i <= 3; i++ {
			given := files
			if phase == 2 && i >= 2 { // or only the last contribution: phase 2's start, then contribution 1, taken as they are
				given = files[len(files)-2:]
			}
			step(append(append([]string{"ceremony", "contribute"}, given...), "--dir", dir, "--out", state(phase, i), "--quiet")...)
			if phase == 2 && i >= 2 && !strings.Contains(outputs[len(outputs)-1], "verified the 1 contribution(s) after "+given[0]+", which was taken as it is") {
				t.Fatalf("participant %d given the last two states said %q", i, outputs[len(outputs)-1])
			}
			files = append(files, state(phase, i))
		}
	}
	contribute(1)
	const beacon1, beacon2 = "0x0123456789abcdef0123456789abcdef", "0xfedcba9876543210fedcba9876543210"
	step("ceremony", "phase2", dir, files[3], "--beacon", beacon1, "--quiet")
	if !strings.Contains(outputs[len(outputs)-1], "beacon closing phase 1: "+beacon1+"\n") {
		t.Fatalf("phase2 does not print its beacon: %q", outputs[len(outputs)-1])
	}
	files = append(files, filepath.Join(dir, "ceremony", "phase2-0000.state")) // the default --out
	contribute(2)
	// Before finalize: the chain so far, with --in-progress only.
	verifyArgs := append(append([]string{"ceremony", "verify", "--quiet"}, files...), "--dir", dir)
	if code, _, errOut := zk(t, verifyArgs...); code != 1 || !strings.Contains(errOut, "settings.json records no setup") {
		t.Fatalf("ceremony verify before finalize: exit %d, %q", code, errOut)
	}
	if out := mustZK(t, append(verifyArgs, "--in-progress")...); !strings.HasPrefix(out[strings.LastIndex(strings.TrimSpace(out), "\n")+1:], "in progress: 3 phase-1 and 3 phase-2 contributions verified so far; no keys checked") {
		t.Fatalf("ceremony verify --in-progress said %q", out)
	}
	if code, _, errOut := zk(t, "prove", dir, "--input", demoInput, "--proof", filepath.Join(work, "p.json"), "--quiet"); code == 0 {
		t.Fatal("prove ran before the ceremony's keys existed")
	} else if !strings.Contains(errOut, "run setup first") {
		t.Fatalf("prove without keys said %q", errOut)
	}
	out := mustZK(t, "ceremony", "finalize", files[7], dir, "--beacon", beacon2, "--quiet")
	if !strings.Contains(out, "wrote pk.bin and vk.bin") || !strings.Contains(out, "beacon closing phase 2: "+beacon2+"\n") || !strings.Contains(out, trustLine) {
		t.Fatalf("finalize said %q", out)
	}
	// The ceremony's keys are never replaced without --force.
	vk, _ := os.ReadFile(filepath.Join(dir, "vk.bin"))
	for _, args := range [][]string{{"ceremony", "finalize", files[7], dir, "--beacon", beacon2, "--quiet"}, {"setup", dir, "--quiet"}} {
		code, _, errOut := zk(t, args...)
		if code != exitError || !strings.Contains(errOut, "already has pk.bin and vk.bin (from a ceremony setup)") || !strings.Contains(errOut, "pass --force") {
			t.Fatalf("zkinfer %s over the ceremony's keys: exit %d, %q", strings.Join(args, " "), code, errOut)
		}
	}
	if now, _ := os.ReadFile(filepath.Join(dir, "vk.bin")); string(now) != string(vk) {
		t.Fatal("a refused finalize or setup changed vk.bin")
	}

	out = mustZK(t, verifyArgs...)
	for _, want := range []string{"verified: 3 phase-1 and 3 phase-2 contributions; pk.bin and vk.bin in", "beacon closing phase 1: " + beacon1 + "\n", "beacon closing phase 2: " + beacon2 + "\n", trustLine} {
		if !strings.Contains(out, want) {
			t.Fatalf("ceremony verify said %q, want %q", out, want)
		}
	}
	if code, _, errOut := zk(t, append(verifyArgs, "--min-contributions", "4")...); code != 1 || !strings.Contains(errOut, "phase 1 has 3 contributions, fewer than the 4 required") {
		t.Fatalf("ceremony verify --min-contributions 4: exit %d, %q", code, errOut)
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
		// A participant handed the tampered chain refuses to build on it.
		next := filepath.Join(t.TempDir(), "next.state")
		code, out, errOut := zk(t, append(append([]string{"ceremony", "contribute", "--quiet"}, tampered[:3]...), "--out", next)...)
		if code != exitInvalid || !strings.HasPrefix(errOut, "zkinfer ceremony: not contributing: ") || !strings.Contains(errOut, bad) || out != "" || strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
			t.Fatalf("ceremony contribute on a tampered chain: exit %d, %q %q", code, out, errOut)
		}
		if _, err := os.Stat(next); err == nil {
			t.Fatal("ceremony contribute wrote a state on a tampered chain")
		}
		// So does one given only the tampered state and the one before it.
		code, out, errOut = zk(t, "ceremony", "contribute", "--quiet", tampered[1], bad, "--out", next)
		if code != exitInvalid || !strings.HasPrefix(errOut, "zkinfer ceremony: not contributing: ") || !strings.Contains(errOut, bad) || out != "" {
			t.Fatalf("ceremony contribute on a tampered last contribution: exit %d, %q %q", code, out, errOut)
		}
	})
	t.Run("usage", func(t *testing.T) {
		for _, args := range [][]string{
			{"ceremony"}, {"ceremony", "dance"}, {"ceremony", "contribute", files[1]},
			{"ceremony", "phase2", dir, files[3]}, {"ceremony", "verify"},
			append([]string{"ceremony", "verify"}, files...), // no --dir
			append(append([]string{}, verifyArgs...), "--min-contributions", "0"),
		} {
			if code, _, _ := zk(t, args...); code != 2 {
				t.Errorf("zkinfer %s: exit %d, want 2", strings.Join(args, " "), code)
			}
		}
		code, _, errOut := zk(t, "ceremony", "phase2", dir, files[3], "--beacon", "12")
		if code != exitUsage || !strings.Contains(errOut, "at least 16 bytes") {
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

// TestCeremonyPreparedCLI: phase 1 prepared once for its size (`ceremony
// prepare`, verified with `ceremony verify PHASE1… --prepared`, which
// prints the digest to record), then the per-model ceremony: `phase2 DIR
// --prepared`, contributions, `finalize --prepared`, and `verify` of the
// phase-2 files with the prepared file and its digest, whose keys prove.
// A prepared file with one Lagrange point changed, or another digest, is
// an invalid ceremony (exit 1); `--prepared` needs the digest.
func TestCeremonyPreparedCLI(t *testing.T) {
	dir := t.TempDir()
	mustZK(t, "compile", demoModel, "--out", dir, "--quiet")
	work := t.TempDir()
	state := func(phase, i int) string { return filepath.Join(work, fmt.Sprintf("phase%d-%d.state", phase, i)) }
	mustZK(t, "ceremony", "init", dir, "--out", state(1, 0))
	mustZK(t, "ceremony", "contribute", state(1, 0), "--out", state(1, 1), "--quiet")
	const beacon1, beacon2 = "0x0123456789abcdef0123456789abcdef", "0xfedcba9876543210fedcba9876543210"
	prepared := filepath.Join(work, "pot.prepared")
	out := mustZK(t, "ceremony", "prepare", state(1, 1), "--beacon", beacon1, "--out", prepared, "--quiet")
	if !strings.Contains(out, "beacon closing phase 1: "+beacon1+"\n") || hashLine.FindStringSubmatch(out) == nil {
		t.Fatalf("prepare printed %q", out)
	}
	out = mustZK(t, "ceremony", "verify", state(1, 0), state(1, 1), "--prepared", prepared, "--quiet")
	m := hashLine.FindStringSubmatch(out)
	if m == nil || !strings.Contains(out, "record this sha256") {
		t.Fatalf("verify --prepared printed %q", out)
	}
	digest := m[1]
	mustZK(t, "ceremony", "phase2", dir, "--prepared", prepared, "--prepared-sha256", digest, "--quiet")
	files := []string{filepath.Join(dir, "ceremony", "phase2-0000.state")}
	for i := 1; i <= 2; i++ {
		out := mustZK(t, append(append([]string{"ceremony", "contribute"}, files...), "--dir", dir, "--prepared", prepared, "--prepared-sha256", digest, "--out", state(2, i), "--quiet")...)
		if strings.Contains(out, "not checked") {
			t.Fatalf("contribute with the prepared file said %q", out)
		}
		files = append(files, state(2, i))
	}
	if out := mustZK(t, "ceremony", "contribute", files[0], "--out", state(3, 1), "--quiet"); !strings.Contains(out, "phase 2's start was not checked") {
		t.Fatalf("contribute without the prepared file said %q", out)
	}
	mustZK(t, "ceremony", "finalize", files[2], dir, "--beacon", beacon2, "--prepared", prepared, "--quiet")
	verifyArgs := append(append([]string{"ceremony", "verify", "--quiet"}, files...), "--dir", dir, "--prepared", prepared)
	out = mustZK(t, append(verifyArgs, "--prepared-sha256", digest)...)
	if !strings.Contains(out, "verified: 1 phase-1 and 2 phase-2 contributions; pk.bin and vk.bin in") || !strings.Contains(out, "beacon closing phase 2: "+beacon2+"\n") {
		t.Fatalf("verify printed %q", out)
	}
	mustZK(t, "prove", dir, "--input", demoInput, "--proof", filepath.Join(work, "proof.json"), "--quiet")

	// Closed at the last contribution instead (--no-beacon): other keys,
	// which verify and prove the same way.
	out = mustZK(t, "ceremony", "finalize", files[2], dir, "--no-beacon", "--prepared", prepared, "--force", "--quiet")
	if !strings.Contains(out, "phase 2 closed at its last contribution, without a beacon\n") || strings.Contains(out, "beacon closing phase 2") {
		t.Fatalf("finalize --no-beacon printed %q", out)
	}
	out = mustZK(t, append(verifyArgs, "--prepared-sha256", digest)...)
	if !strings.Contains(out, "verified: 1 phase-1 and 2 phase-2 contributions; pk.bin and vk.bin in") || !strings.Contains(out, "phase 2 closed at its last contribution, without a beacon\n") || strings.Contains(out, "beacon closing phase 2") {
		t.Fatalf("verify printed %q", out)
	}
	mustZK(t, "prove", dir, "--input", demoInput, "--proof", filepath.Join(work, "proof.json"), "--quiet")
	mustZK(t, "verify", dir, "--proof", filepath.Join(work, "proof.json"), "--quiet")

	// A prepared file with one Lagrange point changed (the last G2 point
	// negated: still a valid point, so only the check can catch it).
	b, err := os.ReadFile(prepared)
	if err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(work, "bad.prepared")
	negateLastG2(t, b)
	if err := os.WriteFile(bad, b, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"ceremony", "verify", state(1, 0), state(1, 1), "--prepared", bad, "--quiet"}, exitInvalid, "Lagrange points in G2"},
		{append(append([]string{}, verifyArgs...), "--prepared-sha256", strings.Repeat("0", 64)), exitInvalid, "not from the one verified"},
		{verifyArgs, exitInvalid, "give the prepared file and the digest"},
		{[]string{"ceremony", "phase2", dir, "--prepared", prepared, "--beacon", beacon1}, exitUsage, "sealed with its own beacon"},
		{[]string{"ceremony", "finalize", files[2], dir, "--prepared", prepared, "--force"}, exitUsage, "give --beacon HEX"},
		{[]string{"ceremony", "finalize", files[2], dir, "--prepared", prepared, "--force", "--no-beacon", "--beacon", beacon2}, exitUsage, "not both"},
	} {
		code, _, errOut := zk(t, tc.args...)
		if code != tc.code || !strings.Contains(errOut, tc.want) {
			t.Errorf("zkinfer %s: exit %d, %q; want exit %d with %q", strings.Join(tc.args, " "), code, errOut, tc.code, tc.want)
		}
	}
}

// negateLastG2 negates the raw G2 point that ends b.
func negateLastG2(t *testing.T, b []byte) {
	t.Helper()
	var p bn254.G2Affine
	if _, err := p.SetBytes(b[len(b)-bn254.SizeOfG2AffineUncompressed:]); err != nil {
		t.Fatal(err)
	}
	p.Neg(&p)
	raw := p.RawBytes()
	copy(b[len(b)-len(raw):], raw[:])
}
