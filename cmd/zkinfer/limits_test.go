package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestMaxConstraints: a circuit over --max-constraints is refused by
// compile (nothing written), setup and prove (before any work), with the
// count and the limit on one line; a limit the circuit meets changes
// nothing.
func TestMaxConstraints(t *testing.T) {
	tmp := t.TempDir()
	dir := filepath.Join(tmp, "ok")
	mustZK(t, "compile", demoModel, "--out", dir, "--quiet")
	var s struct{ Constraints int }
	b, _ := os.ReadFile(filepath.Join(dir, "settings.json"))
	if err := json.Unmarshal(b, &s); err != nil || s.Constraints == 0 {
		t.Fatalf("settings: %v", err)
	}
	n := strconv.Itoa(s.Constraints)
	below := strconv.Itoa(s.Constraints - 1)
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"compile, stopped early", []string{"compile", demoModel, "--out", filepath.Join(tmp, "a"), "--range-check", "bits", "--max-constraints", "100", "--quiet"}, "stopped building"},
		{"compile, just over", []string{"compile", demoModel, "--out", filepath.Join(tmp, "b"), "--range-check", "bits", "--max-constraints", below, "--quiet"}, "has " + n + " constraints, more than --max-constraints " + below},
		{"setup", []string{"setup", dir, "--max-constraints", below}, n + " constraints, more than --max-constraints " + below},
		{"prove", []string{"prove", dir, "--input", demoInput, "--proof", filepath.Join(tmp, "p.json"), "--max-constraints", "10"}, "more than --max-constraints 10"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, _, errOut := zk(t, c.args...)
			checkFailure(t, code, errOut, c.want)
		})
	}
	for _, f := range []string{"a", "b", "p.json", "ok/pk.bin"} {
		if _, err := os.Stat(filepath.Join(tmp, f)); !os.IsNotExist(err) {
			t.Errorf("%s was written", f)
		}
	}
	mustZK(t, "compile", demoModel, "--out", filepath.Join(tmp, "c"), "--quiet", "--max-constraints", n)
	mustZK(t, "setup", dir, "--quiet", "--max-constraints", n)
	if out := mustZK(t, "prove", dir, "--input", demoInput, "--proof", filepath.Join(tmp, "p.json"), "--quiet", "--max-constraints", n); !strings.Contains(out, "wrote") {
		t.Fatalf("prove said %q", out)
	}
}
