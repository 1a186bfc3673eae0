package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const flExample = "../../examples/federated"

// TestFederatedExample runs examples/federated's walkthrough (README.md):
// setup, the three hospitals' commitments, the aggregation with clipping,
// its verification against the published commitments and the previous
// model's, and an inference proven with hashed weights against the
// aggregated model's commitment; then what a verifier must refuse.
func TestFederatedExample(t *testing.T) {
	tmp := t.TempDir()
	at := func(name string) string { return filepath.Join(tmp, name) }
	global := filepath.Join(flExample, "global.onnx")
	hosp := func(h string) string { return filepath.Join(flExample, "hospital"+h+".onnx") }
	mustZK(t, "fl", "setup", "--model", global, "--clients", "3", "--out", at("round"), "--quiet")
	for _, h := range []string{"0", "1", "2"} {
		out := mustZK(t, "fl", "commit", hosp(h), "--model", global, "--key", at("round"), "--slot", h, "--round", "1", "--out", at("c"+h+".json"), "--opening", at("o"+h+".json"))
		if !strings.Contains(out, "committed the update of slot "+h) {
			t.Fatalf("fl commit printed %q", out)
		}
	}
	prev := strings.TrimSpace(mustZK(t, "commit", global))
	aggregate := func(round, updates, proofName string) (int, string, string) {
		return zk(t, "fl", "aggregate", at("round"), "--model", global, "--round", round, "--updates", updates,
			"--openings", at("o0.json")+","+at("o1.json")+","+at("o2.json"), "--weights", "300,500,200", "--clip", "3",
			"--out", at("global1.onnx"), "--proof", at(proofName), "--quiet")
	}
	updates := hosp("0") + "," + hosp("1") + "," + hosp("2")
	if code, out, errOut := aggregate("1", updates, "p.json"); code != 0 || !strings.Contains(out, "3 clients (1 clipped to L2 ≤ 3)") {
		t.Fatalf("fl aggregate: exit %d, %q, %q", code, out, errOut)
	}
	var pf struct {
		New string `json:"new_model_commitment"`
	}
	b, _ := os.ReadFile(at("p.json"))
	if err := json.Unmarshal(b, &pf); err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(mustZK(t, "commit", at("global1.onnx"))); got != pf.New {
		t.Fatalf("zkinfer commit gives the aggregated model %s, the proof %s", got, pf.New)
	}
	commitments := at("c0.json") + "," + at("c1.json") + "," + at("c2.json")
	verify := func(extra ...string) (int, string, string) {
		return zk(t, append([]string{"fl", "verify", at("round"), "--proof", at("p.json"), "--round", "1"}, extra...)...)
	}
	if code, out, errOut := verify("--commitments", commitments, "--prev", prev, "--model-commitment", pf.New, "--clip", "3"); code != 0 || !strings.Contains(out, "verified: round 1") {
		t.Fatalf("fl verify: exit %d, %q, %q", code, out, errOut)
	}

	// The chain: an inference with hashed weights, Poseidon2 scheme,
	// verified against the round's new commitment.
	mustZK(t, "compile", at("global1.onnx"), "--out", at("infer"), "--param-visibility", "hashed", "--param-commitment", "poseidon2", "--quiet")
	mustZK(t, "setup", at("infer"), "--quiet")
	mustZK(t, "prove", at("infer"), "--input", filepath.Join(flExample, "patient.json"), "--model", at("global1.onnx"), "--proof", at("ip.json"), "--quiet")
	if code, _, errOut := zk(t, "verify", at("infer"), "--proof", at("ip.json"), "--model-commitment", pf.New); code != 0 {
		t.Fatalf("the inference against the aggregated commitment: exit %d, %s", code, errOut)
	}
	if code, _, _ := zk(t, "verify", at("infer"), "--proof", at("ip.json"), "--model-commitment", prev); code != exitInvalid {
		t.Fatalf("the inference against the previous model's commitment: exit %d, want %d", code, exitInvalid)
	}

	// What fl verify must refuse (exit 1).
	for _, tc := range []struct {
		name  string
		extra []string
	}{
		{"another previous model", []string{"--commitments", commitments, "--prev", pf.New}},
		{"commitments out of order", []string{"--commitments", at("c1.json") + "," + at("c0.json") + "," + at("c2.json"), "--prev", prev}},
		{"a client counted twice", []string{"--commitments", at("c0.json") + "," + at("c1.json") + "," + at("c0.json"), "--prev", prev}},
		{"another aggregated model", []string{"--commitments", commitments, "--prev", prev, "--model-commitment", prev}},
		{"a looser bound than the verifier's", []string{"--commitments", commitments, "--prev", prev, "--clip", "2.5"}},
	} {
		if code, _, errOut := verify(tc.extra...); code != exitInvalid {
			t.Errorf("%s: exit %d (%s), want %d", tc.name, code, errOut, exitInvalid)
		}
	}
	// A client dropped: its commitment missing is a usage error (exit 3),
	// and an aggregation in which another update took its slot is refused.
	if code, _, _ := verify("--commitments", at("c0.json")+","+at("c1.json"), "--prev", prev); code == 0 {
		t.Error("two commitments for three clients verified")
	}
	if code, _, errOut := aggregate("1", hosp("0")+","+hosp("1")+","+hosp("1"), "p2.json"); code != 0 {
		t.Fatalf("aggregating with hospital 1 twice: exit %d, %s", code, errOut)
	}
	code, _, errOut := zk(t, "fl", "verify", at("round"), "--proof", at("p2.json"), "--commitments", commitments, "--prev", prev)
	if code != exitInvalid || !strings.Contains(errOut, "not client 2's published commitment") {
		t.Errorf("hospital 1's update in hospital 2's slot: exit %d, %s", code, errOut)
	}
	// Openings of another round are refused before proving.
	if code, _, errOut := aggregate("2", updates, "p3.json"); code == 0 || !strings.Contains(errOut, "round 1, not slot 0 of round 2") {
		t.Errorf("round 2 with round 1's openings: exit %d, %s", code, errOut)
	}
}

