package proof

import (
	"fmt"
	"strings"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/backend/plonk"
	"github.com/consensys/gnark/constraint"

	"github.com/zkinfer/zkinfer/circuit"
)

// Backend is a proof system. A compiled directory has one (settings.json
// "backend"), and so does every proof file ("protocol"); both are BN254.
// The zero value is no backend: CompileOptions reads it as Groth16, the
// default; a directory or proof file must name one.
//
//   - Groth16: R1CS, the smallest proof (128 bytes) and cheapest on-chain
//     verification, with keys from a per-circuit setup: `zkinfer setup`
//     (one party, development) or a multi-party ceremony (package
//     ceremony).
//   - Plonk: sparse R1CS (every addition is a gate), KZG commitments from a
//     universal SRS (a public powers-of-tau, package srs): no per-circuit
//     ceremony, larger proofs, slower proving.
type Backend string

const (
	Groth16 Backend = "groth16-bn254"
	Plonk   Backend = "plonk-bn254"
)

// ParseBackend reads a backend name as the CLI takes it: "groth16" or
// "plonk" (or the full protocol name).
func ParseBackend(s string) (Backend, error) {
	switch strings.ToLower(s) {
	case "groth16", string(Groth16):
		return Groth16, nil
	case "plonk", string(Plonk):
		return Plonk, nil
	}
	return "", fmt.Errorf("backend %.40q is not supported (groth16, plonk)", s)
}

// valid rejects a backend that is neither Groth16 nor Plonk.
func (b Backend) valid() error {
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
	}
	return fmt.Sprintf("protocol %.40q", string(b))
}

// system is the constraint system the backend proves.
func (b Backend) system() circuit.System {
	if b == Plonk {
		return circuit.SparseR1CS
	}
	return circuit.R1CS
}

// backendMismatch is the error for a proof of one backend checked with the
// keys of another, e.g. "proof was made with plonk, keys are groth16".
func backendMismatch(proofProtocol, keys Backend) error {
	return fmt.Errorf("proof was made with %s, keys are %s", proofProtocol, keys)
}

// Constraint system files, by backend.
const (
	CircuitFile      = "circuit.r1cs" // Groth16
	PlonkCircuitFile = "circuit.scs"  // PLONK
)

// circuitFile is the name of the directory's constraint system file.
func (s *Settings) circuitFile() string {
	if s.Backend == Plonk {
		return PlonkCircuitFile
	}
	return CircuitFile
}

// newCS returns an empty constraint system of the backend, to read into.
func newCS(backend Backend) constraint.ConstraintSystem {
	if backend == Plonk {
		return plonk.NewCS(ecc.BN254)
	}
	return groth16.NewCS(ecc.BN254)
}
