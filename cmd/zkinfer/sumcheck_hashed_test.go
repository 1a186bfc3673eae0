package main

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zkinfer/zkinfer/internal/testkit"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/wire"
)

// TestSumcheckHashed: --backend sumcheck with --param-visibility hashed
// from the CLI, on two dense models and a CNN of the corpus: the directory
// holds no weights; prove (--model, --param-salt) gives the fixed-weights
// proof's outputs; the proof's model commitment is the one `zkinfer commit`
// prints; verify prints it in the statement and checks --model-commitment;
// a second proof under the same salt has other weight commitments and
// verifies against the same commitment (provenAgain);
// a tampered commitment in PROOF.json, another salt's commitment expected,
// a missing salt, a model of another architecture and the proof checked
// against the fixed directory are each refused.
func TestSumcheckHashed(t *testing.T) {
	const salt = "0x5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5e"
	for _, name := range []string{"1l_mlp", "2l_relu_fc", "3l_relu_conv_fc"} {
		t.Run(name, func(t *testing.T) {
			model, input := testkit.CorpusModel(t, name)
			fixedDir, fixedProof, _ := sumcheckProve(t, model, input)
			dir := sumcheckCompile(t, model, "--param-visibility", "hashed")
			orig, _ := os.ReadFile(model)
			kept, _ := os.ReadFile(filepath.Join(dir, "model.onnx"))
			if string(orig) == string(kept) {
				t.Fatal("the hashed directory holds the model with its weights")
			}
			pf := filepath.Join(t.TempDir(), "proof.json")
			if code, _, errOut := zk(t, "prove", dir, "--input", input, "--proof", pf, "--model", model); code == 0 || !strings.Contains(errOut, "--param-salt") {
				t.Fatalf("prove without a salt: exit %d: %s", code, errOut)
			}
			mustZK(t, "prove", dir, "--input", input, "--proof", pf, "--model", model, "--param-salt", salt)
			mc := strings.TrimSpace(mustZK(t, "commit", dir, "--model", model, "--param-salt", salt))
			p, raw := readProofFile(t, pf)
			fp, _ := readProofFile(t, fixedProof)
			if fmt.Sprint(p.Outputs) != fmt.Sprint(fp.Outputs) {
				t.Fatalf("hashed outputs %v, fixed %v", p.Outputs, fp.Outputs)
			}
			cm, _ := raw["commitments"].(map[string]any)
			if cm["params"] != mc || len(mc) != 66 {
				t.Fatalf("the proof's commitment %v, zkinfer commit printed %q", cm["params"], mc)
			}
			out := mustZK(t, "verify", dir, "--proof", pf, "--model-commitment", mc)
			if !strings.HasPrefix(out, "verified: a model with the architecture of sha256 ") || !strings.Contains(out, "whose commitment is "+mc) ||
				!saysZK(out, true) || !strings.Contains(out, "and secret weights (") {
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
			for _, edit := range []struct {
				name string
				f    func(m map[string]any)
			}{
				{"commitment", func(m map[string]any) {
					m["commitments"] = map[string]any{"params": other}
				}},
				{"no commitment", func(m map[string]any) { delete(m, "commitments") }},
				{"another key", func(m map[string]any) {
					m["commitments"] = map[string]any{"params": mc, "input": mc}
				}},
			} {
				var m map[string]any
				b, _ := os.ReadFile(pf)
				json.Unmarshal(b, &m)
				edit.f(m)
				b, _ = json.Marshal(m)
				bad := filepath.Join(t.TempDir(), "bad.json")
				os.WriteFile(bad, b, 0o644)
				if code, _, errOut := zk(t, "verify", dir, "--proof", bad); code != 1 || !strings.Contains(errOut, "INVALID") || strings.Count(strings.TrimSpace(errOut), "\n") > 0 {
					t.Errorf("%s: exit %d: %s", edit.name, code, errOut)
				}
			}
			if code, _, _ := zk(t, "verify", fixedDir, "--proof", pf); code != 1 {
				t.Errorf("the hashed proof checked against the fixed directory: exit %d", code)
			}
			if code, _, _ := zk(t, "verify", dir, "--proof", fixedProof); code != 1 {
				t.Errorf("the fixed proof checked against the hashed directory: exit %d", code)
			}
		})
	}
	t.Run("another architecture", func(t *testing.T) {
		model, input := testkit.CorpusModel(t, "2l_relu_fc")
		otherModel, _ := testkit.CorpusModel(t, "1l_mlp")
		dir := sumcheckCompile(t, model, "--param-visibility", "hashed")
		pf := filepath.Join(t.TempDir(), "proof.json")
		if code, _, errOut := zk(t, "prove", dir, "--input", input, "--proof", pf, "--model", otherModel, "--param-salt", salt); code == 0 || !strings.Contains(errOut, "architecture") {
			t.Errorf("another model's weights: exit %d: %s", code, errOut)
		}
	})
}

// provenAgain proves dir's model again under the same salt (pf's proof was
// the first) and checks that the second proof verifies against the same
// model commitment mc while none of its weight commitments is the first's
// (fresh in every proof), and that the first proof with its format version
// set to 7 (before the weights were bound to a root) is refused with one
// line saying to prove again.
func provenAgain(t *testing.T, dir, input, model, salt, pf, mc string) {
	t.Helper()
	pf2 := filepath.Join(t.TempDir(), "again.json")
	mustZK(t, "prove", dir, "--input", input, "--proof", pf2, "--model", model, "--param-salt", salt)
	mustZK(t, "verify", dir, "--proof", pf2, "--model-commitment", mc)
	p1, raw := readProofFile(t, pf)
	p2, _ := readProofFile(t, pf2)
	a, b := proofWeightComs(t, p1.Proof), proofWeightComs(t, p2.Proof)
	if len(a) == 0 || len(a) != len(b) {
		t.Fatalf("%d and %d weight commitments", len(a), len(b))
	}
	for i := range a {
		if a[i] == b[i] {
			t.Fatalf("weight commitment %d repeats across two proofs under one salt", i)
		}
	}
	msg := expectInvalid(t, dir, "version 7", withProofBytes(t, raw, func(b []byte) []byte {
		b[5] = 7
		return b
	}))
	if !strings.Contains(msg, "format version 7") || !strings.Contains(msg, "prove it again") {
		t.Errorf("a version-7 proof: %s", msg)
	}
}

// proofWeightComs decodes a hashed proof's weight commitments (kind 4, 5
// or 7).
func proofWeightComs(t *testing.T, proofHex string) []pcs.Commitment {
	t.Helper()
	raw, err := hex.DecodeString(proofHex)
	if err != nil || len(raw) < 7 {
		t.Fatalf("proof hex: %v", err)
	}
	switch raw[6] {
	case wire.KindMLPCommitted:
		q, err := wire.DecodeMLPCommitted(raw)
		if err != nil {
			t.Fatal(err)
		}
		return q.Weights
	case wire.KindCNNCommitted:
		q, err := wire.DecodeCNNCommitted(raw)
		if err != nil {
			t.Fatal(err)
		}
		return q.Weights
	}
	q, err := wire.DecodeResidualCommitted(raw)
	if err != nil {
		t.Fatal(err)
	}
	return q.Weights
}
