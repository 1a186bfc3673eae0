package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	demoModel = "../../examples/credit/model.onnx"
	demoInput = "../../examples/credit/input.json"
)

// zk runs the CLI in-process and returns its exit code, stdout and stderr.
func zk(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Main(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func mustZK(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errOut := zk(t, args...)
	if code != 0 {
		t.Fatalf("zkinfer %s: exit %d: %s", strings.Join(args, " "), code, errOut)
	}
	return out
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRunPrintsOutputs(t *testing.T) {
	out := mustZK(t, "run", demoModel, "--input", demoInput)
	var res struct{ Outputs [][]float64 }
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("run printed %q: %v", out, err)
	}
	if len(res.Outputs) != 1 || len(res.Outputs[0]) != 1 {
		t.Fatalf("outputs %v, want one score", res.Outputs)
	}
	// reference.json holds onnxruntime's float output for the same input.
	var ref struct{ Outputs []struct{ Data []float64 } }
	b, _ := os.ReadFile("../../examples/credit/reference.json")
	json.Unmarshal(b, &ref)
	if d := res.Outputs[0][0] - ref.Outputs[0].Data[0]; d > 0.01 || d < -0.01 {
		t.Fatalf("score %v, onnxruntime %v", res.Outputs[0][0], ref.Outputs[0].Data[0])
	}
}

// TestPipeline: compile, setup, prove and verify the demo model, then check
// that tampering with the proof file is caught.
func TestPipeline(t *testing.T) {
	dir := t.TempDir()
	mustZK(t, "compile", demoModel, "--out", dir, "--quiet")
	mustZK(t, "setup", dir, "--quiet")
	pf := filepath.Join(dir, "proof.json")
	mustZK(t, "prove", dir, "--input", demoInput, "--proof", pf, "--quiet")
	out := mustZK(t, "verify", dir, "--proof", pf)
	if !strings.Contains(out, "verified") || !strings.Contains(out, "private input") {
		t.Fatalf("verify said %q", out)
	}
	var settings map[string]any
	b, _ := os.ReadFile(filepath.Join(dir, "settings.json"))
	if err := json.Unmarshal(b, &settings); err != nil || settings["constraints"].(float64) <= 0 {
		t.Fatalf("settings.json: %v %v", err, settings)
	}
	for _, tc := range tamperings(t, pf) {
		t.Run(tc.name, func(t *testing.T) {
			bad := writeFile(t, t.TempDir(), "bad.json", tc.content)
			code, _, errOut := zk(t, "verify", dir, "--proof", bad)
			if code == 0 {
				t.Fatalf("verify accepted a proof with %s", tc.name)
			}
			if strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
				t.Fatalf("error is not one line: %q", errOut)
			}
		})
	}
}

type tampering struct{ name, content string }

// tamperings returns edited copies of a proof file: a flipped proof byte, an
// edited output, an edited public input.
func tamperings(t *testing.T, path string) []tampering {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var p map[string]any
	json.Unmarshal(b, &p)
	edit := func(f func(p map[string]any)) string {
		var c map[string]any
		json.Unmarshal(b, &c)
		f(c)
		out, _ := json.Marshal(c)
		return string(out)
	}
	return []tampering{
		{"a flipped proof byte", edit(func(c map[string]any) {
			s := []byte(c["proof"].(string))
			i := len(s) / 3
			if s[i] == '0' {
				s[i] = '1'
			} else {
				s[i] = '0'
			}
			c["proof"] = string(s)
		})},
		{"an edited output", edit(func(c map[string]any) {
			o := c["outputs"].([]any)[0].([]any)
			o[0] = o[0].(float64) + 0.25
		})},
		{"an edited public input", edit(func(c map[string]any) {
			pub := c["public_inputs"].([]any)
			s := []byte(pub[len(pub)-1].(string))
			s[len(s)-1] ^= 1
			pub[len(pub)-1] = string(s)
		})},
		{"a truncated proof", edit(func(c map[string]any) { c["proof"] = c["proof"].(string)[:20] })},
		{"not JSON", "{\"proof\": "},
	}
}

// TestBadInput: every user error is a one-line message and a non-zero exit,
// and leaves no output file behind.
func TestBadInput(t *testing.T) {
	tmp := t.TempDir()
	corrupt := writeFile(t, tmp, "corrupt.onnx", "\x0a\xff\xff garbage")
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no command", nil, "usage"},
		{"unknown command", []string{"frobnicate"}, "unknown command"},
		{"missing --input", []string{"run", demoModel}, "--input is required"},
		{"missing model", []string{"run", filepath.Join(tmp, "none.onnx"), "--input", demoInput}, "none.onnx"},
		{"corrupt model", []string{"run", corrupt, "--input", demoInput}, "not a valid ONNX model"},
		{"wrong count", []string{"run", demoModel, "--input", writeFile(t, tmp, "short.json", `{"input_data": [[1, 2]]}`)}, "has 2 values"},
		{"out of range", []string{"run", demoModel, "--input", writeFile(t, tmp, "big.json", `{"input_data": [[1e9, 0, 0, 0, 0, 0, 0, 0]]}`)}, "outside the range"},
		{"not ezkl json", []string{"run", demoModel, "--input", writeFile(t, tmp, "bad.json", `[1, 2]`)}, "input_data"},
		{"nan", []string{"run", demoModel, "--input", writeFile(t, tmp, "nan.json", `{"input_data": [[NaN, 0, 0, 0, 0, 0, 0, 0]]}`)}, "NaN"},
		{"string value", []string{"run", demoModel, "--input", writeFile(t, tmp, "str.json", `{"input_data": [["x", 0, 0, 0, 0, 0, 0, 0]]}`)}, "not a number"},
		{"bad scale", []string{"run", demoModel, "--input", demoInput, "--scale", "99"}, "scale"},
		{"setup of nothing", []string{"setup", tmp}, "not a compiled directory"},
		{"bad visibility", []string{"compile", demoModel, "--out", filepath.Join(tmp, "c"), "--input-visibility", "secret"}, "visibility"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, errOut := zk(t, c.args...)
			if code == 0 {
				t.Fatal("exit 0")
			}
			if !strings.Contains(errOut, c.want) {
				t.Fatalf("stderr %q does not mention %q", errOut, c.want)
			}
			if strings.Contains(errOut, "panic") || strings.Contains(errOut, "goroutine") {
				t.Fatalf("stderr shows a panic: %q", errOut)
			}
		})
	}
}

