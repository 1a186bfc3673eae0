// Package artifact is `--backend sumcheck` in the CLI's terms: the compiled
// directory, prove and verify of the transparent backend
// (docs/TRANSPARENT.md, "Proof file and CLI").
//
// A compiled directory holds the model (model.onnx) and settings.json, the
// same verifier.Settings the Groth16 and PLONK directories write, with
// backend "sumcheck-bn254", no constraints and, as circuit_sha256, the
// digest of the lowered chain (lower.Chain.Digest: every layer's weights,
// bias, shift, bits and ReLU). There are no keys: setup has nothing to do.
// Open recompiles the model and lowers it again, and refuses a directory
// whose chain no longer has that digest.
//
// A proof file is the same verifier.Proof as Groth16's: protocol, model
// digest, the proof (hex of transparent/wire's encoding), the public inputs
// (the outputs as field elements, then the context's, circuit.ContextValue,
// zero for none), the context itself when there is one, and the
// dequantized outputs. Verify checks the statement exactly as Groth16's
// verifier does (verifier.CheckStatement: outputs against the public
// inputs, model, context) and then the transparent proof for the outputs
// those public inputs carry, its Fiat–Shamir transcript bound to the
// context's public input before anything else (Compiled.bound), so
// `zkinfer verify` prints the same statement (verifier.Describe).
//
// Visibility: a private input, fixed weights and public outputs; everything
// else is refused at compile.
package artifact

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/internal/atomicfile"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/onnx"
	"github.com/zkinfer/zkinfer/proof"
	"github.com/zkinfer/zkinfer/proof/verifier"
	"github.com/zkinfer/zkinfer/quant"
	"github.com/zkinfer/zkinfer/transparent/lower"
)

// Compiled is an opened directory of the transparent backend.
type Compiled struct {
	Dir      string
	Settings verifier.Settings
	Model    *model.Model
	Chain    *lower.Chain
}

// CheckVisibility refuses what the transparent backend cannot prove yet.
func CheckVisibility(vis circuit.Visibility) error {
	switch {
	case vis.Input != circuit.Private:
		return fmt.Errorf("--backend sumcheck proves a private input only (--input-visibility %s): compile with --backend groth16 for it", vis.Input)
	case vis.Params != circuit.Fixed && vis.Params != circuit.Hashed:
		return fmt.Errorf("--backend sumcheck proves fixed or hashed weights (--param-visibility %s): compile with --backend groth16 for it", vis.Params)
	case vis.ParamCommitment != "":
		return fmt.Errorf("--backend sumcheck commits hashed weights with its own transparent commitment (docs/TRANSPARENT.md): leave --param-commitment out")
	case vis.Output != circuit.Public:
		return fmt.Errorf("--backend sumcheck proves public outputs only (--output-visibility %s): compile with --backend groth16 for it", vis.Output)
	case vis.Claim != "" || vis.DP != nil || vis.InputSignedBy != "" || vis.Segmented():
		return fmt.Errorf("--backend sumcheck proves outputs only: claims, DP releases, signed inputs and segments need --backend groth16")
	}
	vis.Params = circuit.Fixed // hashed: the transparent commitment, not Groth16's schemes
	return vis.Validate()
}

// Compile compiles the ONNX model at modelPath for the transparent backend
// into dir: a copy of the model and settings.json, both written at once.
// Nothing slow: the model is quantized and lowered, no circuit is built.
func Compile(modelPath, dir string, qs quant.Settings, vis circuit.Visibility) (*Compiled, error) {
	if err := CheckVisibility(vis); err != nil {
		return nil, err
	}
	raw, err := os.ReadFile(modelPath)
	if err != nil {
		return nil, fmt.Errorf("compile: %w", err)
	}
	c, err := build(modelPath, raw, qs, vis)
	if err != nil {
		return nil, err
	}
	made, err := atomicfile.MakeDir(dir)
	if err != nil {
		return nil, fmt.Errorf("compile: %w", err)
	}
	defer made.Close()
	c.Dir = dir
	var files atomicfile.Set
	defer files.Discard()
	if vis.Params == circuit.Hashed {
		var archB []byte
		if raw, archB, err = c.hashedFiles(raw); err != nil {
			return nil, err
		}
		if err := files.AddBytes(filepath.Join(dir, ArchFile), archB); err != nil {
			return nil, fmt.Errorf("compile: %w", err)
		}
	}
	if err := files.AddBytes(filepath.Join(dir, proof.ModelFile), raw); err != nil {
		return nil, fmt.Errorf("compile: %w", err)
	}
	js, _ := json.MarshalIndent(c.Settings, "", "  ")
	if err := files.AddBytes(filepath.Join(dir, proof.SettingsFile), append(js, '\n')); err != nil {
		return nil, fmt.Errorf("compile: %w", err)
	}
	// Keys and circuits of an earlier Groth16 or PLONK compile go.
	var stale []string
	for _, f := range []string{proof.ProvingKey, proof.VerifyingKey, proof.CircuitFile, proof.PlonkCircuitFile} {
		stale = append(stale, filepath.Join(dir, f))
	}
	if err := files.Commit(stale...); err != nil {
		return nil, fmt.Errorf("compile: %w", err)
	}
	made.Keep()
	return c, nil
}

