package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	auditData       = "../../examples/audit/data50.json"
	auditCommitment = "../../examples/audit/commitment50.json"
)

// TestAuditExample runs examples/audit at 50 records: commit, audit the
// credit model's accuracy and demographic parity, verify, and the
// tampering a verifier must catch.
func TestAuditExample(t *testing.T) {
	tmp := t.TempDir()
	out := mustZK(t, "dataset", "commit", auditData, "--out", filepath.Join(tmp, "c.json"))
	if !strings.Contains(out, "committed 50 records") {
		t.Fatalf("dataset commit printed %q", out)
	}
	a, _ := os.ReadFile(filepath.Join(tmp, "c.json"))
	b, _ := os.ReadFile(auditCommitment)
	if string(a) != string(b) {
		t.Fatal("the commitment of data50.json is not commitment50.json")
	}
	dir := filepath.Join(tmp, "credit")
	mustZK(t, "compile", demoModel, "--out", dir, "--range-check", "lookup", "--quiet")
	acc := filepath.Join(tmp, "acc")
	out = mustZK(t, "audit", dir, "--dataset", auditData, "--commitment", auditCommitment, "--metric", "accuracy", "--threshold", "0.8", "--out", acc, "--quiet")
	if !strings.Contains(out, "accuracy ≥ 0.8 (at least 40 of 50 correct) on the 50 records committed as 0x13f1019b") {
		t.Fatalf("audit printed %q", out)
	}
	out = mustZK(t, "audit-verify", acc, "--dataset-commitment", auditCommitment)
	if !strings.HasPrefix(out, "verified: accuracy ≥ 0.8") {
		t.Fatalf("audit-verify printed %q", out)
	}
	// Again with a context: the keys are reused, the proof bound to it.
	ctxProof := filepath.Join(tmp, "ctx.json")
	mustZK(t, "audit", dir, "--dataset", auditData, "--commitment", auditCommitment, "--metric", "accuracy", "--threshold", "0.8", "--out", acc, "--context", "c0ffee", "--proof", ctxProof, "--quiet")
	mustZK(t, "audit-verify", acc, "--proof", ctxProof, "--context", "c0ffee", "--dataset-commitment", auditCommitment)
	if code, _, _ := zk(t, "audit-verify", acc, "--proof", ctxProof); code != exitInvalid {
		t.Fatalf("a proof bound to a context verified without it: exit %d", code)
	}
	dp := filepath.Join(tmp, "dp")
	mustZK(t, "audit", dir, "--dataset", auditData, "--commitment", auditCommitment, "--metric", "demographic-parity",
		"--group-column", "over_40", "--max-diff", "0.25", "--out", dp, "--quiet")
	if out := mustZK(t, "audit-verify", dp, "--dataset-commitment", auditCommitment); !strings.Contains(out, "demographic parity difference ≤ 0.25") {
		t.Fatalf("audit-verify printed %q", out)
	}

	// A record changed after the commitment no longer opens it.
	var d map[string]any
	raw, _ := os.ReadFile(auditData)
	json.Unmarshal(raw, &d)
	d["input_data"].([]any)[7].([]any)[0] = 1000.0
	bad, _ := json.Marshal(d)
	badPath := writeFile(t, tmp, "bad.json", string(bad))
	if code, _, errOut := zk(t, "audit", dir, "--dataset", badPath, "--commitment", auditCommitment, "--metric", "accuracy", "--out", acc, "--quiet"); code != exitError || !strings.Contains(errOut, "does not open") {
		t.Fatalf("a changed record: exit %d, %q", code, errOut)
	}

	// Proofs edited or checked against another dataset or statement.
	pf := filepath.Join(acc, "proof.json")
	var p map[string]any
	raw, _ = os.ReadFile(pf)
	json.Unmarshal(raw, &p)
	edit := func(k string, v any) string {
		q := map[string]any{}
		for k, v := range p {
			q[k] = v
		}
		q[k] = v
		b, _ := json.Marshal(q)
		return writeFile(t, tmp, "edited.json", string(b))
	}
	other := "0x" + strings.Repeat("0", 63) + "1"
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"another published dataset", []string{acc, "--dataset-commitment", other}},
		{"the dataset commitment edited", []string{acc, "--proof", edit("dataset_commitment", other)}},
		{"the proof's bytes edited", []string{acc, "--proof", edit("proof", strings.Replace(p["proof"].(string), "a", "b", 1))}},
		{"another statement's keys", []string{dp, "--proof", pf}},
		{"another context", []string{acc, "--context", "01"}},
	} {
		if code, _, errOut := zk(t, append([]string{"audit-verify"}, tc.args...)...); code != exitInvalid {
			t.Errorf("%s: exit %d, want %d: %s", tc.name, code, exitInvalid, errOut)
		}
	}

	// A false statement is refused before anything is proven.
	if code, _, errOut := zk(t, "audit", dir, "--dataset", auditData, "--metric", "accuracy", "--threshold", "0.99", "--out", acc, "--quiet"); code != exitError || !strings.Contains(errOut, "does not hold") {
		t.Fatalf("a false threshold: exit %d, %q", code, errOut)
	}
}

func TestAuditUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"audit", "--help"}, exitOK, "--metric"},
		{[]string{"audit-verify", "--help"}, exitOK, "--dataset-commitment"},
		{[]string{"dataset", "commit", "--help"}, exitOK, "--salt"},
		{[]string{"audit", "dir"}, exitUsage, "--dataset is required"},
		{[]string{"audit", "dir", "--dataset", auditData, "--metric", "accuracy", "--threshold", "1.5"}, exitUsage, "outside [0, 1]"},
		{[]string{"dataset", "frobnicate"}, exitUsage, "unknown subcommand"},
		{[]string{"dataset", "commit", auditData}, exitUsage, "--out is required"},
	} {
		code, out, errOut := zk(t, tc.args...)
		if code != tc.code || !strings.Contains(out+errOut, tc.want) {
			t.Errorf("zkinfer %s: exit %d, %q %q; want %d and %q", strings.Join(tc.args, " "), code, out, errOut, tc.code, tc.want)
		}
		if tc.code == exitUsage && strings.Count(strings.TrimSpace(errOut), "\n") > 1 {
			t.Errorf("zkinfer %s: more than an error and a usage line: %q", strings.Join(tc.args, " "), errOut)
		}
	}
}
