package main

import (
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// doubled matches an error that repeats its command's name.
var doubled = regexp.MustCompile(`^zkinfer (verify|prove|setup|compile|run|commit|ceremony|export-verifier|calldata): (zkinfer )?(verify|prove|setup|compile|run|commit|ceremony|export-verifier|calldata): `)

// oneLineErr fails unless errOut is exactly one line with no Go type, no
// temporary file name and no doubled command prefix.
func oneLineErr(t *testing.T, what, errOut string) {
	t.Helper()
	e := strings.TrimSpace(errOut)
	switch {
	case e == "" || strings.Contains(e, "\n"):
		t.Errorf("%s: stderr is not one line: %q", what, errOut)
	case strings.Contains(e, "Go value") || strings.Contains(e, "Go struct") || strings.Contains(e, "interface {}"):
		t.Errorf("%s: stderr shows a Go type: %q", what, errOut)
	case strings.Contains(e, ".tmp"):
		t.Errorf("%s: stderr names a temporary file: %q", what, errOut)
	case doubled.MatchString(e):
		t.Errorf("%s: stderr doubles the command's name: %q", what, errOut)
	}
}

// flagNames are the flags command run defines.
func flagNames(run func(*flag.FlagSet, []string) error) []string {
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	run(fs, []string{"--help"})
	var names []string
	fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
	return names
}

// TestHelp: every command's and ceremony subcommand's --help prints its
// usage and every one of its flags on stdout and exits 0; --quiet is
// accepted by all of them; flag help never turns a backquoted word into a
// value name; --version and the help topics print and exit 0.
func TestHelp(t *testing.T) {
	type cmd struct {
		args []string
		run  func(*flag.FlagSet, []string) error
	}
	var cmds []cmd
	for _, c := range commands {
		if c.name != "ceremony" {
			cmds = append(cmds, cmd{[]string{c.name}, c.run})
		}
	}
	for _, c := range ceremonySubcommands {
		cmds = append(cmds, cmd{[]string{"ceremony", c.name}, c.run})
	}
	for _, c := range cmds {
		name := strings.Join(c.args, " ")
		code, out, errOut := zk(t, append(c.args, "--help")...)
		if code != exitOK || errOut != "" || !strings.HasPrefix(out, "usage: zkinfer "+name+" ") {
			t.Errorf("zkinfer %s --help: exit %d, stdout %q, stderr %q", name, code, out, errOut)
			continue
		}
		for _, f := range flagNames(c.run) {
			if !strings.Contains(out, "  --"+f) {
				t.Errorf("zkinfer %s --help does not list --%s:\n%s", name, f, out)
			}
		}
		if code, _, errOut := zk(t, append(c.args, "--quiet", "--help")...); code != exitOK {
			t.Errorf("zkinfer %s --quiet --help: exit %d, %q", name, code, errOut)
		}
	}
	if _, out, _ := zk(t, "prove", "--help"); !strings.Contains(out, "  --param-salt STRING\n") || strings.Contains(out, "param-salt zkinfer") {
		t.Errorf("prove --help mangles --param-salt:\n%s", out)
	}
	for _, args := range [][]string{{"--help"}, {"help"}, {"ceremony", "--help"}} {
		if code, out, _ := zk(t, args...); code != exitOK || !strings.Contains(out, "usage:") {
			t.Errorf("zkinfer %v: exit %d, %q", args, code, out)
		}
	}
	code, out, _ := zk(t, "--version")
	if code != exitOK || !regexp.MustCompile(`^zkinfer \S+, commit .+, gnark v\d+\.\d+\.\d+, with`).MatchString(out) {
		t.Errorf("--version: exit %d, %q", code, out)
	}
	for topic, want := range map[string]string{"visibility": "--param-visibility", "claims": "argmax(output) == k", "settings": "raise --scale", "exit-codes": "3  could not run or check"} {
		if code, out, _ := zk(t, "help", topic); code != exitOK || !strings.Contains(out, want) {
			t.Errorf("help %s: exit %d, %q", topic, code, out)
		}
	}
	if code, _, errOut := zk(t, "help", "nope"); code != exitUsage || !strings.Contains(errOut, "topics: claims, exit-codes, settings, visibility") {
		t.Errorf("help nope: exit %d, %q", code, errOut)
	}
}

// TestExitCodes: 1 for an invalid proof, 2 for a usage error, 3 for what
// could not be checked or done; every error one clean line.
func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	mustZK(t, "compile", demoModel, "--out", dir, "--quiet")
	mustZK(t, "setup", dir, "--quiet")
	pf := filepath.Join(dir, "proof.json")
	mustZK(t, "prove", dir, "--input", demoInput, "--proof", pf, "--quiet")
	tmp := t.TempDir()
	forged := writeFile(t, tmp, "forged.json", tamperings(t, pf)[0].content)
	object := writeFile(t, tmp, "object.json", `{"input_data": {"a": 1}}`)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"verify", dir, "--proof", forged}, exitInvalid, "zkinfer verify: " + forged + ": INVALID: "},
		{[]string{"verify", dir, "--proof", writeFile(t, tmp, "junk.json", "{")}, exitInvalid, "INVALID"},
		{[]string{"verify", dir, "--proof", filepath.Join(tmp, "missing.json")}, exitError, "missing.json: no such file or directory"},
		{[]string{"verify", tmp, "--proof", pf}, exitError, "not a compiled directory"},
		{[]string{"verify", dir, "--proof", pf, "--nope"}, exitUsage, "flag provided but not defined: -nope"},
		{[]string{"verify", dir}, exitUsage, "--proof is required"},
		{[]string{"run", demoModel, "--input", object}, exitError, `"input_data" is a JSON object where an array is expected`},
		{[]string{"prove", dir, "--input", object, "--proof", filepath.Join(tmp, "p.json")}, exitError, `"input_data" is a JSON object`},
		{[]string{"export-verifier", dir, "--out", filepath.Join(tmp, "nodir", "V.sol")}, exitError, filepath.Join(tmp, "nodir", "V.sol") + ": no such file or directory"},
		{[]string{"ceremony", "phase2", dir, pf, "--beacon", "12"}, exitUsage, "--beacon: "},
	} {
		code, _, errOut := zk(t, tc.args...)
		if code != tc.code || !strings.Contains(errOut, tc.want) {
			t.Errorf("zkinfer %s: exit %d, %q; want exit %d and %q", strings.Join(tc.args, " "), code, errOut, tc.code, tc.want)
		}
		if tc.code != exitUsage {
			oneLineErr(t, strings.Join(tc.args, " "), errOut)
		}
	}
	if got := cleanError("prove", errors.New("prove: prove: the claim does not hold")); got != "the claim does not hold" {
		t.Errorf("cleanError kept a doubled prefix: %q", got)
	}
}

