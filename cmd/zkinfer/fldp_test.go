package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFederatedDP runs a DP-FedAvg round of examples/federated's
// hospitals from the CLI: setup with the discrete Gaussian on every
// weight, the aggregator's seed commitment, the verifier's coins, the
// aggregation and its verification, which prints the mechanism; other
// coins, another seed commitment, or none, are refused.
func TestFederatedDP(t *testing.T) {
	tmp := t.TempDir()
	at := func(name string) string { return filepath.Join(tmp, name) }
	global := filepath.Join(flExample, "global.onnx")
	hosp := func(h string) string { return filepath.Join(flExample, "hospital"+h+".onnx") }
	// 129 weights at scale 2^-12: weights 0.5 max and clip 0.012 (49
	// units) need L2 sensitivity ⌈49 + √129⌉ = 61 units; 0.015 is 62.
	mustZK(t, "fl", "setup", "--model", global, "--clients", "3", "--out", at("round"), "--quiet",
		"--dp", "gaussian", "--epsilon", "1", "--delta", "1e-5", "--sensitivity", "0.015")
	for _, h := range []string{"0", "1", "2"} {
		mustZK(t, "fl", "commit", hosp(h), "--model", global, "--key", at("round"), "--slot", h, "--round", "1", "--out", at("c"+h+".json"), "--opening", at("o"+h+".json"))
	}
	mustZK(t, "dp", "commit", "--seed-out", at("seed.json"), "--out", at("dpc.json"))
	coins := strings.TrimSpace(mustZK(t, "dp", "coins"))
	aggregate := func(clip string, extra ...string) (int, string, string) {
		return zk(t, append([]string{"fl", "aggregate", at("round"), "--model", global, "--round", "1",
			"--updates", hosp("0") + "," + hosp("1") + "," + hosp("2"),
			"--openings", at("o0.json") + "," + at("o1.json") + "," + at("o2.json"), "--weights", "300,500,200", "--clip", clip,
			"--out", at("global1.onnx"), "--proof", at("p.json"), "--quiet", "--dp-seed", at("seed.json"), "--dp-coins", coins}, extra...)...)
	}
	if code, _, errOut := aggregate("0.02"); code == 0 || !strings.Contains(errOut, "sensitivity") {
		t.Fatalf("a bound needing more sensitivity than set up: exit %d, %q", code, errOut)
	}
	if code, _, errOut := aggregate("0.012", "--dp", "laplace", "--epsilon", "1", "--sensitivity", "0.015"); code == 0 || !strings.Contains(errOut, "fixed at fl setup") {
		t.Fatalf("aggregate with another mechanism than set up: exit %d, %q", code, errOut)
	}
	if code, out, errOut := aggregate("0.012", "--dp", "gaussian", "--epsilon", "1", "--delta", "1e-5", "--sensitivity", "0.015"); code != 0 || !strings.Contains(out, "aggregated round 1") {
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
	prev := strings.TrimSpace(mustZK(t, "commit", global))
	verify := func(extra ...string) (int, string, string) {
		return zk(t, append([]string{"fl", "verify", at("round"), "--proof", at("p.json"), "--round", "1",
			"--commitments", at("c0.json") + "," + at("c1.json") + "," + at("c2.json"), "--prev", prev}, extra...)...)
	}
	if code, out, errOut := verify("--dp-commitment", at("dpc.json"), "--dp-coins", coins); code != 0 || !strings.Contains(out, "discrete Gaussian of σ") || !strings.Contains(out, "ε = 1") {
		t.Fatalf("fl verify: exit %d, %q, %q", code, out, errOut)
	}
	// Ten rounds together: more than one round's ε = 1, less than ten.
	if out := mustZK(t, "fl", "account", at("round"), "--rounds", "10", "--delta", "1e-5"); !strings.Contains(out, "10 rounds together are (ε = 3.") {
		t.Fatalf("fl account printed %q", out)
	}
	other := strings.TrimSpace(mustZK(t, "dp", "coins"))
	mustZK(t, "dp", "commit", "--seed-out", at("seed2.json"), "--out", at("dpc2.json"))
	for name, args := range map[string][]string{
		"other coins":          {"--dp-commitment", at("dpc.json"), "--dp-coins", other},
		"another seed":         {"--dp-commitment", at("dpc2.json"), "--dp-coins", coins},
		"no seed and no coins": {},
		"coins but no seed":    {"--dp-coins", coins},
	} {
		if code, _, errOut := verify(args...); code == 0 {
			t.Errorf("%s: verified (%q)", name, errOut)
		}
	}
}

// TestFederatedPublicModels runs the walkthrough's round set up with
// --public-models: fl verify recomputes both models' commitments from the
// ONNX files, and refuses another new model or a missing one.
func TestFederatedPublicModels(t *testing.T) {
	tmp := t.TempDir()
	at := func(name string) string { return filepath.Join(tmp, name) }
	global := filepath.Join(flExample, "global.onnx")
	hosp := func(h string) string { return filepath.Join(flExample, "hospital"+h+".onnx") }
	mustZK(t, "fl", "setup", "--model", global, "--clients", "3", "--out", at("round"), "--quiet", "--public-models")
	for _, h := range []string{"0", "1", "2"} {
		mustZK(t, "fl", "commit", hosp(h), "--model", global, "--key", at("round"), "--slot", h, "--round", "1", "--out", at("c"+h+".json"), "--opening", at("o"+h+".json"))
	}
	mustZK(t, "fl", "aggregate", at("round"), "--model", global, "--round", "1",
		"--updates", hosp("0")+","+hosp("1")+","+hosp("2"),
		"--openings", at("o0.json")+","+at("o1.json")+","+at("o2.json"), "--weights", "300,500,200", "--clip", "3",
		"--out", at("global1.onnx"), "--proof", at("p.json"), "--quiet")
	prev := strings.TrimSpace(mustZK(t, "commit", global))
	verify := func(extra ...string) (int, string, string) {
		return zk(t, append([]string{"fl", "verify", at("round"), "--proof", at("p.json"), "--round", "1",
			"--commitments", at("c0.json") + "," + at("c1.json") + "," + at("c2.json"), "--prev", prev}, extra...)...)
	}
	if code, out, errOut := verify("--prev-model", global, "--model", at("global1.onnx")); code != 0 || !strings.Contains(out, "verified: round 1") {
		t.Fatalf("fl verify: exit %d, %q, %q", code, out, errOut)
	}
	for name, args := range map[string][]string{
		"another new model":  {"--prev-model", global, "--model", hosp("0")},
		"the models swapped": {"--prev-model", at("global1.onnx"), "--model", global},
		"no models":          {},
	} {
		if code, _, errOut := verify(args...); code == 0 {
			t.Errorf("%s: verified (%q)", name, errOut)
		}
	}
}

// TestFederatedDPPublicModels runs a DP-FedAvg round set up with
// --public-models: the noise key binds the previous model's commitment
// (fl.ModelKey), the verifier holds both models, and other coins are
// refused.
func TestFederatedDPPublicModels(t *testing.T) {
	at, global, hosp := flCommitted(t, "--public-models", "--dp", "gaussian", "--epsilon", "1", "--delta", "1e-5", "--sensitivity", "0.015")
	mustZK(t, "dp", "commit", "--seed-out", at("seed.json"), "--out", at("dpc.json"))
	coins := strings.TrimSpace(mustZK(t, "dp", "coins"))
	mustZK(t, "fl", "aggregate", at("round"), "--model", global, "--round", "1",
		"--updates", hosp("0")+","+hosp("1")+","+hosp("2"),
		"--openings", at("o0.json")+","+at("o1.json")+","+at("o2.json"), "--weights", "300,500,200", "--clip", "0.012",
		"--out", at("global1.onnx"), "--proof", at("p.json"), "--quiet", "--dp-seed", at("seed.json"), "--dp-coins", coins)
	prev := strings.TrimSpace(mustZK(t, "commit", global))
	verify := func(coins string) (int, string, string) {
		return zk(t, "fl", "verify", at("round"), "--proof", at("p.json"), "--round", "1",
			"--commitments", at("c0.json")+","+at("c1.json")+","+at("c2.json"), "--prev", prev,
			"--prev-model", global, "--model", at("global1.onnx"), "--dp-commitment", at("dpc.json"), "--dp-coins", coins)
	}
	if code, out, errOut := verify(coins); code != 0 || !strings.Contains(out, "discrete Gaussian of σ") {
		t.Fatalf("fl verify: exit %d, %q, %q", code, out, errOut)
	}
	if code, _, errOut := verify(strings.TrimSpace(mustZK(t, "dp", "coins"))); code == 0 {
		t.Errorf("other coins: verified (%q)", errOut)
	}
}
