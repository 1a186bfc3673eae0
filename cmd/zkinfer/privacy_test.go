package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/zkinfer/zkinfer/onnx"
)

func privacyCorpus(t *testing.T, name string) (model, input string) {
	t.Helper()
	dir := filepath.Join("../../../shared/corpus/ezkl", name)
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("SKIP: corpus model %s not found at %s", name, dir)
	}
	return filepath.Join(dir, "network.onnx"), filepath.Join(dir, "input.json")
}

// otherWeights writes a copy of the model with one weight changed.
func otherWeights(t *testing.T, path string) string {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m onnx.ModelProto
	if err := proto.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	init := m.Graph.Initializer[0]
	switch {
	case len(init.FloatData) > 0:
		init.FloatData[0] += 0.25
	case len(init.RawData) >= 4:
		init.RawData[3] ^= 0x01 // a float32's sign/exponent byte: a different weight
	default:
		t.Fatal("no weight data to change")
	}
	b, err := proto.Marshal(&m)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "other.onnx")
	if err := os.WriteFile(out, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestModelCommitmentCLI(t *testing.T) {
	model, input := privacyCorpus(t, "1l_mlp")
	other := otherWeights(t, model)
	tmp := t.TempDir()
	cm := strings.TrimSpace(mustZK(t, "commit", model))
	cmOther := strings.TrimSpace(mustZK(t, "commit", other))
	cmSalted := strings.TrimSpace(mustZK(t, "commit", model, "--salt", "0x2a"))
	if len(cm) != 66 || cm == cmOther || cm == cmSalted {
		t.Fatalf("commitments %s, other weights %s, salted %s", cm, cmOther, cmSalted)
	}
	dir := filepath.Join(tmp, "c")
	mustZK(t, "compile", model, "--out", dir, "--param-visibility", "hashed", "--input-visibility", "hashed", "--quiet")
	mustZK(t, "setup", dir, "--quiet")
	prf := filepath.Join(tmp, "p.json")
	mustZK(t, "prove", dir, "--input", input, "--proof", prf, "--model", model, "--param-salt", "0x2a", "--salt", "0x99", "--quiet")
	out := mustZK(t, "verify", dir, "--proof", prf, "--model-commitment", cmSalted)
	if !strings.Contains(out, cmSalted) || !strings.Contains(out, "secret weights") {
		t.Fatalf("verify says %q", out)
	}
	inCm := strings.TrimSpace(mustZK(t, "commit", dir, "--input", input, "--salt", "0x99"))
	mustZK(t, "verify", dir, "--proof", prf, "--input-commitment", inCm)
	if code, _, errOut := zk(t, "verify", dir, "--proof", prf, "--model-commitment", cm); code != 1 || !strings.Contains(errOut, "INVALID") {
		t.Fatalf("verify against the unsalted commitment: exit %d: %s", code, errOut)
	}
	// The other model's weights prove, but not against this model's commitment.
	prf2 := filepath.Join(tmp, "p2.json")
	mustZK(t, "prove", dir, "--input", input, "--proof", prf2, "--model", other, "--param-salt", "0x2a", "--quiet")
	if code, _, errOut := zk(t, "verify", dir, "--proof", prf2, "--model-commitment", cmSalted); code != 1 {
		t.Fatalf("other weights verified against the model's commitment: %s", errOut)
	}
	mustZK(t, "verify", dir, "--proof", prf2, "--model-commitment", strings.TrimSpace(mustZK(t, "commit", other, "--salt", "2a")))
	// The directory holds no weights: proving needs them.
	if code, _, errOut := zk(t, "prove", dir, "--input", input, "--proof", prf2, "--quiet"); code != 1 || !strings.Contains(errOut, "--model") {
		t.Fatalf("prove without weights: exit %d: %s", code, errOut)
	}
}

func TestClaimCLI(t *testing.T) {
	model, input := privacyCorpus(t, "1l_mlp") // outputs [0.273, 0.648, 0, 0]
	tmp := t.TempDir()
	compile := func(name, claim string) string {
		dir := filepath.Join(tmp, name)
		mustZK(t, "compile", model, "--out", dir, "--claim", claim, "--quiet")
		mustZK(t, "setup", dir, "--quiet")
		return dir
	}
	a := compile("a", "output[1] >= 0.6")
	prf := filepath.Join(tmp, "p.json")
	mustZK(t, "prove", a, "--input", input, "--proof", prf, "--quiet")
	raw, _ := os.ReadFile(prf)
	if strings.Contains(string(raw), `"outputs"`) || !strings.Contains(string(raw), `"claim": "output[1] >= 0.6"`) {
		t.Fatalf("proof file: %s", raw)
	}
	out := mustZK(t, "verify", a, "--proof", prf, "--claim", "output[1]>=0.6")
	if !strings.Contains(out, `satisfy the claim "output[1] >= 0.6"`) || strings.Contains(out, "0.648") {
		t.Fatalf("verify says %q", out)
	}
	if code, _, _ := zk(t, "verify", a, "--proof", prf, "--claim", "output[1] >= 0.5"); code != 1 {
		t.Fatal("verified against another claim text")
	}
	// Another threshold: a different directory rejects the proof.
	b := compile("b", "output[1] >= 0.5")
	if code, _, errOut := zk(t, "verify", b, "--proof", prf); code != 1 {
		t.Fatalf("a proof of >= 0.6 verified against >= 0.5: %s", errOut)
	}
	// Even with the claim text rewritten to match, the bounds differ.
	s := strings.Replace(string(raw), `"claim": "output[1] >= 0.6"`, `"claim": "output[1] >= 0.5"`, 1)
	forged := writeFile(t, tmp, "forged.json", s)
	if code, _, _ := zk(t, "verify", b, "--proof", forged); code != 1 {
		t.Fatal("a forged claim text verified")
	}
	// A false claim cannot be proven.
	c := compile("c", "argmax(output) == 0")
	if code, _, errOut := zk(t, "prove", c, "--input", input, "--proof", prf, "--quiet"); code != 1 || !strings.Contains(errOut, "does not hold") {
		t.Fatalf("false claim: exit %d: %s", code, errOut)
	}
}
