package mutate

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// Suite is the soundness tests that judge the mutants of one package
// directory: `go test -run Run Pkgs`.
type Suite struct {
	Pkgs []string
	Run  string
}

// Suites are the soundness tests of each package whose constraint code is
// mutated. A mutant is judged by its own package's tests: the gadget and
// operator sweeps and attacks for ops, the whole-circuit sweeps, the
// commitment, claim, weight, public-wire, segment-boundary and side-rewrite
// (putQuotientsLeft) tests for circuit, the tampering, forged-metric, dataset-binding, weight-range,
// public-wire and Freivalds tests for audit, the sampler's forgeries for
// dp, the released-value tests for query, the forged rounds for fl and, for
// internal/logderiv, its identity's tests and the lookups built on it.
var Suites = map[string]Suite{
	"ops": {Pkgs: []string{"./ops"}, Run: "^(" + strings.Join([]string{
		"TestBitRange", "TestComparisonSoundness", "TestDivSqrtSoundness",
		"TestFreivalds.*", "TestOpHintSoundness", "TestGadget.*",
		"TestIntegerDivSoundness", "TestLookupSoundness", "TestHintSoundness",
		"TestRangeCheckSoundness", "TestLogUp.*", "TestFusedMaxPool",
	}, "|") + ")$"},
	"ops/ml": {Pkgs: []string{"./ops/ml"}, Run: "^(TestMLHintSoundness|TestBucketAttacks)$"},
	"circuit": {Pkgs: []string{"./circuit"}, Run: "^(" + strings.Join([]string{
		"TestPedersen.*", "TestCommitment.*", "TestParamRange", "TestClaim.*",
		"TestCheckPublicWires", "TestCircuit.*", "TestContext.*", "TestInputRangeSoundness",
		"TestPublicInputsBound", "TestHidingWires", "TestBoundary.*", "TestDP.*", "TestPutQuotientsLeft",
	}, "|") + ")$"},
	"proof": {Pkgs: []string{"./proof"}, Run: "^(TestVerifyRejects|TestPedersen.*|TestForeignKeys)$"},
	"audit": {Pkgs: []string{"./audit"}, Run: "^(" + strings.Join([]string{
		"TestTampering", "TestForgedMetric", "TestForgedProducts", "TestEmptyGroup", "TestDatasetBinding",
		"TestParamRange", "TestPublicInputsBound", "TestFreivaldsCommitsEveryWire", "TestOpenCircuit",
	}, "|") + ")$"},
	"dp":    {Pkgs: []string{"./dp"}, Run: "^(TestSamplerMatchesReference|TestSamplerRejects|TestSamplerCommitsEveryWire)$"},
	"query": {Pkgs: []string{"./query"}, Run: "^(TestCircuit|TestMeanFloor|TestScoreCount|TestScoreMean)$"},
	// The log-derivative identity is judged by its own tests and by the
	// lookups built on it: ops' LogUp range checks and dp's row table.
	"internal/logderiv": {Pkgs: []string{"./internal/logderiv", "./ops", "./dp"}, Run: "^(TestAssertEqual|TestSum|TestLogUp.*|TestSamplerRejects)$"},
	"fl":                {Pkgs: []string{"./fl"}, Run: "^(TestSoundness|TestDPRound|TestAggregateProveVerify|TestPublicModels|TestDPPublicModels|TestCollusionFieldUpdates|TestUpdateRange|TestModelRangeForgeries)$"},
}

// Status is a mutant's verdict.
type Status string

const (
	Killed   Status = "killed"   // a test failed
	Survived Status = "survived" // every test passed
	Broken   Status = "broken"   // the mutant did not build: a bug of the mutator
)

// Result is the verdict on one mutant.
type Result struct {
	Mutant *Mutant
	Status Status
	By     string // the first test that failed
	Took   time.Duration
	Output string // the test output, for survivors and broken mutants
}

// Runner runs the suites on mutants from the module at Root.
type Runner struct {
	Root    string
	Go      string        // the go command ("go")
	Timeout time.Duration // per mutant
	Tmp     string        // a directory for the snapshot and the overlays

	base map[string]string // every file of the snapshot: absolute path → copy
}

