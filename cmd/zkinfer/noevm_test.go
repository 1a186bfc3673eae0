//go:build !evm

package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestWithoutEVM: the default build links no go-ethereum, and its
// verify-evm says in one line how to get the command (exit 3); its --help
// still lists the flags.
func TestWithoutEVM(t *testing.T) {
	code, out, errOut := zk(t, "verify-evm", "DIR", "--proof", "p.json")
	if want := "zkinfer verify-evm: " + errNoEVM.Error() + "\n"; code != exitError || out != "" || errOut != want || !strings.Contains(errOut, "make build-evm") {
		t.Fatalf("verify-evm without -tags evm: exit %d, %q, %q", code, out, errOut)
	}
	if code, out, _ := zk(t, "verify-evm", "--help"); code != exitOK || !strings.Contains(out, "--contract") {
		t.Fatalf("verify-evm --help: exit %d, %q", code, out)
	}
	deps, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Skipf("SKIP the dependency check: go list: %v", err)
	}
	if strings.Contains(string(deps), "github.com/ethereum/") {
		t.Fatal("the default build of cmd/zkinfer links go-ethereum")
	}
}
