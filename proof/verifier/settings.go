package verifier

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/ops"
	"github.com/zkinfer/zkinfer/quant"
)

// Backend is a proof system. A compiled directory has one (settings.json
// "backend"), and so does every proof file ("protocol"); both are BN254.
// The zero value is no backend: a directory or proof file must name one.
//
//   - Groth16: R1CS, the smallest proof (128 bytes) and cheapest on-chain
//     verification, with keys from a per-circuit setup: `zkinfer setup`
//     (one party, development) or a multi-party ceremony.
//   - Plonk: sparse R1CS (every addition is a gate), KZG commitments from a
//     universal SRS (a public powers-of-tau): no per-circuit ceremony,
//     larger proofs, slower proving.
//   - Sumcheck: the transparent backend (docs/TRANSPARENT.md): sumchecks
//     and a hash-based commitment over BN254's scalar field, no setup and
//     no keys, for the models transparent/lower supports. Its directories
//     and proofs are handled by transparent/artifact; to everything built
//     on gnark's keys (Valid) it is not a backend.
type Backend string

const (
	Groth16  Backend = "groth16-bn254"
	Plonk    Backend = "plonk-bn254"
	Sumcheck Backend = "sumcheck-bn254"
)

// ParseBackend reads a backend name as the CLI takes it: "groth16",
// "plonk" or "sumcheck" (or the full protocol name).
func ParseBackend(s string) (Backend, error) {
	switch strings.ToLower(s) {
	case "groth16", string(Groth16):
		return Groth16, nil
	case "plonk", string(Plonk):
		return Plonk, nil
	case "sumcheck", string(Sumcheck):
		return Sumcheck, nil
	}
	return "", fmt.Errorf("backend %.40q is not supported (groth16, plonk, sumcheck)", s)
}

// Valid rejects a backend that is neither Groth16 nor Plonk: the backends
// with gnark keys, circuits, Solidity and web verifiers. The transparent
// Sumcheck backend has none of them, and is refused here with a message
// that says so.
func (b Backend) Valid() error {
	if b == Sumcheck {
		return fmt.Errorf("the directory or proof is for --backend sumcheck (transparent: no keys, no circuit, no EVM or web verifier); only zkinfer setup, prove and verify take it: compile with --backend groth16 or plonk for this")
	}
	if b != Groth16 && b != Plonk {
		return fmt.Errorf("backend %.40q is not supported (%s, %s)", string(b), Groth16, Plonk)
	}
	return nil
}

// String is the backend's short name: "groth16" or "plonk" (another value,
// read from an untrusted file, is quoted and bounded).
func (b Backend) String() string {
	switch b {
	case Groth16:
		return "groth16"
	case Plonk:
		return "plonk"
	case Sumcheck:
		return "sumcheck"
	}
	return fmt.Sprintf("protocol %.40q", string(b))
}

// backendMismatch is the error for a proof of one backend checked with the
// keys of another, e.g. "proof was made with plonk, keys are groth16".
func backendMismatch(proofProtocol, keys Backend) error {
	return fmt.Errorf("proof was made with %s, keys are %s", proofProtocol, keys)
}

// FormatVersion is the version of the compiled directory layout. Version 2
// pins the claim's bounds in the circuit and adds the context public input;
// version 3 hashes committed tensors with package circuit/sponge (every
// Poseidon2 commitment changed with it).
const FormatVersion = 3

// TensorSpec describes one input or output tensor in the settings file.
type TensorSpec struct {
	Name  string `json:"name"`
	Shape []int  `json:"shape"`
	DType string `json:"dtype"`
	Scale int    `json:"scale"`
	// Max bounds the magnitude of the tensor's integers (ops.Info.Max); a
	// claim's bounds are clamped to it. Absent from directories compiled
	// before it was recorded: `zkinfer export-web` writes it.
	Max float64 `json:"max,omitempty"`
}

// info is the tensor as the circuit's layout and claims read it.
func (t TensorSpec) info() *ops.Info {
	return &ops.Info{Shape: t.Shape, Scale: t.Scale, Max: t.Max}
}

func infos(ts []TensorSpec) []*ops.Info {
	out := make([]*ops.Info, len(ts))
	for i, t := range ts {
		out[i] = t.info()
	}
	return out
}

