package main

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/internal/onnxbuild"
	"github.com/zkinfer/zkinfer/internal/testkit"
	"github.com/zkinfer/zkinfer/onnx"
	"github.com/zkinfer/zkinfer/proof/verifier"
)

// The transparent backend from the CLI (--backend sumcheck): compile, setup
// (nothing), prove, verify, and a soundness suite over the proof file.

// sumcheckDir compiles model into a fresh directory with --backend
// sumcheck and the extra flags.
func sumcheckCompile(t *testing.T, model string, flags ...string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "c")
	mustZK(t, append([]string{"compile", model, "--out", dir, "--backend", "sumcheck"}, flags...)...)
	return dir
}

// sumcheckProve compiles, sets up (checking nothing is written), proves
// and verifies; it returns the directory, the proof file and verify's
// output.
func sumcheckProve(t *testing.T, model, input string) (string, string, string) {
	t.Helper()
	dir := sumcheckCompile(t, model)
	before, _ := os.ReadDir(dir)
	out := mustZK(t, "setup", dir)
	after, _ := os.ReadDir(dir)
	if len(after) != len(before) || !strings.Contains(out, "no setup") {
		t.Fatalf("setup wrote %d files (had %d) and said %q", len(after), len(before), out)
	}
	pf := filepath.Join(dir, "proof.json")
	mustZK(t, "prove", dir, "--input", input, "--proof", pf)
	return dir, pf, mustZK(t, "verify", dir, "--proof", pf)
}

type proofFile struct {
	Protocol     string      `json:"protocol"`
	Outputs      [][]float64 `json:"outputs"`
	PublicInputs []string    `json:"public_inputs"`
	Proof        string      `json:"proof"`
}

func readProofFile(t *testing.T, path string) (proofFile, map[string]any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var p proofFile
	var raw map[string]any
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatal(err)
	}
	json.Unmarshal(b, &raw)
	return p, raw
}

// TestSumcheckCorpus: corpus MLPs and CNNs proven and verified from the
// CLI with the outputs `zkinfer run` prints, within 1% of onnxruntime's,
// and the statement in Groth16's words: the proofs are zero knowledge
// (wire version 6, vanishing masks), so the private input "stays secret" —
// 2l_relu_fc's one output and 1l_linear's K = 1, N = 1 layer too, whose
// tables are padded to two variables a dimension (matmul.MinDim; before,
// a one-entry accumulator had no mask and verify kept the binding-only
// statement).
func TestSumcheckCorpus(t *testing.T) {
	for _, name := range []string{"1l_mlp", "2l_relu_fc", "1l_linear", "1l_conv", "3l_relu_conv_fc"} {
		t.Run(name, func(t *testing.T) {
			model, input := testkit.CorpusModel(t, name)
			_, pf, out := sumcheckProve(t, model, input)
			if !strings.HasPrefix(out, "verified: the model with sha256 ") || !strings.Contains(out, "chain sha256") || !saysZK(out, true) {
				t.Fatalf("verify said %q", out)
			}
			p, _ := readProofFile(t, pf)
			if p.Protocol != "sumcheck-bn254" {
				t.Fatalf("protocol %q", p.Protocol)
			}
			run, err := runModel(t, filepath.Dir(model))
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(run) != fmt.Sprint(p.Outputs) {
				t.Fatalf("proven outputs %v, zkinfer run prints %v", p.Outputs, run)
			}
			ref, err := readReference(filepath.Dir(model))
			if err != nil {
				t.Fatal(err)
			}
			if e := relErr(p.Outputs, ref); e > 0.01 {
				t.Fatalf("proven outputs are %.4f from onnxruntime's", e)
			}
		})
	}
}

