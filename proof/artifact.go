package proof

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/consensys/gnark/constraint"
	cs_bn254 "github.com/consensys/gnark/constraint/bn254"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/internal/atomicfile"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/onnx"
	"github.com/zkinfer/zkinfer/ops"
	"github.com/zkinfer/zkinfer/proof/ceremony"
	"github.com/zkinfer/zkinfer/proof/verifier"
	"github.com/zkinfer/zkinfer/quant"
)

// Files of a compiled directory.
const (
	ModelFile    = "model.onnx"
	SettingsFile = "settings.json"
	ProvingKey   = "pk.bin"
	VerifyingKey = "vk.bin"
)

// FormatVersion is the version of the compiled directory layout
// (verifier.FormatVersion).
const FormatVersion = verifier.FormatVersion

// TensorSpec describes one input or output tensor in the settings file.
type TensorSpec = verifier.TensorSpec

// Settings is the human-readable settings.json of a compiled directory:
// what a verifier reads of the circuit (verifier.Settings, whose fields it
// promotes), then where the keys came from.
type Settings struct {
	verifier.Settings
	// Setup says where the keys came from (setup.go); absent until setup.
	Setup *SetupInfo `json:"setup,omitempty"`
}

// Compiled is an opened compiled directory.
type Compiled struct {
	Dir      string
	Settings Settings
	Model    *model.Model
}

// Compile compiles the ONNX model at modelPath into dir for Groth16 with
// the automatic range-check choice: a copy of the model, settings.json and
// the constraint system (CompileWith for the other options).
func Compile(modelPath, dir string, qs quant.Settings, vis circuit.Visibility, progress Progress) (*Compiled, error) {
	return CompileWith(modelPath, dir, CompileOptions{Quant: qs, Visibility: vis, Progress: progress})
}

// CompileOptions are the settings of a compile.
type CompileOptions struct {
	Quant      quant.Settings
	Visibility circuit.Visibility
	Progress   Progress
	// RangeCheck picks the range-check gadget (zero: circuit.RangeAuto).
	RangeCheck circuit.RangePolicy
	// Backend is Groth16 (the zero value too) or Plonk.
	Backend Backend
	// MaxConstraints, when positive, fails the compile of a circuit with
	// more constraints before anything is written; the circuit's assembly
	// stops as soon as it certainly exceeds the limit (ops.ConstraintBudget).
	MaxConstraints int
}

// CompileWith compiles the ONNX model at modelPath into dir: a copy of the
// model, settings.json and the constraint system of opt.Backend.
//
// Hashed weights are bound by a Pedersen commitment inside the Groth16 proof
// by default; PLONK has no such commitment, so with Plonk they default to a
// Poseidon2 hash (a public input), and asking for pedersen is an error.
func CompileWith(modelPath, dir string, opt CompileOptions) (*Compiled, error) {
	progress, vis := opt.Progress, opt.Visibility
	raw, vis, backend, err := readModel(modelPath, opt.Quant, vis, opt.Backend)
	if err != nil {
		return nil, err
	}
	c, err := build(modelPath, raw, opt.Quant, vis)
	if err != nil {
		return nil, err
	}
	c.Settings.Backend = backend
	progress.Log("compile: %d nodes left after folding; building the %s circuit", c.Model.NumSteps(), backend)
	start := time.Now()
	cs, err := c.constraintSystem(opt.RangeCheck, opt.MaxConstraints)
	if err != nil {
		return nil, err
	}
	c.Settings.Constraints = cs.GetNbConstraints()
	c.Settings.PublicInputs = cs.GetNbPublicVariables()
	if backend == Groth16 {
		c.Settings.PublicInputs-- // an R1CS's first public wire is the constant 1
	}
	progress.Log("compile: %d constraints, %d public inputs (%.1fs)", c.Settings.Constraints, c.Settings.PublicInputs, time.Since(start).Seconds())
	if note := c.Settings.OnChainNote(); note != "" {
		progress.Log("compile: note: %s", note)
	}

	made, err := atomicfile.MakeDir(dir)
	if err != nil {
		return nil, fmt.Errorf("compile: %w", err)
	}
	defer made.Close()
	c.Dir = dir
	// The circuit, the model and the settings appear together; keys of an
	// earlier compile, which no longer match, go at the same time.
	var files atomicfile.Set
	defer files.Discard()
	if err := c.addCircuit(&files, cs); err != nil {
		return nil, err
	}
	if err := files.AddBytes(filepath.Join(dir, ModelFile), raw); err != nil {
		return nil, fmt.Errorf("compile: %w", err)
	}
	js, _ := json.MarshalIndent(c.Settings, "", "  ")
	if err := files.AddBytes(filepath.Join(dir, SettingsFile), append(js, '\n')); err != nil {
		return nil, fmt.Errorf("compile: %w", err)
	}
	// Keys (and another backend's circuit) of an earlier compile no longer
	// match this circuit: they go when the new files appear.
	var stale []string
	for _, f := range []string{ProvingKey, VerifyingKey, CircuitFile, PlonkCircuitFile, ceremony.CommonsFile} {
		if f != c.Settings.circuitFile() {
			stale = append(stale, filepath.Join(dir, f))
		}
	}
	if err := files.Commit(stale...); err != nil {
		return nil, fmt.Errorf("compile: %w", err)
	}
	made.Keep()
	return c, nil
}

