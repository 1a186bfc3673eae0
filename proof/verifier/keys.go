package verifier

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"

	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
	plonkbn254 "github.com/consensys/gnark/backend/plonk/bn254"
)

// Key is the verifying key proofs are checked with. Verify reads it only
// once every other check of a proof has passed.
type Key interface {
	// SHA256 is the hex SHA-256 of the key's bytes.
	SHA256() (string, error)
	// Groth16 decodes a Groth16 key for a circuit with nPublic public
	// inputs (DecodeGroth16Key).
	Groth16(nPublic int) (*groth16bn254.VerifyingKey, error)
	// Plonk decodes a PLONK key.
	Plonk() (*plonkbn254.VerifyingKey, error)
}

// KeyBytes is a verifying key held in memory: vk.bin's bytes.
type KeyBytes []byte

// SHA256 is the hex SHA-256 of k.
func (k KeyBytes) SHA256() (string, error) {
	sum := sha256.Sum256(k)
	return hex.EncodeToString(sum[:]), nil
}

// Groth16 decodes k as a Groth16 key for nPublic public inputs.
func (k KeyBytes) Groth16(nPublic int) (*groth16bn254.VerifyingKey, error) {
	vk, err := DecodeGroth16Key(k, nPublic)
	if err != nil {
		return nil, fmt.Errorf("verifying key is corrupt: %v", err)
	}
	return vk, nil
}

// Plonk decodes k as a PLONK key.
func (k KeyBytes) Plonk() (*plonkbn254.VerifyingKey, error) {
	if len(k) > MaxVerifyingKeyBytes {
		return nil, fmt.Errorf("verifying key is corrupt: larger than %d bytes", MaxVerifyingKeyBytes)
	}
	vk := new(plonkbn254.VerifyingKey)
	if _, err := vk.ReadFrom(bytes.NewReader(k)); err != nil {
		return nil, fmt.Errorf("verifying key is corrupt: %v", OneLine(err))
	}
	return vk, nil
}

// MaxVerifyingKeyBytes bounds vk.bin: a verifying key grows with the public
// inputs only (32 bytes each).
const MaxVerifyingKeyBytes = 64 << 20

// DecodeGroth16Key decodes and checks a Groth16 verifying key for a circuit
// with nPublic public inputs: its layout is scanned before gnark allocates
// anything (keyscan.go), then what gnark's verifier indexes with is
// checked.
func DecodeGroth16Key(b []byte, nPublic int) (*groth16bn254.VerifyingKey, error) {
	if len(b) > MaxVerifyingKeyBytes {
		return nil, fmt.Errorf("larger than %d bytes", MaxVerifyingKeyBytes)
	}
	if err := scanVerifyingKey(bytes.NewReader(b), int64(len(b))); err != nil {
		return nil, err
	}
	vk := new(groth16bn254.VerifyingKey)
	if _, err := vk.ReadFrom(bytes.NewReader(b)); err != nil {
		return nil, OneLine(err)
	}
	if err := checkVerifyingKey(vk, nPublic); err != nil {
		return nil, err
	}
	return vk, nil
}

// checkVerifyingKey checks what gnark's verifier indexes with: the number
// of public inputs and the public inputs each commitment hashes.
func checkVerifyingKey(vk *groth16bn254.VerifyingKey, nPublic int) error {
	nc := len(vk.PublicAndCommitmentCommitted)
	if len(vk.CommitmentKeys) != nc {
		return fmt.Errorf("has %d commitment keys for %d commitments", len(vk.CommitmentKeys), nc)
	}
	if got := len(vk.G1.K) - nc - 1; got != nPublic {
		return fmt.Errorf("is for a circuit with %d public inputs, settings.json says %d: it is another model's key", got, nPublic)
	}
	// Commitment i hashes public inputs and the values of commitments
	// before it, which the verifier appends to the public inputs: indices
	// 1 to nPublic+i.
	for i, list := range vk.PublicAndCommitmentCommitted {
		for _, j := range list {
			if j < 1 || j > nPublic+i {
				return fmt.Errorf("commitment %d hashes public input %d of %d", i, j, nPublic+i)
			}
		}
	}
	return nil
}

// OneLine flattens an error from a decoder to one line.
func OneLine(err error) error {
	return errors.New(string(bytes.Join(bytes.Fields([]byte(err.Error())), []byte(" "))))
}
