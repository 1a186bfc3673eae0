package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zkinfer/zkinfer/proof/verifier"
	"github.com/zkinfer/zkinfer/web"
)

// jsPackage is the npm package of this repository; make wasm builds its
// dist/ (make test does, before go test).
const jsPackage = "../../js"

// TestExportWeb checks what export-web writes and refuses: the model's
// verifying key and settings (with the outputs' bounds a claim needs),
// the page and the npm package; nothing before setup, nothing without the
// built package, and a usage error without --out.
func TestExportWeb(t *testing.T) {
	work := t.TempDir()
	dir := filepath.Join(work, "credit")
	mustZK(t, "compile", demoModel, "--out", dir, "--quiet", "--claim", "output[0] >= 0.5", "--output-visibility", "private")
	out := filepath.Join(work, "web")

	for _, tc := range []struct {
		name  string
		args  []string
		usage bool
		want  string
	}{
		{"no --out", []string{"export-web", dir}, true, "--out"},
		{"no keys", []string{"export-web", dir, "--out", out, "--js", jsPackage}, false, "run setup first"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := zk(t, tc.args...)
			first, rest, _ := strings.Cut(errOut, "\n")
			if code == 0 || (code == 2) != tc.usage || !strings.Contains(first, tc.want) || (!tc.usage && rest != "") {
				t.Fatalf("exit %d, %q; want an error saying %q", code, errOut, tc.want)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Fatalf("a refused export left %s", out)
			}
		})
	}

	mustZK(t, "setup", dir, "--quiet")
	t.Run("no package", func(t *testing.T) {
		code, _, errOut := zk(t, "export-web", dir, "--out", out, "--js", t.TempDir())
		if code == 0 || !strings.Contains(errOut, "make wasm") {
			t.Fatalf("exit %d, %q", code, errOut)
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Fatalf("a refused export left %s", out)
		}
	})

	if _, err := os.Stat(filepath.Join(jsPackage, "dist", "zkinfer.wasm")); err != nil {
		t.Skip("js/dist/zkinfer.wasm is not built: run make wasm (make test does)")
	}
	if msg := mustZK(t, "export-web", dir, "--out", out, "--js", jsPackage); !strings.Contains(msg, "wrote "+out) {
		t.Fatalf("export-web said %q", msg)
	}
	same := func(a, b string) {
		t.Helper()
		x, errA := os.ReadFile(a)
		y, errB := os.ReadFile(b)
		if errA != nil || errB != nil || !bytes.Equal(x, y) {
			t.Errorf("%s differs from %s (%v, %v)", b, a, errA, errB)
		}
	}
	same(filepath.Join(dir, "vk.bin"), filepath.Join(out, "vk.bin"))
	for _, f := range web.PackageFiles {
		same(filepath.Join(jsPackage, f), filepath.Join(out, "zkinfer", f))
	}
	for _, f := range []string{"index.html", "app.js", "style.css"} {
		same(filepath.Join("../../web", f), filepath.Join(out, f))
	}
	b, err := os.ReadFile(filepath.Join(out, "settings.json"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := verifier.ParseSettings(b)
	if err != nil {
		t.Fatalf("the exported settings.json: %v", err)
	}
	if s.Outputs[0].Max <= 0 || s.Visibility.Claim == "" {
		t.Fatalf("the exported settings lack the claim or the output's bound: %+v", s)
	}
	if !strings.Contains(string(b), "only as trustworthy as the machine") {
		t.Errorf("the exported settings lack the keys' trust warning: %s", b)
	}
}
