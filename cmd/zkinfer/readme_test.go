package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/zkinfer/zkinfer/evm"
)

// readmeMarker precedes each README code block that TestREADME runs.
const readmeMarker = "<!-- tested: cmd/zkinfer/readme_test.go"

// readmeBlocks returns the README's tested sh blocks, in order, as
// commands: continuation lines joined, comments dropped.
func readmeBlocks(t *testing.T) [][]string {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var blocks [][]string
	parts := strings.Split(string(b), readmeMarker)
	for _, p := range parts[1:] {
		start := strings.Index(p, "```sh\n")
		end := strings.Index(p[start+6:], "```")
		if start < 0 || end < 0 {
			t.Fatal("README: a tested marker without a sh block after it")
		}
		var cmds []string
		line := ""
		for _, l := range strings.Split(p[start+6:start+6+end], "\n") {
			l = strings.TrimSpace(l)
			if strings.HasSuffix(l, `\`) {
				line += strings.TrimSuffix(l, `\`) + " "
				continue
			}
			line += l
			if i := strings.Index(line, " #"); i >= 0 {
				line = line[:i]
			}
			if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
				cmds = append(cmds, line)
			}
			line = ""
		}
		blocks = append(blocks, cmds)
	}
	return blocks
}

var (
	assignRe = regexp.MustCompile(`^([A-Z_]+)=\$\((zkinfer .*)\)$`)
	wordRe   = regexp.MustCompile(`"[^"]*"|\S+`)
)

// words splits a command line as sh would here: double quotes, and $VAR
// from vars.
func words(line string, vars map[string]string) []string {
	var out []string
	for _, w := range wordRe.FindAllString(line, -1) {
		if strings.HasPrefix(w, `"`) {
			out = append(out, strings.Trim(w, `"`))
			continue
		}
		if strings.HasPrefix(w, "$") {
			w = vars[w[1:]]
		}
		out = append(out, w)
	}
	return out
}

// TestREADME runs the README's tested blocks as written, from a copy of
// the repository's root (examples/ linked), in order: every command must
// exit 0, and a VAR=$(zkinfer …) line keeps what the command printed. The
// on-chain block runs only with -tags evm and solc.
func TestREADME(t *testing.T) {
	blocks := readmeBlocks(t)
	if len(blocks) < 2 {
		t.Fatalf("README has %d tested blocks, want the privacy and the lender ones", len(blocks))
	}
	examples, err := filepath.Abs("../../examples")
	if err != nil {
		t.Fatal(err)
	}
	solc, solcErr := evm.FindSolc() // from the repository, before leaving it
	if solcErr == nil {
		t.Setenv(evm.SolcEnv, solc.Dir)
	}
	root := t.TempDir()
	if err := os.Symlink(examples, filepath.Join(root, "examples")); err != nil {
		t.Fatal(err)
	}
	t.Chdir(root)
	vars := map[string]string{}
	for _, cmds := range blocks {
		onChain := strings.Contains(strings.Join(cmds, "\n"), "verify-evm")
		if onChain && (!evmBuild || solcErr != nil) {
			t.Logf("SKIP the on-chain block: needs -tags evm and solc (%v)", solcErr)
			continue
		}
		for _, line := range cmds {
			assign := ""
			if m := assignRe.FindStringSubmatch(line); m != nil {
				assign, line = m[1], m[2]
			}
			args := words(line, vars)
			if args[0] != "zkinfer" {
				t.Fatalf("README: a tested block runs %q, not zkinfer", line)
			}
			code, out, errOut := zk(t, args[1:]...)
			if code != 0 {
				t.Fatalf("README: %s: exit %d: %s%s", line, code, out, errOut)
			}
			if assign != "" {
				vars[assign] = strings.TrimSpace(out)
			}
			if strings.HasPrefix(line, "zkinfer verify ") && strings.Contains(errOut, "no --model-commitment") {
				t.Fatalf("README: %s warned: %s", line, errOut)
			}
			t.Logf("%s: %s", line, strings.TrimSpace(out))
		}
	}
}