// TestProveFailureWritesNothing: a prove that fails (here: keys missing,
// then an out-of-range input) leaves no proof file.
func TestProveFailureWritesNothing(t *testing.T) {
	dir := t.TempDir()
	mustZK(t, "compile", demoModel, "--out", dir, "--quiet")
	pf := filepath.Join(dir, "proof.json")
	if code, _, errOut := zk(t, "prove", dir, "--input", demoInput, "--proof", pf, "--quiet"); code == 0 || !strings.Contains(errOut, "setup") {
		t.Fatalf("prove without keys: exit %d, %q", code, errOut)
	}
	mustZK(t, "setup", dir, "--quiet")
	big := writeFile(t, dir, "big.json", `{"input_data": [[1e9, 0, 0, 0, 0, 0, 0, 0]]}`)
	if code, _, _ := zk(t, "prove", dir, "--input", big, "--proof", pf, "--quiet"); code == 0 {
		t.Fatal("proved an out-of-range input")
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "proof") || strings.Contains(e.Name(), ".tmp") {
			t.Fatalf("left %s behind", e.Name())
		}
	}
}

// TestOtherModelsKeys: a proof checked against another model's compiled
// directory fails.
func TestOtherModelsKeys(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	mustZK(t, "compile", demoModel, "--out", a, "--quiet")
	mustZK(t, "setup", a, "--quiet")
	// Same architecture, other number format: another circuit and other keys.
	mustZK(t, "compile", demoModel, "--out", b, "--quiet", "--scale", "10")
	mustZK(t, "setup", b, "--quiet")
	pf := filepath.Join(a, "proof.json")
	mustZK(t, "prove", a, "--input", demoInput, "--proof", pf, "--quiet")
	if code, _, errOut := zk(t, "verify", b, "--proof", pf); code == 0 {
		t.Fatalf("verified against another circuit's keys: %s", errOut)
	}
	// And with the other directory's keys copied over this one's.
	vk, _ := os.ReadFile(filepath.Join(b, "vk.bin"))
	os.WriteFile(filepath.Join(a, "vk.bin"), vk, 0o644)
	if code, _, _ := zk(t, "verify", a, "--proof", pf); code == 0 {
		t.Fatal("verified with a foreign verifying key")
	}
	os.WriteFile(filepath.Join(a, "vk.bin"), []byte("corrupt"), 0o644)
	if code, _, errOut := zk(t, "verify", a, "--proof", pf); code == 0 || !strings.Contains(errOut, "verifying key") {
		t.Fatalf("corrupt key: exit %d %q", code, errOut)
	}
}