// writeSettings writes settings.json.
func (c *Compiled) writeSettings() error {
	js, err := json.MarshalIndent(c.Settings, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(c.path(SettingsFile), append(js, '\n'))
}

// readModel reads the ONNX model at path for a compile under qs, vis and
// backend, and resolves the defaults: Groth16, and for hashed weights
// Pedersen (Poseidon2 under PLONK). With secret weights it checks every
// weight against the parameter bits, before any circuit is built, and
// returns the file with its weights zeroed, as a compiled directory keeps
// it.
func readModel(path string, qs quant.Settings, vis circuit.Visibility, backend Backend) ([]byte, circuit.Visibility, Backend, error) {
	if backend == "" {
		backend = Groth16
	}
	if err := backend.Valid(); err != nil {
		return nil, vis, backend, fmt.Errorf("compile: %w", err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, vis, backend, fmt.Errorf("compile: %w", err)
	}
	if vis.Params == circuit.Hashed && vis.ParamCommitment == "" {
		vis.ParamCommitment = circuit.Pedersen // the default binding (PRIVACY.md)
		if backend == Plonk {
			vis.ParamCommitment = circuit.Poseidon2
		}
	}
	if backend == Plonk && vis.PedersenParams() {
		return nil, vis, backend, fmt.Errorf("compile: --param-commitment pedersen is a Groth16 commitment: with --backend plonk, hashed weights use poseidon2")
	}
	if !vis.SecretParams() {
		return raw, vis, backend, nil
	}
	g, err := onnx.Parse(raw)
	if err != nil {
		return nil, vis, backend, fmt.Errorf("onnx: %s: %w", path, err)
	}
	m, err := model.CompileSecret(g, qs, vis.Bits())
	if err != nil {
		return nil, vis, backend, fmt.Errorf("%s: %w", path, err)
	}
	if _, err := m.ParamValues(); err != nil {
		return nil, vis, backend, fmt.Errorf("%s: %w (or lower --param-scale)", path, err)
	}
	if raw, err = stripWeights(raw); err != nil {
		return nil, vis, backend, fmt.Errorf("compile: %s: %w", path, err)
	}
	return raw, vis, backend, nil
}

// build loads and compiles the model and fills the settings that do not
// depend on the constraint system.
func build(name string, raw []byte, qs quant.Settings, vis circuit.Visibility) (*Compiled, error) {
	return buildWith(name, raw, qs, vis, nil, nil)
}

// buildWith is build keeping the steps' plans keep covers only (nil: all;
// model.Plans), with the graph's blocks split by output channels as
// splits say (model.SplitGraph; constant weights only).
func buildWith(name string, raw []byte, qs quant.Settings, vis circuit.Visibility, keep *model.Plans, splits []model.Split) (*Compiled, error) {
	if err := vis.Validate(); err != nil {
		return nil, err
	}
	g, err := onnx.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("onnx: %s: %w", name, err)
	}
	if len(splits) > 0 && vis.SecretParams() {
		return nil, fmt.Errorf("%s: a block split by output channels needs constant weights, not secret ones: compile again", name)
	}
	if g, err = model.SplitGraph(g, splits); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	var m *model.Model
	if vis.SecretParams() {
		m, err = model.CompileSecretWith(g, qs, vis.Bits(), keep)
	} else {
		m, err = model.CompileWith(g, qs, keep)
	}
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(raw)
	s := Settings{Settings: verifier.Settings{
		Version: FormatVersion, Backend: Groth16,
		ModelSHA256: hex.EncodeToString(sum[:]), Quant: qs, Visibility: vis,
	}}
	for _, p := range m.Params {
		s.SecretWeights += p.Size()
	}
	if vis.SecretParams() {
		s.FixedConstants = m.FixedConstants()
	}
	for i, in := range m.Inputs {
		s.Inputs = append(s.Inputs, TensorSpec{Name: g.Inputs[i].Name, Shape: in.Shape, DType: in.DType.String(), Scale: in.Scale, Max: in.Max})
	}
	for i, out := range m.Outputs {
		s.Outputs = append(s.Outputs, TensorSpec{Name: g.Outputs[i].Name, Shape: out.Shape, DType: out.DType.String(), Scale: out.Scale, Max: out.Max})
	}
	return &Compiled{Settings: s, Model: m}, nil
}

// constraintSystem builds the circuit (circuit.Build), failing when it has
// more than max constraints (max ≤ 0: no limit), and records the choices
// the build made in the settings.
func (c *Compiled) constraintSystem(policy circuit.RangePolicy, max int) (constraint.ConstraintSystem, error) {
	b, err := circuit.Build(c.Model, c.Settings.Visibility, circuit.BuildOptions{System: system(c.Settings.Backend), RangeCheck: policy, MaxConstraints: max})
	var be *ops.BudgetError
	switch {
	case errors.As(err, &be) && be.Exact:
		return nil, fmt.Errorf("compile: the circuit has %d constraints, more than --max-constraints %d", be.Count, max)
	case errors.As(err, &be):
		return nil, fmt.Errorf("compile: the circuit has more than --max-constraints %d: at least %d after node %s; stopped building it", max, be.Count, be.Node)
	case err != nil:
		return nil, fmt.Errorf("compile: %w", err)
	}
	c.Settings.RangeCheck = b.RangeCheck
	c.Settings.Groth16Commitments, c.Settings.ModelCommitmentIndex = b.Groth16Commitments, b.ModelCommitmentIndex
	return b.CS, nil
}

// Open reads a compiled directory and recompiles its model (fast: no
// constraints are built).
func Open(dir string) (*Compiled, error) {
	b, err := os.ReadFile(filepath.Join(dir, SettingsFile))
	if err != nil {
		return nil, fmt.Errorf("%s is not a compiled directory: %w", dir, err)
	}
	var s Settings
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("%s: %s is corrupt: %v", dir, SettingsFile, err)
	}
	if s.Version != FormatVersion {
		return nil, fmt.Errorf("%s: format version %d, this zkinfer reads %d: compile again", dir, s.Version, FormatVersion)
	}
	raw, err := os.ReadFile(filepath.Join(dir, ModelFile))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	if sum := sha256.Sum256(raw); hex.EncodeToString(sum[:]) != s.ModelSHA256 {
		return nil, fmt.Errorf("%s: %s does not match the model it was compiled from: compile again", dir, ModelFile)
	}
	c, err := build(filepath.Join(dir, ModelFile), raw, s.Quant, s.Visibility)
	if err != nil {
		return nil, err
	}
	if err := s.Backend.Valid(); err != nil {
		return nil, fmt.Errorf("%s: %s: %w", dir, SettingsFile, err)
	}
	c.Dir = dir
	c.Settings.Backend, c.Settings.Setup = s.Backend, s.Setup
	c.Settings.Constraints, c.Settings.PublicInputs, c.Settings.CircuitSHA = s.Constraints, s.PublicInputs, s.CircuitSHA
	c.Settings.RangeCheck = s.RangeCheck
	c.Settings.Groth16Commitments, c.Settings.ModelCommitmentIndex = s.Groth16Commitments, s.ModelCommitmentIndex
	if err := c.Settings.check(); err != nil {
		return nil, fmt.Errorf("%s: %s is corrupt: %v", dir, SettingsFile, err)
	}
	return c, nil
}