// build compiles and lowers the model and fills in its settings.
func build(name string, raw []byte, qs quant.Settings, vis circuit.Visibility) (*Compiled, error) {
	g, err := onnx.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("onnx: %s: %w", name, err)
	}
	m, err := model.Compile(g, qs)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	chain, err := lower.Lower(m)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	sum := sha256.Sum256(raw)
	digest := chain.Digest()
	s := verifier.Settings{
		Version: verifier.FormatVersion, Backend: verifier.Sumcheck,
		ModelSHA256: hex.EncodeToString(sum[:]), Quant: qs, Visibility: vis,
		CircuitSHA: hex.EncodeToString(digest[:]),
	}
	for i, in := range m.Inputs {
		s.Inputs = append(s.Inputs, verifier.TensorSpec{Name: g.Inputs[i].Name, Shape: in.Shape, DType: in.DType.String(), Scale: in.Scale, Max: in.Max})
	}
	for i, out := range m.Outputs {
		s.Outputs = append(s.Outputs, verifier.TensorSpec{Name: g.Outputs[i].Name, Shape: out.Shape, DType: out.DType.String(), Scale: out.Scale, Max: out.Max})
	}
	s.PublicInputs = s.Layout().NumPublic()
	s.ZeroKnowledge = true // every shape hides (zk.go)
	return &Compiled{Settings: s, Model: m, Chain: chain}, nil
}

// IsDir reports whether dir is a compiled directory of the transparent
// backend (its settings.json says so); anything unreadable is not.
func IsDir(dir string) bool {
	b, err := os.ReadFile(filepath.Join(dir, proof.SettingsFile))
	if err != nil {
		return false
	}
	var s struct{ Backend verifier.Backend }
	return json.Unmarshal(b, &s) == nil && s.Backend == verifier.Sumcheck
}

// Open reads a compiled directory: its settings must be exactly those its
// model compiles and lowers to now (a changed model, weights, settings or
// zkinfer version is "compile again").
func Open(dir string) (*Compiled, error) {
	b, err := os.ReadFile(filepath.Join(dir, proof.SettingsFile))
	if err != nil {
		return nil, fmt.Errorf("%s is not a compiled directory: %w", dir, err)
	}
	var s verifier.Settings
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("%s: %s is corrupt: %v", dir, proof.SettingsFile, err)
	}
	if s.Version != verifier.FormatVersion {
		return nil, fmt.Errorf("%s: format version %d, this zkinfer reads %d: compile again", dir, s.Version, verifier.FormatVersion)
	}
	if s.Backend != verifier.Sumcheck {
		return nil, fmt.Errorf("%s: backend %s, not sumcheck", dir, s.Backend)
	}
	if err := CheckVisibility(s.Visibility); err != nil {
		return nil, fmt.Errorf("%s: %s: %w", dir, proof.SettingsFile, err)
	}
	raw, err := os.ReadFile(filepath.Join(dir, proof.ModelFile))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	if sum := sha256.Sum256(raw); hex.EncodeToString(sum[:]) != s.ModelSHA256 {
		return nil, fmt.Errorf("%s: %s does not match the model it was compiled from: compile again", dir, proof.ModelFile)
	}
	if s.Visibility.Params == circuit.Hashed {
		c := &Compiled{Dir: dir, Settings: s}
		if err := openHashed(dir, c, raw); err != nil {
			return nil, err
		}
		return c, nil
	}
	c, err := build(filepath.Join(dir, proof.ModelFile), raw, s.Quant, s.Visibility)
	if err != nil {
		return nil, err
	}
	want, _ := json.Marshal(c.Settings)
	got, _ := json.Marshal(s)
	if !bytes.Equal(want, got) {
		return nil, fmt.Errorf("%s: %s does not describe the model's lowered chain (circuit_sha256 %.16s…, the model gives %.16s…): compile again", dir, proof.SettingsFile, s.CircuitSHA, c.Settings.CircuitSHA)
	}
	c.Dir = dir
	return c, nil
}
