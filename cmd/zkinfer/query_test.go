package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const (
	dpData       = "../../examples/dpcount/loans200.json"
	dpCommitment = "../../examples/dpcount/commitment200.json"
)

// TestDPCountExample runs examples/dpcount's walkthrough: the dataset
// commitment, the seed commitment, the verifier's coins, a DP count and a
// DP mean, their verification, and what a verifier must catch: an edited
// release, a replay under other coins, another seed or dataset
// commitment, a record changed after the commitment, an edited seed file.
func TestDPCountExample(t *testing.T) {
	tmp := t.TempDir()
	mustZK(t, "dataset", "commit", dpData, "--out", filepath.Join(tmp, "c.json"))
	a, _ := os.ReadFile(filepath.Join(tmp, "c.json"))
	b, _ := os.ReadFile(dpCommitment)
	if string(a) != string(b) {
		t.Fatal("the commitment of loans200.json is not commitment200.json")
	}
	seed, seedCm := filepath.Join(tmp, "seed.json"), filepath.Join(tmp, "dpcommit.json")
	if out := mustZK(t, "dp", "commit", "--seed-out", seed, "--out", seedCm); !strings.Contains(out, "committed a fresh secret seed") {
		t.Fatalf("dp commit printed %q", out)
	}
	if st, _ := os.Stat(seed); st.Mode().Perm() != 0o600 {
		t.Errorf("the seed file's mode is %v", st.Mode().Perm())
	}
	if code, _, errOut := zk(t, "dp", "commit", "--seed-out", seed, "--out", seedCm); code != exitError || !strings.Contains(errOut, "--force") {
		t.Fatalf("a second dp commit over the seed: exit %d, %q", code, errOut)
	}
	coins := strings.TrimSpace(mustZK(t, "dp", "coins"))
	if len(coins) != 64 {
		t.Fatalf("dp coins printed %q", coins)
	}
	q := filepath.Join(tmp, "late")
	out := mustZK(t, "query", q, "--dataset", dpData, "--commitment", dpCommitment, "--count", "x[3] >= 2", "--epsilon", "1",
		"--dp-seed", seed, "--dp-coins", coins, "--quiet")
	if !strings.Contains(out, "the number of records with x[3] >= 2, released as") || !strings.Contains(out, "(ε = 1, δ = 1.4e-18)-differential privacy at sensitivity 1 record") {
		t.Fatalf("query printed %q", out)
	}
	verify := []string{"query-verify", q, "--dataset-commitment", dpCommitment, "--dp-commitment", seedCm, "--dp-coins", coins}
	if code, out, errOut := zk(t, verify...); code != 0 || !strings.HasPrefix(out, "verified: the number of records with x[3] >= 2") || errOut != "" {
		t.Fatalf("query-verify: exit %d, %q, %q", code, out, errOut)
	}
	mean := filepath.Join(tmp, "amount")
	mustZK(t, "query", mean, "--dataset", dpData, "--commitment", dpCommitment, "--mean", "x[0]", "--clip", "0,100", "--epsilon", "0.5",
		"--dp-seed", seed, "--dp-coins", coins, "--quiet")
	if out := mustZK(t, "query-verify", mean, "--dataset-commitment", dpCommitment, "--dp-commitment", seedCm, "--dp-coins", coins); !strings.Contains(out, "the mean of x[0] clipped to [0, 100]") {
		t.Fatalf("query-verify printed %q", out)
	}

	hist := filepath.Join(tmp, "late-histogram")
	mustZK(t, "query", hist, "--dataset", dpData, "--commitment", dpCommitment, "--histogram", "x[3]", "--bins", "1,2,3", "--epsilon", "1",
		"--dp-seed", seed, "--dp-coins", coins, "--quiet")
	if out := mustZK(t, "query-verify", hist, "--dataset-commitment", dpCommitment, "--dp-commitment", seedCm, "--dp-coins", coins); !strings.Contains(out, "the histogram of x[3] over the bins < 1, [1, 2), [2, 3), >= 3, released as < 1: ") ||
		!strings.Contains(out, "(ε = 1, δ = 3.4e-18)-differential privacy at sensitivity 1 record in each bin (ε = 0.5 and δ = 1.7e-18 per bin") {
		t.Fatalf("query-verify printed %q", out)
	}

	// Edited proofs, and proofs checked against what this verifier did
	// not publish or draw: exit 1.
	var p map[string]any
	raw, _ := os.ReadFile(filepath.Join(q, "proof.json"))
	json.Unmarshal(raw, &p)
	edits := 0
	edit := func(k string, v any) string {
		edits++
		e := map[string]any{}
		for k, v := range p {
			e[k] = v
		}
		e[k] = v
		b, _ := json.Marshal(e)
		return writeFile(t, tmp, fmt.Sprintf("edited%d.json", edits), string(b))
	}
	otherCoins := strings.Repeat("ab", 32)
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"released + 1", append(slices.Clone(verify), "--proof", edit("released", []float64{p["released"].([]any)[0].(float64) + 1}))},
		{"value edited", append(slices.Clone(verify), "--proof", edit("values", []float64{p["values"].([]any)[0].(float64) + 1}))},
		{"coins replaced in the proof", append(slices.Clone(verify), "--proof", edit("coins", otherCoins))},
		{"other coins drawn", []string{"query-verify", q, "--dataset-commitment", dpCommitment, "--dp-commitment", seedCm, "--dp-coins", otherCoins}},
		{"another seed commitment", append(slices.Clone(verify), "--proof", edit("seed_commitment", "0x"+strings.Repeat("0", 63)+"1"))},
		{"another published seed", []string{"query-verify", q, "--dataset-commitment", dpCommitment, "--dp-commitment", "0x" + strings.Repeat("0", 63) + "1", "--dp-coins", coins}},
		{"another dataset", []string{"query-verify", q, "--dataset-commitment", "0x" + strings.Repeat("0", 63) + "1", "--dp-commitment", seedCm, "--dp-coins", coins}},
		{"a mean's proof for the count", append(slices.Clone(verify), "--proof", filepath.Join(mean, "proof.json"))},
		{"a histogram's proof for the count", append(slices.Clone(verify), "--proof", filepath.Join(hist, "proof.json"))},
	} {
		if code, _, errOut := zk(t, tc.args...); code != exitInvalid || !strings.Contains(errOut, "INVALID") {
			t.Errorf("%s: exit %d, %q", tc.name, code, errOut)
		}
	}

	// A record changed after the commitment, an edited seed file: exit 3.
	var d map[string]any
	raw, _ = os.ReadFile(dpData)
	json.Unmarshal(raw, &d)
	d["input_data"].([]any)[7].([]any)[3] = 5.0
	bad, _ := json.Marshal(d)
	if code, _, errOut := zk(t, "query", q, "--dataset", writeFile(t, tmp, "bad.json", string(bad)), "--commitment", dpCommitment, "--count", "x[3] >= 2",
		"--epsilon", "1", "--dp-seed", seed, "--dp-coins", coins, "--quiet"); code != exitError || !strings.Contains(errOut, "does not open") {
		t.Errorf("a changed record: exit %d, %q", code, errOut)
	}
	var sf map[string]any
	raw, _ = os.ReadFile(seed)
	json.Unmarshal(raw, &sf)
	sf["seed"] = "0x" + strings.Repeat("0", 63) + "2"
	sb, _ := json.Marshal(sf)
	if code, _, errOut := zk(t, "query", q, "--dataset", dpData, "--commitment", dpCommitment, "--count", "x[3] >= 2",
		"--epsilon", "1", "--dp-seed", writeFile(t, tmp, "seed2.json", string(sb)), "--dp-coins", coins, "--quiet"); code != exitError || !strings.Contains(errOut, "not the seed's") {
		t.Errorf("an edited seed file: exit %d, %q", code, errOut)
	}
	// Usage errors: exit 2.
	for _, args := range [][]string{
		{"query", q, "--dataset", dpData, "--commitment", dpCommitment, "--count", "x[3] >= 2", "--epsilon", "1", "--dp-seed", seed, "--dp-coins", "abcd"},
		{"query", q, "--dataset", dpData, "--commitment", dpCommitment, "--count", "x[3] >= 2", "--epsilon", "0", "--dp-seed", seed, "--dp-coins", coins},
		{"query", q, "--dataset", dpData, "--commitment", dpCommitment, "--count", "x[3] >= 2", "--epsilon", "1", "--sensitivity", "0.5", "--dp-seed", seed, "--dp-coins", coins},
		{"query", q, "--dataset", dpData, "--commitment", dpCommitment, "--count", "x[3] >= 2", "--mean", "x[0]", "--epsilon", "1", "--dp-seed", seed, "--dp-coins", coins},
		{"query", q, "--dataset", dpData, "--commitment", dpCommitment, "--count", "x[3] >= 2", "--epsilon", "1", "--mechanism", "gaussian", "--dp-seed", seed, "--dp-coins", coins},
	} {
		if code, _, _ := zk(t, args...); code != exitUsage {
			t.Errorf("%v: exit %d, want 2", args[5:], code)
		}
	}
}

