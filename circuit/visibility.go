package circuit

import (
	"fmt"

	"github.com/zkinfer/zkinfer/model"
)

// Vis says who sees a kind of tensor (settings.json's visibility).
type Vis string

// Visibilities.
const (
	Private Vis = "private" // in the secret witness
	Public  Vis = "public"  // public inputs of the proof
	Fixed   Vis = "fixed"   // weights only: constants of the circuit
	Hashed  Vis = "hashed"  // secret, bound by a public commitment
	// Boundary: a segment's inputs or outputs that another segment of the
	// same model computes or reads (boundary.go): secret, bound by a
	// Groth16 commitment and a salted fingerprint that both segments'
	// proofs carry.
	Boundary Vis = "boundary"
)

// Binding is how hashed weights are bound (settings.json's
// param_commitment; see pedersen.go and commit.go).
type Binding string

const (
	// Pedersen: a Groth16 commitment carried by the proof (~2 constraints).
	Pedersen Binding = "pedersen"
	// Poseidon2: a hash computed in the circuit and made a public input
	// (~2.6 constraints per 16-bit weight).
	Poseidon2 Binding = "poseidon2"
)

// Visibility says who sees each kind of tensor, and what the proof claims
// about hidden outputs.
type Visibility struct {
	Input  Vis `json:"input"`  // private | public | hashed
	Params Vis `json:"params"` // fixed (constants of the circuit) | private | hashed
	Output Vis `json:"output"` // public | private | hashed
	// ParamBits bounds each secret weight to signed ParamBits bits at the
	// parameter scale (0: model.DefaultParamBits). Unused for fixed params.
	ParamBits int `json:"param_bits,omitempty"`
	// ParamCommitment binds hashed weights, and is set exactly when they
	// are hashed. Compile chooses it when it is left empty (Pedersen for
	// Groth16, Poseidon2 for PLONK), so a compiled directory always records
	// it; a circuit refuses hashed weights without it.
	ParamCommitment Binding `json:"param_commitment,omitempty"`
	// Claim is a statement about the outputs that the proof establishes
	// (see Claim); "" for none.
	Claim string `json:"claim,omitempty"`
	// InputSignedBy makes the circuit check a device's signature over the
	// input (signed.go): EdDSA, or "" for none.
	InputSignedBy Signer `json:"input_signed_by,omitempty"`
	// DP releases the outputs with differential-privacy noise sampled in
	// the circuit (dp.go); nil for none.
	DP *DPRelease `json:"dp,omitempty"`
}

// DefaultVisibility proves a public output from a private input under
// weights fixed into the circuit.
var DefaultVisibility = Visibility{Input: Private, Params: Fixed, Output: Public}

// Validate rejects combinations this version cannot build.
func (v Visibility) Validate() error {
	if v.Input != Private && v.Input != Public && v.Input != Hashed && v.Input != Boundary {
		return fmt.Errorf("circuit: input visibility %.20q is not supported (private, public, hashed)", v.Input)
	}
	if v.Params != Fixed && v.Params != Private && v.Params != Hashed {
		return fmt.Errorf("circuit: parameter visibility %.20q is not supported (fixed, private, hashed)", v.Params)
	}
	if v.Output != Public && v.Output != Private && v.Output != Hashed && v.Output != Boundary {
		return fmt.Errorf("circuit: output visibility %.20q is not supported (public, private, hashed)", v.Output)
	}
	if v.ParamBits != 0 && (v.ParamBits < 2 || v.ParamBits > 48) {
		return fmt.Errorf("circuit: param bits %d is outside [2, 48]", v.ParamBits)
	}
	switch {
	case v.ParamCommitment != "" && v.ParamCommitment != Pedersen && v.ParamCommitment != Poseidon2:
		return fmt.Errorf("circuit: parameter commitment %.20q is not supported (pedersen, poseidon2)", v.ParamCommitment)
	case v.ParamCommitment != "" && v.Params != Hashed:
		return fmt.Errorf("circuit: a parameter commitment scheme (%s) needs parameter visibility hashed", v.ParamCommitment)
	case v.ParamCommitment == "" && v.Params == Hashed:
		return fmt.Errorf("circuit: hashed weights need a commitment scheme (pedersen or poseidon2)")
	}
	switch {
	case v.InputSignedBy != "" && v.InputSignedBy != EdDSA:
		return fmt.Errorf("circuit: input signature scheme %.20q is not supported (eddsa)", v.InputSignedBy)
	case v.InputSignedBy != "" && v.Input == Boundary:
		return fmt.Errorf("circuit: a segment's boundary input cannot be signed: only the model's first segment reads the signed input")
	}
	if err := v.validateDP(); err != nil {
		return err
	}
	c, err := ParseClaim(v.Claim)
	if err != nil {
		return fmt.Errorf("circuit: %w", err)
	}
	if c != nil && v.Output == Public {
		return fmt.Errorf("circuit: a claim hides the outputs: use output visibility private or hashed")
	}
	if c != nil && v.Output == Boundary {
		return fmt.Errorf("circuit: a claim is about the model's outputs: only the last segment proves it")
	}
	return nil
}

// SecretParams reports whether the weights are witness values.
func (v Visibility) SecretParams() bool { return v.Params == Private || v.Params == Hashed }

// PedersenParams reports whether hashed weights are bound by a Groth16
// (Pedersen) commitment rather than a public Poseidon2 hash.
func (v Visibility) PedersenParams() bool {
	return v.Params == Hashed && v.ParamCommitment == Pedersen
}

// Bits is the param bit width in effect.
func (v Visibility) Bits() int {
	if v.ParamBits == 0 {
		return model.DefaultParamBits
	}
	return v.ParamBits
}
