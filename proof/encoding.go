package proof

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"

	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
)

// A Groth16 proof's bytes in a proof file: its points compressed, nothing
// else,
//
//	A (G1, 32) ‖ B (G2, 64) ‖ C (G1, 32)                      128 bytes
//	A ‖ B ‖ C ‖ D_1 … D_n (G1, 32 each) ‖ PoK (G1, 32)         160 + 32n bytes
//
// where D_i are the circuit's commitments (lookups, range checks, Pedersen
// weight binding) and PoK their proof of knowledge. gnark's own encoding
// adds a 4-byte count and, with no commitment, an all-zero PoK (164 bytes
// instead of 128); the count is implied by the length here. Files holding
// gnark's encoding (written before this one) still decode: their lengths,
// 164 + 32n, never collide with 128 or 160 + 32n. DecodeProof parses
// both strictly; nothing is allocated beyond what the input's length
// implies.
const (
	groth16Core  = 2*g1Compressed + g2Compressed
	groth16Extra = 2 * g1Compressed // one commitment and the proof of knowledge
)

// EncodeGroth16 returns the hex encoding of prf that proof files carry.
func EncodeGroth16(prf *groth16bn254.Proof) string { return hex.EncodeToString(encodeGroth16(prf)) }

func encodeGroth16(prf *groth16bn254.Proof) []byte {
	var b []byte
	ar, bs, krs := prf.Ar.Bytes(), prf.Bs.Bytes(), prf.Krs.Bytes()
	b = append(append(append(b, ar[:]...), bs[:]...), krs[:]...)
	if len(prf.Commitments) > 0 {
		for i := range prf.Commitments {
			d := prf.Commitments[i].Bytes()
			b = append(b, d[:]...)
		}
		pok := prf.CommitmentPok.Bytes()
		b = append(b, pok[:]...)
	}
	return b
}

// DecodeGroth16 parses a proof file's proof. Every point must be on the
// curve and in its prime-order subgroup.
func DecodeGroth16(s string) (*groth16bn254.Proof, error) {
	raw, err := hex.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("proof is not hex: %v", err)
	}
	return decodeGroth16(raw)
}

// DecodeGroth16Bytes is DecodeGroth16 for the decoded bytes.
func DecodeGroth16Bytes(raw []byte) (*groth16bn254.Proof, error) { return decodeGroth16(raw) }

func decodeGroth16(raw []byte) (*groth16bn254.Proof, error) {
	n := len(raw)
	switch {
	case n == groth16Core:
		return DecodeProof(raw, 0)
	case n >= groth16Core+groth16Extra && (n-groth16Core-g1Compressed)%g1Compressed == 0:
		return DecodeProof(raw, (n-groth16Core-g1Compressed)/g1Compressed)
	case n >= ProofSize(0) && (n-ProofSize(0))%g1Compressed == 0:
		return DecodeProof(raw, (n-ProofSize(0))/g1Compressed)
	}
	return nil, fmt.Errorf("the proof is %d bytes, not the length of a Groth16 proof (128, or 160 + 32 per commitment)", n)
}

// ProofSize is the length in bytes of a Groth16 BN254 proof with
// commitments Groth16 commitments in gnark's compressed encoding: A, B, C,
// the commitment count, the commitments and their proof of knowledge.
func ProofSize(commitments int) int {
	return groth16Core + 4 + g1Compressed*(commitments+1)
}

// DecodeProof parses a proof's bytes strictly: the proof file encoding or
// gnark's compressed encoding (Proof.WriteTo) of a proof with exactly
// commitments commitments, every point on the curve and in its prime-order
// subgroup. Any other byte string, another encoding of the same points
// included, is an error.
func DecodeProof(raw []byte, commitments int) (*groth16bn254.Proof, error) {
	switch len(raw) {
	case CompactProofSize(commitments):
	case ProofSize(commitments):
		// gnark's encoding: the count after C, and with no commitment an
		// all-zero proof of knowledge (the point at infinity).
		if n := binary.BigEndian.Uint32(raw[groth16Core:]); n != uint32(commitments) {
			return nil, fmt.Errorf("the proof declares %d commitments, this circuit has %d", n, commitments)
		}
		rest := raw[groth16Core+4:]
		if commitments == 0 {
			var inf curve.G1Affine
			if b := inf.Bytes(); !bytes.Equal(rest, b[:]) {
				return nil, errors.New("the proof bytes are not the canonical encoding of their points")
			}
			rest = nil
		}
		raw = append(slices.Clip(raw[:groth16Core]), rest...)
	default:
		return nil, fmt.Errorf("the proof is %d bytes, a proof for this circuit is %d", len(raw), CompactProofSize(commitments))
	}
	p := new(groth16bn254.Proof)
	if err := decodeCompact(p, raw); err != nil {
		return nil, fmt.Errorf("proof point %v", err)
	}
	if !bytes.Equal(encodeGroth16(p), raw) {
		return nil, errors.New("the proof bytes are not the canonical encoding of their points")
	}
	return p, nil
}

// CompactProofSize is the length in bytes of a Groth16 proof with
// commitments commitments in the encoding of proof files.
func CompactProofSize(commitments int) int {
	if commitments == 0 {
		return groth16Core
	}
	return groth16Core + g1Compressed*(commitments+1)
}

func decodeCompact(prf *groth16bn254.Proof, raw []byte) error {
	next := func(size int) []byte {
		b := raw[:size]
		raw = raw[size:]
		return b
	}
	if _, err := prf.Ar.SetBytes(next(g1Compressed)); err != nil {
		return fmt.Errorf("A: %w", err)
	}
	if _, err := prf.Bs.SetBytes(next(g2Compressed)); err != nil {
		return fmt.Errorf("B: %w", err)
	}
	if _, err := prf.Krs.SetBytes(next(g1Compressed)); err != nil {
		return fmt.Errorf("C: %w", err)
	}
	if len(raw) == 0 {
		return nil
	}
	prf.Commitments = make([]curve.G1Affine, len(raw)/g1Compressed-1)
	for i := range prf.Commitments {
		if _, err := prf.Commitments[i].SetBytes(next(g1Compressed)); err != nil {
			return fmt.Errorf("commitment %d: %w", i, err)
		}
	}
	if _, err := prf.CommitmentPok.SetBytes(next(g1Compressed)); err != nil {
		return fmt.Errorf("commitment proof of knowledge: %w", err)
	}
	return nil
}