func (c *Compiled) path(f string) string { return filepath.Join(c.Dir, f) }

// ReadCircuit reads the compiled constraint system (an R1CS for Groth16, a
// sparse R1CS for PLONK), checking it is the one settings.json describes.
func (c *Compiled) ReadCircuit() (constraint.ConstraintSystem, error) {
	cs := newCS(c.Settings.Backend)
	err := readCircuitFile(c.path(c.Settings.circuitFile()), c.Settings.CircuitSHA, cs)
	return cs, err
}

// readR1CS reads the directory's Groth16 constraint system.
func (c *Compiled) readR1CS() (*cs_bn254.R1CS, error) {
	cs, err := c.ReadCircuit()
	if err != nil {
		return nil, err
	}
	r, ok := cs.(*cs_bn254.R1CS)
	if !ok {
		return nil, fmt.Errorf("%s holds a %T, not a Groth16 constraint system: compile again", c.Dir, cs)
	}
	return r, nil
}

// addCircuit adds the constraint system to files as c's circuit file and
// records its SHA-256 in c's settings.
func (c *Compiled) addCircuit(files *atomicfile.Set, cs constraint.ConstraintSystem) error {
	h := sha256.New()
	if err := files.Add(filepath.Join(c.Dir, c.Settings.circuitFile()), func(w io.Writer) error {
		bw := bufio.NewWriter(io.MultiWriter(w, h))
		if _, err := cs.WriteTo(bw); err != nil {
			return err
		}
		return bw.Flush()
	}); err != nil {
		return fmt.Errorf("compile: writing the circuit: %w", err)
	}
	c.Settings.CircuitSHA = hex.EncodeToString(h.Sum(nil))
	return nil
}
