//go:build evm

package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestVerifyEVMContract: verify-evm --contract deploys examples/lender's
// Lender with the model commitment and calls applyForLoan with the proof:
// granted (exit 0) for a proof bound to --print-context's bytes, rejected
// (exit 1, naming the context to prove with) for an unbound one, and
// refused before the chain for another model commitment.
func TestVerifyEVMContract(t *testing.T) {
	needSolc(t)
	const lender = "../../examples/lender/Lender.sol"
	tmp := t.TempDir()
	dir := filepath.Join(tmp, "credit")
	mustZK(t, "compile", demoModel, "--out", dir, "--param-visibility", "hashed", "--param-bits", "20", "--claim", "output[0] >= 0.7", "--quiet")
	mustZK(t, "setup", dir, "--quiet")
	c := strings.TrimSpace(mustZK(t, "commit", dir, "--model", demoModel, "--param-salt", "0x1234"))
	other := strings.TrimSpace(mustZK(t, "commit", dir, "--model", demoModel, "--param-salt", "0x1235"))
	ctx := strings.TrimSpace(mustZK(t, "verify-evm", dir, "--contract", lender, "--print-context"))
	if again := strings.TrimSpace(mustZK(t, "verify-evm", dir, "--contract", lender, "--print-context")); len(ctx) != 2+2*104 || again != ctx {
		t.Fatalf("--print-context printed %q, then %q: want the same 104 bytes", ctx, again)
	}
	bound, unbound := filepath.Join(tmp, "bound.json"), filepath.Join(tmp, "unbound.json")
	prove := []string{"prove", dir, "--input", demoInput, "--model", demoModel, "--param-salt", "0x1234", "--quiet", "--proof"}
	mustZK(t, append(prove, bound, "--context", ctx)...)
	mustZK(t, append(prove, unbound)...)

	code, out, errOut := zk(t, "verify-evm", dir, "--proof", bound, "--model-commitment", c, "--contract", lender, "--quiet")
	if code != exitOK || !strings.HasPrefix(out, "accepted: Lender.applyForLoan(bytes,uint256) succeeded, gas used ") || errOut != "" {
		t.Fatalf("a bound proof: exit %d, %q, %q", code, out, errOut)
	}
	code, out, errOut = zk(t, "verify-evm", dir, "--proof", unbound, "--model-commitment", c, "--contract", lender, "--quiet")
	if code != exitInvalid || !strings.HasPrefix(out, "rejected: Lender.applyForLoan(bytes,uint256) reverted with WrongContext") || !strings.Contains(errOut, "--context "+ctx) {
		t.Fatalf("an unbound proof: exit %d, %q, %q", code, out, errOut)
	}
	oneLineErr(t, "unbound", errOut)
	code, out, errOut = zk(t, "verify-evm", dir, "--proof", bound, "--model-commitment", other, "--contract", lender, "--quiet")
	if code != exitInvalid || !strings.HasPrefix(out, "rejected before the chain: ") {
		t.Fatalf("another model commitment: exit %d, %q, %q", code, out, errOut)
	}
	if code, _, errOut := zk(t, "verify-evm", dir, "--proof", bound, "--contract", filepath.Join(tmp, "none.sol")); code != exitError || !strings.Contains(errOut, "none.sol: no such file") {
		t.Fatalf("a missing contract: exit %d, %q", code, errOut)
	}
}
