package proof

import (
	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/backend/plonk"
	"github.com/consensys/gnark/constraint"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/proof/verifier"
)

// Backend is a proof system (verifier.Backend): Groth16 or Plonk, both on
// BN254, or the transparent Sumcheck, whose directories this package does
// not handle (transparent/artifact does).
type Backend = verifier.Backend

const (
	Groth16  = verifier.Groth16
	Plonk    = verifier.Plonk
	Sumcheck = verifier.Sumcheck
)

// ParseBackend reads a backend name as the CLI takes it: "groth16",
// "plonk" or "sumcheck" (or the full protocol name).
func ParseBackend(s string) (Backend, error) { return verifier.ParseBackend(s) }

// system is the constraint system the backend proves.
func system(b Backend) circuit.System {
	if b == Plonk {
		return circuit.SparseR1CS
	}
	return circuit.R1CS
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