// TestDPScoreCount: a DP count of examples/audit's applicants whose score
// under the credit model passes 0.7, proven and verified, and the refusals
// of a score count without its model or with a model whose weights are
// not fixed.
func TestDPScoreCount(t *testing.T) {
	tmp := t.TempDir()
	dir := filepath.Join(tmp, "credit")
	mustZK(t, "compile", demoModel, "--out", dir, "--range-check", "lookup", "--quiet")
	seed, seedCm := filepath.Join(tmp, "seed.json"), filepath.Join(tmp, "dpcommit.json")
	mustZK(t, "dp", "commit", "--seed-out", seed, "--out", seedCm)
	coins := strings.Repeat("5c", 32)
	q := filepath.Join(tmp, "score")
	mustZK(t, "query", q, "--model", dir, "--dataset", auditData, "--commitment", auditCommitment, "--count", "score >= 0.7", "--epsilon", "1",
		"--dp-seed", seed, "--dp-coins", coins, "--quiet")
	out := mustZK(t, "query-verify", q, "--dataset-commitment", auditCommitment, "--dp-commitment", seedCm, "--dp-coins", coins)
	if !strings.HasPrefix(out, "verified: the number of records whose score under the model with sha256 609d09be722ae796… is >= 0.7, released as ") {
		t.Fatalf("query-verify printed %q", out)
	}
	// A DP release of one model output: the clipped mean of the score over
	// a dataset of one applicant.
	var d map[string]any
	raw, _ := os.ReadFile(auditData)
	json.Unmarshal(raw, &d)
	d["input_data"], d["labels"] = d["input_data"].([]any)[:1], d["labels"].([]any)[:1]
	d["groups"] = map[string]any{"over_40": d["groups"].(map[string]any)["over_40"].([]any)[:1]}
	b, _ := json.Marshal(d)
	one := writeFile(t, tmp, "one.json", string(b))
	oneCm := filepath.Join(tmp, "one-commitment.json")
	mustZK(t, "dataset", "commit", one, "--out", oneCm)
	release := filepath.Join(tmp, "release")
	mustZK(t, "query", release, "--model", dir, "--dataset", one, "--commitment", oneCm, "--mean", "score", "--clip", "0,1", "--epsilon", "1",
		"--dp-seed", seed, "--dp-coins", coins, "--quiet")
	out = mustZK(t, "query-verify", release, "--dataset-commitment", oneCm, "--dp-commitment", seedCm, "--dp-coins", coins)
	if !strings.HasPrefix(out, "verified: the mean of the score under the model with sha256 609d09be722ae796… clipped to [0, 1], released as ") ||
		!strings.Contains(out, "over the one record committed as") {
		t.Fatalf("query-verify printed %q", out)
	}
	if code, _, errOut := zk(t, "query", q, "--dataset", auditData, "--commitment", auditCommitment, "--count", "score >= 0.7", "--epsilon", "1",
		"--dp-seed", seed, "--dp-coins", coins); code != exitUsage || !strings.Contains(errOut, "--model") {
		t.Errorf("a score count without --model: exit %d, %q", code, errOut)
	}
	hashed := filepath.Join(tmp, "hashed")
	mustZK(t, "compile", demoModel, "--out", hashed, "--param-visibility", "hashed", "--param-bits", "20", "--quiet")
	if code, _, errOut := zk(t, "query", q, "--model", hashed, "--dataset", auditData, "--commitment", auditCommitment, "--count", "score >= 0.7", "--epsilon", "1",
		"--dp-seed", seed, "--dp-coins", coins); code != exitError || !strings.Contains(errOut, "fixed in the circuit") {
		t.Errorf("a model with hashed weights: exit %d, %q", code, errOut)
	}
}
