package verifier

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"

	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
	plonkbn254 "github.com/consensys/gnark/backend/plonk/bn254"
)

// The wire format of proofs: the bytes a proof file's "proof" field holds
// (hex), for both backends. Nothing here allocates beyond what the input's
// length implies, and every error is one line.
//
// A Groth16 proof is its points compressed, nothing else,
//
//	A (G1, 32) ‖ B (G2, 64) ‖ C (G1, 32)                      128 bytes
//	A ‖ B ‖ C ‖ D_1 … D_n (G1, 32 each) ‖ PoK (G1, 32)         160 + 32n bytes
//
// where D_i are the circuit's commitments (lookups, range checks, Pedersen
// weight binding) and PoK their proof of knowledge. gnark's own encoding
// (Proof.WriteTo) adds a 4-byte count and, with no commitment, an all-zero
// PoK (164 bytes instead of 128); the count is implied by the length here.
// Files holding gnark's encoding (written before this one) still decode:
// their lengths, 164 + 32n, never collide with 128 or 160 + 32n.
// DecodeGroth16 parses both strictly.
//
// A PLONK proof is gnark's compressed encoding (DecodePlonk).

// Encoded sizes of BN254 points with gnark-crypto's point compression; an
// uncompressed point (top two bits of its first byte 00) takes twice as
// many bytes.
const (
	g1Compressed = 32
	g2Compressed = 64
)

const (
	groth16Core  = 2*g1Compressed + g2Compressed // A, B, C
	groth16Extra = 2 * g1Compressed              // one commitment and the proof of knowledge
)

// AnyCommitments, as DecodeGroth16's commitment count, takes the count
// from the proof's length.
const AnyCommitments = -1

// groth16Size is the length in bytes of a Groth16 proof with commitments
// commitments in the encoding of proof files.
func groth16Size(commitments int) int {
	if commitments == 0 {
		return groth16Core
	}
	return groth16Core + g1Compressed*(commitments+1)
}

// gnarkGroth16Size is the length in bytes of a Groth16 proof with
// commitments commitments in gnark's compressed encoding: A, B, C, the
// commitment count, the commitments and their proof of knowledge.
func gnarkGroth16Size(commitments int) int {
	return groth16Core + 4 + g1Compressed*(commitments+1)
}

// groth16Commitments is the number of commitments of a Groth16 proof of n
// bytes in either encoding, and whether n is such a length.
func groth16Commitments(n int) (int, bool) {
	switch {
	case n == groth16Core:
		return 0, true
	case n >= groth16Core+groth16Extra && (n-groth16Core-g1Compressed)%g1Compressed == 0:
		return (n - groth16Core - g1Compressed) / g1Compressed, true
	case n >= gnarkGroth16Size(0) && (n-gnarkGroth16Size(0))%g1Compressed == 0:
		return (n - gnarkGroth16Size(0)) / g1Compressed, true
	}
	return 0, false
}

// EncodeGroth16 returns prf's bytes in the encoding of proof files.
func EncodeGroth16(prf *groth16bn254.Proof) []byte {
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

// DecodeGroth16 parses a Groth16 proof's bytes strictly: the encoding of
// proof files or gnark's compressed encoding (Proof.WriteTo) of a proof
// with exactly commitments commitments (AnyCommitments: as many as the
// length says), every point on the curve and in its prime-order subgroup.
// Any other byte string, another encoding of the same points included, is
// an error.
func DecodeGroth16(raw []byte, commitments int) (*groth16bn254.Proof, error) {
	if commitments < 0 {
		n, ok := groth16Commitments(len(raw))
		if !ok {
			return nil, fmt.Errorf("the proof is %d bytes, not the length of a Groth16 proof (128, or 160 + 32 per commitment)", len(raw))
		}
		commitments = n
	}
	switch len(raw) {
	case groth16Size(commitments):
	case gnarkGroth16Size(commitments):
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
		return nil, fmt.Errorf("the proof is %d bytes, a proof for this circuit is %d", len(raw), groth16Size(commitments))
	}
	p := new(groth16bn254.Proof)
	if err := decodeGroth16Points(p, raw); err != nil {
		return nil, fmt.Errorf("proof point %v", err)
	}
	if !bytes.Equal(EncodeGroth16(p), raw) {
		return nil, errors.New("the proof bytes are not the canonical encoding of their points")
	}
	return p, nil
}

// decodeGroth16Points reads the points of a proof in the encoding of proof
// files, whose length is checked.
func decodeGroth16Points(prf *groth16bn254.Proof, raw []byte) error {
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

// DecodePlonk parses a PLONK proof's bytes (gnark's compressed encoding: 8
// G1 points, the claimed values, the shifted opening, the BSB22
// commitments). The two slice lengths are checked against the size before
// decoding, so malformed bytes are an error, never a large allocation.
func DecodePlonk(raw []byte) (*plonkbn254.Proof, error) {
	const g1, fe, head = 32, 32, 8 * 32
	bad := func(why string) error { return fmt.Errorf("proof bytes are malformed: %s", why) }
	if len(raw) < head+4 {
		return nil, bad("too short for a plonk proof")
	}
	k := int(binary.BigEndian.Uint32(raw[head:]))
	if k < 6 || k > 6+255 {
		return nil, bad("not a plonk proof")
	}
	nc := k - 6 // BSB22 commitments
	at := head + 4 + k*fe + g1 + fe
	if len(raw) != at+4+nc*g1 || int(binary.BigEndian.Uint32(raw[at:])) != nc {
		return nil, bad(fmt.Sprintf("%d bytes, not a plonk proof with %d commitment(s)", len(raw), nc))
	}
	var prf plonkbn254.Proof
	if _, err := prf.ReadFrom(bytes.NewReader(raw)); err != nil {
		return nil, bad(err.Error())
	}
	return &prf, nil
}
