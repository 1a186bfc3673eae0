package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSetupTrustWarning: `zkinfer setup` says once, even with --quiet, that
// its Groth16 keys are only as trustworthy as the machine that ran it.
func TestSetupTrustWarning(t *testing.T) {
	dir := t.TempDir()
	mustZK(t, "compile", demoModel, "--out", dir, "--quiet")
	for _, quiet := range []bool{false, true} {
		args := []string{"setup", dir}
		if quiet {
			args = append(args, "--quiet", "--force") // the second setup replaces the first's keys
		}
		code, _, errOut := zk(t, args...)
		if code != 0 || strings.Count(errOut, "only as trustworthy as the machine") != 1 || !strings.Contains(errOut, "zkinfer ceremony") {
			t.Fatalf("setup (quiet %v): exit %d, stderr %q", quiet, code, errOut)
		}
	}
}

// TestPlonkCLI: compile --backend plonk; setup needs an SRS, and calls a
// development one UNSAFE (so does verify); the proof verifies, is refused
// by Groth16 keys with a clear message, and verifies on chain through
// export-verifier, calldata and verify-evm, which rejects a flipped byte.
func TestPlonkCLI(t *testing.T) {
	pl := t.TempDir()
	out := mustZK(t, "compile", demoModel, "--out", pl, "--backend", "plonk", "--range-check", "lookup", "--quiet")
	if !strings.Contains(out, "(plonk)") {
		t.Fatalf("compile said %q", out)
	}
	if code, _, errOut := zk(t, "setup", pl); code != exitError || !strings.Contains(errOut, "needs an SRS") {
		t.Fatalf("plonk setup without an SRS: exit %d, %q", code, errOut)
	}
	code, _, errOut := zk(t, "setup", pl, "--unsafe-dev-srs", "--quiet")
	if code != 0 || strings.Count(errOut, "UNSAFE") != 1 {
		t.Fatalf("setup --unsafe-dev-srs: exit %d, stderr %q", code, errOut)
	}
	pf := filepath.Join(t.TempDir(), "p.json")
	mustZK(t, "prove", pl, "--input", demoInput, "--proof", pf, "--quiet")
	var p struct{ Protocol string }
	if b, err := os.ReadFile(pf); err != nil || json.Unmarshal(b, &p) != nil || p.Protocol != "plonk-bn254" {
		t.Fatalf("proof file protocol %q (%v)", p.Protocol, err)
	}
	code, out, errOut = zk(t, "verify", pl, "--proof", pf)
	if code != 0 || !strings.Contains(out, "verified") || !strings.Contains(errOut, "UNSAFE") {
		t.Fatalf("verify under a development SRS: exit %d, %q, %q", code, out, errOut)
	}

	g16, g16Proof := proveWithCLI(t, demoModel, demoInput)
	for _, tc := range []struct{ dir, proof, want string }{
		{g16, pf, "proof was made with plonk, keys are groth16"},
		{pl, g16Proof, "proof was made with groth16, keys are plonk"},
	} {
		code, _, errOut := zk(t, "verify", tc.dir, "--proof", tc.proof)
		if code != 1 || !strings.Contains(errOut, tc.want) || strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
			t.Fatalf("verify across backends: exit %d, %q, want one line with %q", code, errOut, tc.want)
		}
	}
	if code, _, _ := zk(t, "compile", demoModel, "--out", t.TempDir(), "--backend", "stark"); code != 2 {
		t.Fatalf("an unknown backend: exit %d, want 2", code)
	}

	sol := filepath.Join(t.TempDir(), "Verifier.sol")
	if out := mustZK(t, "export-verifier", pl, "--out", sol); !strings.Contains(out, "contract PlonkVerifier, Verify(bytes,uint256[])") {
		t.Fatalf("export-verifier said %q", out)
	}
	if hexData := strings.TrimSpace(mustZK(t, "calldata", pl, "--proof", pf)); !strings.HasPrefix(hexData, "0x7e4f7a8a") { // Verify(bytes,uint256[])
		t.Fatalf("calldata printed %.20q…", hexData)
	}
	if code, _, errOut := zk(t, "calldata", pl, "--proof", g16Proof); code != 1 || !strings.Contains(errOut, "INVALID: proof was made with groth16, keys are plonk") {
		t.Fatalf("calldata of a groth16 proof for a plonk verifier: exit %d, %q", code, errOut)
	}
	onChain(t, func(t *testing.T) {
		if out := mustZK(t, "verify-evm", pl, "--proof", pf, "--quiet"); !strings.Contains(out, "accepted: gas used") {
			t.Fatalf("verify-evm said %q", out)
		}
		b, _ := os.ReadFile(pf)
		var m map[string]any
		json.Unmarshal(b, &m)
		s := []byte(m["proof"].(string))
		i := 2*(8*32+4+32+31) + 1 // the last hex digit of claimed value 1, l(ζ) (0 is not sent on chain): still a field element
		s[i] = map[bool]byte{true: '1', false: '0'}[s[i] == '0']
		m["proof"] = string(s)
		bad, _ := json.Marshal(m)
		code, out, _ := zk(t, "verify-evm", pl, "--proof", writeFile(t, t.TempDir(), "bad.json", string(bad)), "--quiet")
		if code != 1 || !strings.Contains(out, "rejected") {
			t.Fatalf("verify-evm of a flipped byte: exit %d, %q", code, out)
		}
	})
}