// TestBatchRefused: an input file with more rows than the model has
// inputs is refused by run and prove (one line, exit 3, no proof), not
// proven in part; --ignore-extra-inputs uses the first.
func TestBatchRefused(t *testing.T) {
	dir := t.TempDir()
	mustZK(t, "compile", demoModel, "--out", dir, "--quiet")
	mustZK(t, "setup", dir, "--quiet")
	two := writeFile(t, t.TempDir(), "two.json", `{"input_data": [[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8], [0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1]]}`)
	pf := filepath.Join(dir, "p.json")
	want := two + " lists 2 tensors and the model takes 1: a proof covers one inference, so give each row its own input file (or --ignore-extra-inputs to use the first 1 and ignore the rest)"
	for _, args := range [][]string{{"run", demoModel, "--input", two}, {"prove", dir, "--input", two, "--proof", pf, "--quiet"}} {
		code, out, errOut := zk(t, args...)
		if code != exitError || out != "" || errOut != "zkinfer "+args[0]+": "+want+"\n" {
			t.Errorf("zkinfer %s: exit %d, %q, %q", args[0], code, out, errOut)
		}
	}
	if _, err := os.Stat(pf); err == nil {
		t.Error("a refused batch left a proof")
	}
	if code, _, errOut := zk(t, "run", demoModel, "--input", two, "--ignore-extra-inputs"); code != exitOK || errOut != "" {
		t.Errorf("run --ignore-extra-inputs: exit %d, %q", code, errOut)
	}
}

// TestSetupKeepsKeys: setup refuses to replace keys without --force.
func TestSetupKeepsKeys(t *testing.T) {
	dir := t.TempDir()
	mustZK(t, "compile", demoModel, "--out", dir, "--quiet")
	mustZK(t, "setup", dir, "--quiet")
	vk, _ := os.ReadFile(filepath.Join(dir, "vk.bin"))
	code, out, errOut := zk(t, "setup", dir, "--quiet")
	if want := "zkinfer setup: " + dir + " already has pk.bin and vk.bin (from a local setup): replacing them makes every proof made with them fail; pass --force to replace them\n"; code != exitError || out != "" || errOut != want {
		t.Fatalf("setup over keys: exit %d, %q, %q", code, out, errOut)
	}
	if now, _ := os.ReadFile(filepath.Join(dir, "vk.bin")); string(now) != string(vk) {
		t.Fatal("a refused setup changed vk.bin")
	}
	mustZK(t, "setup", dir, "--quiet", "--force")
	if now, _ := os.ReadFile(filepath.Join(dir, "vk.bin")); string(now) == string(vk) {
		t.Fatal("setup --force kept the old vk.bin")
	}
}

