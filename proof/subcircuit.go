package proof

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/internal/atomicfile"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/ops"
	"github.com/zkinfer/zkinfer/quant"
)

// Circuits of part of a model: what package proof/segment builds a
// segmented directory from. Each segment directory is an ordinary compiled
// directory without model.onnx: settings.json, the constraint system and,
// after setup, the keys; its model is a sub-model of the parent's.

// LoadModel reads and compiles the ONNX model at path under qs and vis
// without building a circuit: the Compiled it returns has settings (the
// constraint count and checksum aside) and a model, no directory. raw is
// the file as a compiled directory keeps it (weights zeroed when secret).
func LoadModel(path string, qs quant.Settings, vis circuit.Visibility, backend Backend) (*Compiled, []byte, error) {
	raw, vis, backend, err := readModel(path, qs, vis, backend)
	if err != nil {
		return nil, nil, err
	}
	c, err := build(path, raw, qs, vis)
	if err != nil {
		return nil, nil, err
	}
	c.Settings.Backend = backend
	return c, raw, nil
}

// BuildModel compiles a directory's model file contents raw (named name in
// errors) under qs and vis, checking it against the SHA-256 wantSHA.
func BuildModel(name string, raw []byte, qs quant.Settings, vis circuit.Visibility, wantSHA string) (*Compiled, error) {
	return BuildModelWith(name, raw, qs, vis, wantSHA, nil)
}

// BuildModelWith is BuildModel keeping the plans of the steps keep covers
// only (model.Plans; nil: all): a segmented prover describes the model
// with none and runs each segment from a model with that segment's.
func BuildModelWith(name string, raw []byte, qs quant.Settings, vis circuit.Visibility, wantSHA string, keep *model.Plans) (*Compiled, error) {
	return BuildModelSplit(name, raw, qs, vis, wantSHA, keep, nil)
}

// BuildModelSplit is BuildModelWith with the model's blocks split by
// output channels as splits say (model.SplitGraph): what a segmented
// directory whose blocks were split runs.
func BuildModelSplit(name string, raw []byte, qs quant.Settings, vis circuit.Visibility, wantSHA string, keep *model.Plans, splits []model.Split) (*Compiled, error) {
	if sum := sha256.Sum256(raw); hex.EncodeToString(sum[:]) != wantSHA {
		return nil, fmt.Errorf("%s does not match the model it was compiled from: compile again", name)
	}
	return buildWith(name, raw, qs, vis, keep, splits)
}

// LoadWeights compiles the model with its weights at path, checking it has
// the architecture of the directory (secret weights only).
func (c *Compiled) LoadWeights(path string) (*model.Model, error) { return c.loadWeights(path) }

// Specs describes tensors as settings.json records them.
func Specs(names []string, infos []*ops.Info) []TensorSpec {
	out := make([]TensorSpec, len(infos))
	for i, in := range infos {
		out[i] = TensorSpec{Name: names[i], Shape: in.Shape, DType: in.DType.String(), Scale: in.Scale, Max: in.Max}
	}
	return out
}

// CompileSub builds the circuit of m (a part of a model) under s, whose
// visibility, backend and tensors describe it, and writes it with its
// settings.json into dir, replacing keys of an earlier compile. It fails
// with an error wrapping *ops.BudgetError when the circuit has more than
// max constraints (max ≤ 0: no limit), before anything is written.
func CompileSub(m *model.Model, dir string, s Settings, policy circuit.RangePolicy, max int) (*Compiled, error) {
	c := &Compiled{Settings: s, Model: m}
	c.Settings.Setup = nil
	b, err := circuit.Build(m, s.Visibility, circuit.BuildOptions{System: system(s.Backend), RangeCheck: policy, MaxConstraints: max})
	if err != nil {
		return nil, fmt.Errorf("compile: %w", err)
	}
	cs := b.CS
	c.Settings.RangeCheck = b.RangeCheck
	c.Settings.Groth16Commitments, c.Settings.ModelCommitmentIndex = b.Groth16Commitments, b.ModelCommitmentIndex
	c.Settings.Constraints = cs.GetNbConstraints()
	c.Settings.PublicInputs = cs.GetNbPublicVariables()
	if c.Settings.Backend == Groth16 {
		c.Settings.PublicInputs--
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("compile: %w", err)
	}
	c.Dir = dir
	var files atomicfile.Set
	defer files.Discard()
	if err := c.addCircuit(&files, cs); err != nil {
		return nil, err
	}
	js, _ := json.MarshalIndent(c.Settings, "", "  ")
	if err := files.AddBytes(filepath.Join(dir, SettingsFile), append(js, '\n')); err != nil {
		return nil, fmt.Errorf("compile: %w", err)
	}
	var stale []string
	for _, f := range []string{ProvingKey, VerifyingKey, CircuitFile, PlonkCircuitFile} {
		if f != c.Settings.circuitFile() {
			stale = append(stale, filepath.Join(dir, f))
		}
	}
	if err := files.Commit(stale...); err != nil {
		return nil, fmt.Errorf("compile: %w", err)
	}
	return c, nil
}

// OpenSub opens the directory of a part of a model whose sub-model is m.
func OpenSub(dir string, m *model.Model) (*Compiled, error) {
	b, err := os.ReadFile(filepath.Join(dir, SettingsFile))
	if err != nil {
		return nil, fmt.Errorf("%s is not a compiled segment: %w", dir, err)
	}
	var s Settings
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("%s: %s is corrupt: %v", dir, SettingsFile, err)
	}
	if s.Version != FormatVersion {
		return nil, fmt.Errorf("%s: format version %d, this zkinfer reads %d: compile again", dir, s.Version, FormatVersion)
	}
	if err := s.Backend.Valid(); err != nil {
		return nil, fmt.Errorf("%s: %s: %w", dir, SettingsFile, err)
	}
	if err := s.Visibility.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %s: %w", dir, SettingsFile, err)
	}
	if err := s.check(); err != nil {
		return nil, fmt.Errorf("%s: %s is corrupt: %v", dir, SettingsFile, err)
	}
	return &Compiled{Dir: dir, Settings: s, Model: m}, nil
}