// mnistMLP writes a 784 → 128 (ReLU) → 10 model with He-uniform weights
// and an input in [0, 1), and returns their paths and the float64
// reference output computed here from the same float32 weights.
func mnistMLP(t *testing.T) (string, string, []float64) {
	t.Helper()
	rng := rand.New(rand.NewPCG(28, 28))
	layer := func(in, out int) ([]float32, []float32) {
		lim := math.Sqrt(6 / float64(in))
		w := make([]float32, in*out) // Gemm with transB: out×in
		for i := range w {
			w[i] = float32((rng.Float64()*2 - 1) * lim)
		}
		b := make([]float32, out)
		for i := range b {
			b[i] = float32(rng.Float64()*0.2 - 0.1)
		}
		return w, b
	}
	w1, b1 := layer(784, 128)
	w2, b2 := layer(128, 10)
	x := make([]float64, 784)
	for i := range x {
		x[i] = float64(float32(rng.Float64()))
	}
	dense := func(x []float64, w, b []float32, n int, relu bool) []float64 {
		y := make([]float64, n)
		for j := range n {
			s := float64(b[j])
			for k := range x {
				s += x[k] * float64(w[j*len(x)+k])
			}
			if relu {
				s = max(s, 0)
			}
			y[j] = s
		}
		return y
	}
	ref := dense(dense(x, w1, b1, 128, true), w2, b2, 10, false)
	tb := onnx.TensorProto_FLOAT
	gemm := func(name, in, out string) *onnx.NodeProto {
		return onnxbuild.WithAttrs(onnxbuild.Node(name, "Gemm", []string{in, name + ".w", name + ".b"}, []string{out}), onnxbuild.IntAttr("transB", 1))
	}
	m := onnxbuild.Model(
		[]*onnx.NodeProto{gemm("fc1", "input", "h"), onnxbuild.Node("relu", "Relu", []string{"h"}, []string{"r"}), gemm("fc2", "r", "output")},
		[]*onnx.TensorProto{onnxbuild.Floats("fc1.w", []int64{128, 784}, w1...), onnxbuild.Floats("fc1.b", []int64{128}, b1...),
			onnxbuild.Floats("fc2.w", []int64{10, 128}, w2...), onnxbuild.Floats("fc2.b", []int64{10}, b2...)},
		[]*onnx.ValueInfoProto{onnxbuild.Value("input", tb, 1, 784)}, []*onnx.ValueInfoProto{onnxbuild.Value("output", tb, 1, 10)})
	dir := t.TempDir()
	path := filepath.Join(dir, "mnist_mlp.onnx")
	if err := os.WriteFile(path, onnxbuild.Bytes(m), 0o644); err != nil {
		t.Fatal(err)
	}
	in, _ := json.Marshal(map[string]any{"input_data": [][]float64{x}})
	return path, writeFile(t, dir, "input.json", string(in)), ref
}

// TestSumcheckMNIST: an MNIST-size MLP, proven within 1% of the float
// model.
func TestSumcheckMNIST(t *testing.T) {
	model, input, ref := mnistMLP(t)
	_, pf, _ := sumcheckProve(t, model, input)
	p, _ := readProofFile(t, pf)
	var r reference
	r.Outputs = append(r.Outputs, struct {
		Name string
		Data []float64
	}{"output", ref})
	if e := relErr(p.Outputs, &r); e > 0.01 {
		t.Fatalf("proven outputs %v are %.4f from the float model's %v", p.Outputs, e, ref)
	}
}

// expectInvalid verifies content against dir: a non-zero exit, one line on
// stderr naming the proof INVALID (or the file malformed), nothing on
// stdout, and the returned message.
func expectInvalid(t *testing.T, dir, what, content string) string {
	t.Helper()
	bad := writeFile(t, t.TempDir(), "bad.json", content)
	code, out, errOut := zk(t, "verify", dir, "--proof", bad)
	msg := strings.TrimSpace(errOut)
	switch {
	case code == 0:
		t.Fatalf("%s: verify accepted it: %s", what, out)
	case code != exitInvalid:
		t.Fatalf("%s: exit %d, want %d: %s", what, code, exitInvalid, msg)
	case strings.Contains(msg, "\n") || msg == "" || out != "":
		t.Fatalf("%s: not a one-line error: stdout %q stderr %q", what, out, errOut)
	case strings.Contains(msg, "panic"):
		t.Fatalf("%s: %s", what, msg)
	}
	return msg
}

func edited(t *testing.T, raw map[string]any, f func(map[string]any)) string {
	t.Helper()
	b, _ := json.Marshal(raw)
	var c map[string]any
	json.Unmarshal(b, &c)
	f(c)
	out, _ := json.Marshal(c)
	return string(out)
}

// withProofBytes replaces the proof's bytes.
func withProofBytes(t *testing.T, raw map[string]any, f func([]byte) []byte) string {
	return edited(t, raw, func(c map[string]any) {
		b, _ := hex.DecodeString(c["proof"].(string))
		c["proof"] = hex.EncodeToString(f(b))
	})
}

// addField adds d to a 0x-hex field element.
func addField(s string, d int64) string {
	v, _ := new(big.Int).SetString(strings.TrimPrefix(s, "0x"), 16)
	v.Add(v, big.NewInt(d)).Mod(v, fr.Modulus())
	b := make([]byte, 32)
	v.FillBytes(b)
	return "0x" + hex.EncodeToString(b)
}

