package main

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/zkinfer/zkinfer/internal/onnxbuild"
	"github.com/zkinfer/zkinfer/internal/tamper"
)

// checkFailure asserts a failed command: a non-zero exit, one line on
// stderr mentioning want, and no panic.
func checkFailure(t *testing.T, code int, errOut, want string) {
	t.Helper()
	if code == 0 {
		t.Fatal("exit 0")
	}
	if strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
		t.Fatalf("error is not one line: %q", errOut)
	}
	if strings.Contains(errOut, "panic") || strings.Contains(errOut, "internal error") || strings.Contains(errOut, "goroutine") {
		t.Fatalf("stderr shows a crash: %q", errOut)
	}
	if !strings.Contains(errOut, want) {
		t.Fatalf("stderr %q does not mention %q", errOut, want)
	}
}

// TestBadModelsCLI: run and compile refuse every malformed model with one
// line naming the fault and leave no output behind.
func TestBadModelsCLI(t *testing.T) {
	tmp := t.TempDir()
	for _, c := range onnxbuild.BadModels() {
		t.Run(c.Name, func(t *testing.T) {
			p := filepath.Join(tmp, strings.ReplaceAll(c.Name, " ", "_")+".onnx")
			if err := os.WriteFile(p, c.Data, 0o644); err != nil {
				t.Fatal(err)
			}
			code, _, errOut := zk(t, "run", p, "--input", demoInput)
			checkFailure(t, code, errOut, c.Want)
			out := filepath.Join(tmp, "out-"+filepath.Base(p))
			code, _, errOut = zk(t, "compile", p, "--out", out, "--quiet")
			checkFailure(t, code, errOut, c.Want)
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Fatalf("compile left %s behind", out)
			}
		})
	}
}

// verifyDir is a compiled and set-up directory of the demo model with
// lookup range checks (so its proofs carry a commitment) and one proof.
var verifyDir = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "zkinfer-verify")
	if err != nil {
		return "", err
	}
	for _, args := range [][]string{
		{"compile", demoModel, "--out", dir, "--quiet", "--range-check", "lookup"},
		{"setup", dir, "--quiet"},
		{"prove", dir, "--input", demoInput, "--proof", filepath.Join(dir, "proof.json"), "--quiet"},
	} {
		var out, errOut strings.Builder
		if code := Main(args, &out, &errOut); code != 0 {
			return "", &cliError{args, errOut.String()}
		}
	}
	return dir, nil
})

type cliError struct {
	args   []string
	stderr string
}

func (e *cliError) Error() string { return strings.Join(e.args, " ") + ": " + e.stderr }

// TestVerifyRejectsCLI: verify says INVALID, with a reason, and exits
// non-zero for every tampered proof file: bad points, wrong lengths and
// counts, edited public inputs, outputs and metadata.
func TestVerifyRejectsCLI(t *testing.T) {
	dir, err := verifyDir()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	orig, err := os.ReadFile(filepath.Join(dir, "proof.json"))
	if err != nil {
		t.Fatal(err)
	}
	var p map[string]any
	if err := json.Unmarshal(orig, &p); err != nil {
		t.Fatal(err)
	}
	raw, err := hex.DecodeString(p["proof"].(string))
	if err != nil {
		t.Fatal(err)
	}
	edit := func(f func(c map[string]any)) string {
		var c map[string]any
		json.Unmarshal(orig, &c)
		f(c)
		b, _ := json.Marshal(c)
		return string(b)
	}
	type tc struct{ name, content, want string }
	var cases []tc
	for _, c := range tamper.Proofs(raw) {
		cases = append(cases, tc{c.Name, edit(func(m map[string]any) { m["proof"] = hex.EncodeToString(c.Raw) }), c.Want})
	}
	cases = append(cases,
		tc{"one public input fewer", edit(func(m map[string]any) { m["public_inputs"] = m["public_inputs"].([]any)[1:] }), "public inputs"},
		tc{"one public input more", edit(func(m map[string]any) {
			pub := m["public_inputs"].([]any)
			m["public_inputs"] = append(pub, pub[0])
		}), "public inputs"},
		tc{"edited output", edit(func(m map[string]any) {
			o := m["outputs"].([]any)[0].([]any)
			o[0] = o[0].(float64) + 1.0/4096
		}), "outputs[0][0]"},
		tc{"model hash", edit(func(m map[string]any) { m["model_sha256"] = strings.Repeat("ab", 32) }), "SHA-256"},
		tc{"random file", "\x00\xff\x13garbage", "not a proof file"},
		tc{"empty file", "", "not a proof file"},
	)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			bad := writeFile(t, t.TempDir(), "bad.json", c.content)
			code, _, errOut := zk(t, "verify", dir, "--proof", bad)
			checkFailure(t, code, errOut, "INVALID")
			if !strings.Contains(errOut, c.want) {
				t.Fatalf("stderr %q does not mention %q", errOut, c.want)
			}
		})
	}
	if code, _, errOut := zk(t, "verify", dir, "--proof", filepath.Join(dir, "proof.json")); code != 0 {
		t.Fatalf("the original proof no longer verifies: %s", errOut)
	}
}
