// Package transparent is the root of zkinfer's transparent proof system: proofs
// for tensor layers that need no trusted setup and rest only on a collision-
// resistant hash (SHA-256) and the arithmetic of BN254's scalar field.
//
// The method is the one of the fastest sumcheck-based zkML provers: a layer's
// output claim, an evaluation of its multilinear extension at a random point,
// is reduced by the sumcheck protocol (Lund, Fortnow, Karloff and Nisan 1992)
// to evaluation claims on its inputs' multilinear extensions (Thaler,
// "Time-optimal interactive proofs for circuit evaluation", CRYPTO 2013, for
// matrix products); the claims on private tensors are opened through a
// polynomial commitment built from Reed–Solomon codes and Merkle trees (Ames,
// Hazay, Ishai and Venkitasubramaniam, "Ligero", CCS 2017; Golovnev et al.,
// "Brakedown", CRYPTO 2023), and the whole interaction is made
// non-interactive with a Fiat–Shamir transcript. docs/TRANSPARENT.md gives
// the protocol, the soundness error of every step and the parameters.
//
// Subpackages, one job each:
//
//	transcript  the Fiat–Shamir transcript (SHA-256, domain-separated labels)
//	mle         multilinear polynomials as evaluation tables; eq tables
//	sumcheck    the sumcheck protocol for products of multilinears
//	merkle      SHA-256 Merkle trees with authentication paths
//	pcs         the Ligero/Brakedown-style multilinear commitment
//	matmul      the MatMul/Gemm layer proof (Y = X·W + b, W public, X committed)
//	logup       lookups of a committed vector into a public table (Haböck's logUp)
//	rescale     rescale and RescaleRelu of a committed tensor, ops' semantics
//	conv        2-D convolution as a matrix product with an implicit im2col
//	mlp         chains of dense layers, private input to public output
package transparent
