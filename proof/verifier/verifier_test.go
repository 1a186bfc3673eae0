package verifier_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/proof"
	"github.com/zkinfer/zkinfer/proof/verifier"
	"github.com/zkinfer/zkinfer/quant"
)

const (
	creditModel = "../../examples/credit/model.onnx"
	creditInput = "../../examples/credit/input.json"
)

// proveCredit compiles the credit model into dir with vis, sets it up and
// proves one inference.
func proveCredit(dir string, vis circuit.Visibility) (*proof.Compiled, *proof.Proof, error) {
	c, err := proof.CompileWith(creditModel, dir, proof.CompileOptions{Quant: quant.Default, Visibility: vis})
	if err != nil {
		return nil, nil, err
	}
	if err := c.Setup(nil); err != nil {
		return nil, nil, err
	}
	in, err := model.ReadInput(creditInput)
	if err != nil {
		return nil, nil, err
	}
	p, err := c.Prove(in, nil)
	return c, p, err
}

// Verification from what a page holds: settings.json and vk.bin, no model.
func Example() {
	dir, _ := os.MkdirTemp("", "zkinfer")
	defer os.RemoveAll(dir)
	_, p, err := proveCredit(dir, circuit.DefaultVisibility)
	if err != nil {
		fmt.Println(err)
		return
	}

	b, _ := os.ReadFile(filepath.Join(dir, proof.SettingsFile))
	s, err := verifier.ParseSettings(b)
	if err != nil {
		fmt.Println(err)
		return
	}
	vk, _ := os.ReadFile(filepath.Join(dir, proof.VerifyingKey))
	if err := verifier.Verify(s, verifier.KeyBytes(vk), p, verifier.Options{}); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(verifier.Describe(s, p))

	p.Outputs[0][0] = 0.99
	fmt.Println(verifier.Verify(s, verifier.KeyBytes(vk), p, verifier.Options{}))
	// Output:
	// the model with sha256 609d09be722ae796…, whose weights are fixed in the circuit, ran on a private input that stays secret and produced outputs [[0.904541015625]]; the proof is bound to no context (whoever sees it can present it again)
	// outputs[0][0] = 0.99, but the proof's public input says 0.904541015625
}

// TestParseSettings checks that settings a verifier cannot rely on are
// refused in one line, and that the directory's own are accepted.
func TestParseSettings(t *testing.T) {
	dir := t.TempDir()
	c, err := proof.CompileWith(creditModel, dir, proof.CompileOptions{Quant: quant.Default, Visibility: circuit.Visibility{Input: circuit.Private, Params: circuit.Fixed, Output: circuit.Private, Claim: "output[0] >= 0.5"}})
	if err != nil {
		t.Fatal(err)
	}
	good, _ := json.Marshal(c.Settings)
	edit := func(f func(m map[string]any)) string {
		var m map[string]any
		json.Unmarshal(good, &m)
		f(m)
		b, _ := json.Marshal(m)
		return string(b)
	}
	output := func(m map[string]any) map[string]any { return m["outputs"].([]any)[0].(map[string]any) }
	for _, tc := range []struct{ name, settings, want string }{
		{"the directory's", string(good), ""},
		{"not JSON", "{", "settings.json is corrupt"},
		{"another version", edit(func(m map[string]any) { m["version"] = 1 }), "format version 1"},
		{"another backend", edit(func(m map[string]any) { m["backend"] = "stark" }), `backend "stark" is not supported`},
		{"an unknown visibility", edit(func(m map[string]any) { m["visibility"].(map[string]any)["input"] = "shared" }), "input visibility"},
		{"public inputs", edit(func(m map[string]any) { m["public_inputs"] = 9 }), "public_inputs is 9"},
		{"a huge shape", edit(func(m map[string]any) { output(m)["shape"] = []int{1 << 40, 1 << 40} }), "settings.json is corrupt: tensor"},
		{"a claim's output bound", edit(func(m map[string]any) { delete(output(m), "max") }), "does not record the bound of output 0"},
		{"a claim on a missing output", edit(func(m map[string]any) { m["visibility"].(map[string]any)["claim"] = "output3[0] >= 1" }), "names an output the model does not have"},
		{"a commitment index", edit(func(m map[string]any) { m["model_commitment_index"] = 3 }), "model_commitment_index is 3"},
		{"no digest", edit(func(m map[string]any) { m["circuit_sha256"] = "x" }), "circuit_sha256"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := verifier.ParseSettings([]byte(tc.settings))
			switch {
			case tc.want == "" && err != nil:
				t.Fatal(err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n")):
				t.Fatalf("error %v, want one line saying %q", err, tc.want)
			}
		})
	}
}

// TestVerifyIsTheDirectorys checks that Verify, from settings.json and
// vk.bin alone, answers as Compiled.VerifyWith does on edited proofs.
func TestVerifyIsTheDirectorys(t *testing.T) {
	dir := t.TempDir()
	c, p, err := proveCredit(dir, circuit.DefaultVisibility)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, proof.SettingsFile))
	s, err := verifier.ParseSettings(b)
	if err != nil {
		t.Fatal(err)
	}
	vk, _ := os.ReadFile(filepath.Join(dir, proof.VerifyingKey))
	for _, tc := range []struct {
		name string
		edit func(p *proof.Proof)
		opt  verifier.Options
	}{
		{"valid", func(*proof.Proof) {}, verifier.Options{}},
		{"an output", func(p *proof.Proof) { p.Outputs[0][0] = 0.5 }, verifier.Options{}},
		{"a proof byte", func(p *proof.Proof) { p.Proof = "00" + p.Proof[2:] }, verifier.Options{}},
		{"a public input", func(p *proof.Proof) { p.PublicInputs[0] = p.PublicInputs[len(p.PublicInputs)-1] }, verifier.Options{}},
		{"the protocol", func(p *proof.Proof) { p.Protocol = proof.Plonk }, verifier.Options{}},
		{"the model", func(p *proof.Proof) { p.ModelSHA256 = strings.Repeat("0", 64) }, verifier.Options{}},
		{"a claim", func(p *proof.Proof) { p.Claim = "output[0] >= 0" }, verifier.Options{}},
		{"an expected context", func(*proof.Proof) {}, verifier.Options{Context: []byte{1}}},
		{"an expected key", func(*proof.Proof) {}, verifier.Options{VerifyingKeySHA256: strings.Repeat("ab", 32)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := *p
			q.Outputs = [][]float64{append([]float64(nil), p.Outputs[0]...)}
			q.PublicInputs = append([]string(nil), p.PublicInputs...)
			tc.edit(&q)
			got := verifier.Verify(s, verifier.KeyBytes(vk), &q, tc.opt)
			want := c.VerifyWith(&q, tc.opt)
			if fmt.Sprint(got) != fmt.Sprint(want) || (got == nil) != (tc.name == "valid") {
				t.Fatalf("verifier: %v; directory: %v", got, want)
			}
			if got == nil && verifier.Describe(s, &q) != c.Describe(&q) {
				t.Fatalf("statements differ: %q, %q", verifier.Describe(s, &q), c.Describe(&q))
			}
		})
	}
}
