package main

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSumcheckResidual: a small residual network (testdata/resnet_small:
// onnxbuild.ResNet(2, 8), resnet_c32's shape with two channels on 8×8,
// and onnxruntime's outputs for its input) compiles with --backend
// sumcheck as a residual network, proves and verifies from the CLI with
// the outputs `zkinfer run` prints, within 1% of onnxruntime's; a proof
// with a flipped byte, and another input's proof under this one's
// statement, are refused with a one-line error.
func TestSumcheckResidual(t *testing.T) {
	src := filepath.Join("testdata", "resnet_small")
	model, input := filepath.Join(src, "network.onnx"), filepath.Join(src, "input.json")
	dir := sumcheckCompile(t, model)
	pf := filepath.Join(dir, "proof.json")
	mustZK(t, "prove", dir, "--input", input, "--proof", pf)
	out := mustZK(t, "verify", dir, "--proof", pf)
	if !strings.HasPrefix(out, "verified: ") {
		t.Fatalf("verify said %q", out)
	}
	p, raw := readProofFile(t, pf)
	if p.Protocol != "sumcheck-bn254" {
		t.Fatalf("protocol %q", p.Protocol)
	}
	b, err := hex.DecodeString(p.Proof)
	if err != nil || len(b) < 7 || b[6] != 6 {
		t.Fatalf("the proof is not of kind 6 (a residual network's): %v", err)
	}
	run, err := runModel(t, src)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(run) != fmt.Sprint(p.Outputs) {
		t.Fatalf("proven outputs %v, zkinfer run prints %v", p.Outputs, run)
	}
	ref, err := readReference(src)
	if err != nil {
		t.Fatal(err)
	}
	if e := relErr(p.Outputs, ref); e > 0.01 {
		t.Fatalf("proven outputs are %.4f from onnxruntime's", e)
	}

	for k := range 12 {
		i := 8 + k*(len(b)-9)/11
		msg := expectInvalid(t, dir, fmt.Sprintf("byte %d flipped", i), withProofBytes(t, raw, func(b []byte) []byte {
			b[i] ^= 0x10
			return b
		}))
		if !strings.Contains(msg, "INVALID") {
			t.Fatalf("byte %d: %s", i, msg)
		}
	}

	// Another input's proof, under this proof's statement.
	rng := rand.New(rand.NewPCG(9, 9))
	x := make([]float64, 3*8*8)
	for i := range x {
		x[i] = rng.Float64()*2 - 1
	}
	js, _ := json.Marshal(map[string]any{"input_data": [][]float64{x}})
	other := filepath.Join(t.TempDir(), "other.json")
	if err := os.WriteFile(other, js, 0o644); err != nil {
		t.Fatal(err)
	}
	opf := filepath.Join(t.TempDir(), "other_proof.json")
	mustZK(t, "prove", dir, "--input", other, "--proof", opf)
	q, _ := readProofFile(t, opf)
	if fmt.Sprint(q.Outputs) == fmt.Sprint(p.Outputs) {
		t.Fatal("the other input gives the same outputs: pick another")
	}
	msg := expectInvalid(t, dir, "another input's proof", edited(t, raw, func(c map[string]any) { c["proof"] = q.Proof }))
	if !strings.Contains(msg, "transparent proof does not hold") {
		t.Fatalf("another input's proof: %s", msg)
	}
}