// TestCompileChecksEarly: compile refuses weights --param-bits cannot hold
// before writing anything, and warns of a verifier over EIP-170's limit,
// naming --output-visibility hashed (as export-verifier does).
func TestCompileChecksEarly(t *testing.T) {
	out := filepath.Join(t.TempDir(), "credit")
	code, _, errOut := zk(t, "compile", demoModel, "--out", out, "--param-visibility", "hashed", "--quiet")
	if code != exitError || !strings.Contains(errOut, "weight inv_std[1] = 8.3") || !strings.Contains(errOut, "raise --param-bits") {
		t.Fatalf("compile with weights over --param-bits: exit %d, %q", code, errOut)
	}
	oneLineErr(t, "compile", errOut)
	if _, err := os.Stat(out); err == nil {
		t.Fatal("a refused compile wrote its directory")
	}
	mustZK(t, "compile", demoModel, "--out", out, "--param-visibility", "hashed", "--param-bits", "20", "--quiet")

	// compile --input runs the model on that input first: an overflow fails
	// before anything is built or written; an input that fits compiles.
	big := filepath.Join(t.TempDir(), "big.json")
	if err := os.WriteFile(big, []byte(`{"input_data":[[100000,0,0,0,0,0,0,0]]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	bigOut := filepath.Join(t.TempDir(), "big")
	code, _, errOut = zk(t, "compile", demoModel, "--out", bigOut, "--input", big, "--quiet")
	if code != exitError || !strings.Contains(errOut, "--input "+big+": input: ") || !strings.Contains(errOut, "outside the range") {
		t.Fatalf("compile --input with an overflowing value: exit %d, %q", code, errOut)
	}
	oneLineErr(t, "compile --input", errOut)
	if _, err := os.Stat(bigOut); err == nil {
		t.Fatal("a compile refused for its input wrote its directory")
	}
	mustZK(t, "compile", demoModel, "--out", bigOut, "--input", demoInput, "--quiet")

	wide := mlp(t, t.TempDir(), 1, 150, "Relu") // 150 public outputs and the context: 151 public inputs
	dir := filepath.Join(t.TempDir(), "wide")
	const warn = "over Ethereum's 24576-byte contract limit (EIP-170): it cannot be deployed; compile with --output-visibility hashed"
	code, _, errOut = zk(t, "compile", wide, "--out", dir, "--quiet")
	if code != exitOK || !strings.HasPrefix(errOut, "zkinfer compile: warning: the Solidity verifier of 151 public inputs will be about") || !strings.Contains(errOut, warn) {
		t.Fatalf("compile of 150 public outputs: exit %d, %q", code, errOut)
	}
	mustZK(t, "setup", dir, "--quiet")
	code, _, errOut = zk(t, "export-verifier", dir, "--out", filepath.Join(t.TempDir(), "V.sol"))
	if code != exitOK || !strings.Contains(errOut, "zkinfer export-verifier: warning: ") || !strings.Contains(errOut, warn) {
		t.Fatalf("export-verifier of 151 public inputs: exit %d, %q", code, errOut)
	}
	if code, _, errOut := zk(t, "compile", wide, "--out", filepath.Join(t.TempDir(), "h"), "--output-visibility", "hashed", "--quiet"); code != exitOK || errOut != "" {
		t.Fatalf("compile with hashed outputs: exit %d, %q", code, errOut)
	}
}

// TestVerifyWarnsUnboundWeights: a hashed-weights proof verified without
// --model-commitment passes with a warning that no published model was
// checked; with it, no warning.
func TestVerifyWarnsUnboundWeights(t *testing.T) {
	dir := t.TempDir()
	mustZK(t, "compile", demoModel, "--out", dir, "--param-visibility", "hashed", "--param-bits", "20", "--quiet")
	mustZK(t, "setup", dir, "--quiet")
	c := strings.TrimSpace(mustZK(t, "commit", dir, "--model", demoModel, "--param-salt", "0x1234"))
	pf := filepath.Join(dir, "p.json")
	mustZK(t, "prove", dir, "--input", demoInput, "--proof", pf, "--model", demoModel, "--param-salt", "0x1234", "--quiet")
	code, _, errOut := zk(t, "verify", dir, "--proof", pf)
	if code != exitOK || !strings.Contains(errOut, "zkinfer verify: warning: the weights are secret and no --model-commitment was given: nothing was checked against a published model") {
		t.Fatalf("verify without --model-commitment: exit %d, %q", code, errOut)
	}
	if code, _, errOut := zk(t, "verify", dir, "--proof", pf, "--model-commitment", c); code != exitOK || strings.Contains(errOut, "--model-commitment") {
		t.Fatalf("verify with --model-commitment: exit %d, %q", code, errOut)
	}
}
