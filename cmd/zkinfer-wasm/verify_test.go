package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/proof"
	"github.com/zkinfer/zkinfer/quant"
)

// TestVerify checks the function JavaScript calls, natively: its answers
// for a valid proof (twice: the second with the key decoded before), edited
// ones and bad options are the directory's, as JSON.
func TestVerify(t *testing.T) {
	dir := t.TempDir()
	c, err := proof.CompileWith("../../examples/credit/model.onnx", dir, proof.CompileOptions{Quant: quant.Default, Visibility: circuit.DefaultVisibility})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Setup(nil); err != nil {
		t.Fatal(err)
	}
	in, _ := model.ReadInput("../../examples/credit/input.json")
	p, err := c.Prove(in, nil)
	if err != nil {
		t.Fatal(err)
	}
	vk, _ := os.ReadFile(filepath.Join(dir, proof.VerifyingKey))
	settings, _ := os.ReadFile(filepath.Join(dir, proof.SettingsFile))
	text := func(f func(p *proof.Proof)) string {
		q := *p
		q.Outputs = [][]float64{append([]float64(nil), p.Outputs[0]...)}
		f(&q)
		b, _ := json.Marshal(&q)
		return string(b)
	}
	valid := text(func(*proof.Proof) {})
	for _, tc := range []struct {
		name, proof, options string
		opt                  proof.VerifyOptions // the options, as zkinfer verify takes them
		reason               string
	}{
		{"valid", valid, "", proof.VerifyOptions{}, ""},
		{"valid again", valid, "{}", proof.VerifyOptions{}, ""},
		{"an edited output", text(func(p *proof.Proof) { p.Outputs[0][0] = 0.5 }), "", proof.VerifyOptions{}, "outputs[0][0] = 0.5"},
		{"a flipped proof byte", text(func(p *proof.Proof) { p.Proof = "01" + p.Proof[2:] }), "", proof.VerifyOptions{}, ""},
		{"not a proof", "[", "", proof.VerifyOptions{}, "is not a proof file"},
		{"another context", valid, `{"context": "0x01"}`, proof.VerifyOptions{Context: []byte{1}}, "bound to no context"},
		{"options that are not JSON", valid, "{", proof.VerifyOptions{}, "options are not valid JSON"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got Result
			if err := json.Unmarshal([]byte(verifyJSON(vk, settings, []byte(tc.proof), []byte(tc.options))), &got); err != nil {
				t.Fatal(err)
			}
			var q proof.Proof
			var want error
			if err := json.Unmarshal([]byte(tc.proof), &q); err == nil {
				want = c.VerifyWith(&q, tc.opt)
			}
			switch {
			case strings.HasPrefix(tc.name, "valid"):
				if !got.Valid || got.Statement != c.Describe(&q) || got.Outputs[0][0] != p.Outputs[0][0] || len(got.Warnings) != 1 {
					t.Fatalf("%+v", got)
				}
			case got.Valid || got.Reason == "" || !strings.Contains(got.Reason, tc.reason):
				t.Fatalf("%+v, want a reason saying %q", got, tc.reason)
			case want != nil && tc.options != "{" && got.Reason != want.Error():
				t.Fatalf("reason %q, the directory's %q", got.Reason, want)
			}
		})
	}
}
