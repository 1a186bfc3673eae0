package verifier

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/consensys/gnark-crypto/ecc"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
)

// Proof is a proof file: its protocol (Groth16 or Plonk), the proof (the
// wire format, wire.go), its public inputs (32-byte big-endian field
// elements, in the circuit's order) and, when the outputs are public, their
// dequantized values in the layout `run` prints; with hashed tensors or a
// claim, the commitments and the claim's text.
type Proof struct {
	Protocol     Backend     `json:"protocol"`
	ModelSHA256  string      `json:"model_sha256"`
	Proof        string      `json:"proof"`
	PublicInputs []string    `json:"public_inputs"`
	Outputs      [][]float64 `json:"outputs,omitempty"`
	// Commitments repeats the commitments among the public inputs, by name
	// ("input", "params", "output"), as 0x-prefixed hex.
	Commitments map[string]string `json:"commitments,omitempty"`
	// Claim is the canonical text of the claim the proof establishes.
	Claim string `json:"claim,omitempty"`
	// Context is the hex of the bytes the proof is bound to (its last
	// public input is circuit.ContextValue of them); "" for none.
	Context string `json:"context,omitempty"`
	// DP is a DP release's seed commitment, coins and released values
	// (dp.go), for a circuit compiled with --dp.
	DP *DPProof `json:"dp,omitempty"`
}

// MaxProofBytes bounds a proof file: its size grows with the public
// inputs (about 70 bytes each).
const MaxProofBytes = 1 << 28

// ParseProof parses the contents b of the proof file name.
func ParseProof(name string, b []byte) (*Proof, error) {
	if len(b) > MaxProofBytes {
		return nil, fmt.Errorf("proof: %s is larger than %d bytes", name, MaxProofBytes)
	}
	var p Proof
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("proof: %s is not a proof file: %v", name, err)
	}
	return &p, nil
}

// PublicValues parses the public inputs, each a 32-byte big-endian field
// element reduced modulo BN254's scalar field.
func (p *Proof) PublicValues() ([]*big.Int, error) {
	field := ecc.BN254.ScalarField()
	out := make([]*big.Int, len(p.PublicInputs))
	for i, s := range p.PublicInputs {
		b, err := hex.DecodeString(strings.TrimPrefix(s, "0x"))
		if err != nil || len(b) != 32 {
			return nil, fmt.Errorf("public_inputs[%d] is not a 32-byte hex field element", i)
		}
		v := new(big.Int).SetBytes(b)
		if v.Cmp(field) >= 0 {
			return nil, fmt.Errorf("public_inputs[%d] is not reduced modulo the field", i)
		}
		out[i] = v
	}
	return out, nil
}

// Groth16 decodes the proof's Groth16 proof (DecodeGroth16) for a circuit
// with commitments commitments; a "proof" of the wrong length is said to be
// so before its digits are read.
func (p *Proof) Groth16(commitments int) (*groth16bn254.Proof, error) {
	if len(p.Proof) != 2*gnarkGroth16Size(commitments) && len(p.Proof) != 2*groth16Size(commitments) {
		return nil, fmt.Errorf("the proof is %d bytes, a proof for this circuit is %d", (len(p.Proof)+1)/2, groth16Size(commitments))
	}
	raw, err := hex.DecodeString(p.Proof)
	if err != nil {
		return nil, errors.New("the proof is not hex")
	}
	return DecodeGroth16(raw, commitments)
}