// Prepare writes the snapshot srcs (see Snapshot) under Tmp; every run
// then builds the snapshot, not the working tree.
func (r *Runner) Prepare(srcs map[string][]byte) error {
	root, err := filepath.Abs(r.Root)
	if err != nil {
		return err
	}
	r.base = map[string]string{}
	for rel, src := range srcs {
		dst := filepath.Join(r.Tmp, "snapshot", filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(dst, src, 0o644); err != nil {
			return err
		}
		r.base[filepath.Join(root, filepath.FromSlash(rel))] = dst
	}
	return nil
}

// overlay writes an overlay file into dir: the snapshot, with file (a path
// relative to Root) replaced by repl when repl is not "", and every Go
// file added to the working tree since the snapshot hidden.
func (r *Runner) overlay(dir, file, repl string) (string, error) {
	replace := make(map[string]string, len(r.base))
	for k, v := range r.base {
		replace[k] = v
	}
	now, err := goFiles(r.Root)
	if err != nil {
		return "", err
	}
	for _, rel := range now {
		abs, err := filepath.Abs(filepath.Join(r.Root, filepath.FromSlash(rel)))
		if err != nil {
			return "", err
		}
		if _, ok := replace[abs]; !ok {
			replace[abs] = "" // added since the snapshot: deleted
		}
	}
	if repl != "" {
		abs, err := filepath.Abs(filepath.Join(r.Root, file))
		if err != nil {
			return "", err
		}
		replace[abs] = repl
	}
	ov, err := json.Marshal(map[string]map[string]string{"Replace": replace})
	if err != nil {
		return "", err
	}
	name := filepath.Join(dir, "overlay.json")
	return name, os.WriteFile(name, ov, 0o644)
}

var failLine = regexp.MustCompile(`--- FAIL: (\S+)`)

// test runs suite s with the overlay file (none when "") and run pattern.
func (r *Runner) test(s Suite, run, overlay string) (ok bool, out string, err error) {
	args := []string{"test", "-count=1", "-failfast", "-timeout", r.Timeout.String(), "-run", run, "-overlay", overlay}
	args = append(args, s.Pkgs...)
	ctx, cancel := context.WithTimeout(context.Background(), r.Timeout+2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, r.Go, args...)
	cmd.Dir = r.Root
	var b bytes.Buffer
	cmd.Stdout, cmd.Stderr = &b, &b
	err = cmd.Run()
	if _, exit := err.(*exec.ExitError); exit || ctx.Err() != nil {
		return false, b.String(), nil
	}
	return err == nil, b.String(), err
}

// Baseline runs suite s unmutated: it must pass, or no verdict means
// anything.
func (r *Runner) Baseline(s Suite, run string) error {
	overlay, err := r.overlay(r.Tmp, "", "")
	if err != nil {
		return err
	}
	ok, out, err := r.test(s, run, overlay)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("the unmutated tests fail (go test -run %q %s):\n%s", run, strings.Join(s.Pkgs, " "), tail(out, 40))
	}
	return nil
}

// Run applies m to src (the file's original source), runs suite s with run
// pattern run, and returns the verdict.
func (r *Runner) Run(m *Mutant, src []byte, s Suite, run string) (*Result, error) {
	dir, err := os.MkdirTemp(r.Tmp, m.ID()+"-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, filepath.Base(m.File))
	if err := os.WriteFile(file, m.Apply(src), 0o644); err != nil {
		return nil, err
	}
	overlay, err := r.overlay(dir, m.File, file)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	ok, out, err := r.test(s, run, overlay)
	if err != nil {
		return nil, err
	}
	res := &Result{Mutant: m, Took: time.Since(start)}
	switch {
	case strings.Contains(out, "[build failed]") || strings.Contains(out, "[setup failed]"):
		res.Status, res.Output = Broken, tail(out, 30)
	case ok:
		res.Status, res.Output = Survived, tail(out, 10)
	default:
		res.Status = Killed
		if f := failLine.FindStringSubmatch(out); f != nil {
			res.By = f[1]
		} else {
			res.By = "(" + strings.TrimSpace(tail(out, 1)) + ")"
		}
	}
	return res, nil
}

// tail returns the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