// Settings is what settings.json says of the compiled model's circuit:
// everything a verifier reads. (proof.Settings adds where the keys came
// from.)
type Settings struct {
	Version      int                `json:"version"`
	Backend      Backend            `json:"backend"`
	ModelSHA256  string             `json:"model_sha256"`
	Quant        quant.Settings     `json:"quant"`
	Visibility   circuit.Visibility `json:"visibility"`
	RangeCheck   ops.RangeCheck     `json:"range_check"`
	Inputs       []TensorSpec       `json:"inputs"`
	Outputs      []TensorSpec       `json:"outputs"`
	Constraints  int                `json:"constraints"`
	PublicInputs int                `json:"public_inputs"`
	CircuitSHA   string             `json:"circuit_sha256"`
	// ZeroKnowledge is set by the sumcheck backend (transparent/artifact)
	// when the directory's proofs are zero knowledge: made under vanishing
	// masks, every part of its model masked. A function of the model, so
	// not written to settings.json; Describe reads it for that backend
	// (Groth16's proofs always are).
	ZeroKnowledge bool `json:"-"`
	// With secret weights: how many weight values the witness carries, and
	// the float constants that stay fixed (public) in the circuit.
	SecretWeights  int      `json:"secret_weights,omitempty"`
	FixedConstants []string `json:"fixed_constants,omitempty"`
	// Groth16Commitments counts the circuit's Groth16 commitments (gnark's
	// Solidity verifier takes at most one); ModelCommitmentIndex is the
	// weights' among them (Proof.Commitments, pk.CommitmentKeys), with
	// pedersen-committed weights.
	Groth16Commitments   int  `json:"groth16_commitments,omitempty"`
	ModelCommitmentIndex *int `json:"model_commitment_index,omitempty"`
}

// maxGroth16Commitments bounds settings.json's commitment count: a circuit
// has one per committing gadget kind, a handful at most.
const maxGroth16Commitments = 64

// Layout is the witness layout of the circuit the settings describe; its
// public segments are what a proof's public inputs carry.
func (s *Settings) Layout() circuit.Wires {
	return circuit.LayoutOf(infos(s.Inputs), nil, infos(s.Outputs), s.Visibility)
}

// Check rejects settings whose numbers do not fit together: every number
// the prover and the verifier index with is checked here, so a corrupt or
// edited settings.json is an error, never a crash.
func (s *Settings) Check() error {
	if s.Constraints < 0 {
		return fmt.Errorf("constraints is %d", s.Constraints)
	}
	n := s.Layout().NumPublic()
	if s.PublicInputs != n {
		return fmt.Errorf("public_inputs is %d, the model's circuit has %d", s.PublicInputs, n)
	}
	if s.Groth16Commitments < 0 || s.Groth16Commitments > maxGroth16Commitments {
		return fmt.Errorf("groth16_commitments is %d", s.Groth16Commitments)
	}
	if i := s.ModelCommitmentIndex; i != nil && (*i < 0 || *i >= s.Groth16Commitments) {
		return fmt.Errorf("model_commitment_index is %d of %d commitments", *i, s.Groth16Commitments)
	}
	if b, err := hex.DecodeString(s.CircuitSHA); err != nil || len(b) != 32 {
		return fmt.Errorf("circuit_sha256 %.70q is not a SHA-256 digest", s.CircuitSHA)
	}
	return nil
}

// ParseSettings reads settings.json as a verifier without the model gets
// it: besides Check, the version, backend, visibility and tensor shapes are
// checked here (proof.Open checks them against the model), and a claim
// needs its output's bound.
func ParseSettings(b []byte) (*Settings, error) {
	var s Settings
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("settings.json is corrupt: %v", err)
	}
	if s.Version != FormatVersion {
		return nil, fmt.Errorf("settings.json has format version %d, this zkinfer reads %d: compile again", s.Version, FormatVersion)
	}
	if err := s.Backend.Valid(); err != nil {
		return nil, fmt.Errorf("settings.json: %w", err)
	}
	if err := s.Visibility.Validate(); err != nil {
		return nil, fmt.Errorf("settings.json: %w", err)
	}
	if len(s.ModelSHA256) < 16 {
		return nil, fmt.Errorf("settings.json is corrupt: model_sha256 %.70q is not a SHA-256 digest", s.ModelSHA256)
	}
	for _, ts := range [][]TensorSpec{s.Inputs, s.Outputs} {
		for _, t := range ts {
			if _, err := graph.CheckShape(t.Shape); err != nil {
				return nil, fmt.Errorf("settings.json is corrupt: tensor %.40q: %v", t.Name, err)
			}
		}
	}
	cl, _ := circuit.ParseClaim(s.Visibility.Claim)
	if cl != nil {
		if cl.Output >= len(s.Outputs) || (cl.Kind == "cmp" && cl.Index >= s.Outputs[cl.Output].info().Size()) {
			return nil, fmt.Errorf("settings.json is corrupt: the claim %q names an output the model does not have", cl)
		}
		if s.Outputs[cl.Output].Max <= 0 {
			return nil, fmt.Errorf("settings.json does not record the bound of output %d, which the claim needs: export it with zkinfer export-web", cl.Output)
		}
	}
	if err := s.Check(); err != nil {
		return nil, fmt.Errorf("settings.json is corrupt: %v", err)
	}
	return &s, nil
}
