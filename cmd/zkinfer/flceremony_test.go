package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFederatedCeremony takes examples/federated's aggregation keys from a
// ceremony in which two hospitals contribute to phase 2: `fl setup
// --ceremony` writes no keys (and clients cannot commit yet), the
// ceremony's commands run on the directory as on a compiled model's,
// finalize writes the keys and clients.key, `ceremony verify --dir`
// checks the chain, the keys and the bases, and a round under those keys
// verifies, saying what it trusts. Bases that are not the ceremony's make
// `ceremony verify` fail.
func TestFederatedCeremony(t *testing.T) {
	tmp := t.TempDir()
	at := func(name string) string { return filepath.Join(tmp, name) }
	global := filepath.Join(flExample, "global.onnx")
	hosp := func(h string) string { return filepath.Join(flExample, "hospital"+h+".onnx") }
	round := at("round")
	if out := mustZK(t, "fl", "setup", "--model", global, "--clients", "3", "--out", round, "--ceremony", "--quiet"); !strings.Contains(out, "without keys: run its ceremony") {
		t.Fatalf("fl setup --ceremony printed %q", out)
	}
	commit := func(h string) (int, string, string) {
		return zk(t, "fl", "commit", hosp(h), "--model", global, "--key", round, "--slot", h, "--round", "1", "--out", at("c"+h+".json"), "--opening", at("o"+h+".json"))
	}
	if code, _, errOut := commit("0"); code == 0 || !strings.Contains(errOut, "its ceremony is not finalized") {
		t.Fatalf("a commitment before the ceremony: exit %d, %s", code, errOut)
	}

	files := []string{at("p1-0.state"), at("p1-1.state"), at("p2-0.state"), at("p2-1.state"), at("p2-2.state")}
	mustZK(t, "ceremony", "init", round, "--out", files[0])
	mustZK(t, "ceremony", "contribute", files[0], "--out", files[1], "--quiet")
	mustZK(t, "ceremony", "phase2", round, files[1], "--beacon", "0x00112233445566778899aabbccddeeff", "--out", files[2], "--quiet")
	for i := 3; i <= 4; i++ { // hospitals 0 and 1, each checking the chain so far
		mustZK(t, append(append([]string{"ceremony", "contribute"}, files[:i]...), "--dir", round, "--out", files[i], "--quiet")...)
	}
	mustZK(t, "ceremony", "finalize", files[4], round, "--no-beacon", "--quiet")
	if code, _, errOut := zk(t, "ceremony", "finalize", files[4], round, "--no-beacon", "--quiet"); code == 0 || !strings.Contains(errOut, "already has pk.bin and vk.bin (from a ceremony setup)") {
		t.Fatalf("finalize over the ceremony's keys: exit %d, %s", code, errOut)
	}
	verifyCeremony := append(append([]string{"ceremony", "verify"}, files...), "--dir", round, "--quiet")
	if out := mustZK(t, verifyCeremony...); !strings.Contains(out, "and so are the bases in clients.key") || !strings.Contains(out, "the clients' commitments bind if one phase-1 participant was") {
		t.Fatalf("ceremony verify printed %q", out)
	}

	for _, h := range []string{"0", "1", "2"} {
		if code, _, errOut := commit(h); code != 0 {
			t.Fatalf("fl commit %s: exit %d, %s", h, code, errOut)
		}
	}
	mustZK(t, "fl", "aggregate", round, "--model", global, "--round", "1", "--updates", hosp("0")+","+hosp("1")+","+hosp("2"),
		"--openings", at("o0.json")+","+at("o1.json")+","+at("o2.json"), "--weights", "300,500,200", "--clip", "3",
		"--out", at("global1.onnx"), "--proof", at("p.json"), "--quiet")
	prev := strings.TrimSpace(mustZK(t, "commit", global))
	out := mustZK(t, "fl", "verify", round, "--proof", at("p.json"), "--commitments", at("c0.json")+","+at("c1.json")+","+at("c2.json"), "--prev", prev)
	if !strings.Contains(out, "verified: round 1") || !strings.Contains(out, "trust: keys from a ceremony of 1 phase-1 and 2 phase-2 contributions") {
		t.Fatalf("fl verify printed %q", out)
	}

	// Another setup's clients.key in the ceremony's directory: clients
	// would commit under bases the proofs are not made with.
	mustZK(t, "fl", "setup", "--model", global, "--clients", "3", "--out", at("dev"), "--quiet")
	b, err := os.ReadFile(filepath.Join(at("dev"), "clients.key"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(round, "clients.key"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := zk(t, verifyCeremony...); code != exitInvalid || !strings.Contains(errOut, "clients.key: client 0's basis is not the ceremony's proving key's") {
		t.Fatalf("ceremony verify with another setup's clients.key: exit %d, %s", code, errOut)
	}
}
