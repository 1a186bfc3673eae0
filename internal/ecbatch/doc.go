// Package ecbatch is elliptic-curve arithmetic on many independent points
// at once, for BN254's G1 (coordinates in Fp) and G2 (in Fp²): the
// operations of a batch run in affine coordinates and share one field
// inversion (Montgomery's trick: P. L. Montgomery, "Speeding the Pollard
// and elliptic curve methods of factorization", Math. Comp. 1987), so an
// affine addition costs ~6 field multiplications against ~11–16 for a
// Jacobian one, and the results need no normalisation.
//
//   - Adder adds batches of point pairs and doubles batches of points
//     (affine.go), the arithmetic of groth16setup's fixed-base tables.
//   - Multiplier multiplies each point of a batch by its own scalar in
//     lockstep, along the group's endomorphisms (GLV in G1, GLS in G2:
//     glv.go); MulG1 and MulG2 are BN254's (bn254.go), checked against
//     gnark-crypto's scalar multiplication.
//   - MulG1One multiplies a whole batch by ONE scalar along the scalar's
//     own chain (one.go), the batch held as coordinate vectors so that
//     each step is a few element-wise vector operations (vec.go:
//     gnark-crypto's fp.Vector, AVX-512 IFMA where the CPU has it, the
//     step's inversions shared through a product tree).
//
// Nothing here is constant-time: the ceremony multiplies by its secrets
// with it, as gnark-crypto's own (variable-time) multiplication did, on the
// participant's machine.
package ecbatch
