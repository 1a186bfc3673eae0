package main

import (
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSumcheckResidualHashed: the small residual network of
// TestSumcheckResidual (testdata/resnet_small), compiled with
// --param-visibility hashed — refused until 2026-12-01 ("residual
// networks with fixed weights only"), now proven: the directory holds no
// weights; prove needs --model and --param-salt and gives the fixed
// directory's outputs in a kind-7 proof; `zkinfer commit` prints the
// proof's model commitment; verify checks --model-commitment and says the
// weights are secret; a second proof has other weight commitments and
// verifies against the same commitment; another salt's commitment expected, a proof file
// listing another commitment, and the proof under the fixed directory are
// refused with one line.
func TestSumcheckResidualHashed(t *testing.T) {
	const salt = "0x5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5e"
	src := filepath.Join("testdata", "resnet_small")
	model, input := filepath.Join(src, "network.onnx"), filepath.Join(src, "input.json")
	dir := sumcheckCompile(t, model, "--param-visibility", "hashed")
	orig, _ := os.ReadFile(model)
	if kept, _ := os.ReadFile(filepath.Join(dir, "model.onnx")); string(orig) == string(kept) {
		t.Fatal("the hashed directory holds the model with its weights")
	}
	pf := filepath.Join(t.TempDir(), "proof.json")
	if code, _, errOut := zk(t, "prove", dir, "--input", input, "--proof", pf, "--model", model); code == 0 || !strings.Contains(errOut, "--param-salt") {
		t.Fatalf("prove without a salt: exit %d: %s", code, errOut)
	}
	mustZK(t, "prove", dir, "--input", input, "--proof", pf, "--model", model, "--param-salt", salt)
	mc := strings.TrimSpace(mustZK(t, "commit", dir, "--model", model, "--param-salt", salt))
	p, raw := readProofFile(t, pf)
	if b, err := hex.DecodeString(p.Proof); err != nil || len(b) < 7 || b[6] != 7 {
		t.Fatalf("the proof is not of kind 7 (a residual network's with committed weights): %v", err)
	}
	if cm, _ := raw["commitments"].(map[string]any); cm["params"] != mc || len(mc) != 66 {
		t.Fatalf("the proof's commitment %v, zkinfer commit printed %q", cm["params"], mc)
	}
	fixedDir := sumcheckCompile(t, model)
	fixedProof := filepath.Join(t.TempDir(), "fixed.json")
	mustZK(t, "prove", fixedDir, "--input", input, "--proof", fixedProof)
	if fp, _ := readProofFile(t, fixedProof); fmt.Sprint(p.Outputs) != fmt.Sprint(fp.Outputs) {
		t.Fatalf("hashed outputs %v, fixed %v", p.Outputs, fp.Outputs)
	}
	out := mustZK(t, "verify", dir, "--proof", pf, "--model-commitment", mc)
	if !strings.HasPrefix(out, "verified: a model with the architecture of sha256 ") || !strings.Contains(out, "whose commitment is "+mc) {
		t.Fatalf("verify said %q", out)
	}
	provenAgain(t, dir, input, model, salt, pf, mc)
	other := strings.TrimSpace(mustZK(t, "commit", dir, "--model", model, "--param-salt", "0x1234"))
	if other == mc {
		t.Fatal("another salt gave the same commitment")
	}
	if code, _, errOut := zk(t, "verify", dir, "--proof", pf, "--model-commitment", other); code != 1 || !strings.Contains(errOut, "INVALID") {
		t.Errorf("another commitment expected: exit %d: %s", code, errOut)
	}
	msg := expectInvalid(t, dir, "another commitment listed", edited(t, raw, func(m map[string]any) {
		m["commitments"] = map[string]any{"params": other}
	}))
	if !strings.Contains(msg, "INVALID") || strings.Count(strings.TrimSpace(msg), "\n") > 0 {
		t.Errorf("another commitment listed: %s", msg)
	}
	if code, _, _ := zk(t, "verify", fixedDir, "--proof", pf); code != 1 {
		t.Errorf("the hashed proof checked against the fixed directory: exit %d", code)
	}
}
