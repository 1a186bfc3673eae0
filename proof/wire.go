package proof

import (
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
	plonkbn254 "github.com/consensys/gnark/backend/plonk/bn254"

	"github.com/zkinfer/zkinfer/proof/verifier"
)

// The wire format of proofs, the bytes a proof file's "proof" field holds
// (hex), is the verifier's (verifier/wire.go).

// AnyCommitments, as DecodeGroth16's commitment count, takes the count
// from the proof's length.
const AnyCommitments = verifier.AnyCommitments

// EncodeGroth16 returns prf's bytes in the encoding of proof files.
func EncodeGroth16(prf *groth16bn254.Proof) []byte { return verifier.EncodeGroth16(prf) }

// DecodeGroth16 parses a Groth16 proof's bytes strictly
// (verifier.DecodeGroth16).
func DecodeGroth16(raw []byte, commitments int) (*groth16bn254.Proof, error) {
	return verifier.DecodeGroth16(raw, commitments)
}

// DecodePlonk parses a PLONK proof's bytes (verifier.DecodePlonk).
func DecodePlonk(raw []byte) (*plonkbn254.Proof, error) { return verifier.DecodePlonk(raw) }