// TestFederatedDropout: hospital 1 dropped out after committing. The
// aggregator gives its slot as "-" (its own commitment to a zero update,
// weight 0); fl verify takes "-" for that slot only if the proof weighs it
// 0, and says so. A dropped slot with a weight, or "-" for a client the
// proof weighs, is refused.
func TestFederatedDropout(t *testing.T) {
	at, global, hosp := flCommitted(t)
	aggregate := func(weights string) (int, string, string) {
		return zk(t, "fl", "aggregate", at("round"), "--model", global, "--round", "1", "--updates", hosp("0")+",-,"+hosp("2"),
			"--openings", at("o0.json")+",-,"+at("o2.json"), "--weights", weights, "--clip", "3",
			"--out", at("global1.onnx"), "--proof", at("p.json"), "--quiet")
	}
	if code, _, errOut := aggregate("300,500,200"); code != exitUsage || !strings.Contains(errOut, "its weight must be 0") {
		t.Fatalf("a dropped slot with a weight: exit %d, %s", code, errOut)
	}
	if code, out, errOut := aggregate("300,0,200"); code != 0 || !strings.Contains(out, "2 clients (1 clipped to L2 ≤ 3, 1 dropped out)") {
		t.Fatalf("fl aggregate: exit %d, %q, %q", code, out, errOut)
	}
	prev := strings.TrimSpace(mustZK(t, "commit", global))
	verify := func(commitments string, extra ...string) (int, string, string) {
		return zk(t, append([]string{"fl", "verify", at("round"), "--proof", at("p.json"), "--commitments", commitments, "--prev", prev}, extra...)...)
	}
	if code, out, errOut := verify(at("c0.json") + ",-," + at("c2.json")); code != 0 || !strings.Contains(out, "of the 2 committed client updates") || !strings.Contains(out, "slot(s) 1 dropped out") {
		t.Fatalf("fl verify: exit %d, %q, %q", code, out, errOut)
	}
	// A verifier who knows the sample counts requires them: the round's
	// (hospital 1 out), not the three hospitals'.
	if code, _, errOut := verify(at("c0.json")+",-,"+at("c2.json"), "--weights", "300,0,200"); code != 0 {
		t.Fatalf("fl verify --weights 300,0,200: exit %d, %s", code, errOut)
	}
	if code, _, errOut := verify(at("c0.json")+",-,"+at("c2.json"), "--weights", "300,500,200"); code != exitInvalid || !strings.Contains(errOut, "the proof weighs the clients") {
		t.Fatalf("fl verify --weights 300,500,200: exit %d, %s", code, errOut)
	}
	for name, list := range map[string]string{
		"hospital 1's own commitment for the dropped slot": at("c0.json") + "," + at("c1.json") + "," + at("c2.json"),
		"a weighed client given as dropped too":            "-,-," + at("c2.json"),
	} {
		if code, _, errOut := verify(list); code != exitInvalid {
			t.Errorf("%s: exit %d (%s), want %d", name, code, errOut, exitInvalid)
		}
	}
}

// flCommitted sets up examples/federated's round in a new directory
// (at("round"), fl setup with the extra flags) and commits the three
// hospitals' updates for round 1 (at("c0.json"), at("o0.json"), …).
func flCommitted(t *testing.T, setup ...string) (at func(string) string, global string, hosp func(string) string) {
	t.Helper()
	tmp := t.TempDir()
	at = func(name string) string { return filepath.Join(tmp, name) }
	global = filepath.Join(flExample, "global.onnx")
	hosp = func(h string) string { return filepath.Join(flExample, "hospital"+h+".onnx") }
	mustZK(t, append([]string{"fl", "setup", "--model", global, "--clients", "3", "--out", at("round"), "--quiet"}, setup...)...)
	for _, h := range []string{"0", "1", "2"} {
		mustZK(t, "fl", "commit", hosp(h), "--model", global, "--key", at("round"), "--slot", h, "--round", "1", "--out", at("c"+h+".json"), "--opening", at("o"+h+".json"))
	}
	return at, global, hosp
}
