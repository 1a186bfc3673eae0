package proof

import (
	"fmt"
	"strings"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/backend/plonk"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/consensys/gnark/frontend/cs/scs"
)

// Proof systems. A compiled directory has one (settings.json "backend"), and
// so does every proof file ("protocol"); both are BN254.
//
//   - Groth16: R1CS, the smallest proof (~200 bytes) and cheapest on-chain
//     verification, with keys from a per-circuit setup: `zkinfer setup`
//     (one party, development) or a multi-party ceremony (package
//     ceremony).
//   - Plonk: sparse R1CS (every addition is a gate), KZG commitments from a
//     universal SRS (a public powers-of-tau, package srs): no per-circuit
//     ceremony, larger proofs, slower proving.
const (
	Groth16 = "groth16-bn254"
	Plonk   = "plonk-bn254"
)

// ParseBackend reads a backend name as the CLI takes it: "groth16" or
// "plonk" (or the full protocol name); "" is Groth16.
func ParseBackend(s string) (string, error) {
	switch strings.ToLower(s) {
	case "", "groth16", Groth16:
		return Groth16, nil
	case "plonk", Plonk:
		return Plonk, nil
	}
	return "", fmt.Errorf("backend %q is not supported (groth16, plonk)", s)
}

// BackendName is a backend's short name: "groth16" or "plonk" (other
// strings are returned quoted, as read from a file).
func BackendName(b string) string {
	switch b {
	case Groth16:
		return "groth16"
	case Plonk:
		return "plonk"
	}
	return fmt.Sprintf("protocol %.40q", b) // untrusted: bounded
}

// backendMismatch is the error for a proof of one backend checked with the
// keys of another, e.g. "proof was made with plonk, keys are groth16".
func backendMismatch(proofProtocol, keys string) error {
	return fmt.Errorf("proof was made with %s, keys are %s", BackendName(proofProtocol), BackendName(keys))
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

// builder is the gnark constraint builder of a backend.
func builder(backend string) frontend.NewBuilder {
	if backend == Plonk {
		return scs.NewBuilder
	}
	return r1cs.NewBuilder
}

// newCS returns an empty constraint system of the backend, to read into.
func newCS(backend string) constraint.ConstraintSystem {
	if backend == Plonk {
		return plonk.NewCS(ecc.BN254)
	}
	return groth16.NewCS(ecc.BN254)
}
