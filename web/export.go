// Package web is zkinfer's verification page and Export, which writes
// what the page needs to check a compiled model's proofs in a browser.
//
// # Method
//
// The page (index.html, app.js, style.css, embedded here) runs the npm
// package of js/: zkinfer's Go verifier (package proof/verifier) compiled
// to WebAssembly by cmd/zkinfer-wasm, started by Go's wasm_exec.js, so a
// browser runs the same checks as `zkinfer verify`. Verification needs the
// model's verifying key and settings.json, never the model: Export opens
// the directory (proof.Open recompiles the model and checks it against the
// settings) and writes the settings as the recompiled model gives them,
// with each output's bound, which a claim's pinned thresholds are clamped
// to, and the keys' trust warnings as `zkinfer verify` prints them. The page fetches vk.bin and settings.json from its own directory,
// takes PROOF.json (or another model's export) from files a person drops,
// and makes no other request: its Content-Security-Policy allows its own
// origin only.
package web

import (
	"embed"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/zkinfer/zkinfer/internal/atomicfile"
	"github.com/zkinfer/zkinfer/proof"
	"github.com/zkinfer/zkinfer/proof/verifier"
)

//go:embed index.html app.js style.css
var page embed.FS

// Page is the verification page's files.
func Page() fs.FS { return page }

// PackageFiles are the files of the npm package (js/ after `make wasm`)
// that the page loads, relative to the package's directory; Export copies
// them under zkinfer/.
var PackageFiles = []string{"index.js", "index.d.ts", "dist/zkinfer.wasm", "dist/wasm_exec.js"}

// Export writes into out everything a page needs to verify proofs of the
// compiled directory c: vk.bin, settings.json, the page, and the npm
// package from the directory pkg (js/ after `make wasm`, or the installed
// package) under zkinfer/. The files appear together or not at all.
func Export(c *proof.Compiled, out, pkg string) error {
	if c.Settings.Visibility.DP != nil {
		return fmt.Errorf("export-web: %s releases its outputs with DP noise (compile --dp), which the web verifier does not check yet: verify its proofs with zkinfer verify --dp-commitment --dp-coins", c.Dir)
	}
	vk, err := os.ReadFile(filepath.Join(c.Dir, proof.VerifyingKey))
	if err != nil {
		return fmt.Errorf("export-web: %s has no verifying key (run setup first): %w", c.Dir, err)
	}
	// The keys' trust warnings as zkinfer verify recomputes them, for the
	// page to show beside a verified proof.
	exp := c.Settings
	if exp.Setup != nil {
		setup := *exp.Setup
		setup.Warnings = c.TrustWarnings()
		exp.Setup = &setup
	}
	settings, err := json.MarshalIndent(exp, "", "  ")
	if err != nil {
		return fmt.Errorf("export-web: %w", err)
	}
	settings = append(settings, '\n')
	// What the page will read must be what the verifier accepts.
	s, err := verifier.ParseSettings(settings)
	if err != nil {
		return fmt.Errorf("export-web: %w", err)
	}
	if err := checkKey(s, vk); err != nil {
		return fmt.Errorf("export-web: %s: %w", c.Dir, err)
	}
	for _, f := range PackageFiles {
		if _, err := os.Stat(filepath.Join(pkg, f)); err != nil {
			return fmt.Errorf("export-web: the zkinfer npm package in %s lacks %s: run make wasm, or pass --js with the installed package", pkg, f)
		}
	}

	var made []*atomicfile.Dir // removed again, when empty, unless the export succeeds
	defer func() {
		for i := len(made) - 1; i >= 0; i-- {
			made[i].Close()
		}
	}()
	for _, d := range []string{out, filepath.Join(out, "zkinfer"), filepath.Join(out, "zkinfer", "dist")} {
		m, err := atomicfile.MakeDir(d)
		if err != nil {
			return fmt.Errorf("export-web: %w", err)
		}
		made = append(made, m)
	}
	var files atomicfile.Set
	defer files.Discard()
	if err := files.AddBytes(filepath.Join(out, proof.VerifyingKey), vk); err != nil {
		return fmt.Errorf("export-web: %w", err)
	}
	if err := files.AddBytes(filepath.Join(out, proof.SettingsFile), settings); err != nil {
		return fmt.Errorf("export-web: %w", err)
	}
	names, _ := fs.Glob(page, "*")
	for _, name := range names {
		b, _ := page.ReadFile(name)
		if err := files.AddBytes(filepath.Join(out, name), b); err != nil {
			return fmt.Errorf("export-web: %w", err)
		}
	}
	for _, f := range PackageFiles {
		if err := files.Add(filepath.Join(out, "zkinfer", filepath.FromSlash(f)), copyFrom(filepath.Join(pkg, f))); err != nil {
			return fmt.Errorf("export-web: %w", err)
		}
	}
	if err := files.Commit(); err != nil {
		return fmt.Errorf("export-web: %w", err)
	}
	for _, m := range made {
		m.Keep()
	}
	return nil
}

// checkKey decodes the verifying key as the verifier will.
func checkKey(s *verifier.Settings, vk []byte) error {
	k := verifier.KeyBytes(vk)
	var err error
	if s.Backend == verifier.Plonk {
		_, err = k.Plonk()
	} else {
		_, err = k.Groth16(s.PublicInputs)
	}
	return err
}

// copyFrom writes the file at path.
func copyFrom(path string) func(io.Writer) error {
	return func(w io.Writer) error {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = io.Copy(w, f)
		return err
	}
}