// TestSumcheckSoundness: every change to a proof file is rejected from
// the CLI with a one-line error and exit 1 — bytes of the proof flipped
// anywhere, truncated, extended; outputs changed alone or with their
// public inputs; the proof moved to another input's statement, to another
// model and to the same model compiled with other weights' scale.
func TestSumcheckSoundness(t *testing.T) {
	for _, name := range []string{"1l_mlp", "3l_relu_conv_fc"} {
		t.Run(name, func(t *testing.T) { sumcheckSoundness(t, name) })
	}
}

func sumcheckSoundness(t *testing.T, name string) {
	model, input := testkit.CorpusModel(t, name)
	dir, pf, _ := sumcheckProve(t, model, input)
	p, raw := readProofFile(t, pf)
	b, err := hex.DecodeString(p.Proof)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("flipped bytes", func(t *testing.T) {
		// The header, then 40 positions spread over the whole proof.
		var at []int
		for i := range 8 {
			at = append(at, i)
		}
		for k := range 40 {
			at = append(at, 8+k*(len(b)-9)/39)
		}
		for _, i := range at {
			msg := expectInvalid(t, dir, fmt.Sprintf("byte %d flipped", i), withProofBytes(t, raw, func(b []byte) []byte {
				b[i] ^= 0x10
				return b
			}))
			if !strings.Contains(msg, "INVALID") {
				t.Fatalf("byte %d: %s", i, msg)
			}
		}
	})
	for _, c := range []struct {
		name string
		edit func([]byte) []byte
		want string
	}{
		{"truncated by one byte", func(b []byte) []byte { return b[:len(b)-1] }, "truncated"},
		{"truncated to half", func(b []byte) []byte { return b[:len(b)/2] }, "truncated"},
		{"empty", func(b []byte) []byte { return nil }, "no \"ZKTP\" header"},
		{"extended by a byte", func(b []byte) []byte { return append(b, 0) }, "after the proof's end"},
		{"extended by a field element", func(b []byte) []byte { return append(b, make([]byte, 32)...) }, "after the proof's end"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if msg := expectInvalid(t, dir, c.name, withProofBytes(t, raw, c.edit)); !strings.Contains(msg, c.want) {
				t.Fatalf("%s: %s, want %q", c.name, msg, c.want)
			}
		})
	}
	statement := []struct {
		name, content, want string
	}{
		{"odd hex", edited(t, raw, func(c map[string]any) { c["proof"] = c["proof"].(string)[1:] }), "not hex"},
		{"an output changed", edited(t, raw, func(c map[string]any) {
			o := c["outputs"].([]any)[0].([]any)
			o[0] = o[0].(float64) + 1.0/4096
		}), "the proof's public input says"},
		{"an output and its public input changed", edited(t, raw, func(c map[string]any) {
			o := c["outputs"].([]any)[0].([]any)
			o[0] = o[0].(float64) + 1.0/4096
			pub := c["public_inputs"].([]any)
			pub[0] = addField(pub[0].(string), 1)
		}), "transparent proof does not hold"},
		{"the protocol changed", edited(t, raw, func(c map[string]any) { c["protocol"] = "groth16-bn254" }), "proof was made with"},
		{"the model digest changed", edited(t, raw, func(c map[string]any) {
			c["model_sha256"] = strings.Repeat("0", 64)
		}), "proof is for the model"},
		{"a context added", edited(t, raw, func(c map[string]any) { c["context"] = "0x01" }), "context"},
		{"a public input dropped", edited(t, raw, func(c map[string]any) {
			c["public_inputs"] = c["public_inputs"].([]any)[1:]
		}), "public inputs"},
		{"not JSON", "{\"proof\": ", "not a proof file"},
	}
	for _, c := range statement {
		t.Run(c.name, func(t *testing.T) {
			if msg := expectInvalid(t, dir, c.name, c.content); !strings.Contains(msg, c.want) {
				t.Fatalf("%s: %s, want %q", c.name, msg, c.want)
			}
		})
	}

	t.Run("another input", func(t *testing.T) {
		// The proof of input B under the statement of input A, and A's
		// proof under B's statement.
		var in struct {
			InputData [][]float64 `json:"input_data"`
		}
		ib, _ := os.ReadFile(input)
		json.Unmarshal(ib, &in)
		for i := range in.InputData[0] {
			in.InputData[0][i] = -in.InputData[0][i] + 0.5
		}
		js, _ := json.Marshal(map[string]any{"input_data": in.InputData})
		other := writeFile(t, t.TempDir(), "input.json", string(js))
		pf2 := filepath.Join(t.TempDir(), "proof2.json")
		mustZK(t, "prove", dir, "--input", other, "--proof", pf2)
		p2, raw2 := readProofFile(t, pf2)
		if fmt.Sprint(p2.Outputs) == fmt.Sprint(p.Outputs) {
			t.Fatal("the other input gives the same outputs: pick another")
		}
		expectInvalid(t, dir, "B's proof under A's statement", edited(t, raw, func(c map[string]any) { c["proof"] = p2.Proof }))
		expectInvalid(t, dir, "A's proof under B's statement", edited(t, raw2, func(c map[string]any) { c["proof"] = p.Proof }))
	})
	t.Run("another model", func(t *testing.T) {
		m2, _ := testkit.CorpusModel(t, "2l_relu_fc")
		msg := expectInvalid(t, sumcheckCompile(t, m2), name+"'s proof for 2l_relu_fc", string(mustRead(t, pf)))
		if !strings.Contains(msg, "proof is for the model") && !strings.Contains(msg, "public inputs") {
			t.Fatalf("another model: %s", msg)
		}
		// The same ONNX file with its weights at another scale: the same
		// model digest and output scale, another chain. Only the proof
		// itself can tell.
		msg = expectInvalid(t, sumcheckCompile(t, model, "--param-scale", "10"), "the proof against other weights' scale", string(mustRead(t, pf)))
		if !strings.Contains(msg, "transparent proof does not hold") {
			t.Fatalf("other weights: %s", msg)
		}
	})
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestSumcheckRefusals: what the transparent backend does not prove is a
// one-line error naming it, and the gnark-only commands refuse its
// directories.
func TestSumcheckRefusals(t *testing.T) {
	out := t.TempDir()
	sig, _ := testkit.CorpusModel(t, "1l_sigmoid")
	pool, _ := testkit.CorpusModel(t, "1l_max_pool")
	mlp, input := testkit.CorpusModel(t, "1l_mlp")
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"sigmoid", []string{"compile", sig, "--out", filepath.Join(out, "a"), "--backend", "sumcheck"}, "Sigmoid"},
		{"max pool alone", []string{"compile", pool, "--out", filepath.Join(out, "e"), "--backend", "sumcheck"}, "MaxPool"},
		{"public input", []string{"compile", mlp, "--out", filepath.Join(out, "b"), "--backend", "sumcheck", "--input-visibility", "public"}, "private input only"},
		{"hashed output", []string{"compile", mlp, "--out", filepath.Join(out, "c"), "--backend", "sumcheck", "--output-visibility", "hashed"}, "public outputs only"},
		{"range check", []string{"compile", mlp, "--out", filepath.Join(out, "d"), "--backend", "sumcheck", "--range-check", "bits"}, "--range-check"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, _, errOut := zk(t, c.args...)
			msg := strings.TrimSpace(errOut)
			if code == 0 || strings.Contains(msg, "\n") || !strings.Contains(msg, c.want) {
				t.Fatalf("exit %d: %q, want one line with %q", code, msg, c.want)
			}
			if (c.name == "sigmoid" || c.name == "max pool alone") && !strings.Contains(msg, "--backend groth16") {
				t.Fatalf("%q does not suggest --backend groth16", msg)
			}
		})
	}
	dir := sumcheckCompile(t, mlp)
	pf := filepath.Join(dir, "proof.json")
	mustZK(t, "prove", dir, "--input", input, "--proof", pf)
	// Nothing checked: a missing proof file, a directory whose model was
	// replaced. Exit 3 (could not check), not 1 (invalid).
	broken := sumcheckCompile(t, mlp)
	os.WriteFile(filepath.Join(broken, "model.onnx"), []byte("other"), 0o644)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"verify", dir, "--proof", filepath.Join(out, "missing.json")}, "missing.json"},
		{[]string{"verify", broken, "--proof", pf}, "does not match the model it was compiled from"},
		{[]string{"prove", broken, "--input", input, "--proof", filepath.Join(out, "p.json")}, "does not match the model it was compiled from"},
		{[]string{"setup", broken}, "does not match the model it was compiled from"},
	} {
		code, _, errOut := zk(t, c.args...)
		if msg := strings.TrimSpace(errOut); code != exitError || strings.Contains(msg, "\n") || !strings.Contains(msg, c.want) {
			t.Fatalf("%s: exit %d, want %d and %q: %q", strings.Join(c.args, " "), code, exitError, c.want, msg)
		}
	}
	for _, args := range [][]string{
		{"export-verifier", dir, "--out", filepath.Join(out, "V.sol")},
		{"calldata", dir, "--proof", pf},
		{"verify-evm", dir, "--proof", pf},
		{"export-web", dir, "--out", filepath.Join(out, "web")},
	} {
		t.Run(args[0], func(t *testing.T) {
			code, _, errOut := zk(t, args...)
			msg := strings.TrimSpace(errOut)
			// verify-evm of a build without -tags evm says so first.
			if code == 0 || strings.Contains(msg, "\n") || !strings.Contains(msg, "sumcheck") && !strings.Contains(msg, "built without the EVM") {
				t.Fatalf("%s: exit %d: %q", args[0], code, msg)
			}
		})
	}
}

