// Package srs reads the structured reference strings (SRS) that PLONK's KZG
// polynomial commitments need on BN254, checks them, and tells a public
// ceremony's file from any other.
//
// # Method
//
// KZG (Kate, Zaverucha and Goldberg, "Constant-Size Commitments to
// Polynomials and Their Applications", ASIACRYPT 2010) commits to a
// polynomial of degree below n with the powers [τⁱ]₁ (i < n) and [1]₂,
// [τ]₂ of a secret τ. Whoever knows τ can open a commitment to any value,
// and so forge PLONK proofs. A powers-of-tau ceremony makes τ the product
// of its participants' secrets, unknown if one of them destroyed theirs,
// and one SRS serves every circuit up to its size: gnark's plonk.Setup
// takes the first powers (SRS.Canonical) and their Lagrange form on the
// circuit's domain (SRS.Lagrange).
//
// Load reads snarkjs's .ptau files (iden3's binary container, in which the
// Perpetual Powers of Tau ceremony published its results; see ptau.go for
// the layout) and gnark-crypto's kzg.SRS encoding, cut to the circuit's
// size. Every point read must be on its curve and in its prime-order
// subgroup, the first powers must be the generators and [τ]₂ neither 0 nor
// 1, and one pairing check on random rᵢ,
//
//	e(Σ rᵢ[τⁱ⁺¹]₁, [1]₂) = e(Σ rᵢ[τⁱ]₁, [τ]₂),
//
// shows that the G1 points are consecutive powers of the τ in [τ]₂.
//
// These checks cannot tell whether anyone knows τ: a file made with
// `snarkjs powersoftau new` and one contribution passes them. What tells a
// public ceremony's file from such a one is its hash. Info records the
// file's BLAKE2b-512 and whether it is one of the Perpetual Powers of Tau
// files whose hashes snarkjs's README publishes, pinned in known.go;
// Info.Warning warns about any other file. UnsafeDev draws an SRS from a τ
// this process knows, for development only.
package srs