// saysZK reports whether verify's statement out is the zero-knowledge one
// (the input "stays secret", nothing "not zero knowledge") when zk, else the
// binding-only one.
func saysZK(out string, zk bool) bool {
	secret := strings.Contains(out, "ran on a private input that stays secret") && !strings.Contains(out, "not zero knowledge")
	binding := strings.Contains(out, "ran on an input not included in the proof (not zero knowledge") && !strings.Contains(out, "stays secret")
	return zk && secret || !zk && binding
}

// TestSumcheckContext: prove --context binds a transparent proof as it
// binds Groth16's: verify with the context (or none expected) accepts it
// and says it is bound, in verifier.Describe's words; verify with another
// is a one-line INVALID naming both; the proof file's context edited to
// another, alone or with its public input (the statement then consistent),
// is refused, the latter by the transparent proof (its transcript absorbed
// the context first); a proof bound to none is refused where a context is
// expected, and says it is bound to none.
func TestSumcheckContext(t *testing.T) {
	model, input := testkit.CorpusModel(t, "1l_mlp")
	dir := sumcheckCompile(t, model)
	pf := filepath.Join(dir, "proof.json")
	mustZK(t, "prove", dir, "--input", input, "--proof", pf, "--context", "0xaa01")
	for _, args := range [][]string{{"--context", "aa01"}, nil} {
		out := mustZK(t, append([]string{"verify", dir, "--proof", pf}, args...)...)
		if !strings.Contains(out, "; the proof is bound to the context 0xaa01") || strings.Contains(out, "bound to no context") {
			t.Fatalf("verify %v: %q", args, out)
		}
	}
	code, out, errOut := zk(t, "verify", dir, "--proof", pf, "--context", "0xbb02")
	if msg := strings.TrimSpace(errOut); code != exitInvalid || out != "" || strings.Contains(msg, "\n") ||
		!strings.Contains(msg, "INVALID: the proof is bound to the context 0xaa01, not to the expected 0xbb02") {
		t.Fatalf("another context expected: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	_, raw := readProofFile(t, pf)
	if raw["context"] != "0xaa01" {
		t.Fatalf("proof file's context %v, want 0xaa01", raw["context"])
	}
	off := len(raw["public_inputs"].([]any)) - 1 // the context's public input comes last
	for _, c := range []struct{ name, content, want string }{
		{"the context edited", edited(t, raw, func(c map[string]any) { c["context"] = "0xbb02" }), "does not hash to its context public input"},
		{"the context and its public input edited", edited(t, raw, func(c map[string]any) {
			c["context"] = "0xbb02"
			c["public_inputs"].([]any)[off] = verifier.FieldHex(circuit.ContextValue([]byte{0xbb, 0x02}))
		}), "the transparent proof does not hold"},
		{"the context and its public input removed", edited(t, raw, func(c map[string]any) {
			delete(c, "context")
			c["public_inputs"].([]any)[off] = verifier.FieldHex(circuit.ContextValue(nil))
		}), "the transparent proof does not hold"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if msg := expectInvalid(t, dir, c.name, c.content); !strings.Contains(msg, c.want) {
				t.Fatalf("%s: %s, want %q", c.name, msg, c.want)
			}
		})
	}
	mustZK(t, "prove", dir, "--input", input, "--proof", pf)
	if out := mustZK(t, "verify", dir, "--proof", pf); !strings.Contains(out, "; the proof is bound to no context (whoever sees it can present it again)") {
		t.Fatalf("unbound proof: %q", out)
	}
	code, out, errOut = zk(t, "verify", dir, "--proof", pf, "--context", "0xaa01")
	if msg := strings.TrimSpace(errOut); code != exitInvalid || out != "" || strings.Contains(msg, "\n") ||
		!strings.Contains(msg, "INVALID: the proof is bound to no context, not to the expected 0xaa01") {
		t.Fatalf("unbound proof, a context expected: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if code, _, errOut := zk(t, "prove", dir, "--input", input, "--proof", pf, "--context", "0xzz"); code == 0 || !strings.Contains(errOut, "--context") {
		t.Fatalf("a context not hex: exit %d: %q", code, errOut)
	}
}
