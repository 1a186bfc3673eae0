// Package groth16setup makes Groth16 proving and verifying keys for BN254
// R1CS circuits: the keys gnark's groth16.Setup makes (gnark v0.16's
// *groth16bn254.ProvingKey and *groth16bn254.VerifyingKey, element for
// element and byte for byte from the same random stream, so gnark's
// prover, verifier, marshalling and Solidity export take them unchanged),
// an order of magnitude sooner.
//
// # Method
//
// Nearly all of a setup's time goes into multiplying a few million scalars
// by one of two fixed points, the generators of G1 and G2. gnark-crypto's
// BatchScalarMultiplicationG1/G2 do a windowed double-and-add per scalar
// (~254 doublings each). Here every vector is computed by fixed-base
// windowing (Brickell, Gordon, McCurley and Wilson, "Fast exponentiation
// with precomputation", EUROCRYPT '92; Handbook of Applied Cryptography
// §14.6.3; the method of libff's windowed_exp behind libsnark's Groth16
// generator): a table holds d·2^{wj}·G for every window j and digit
// 1 ≤ d ≤ 2^{w−1}, and a scalar in signed base-2^w digits costs one
// addition per window (16 for w = 16) and no doubling (fixedbase.go). The
// additions run in affine coordinates, a batch of scalars at a time, with
// the batch's inversions shared by Montgomery's trick (internal/ecbatch), on all
// cores. w minimises the additions (table included) for the number of
// scalars, up to 16 (a 32 MiB table in G1, 64 MiB in G2, one at a time).
// Besides the keys, a setup holds three scalars per wire (as gnark's
// does), each vector freed once its points are made, and one table; the
// Z scalars are made batch by batch. gnark's setup also holds the Z
// scalars, a copy of every G1 scalar, and every G1 point in Jacobian
// coordinates besides the affine ones it keeps.
//
// # What the keys are, and why each element is right
//
// Groth's argument (J. Groth, "On the size of pairing-based
// non-interactive arguments", EUROCRYPT 2016, eprint 2016/260) is over the
// QAP of the R1CS: n is the smallest power of two at least the number of
// constraints, ω a primitive n-th root of unity, L_j the Lagrange
// polynomials of the domain {ω^j}, t(X) = Xⁿ − 1, and for each wire i
// u_i = Σ_j a_{j,i}L_j, v_i = Σ_j b_{j,i}L_j, w_i = Σ_j c_{j,i}L_j from
// the coefficients of wire i in constraint j's left, right and output
// linear combinations. The toxic waste τ, α, β, γ, δ is drawn uniformly
// from F_r \ {0} (crypto/rand, as gnark draws it) and is overwritten when
// Setup returns, with every vector of scalars derived from it. With G, H
// the generators of G1, G2 and [x]₁ = x·G, [x]₂ = x·H, the keys hold
// (in gnark's DIZK notation, eprint 2018/691 Fig. 4):
//
//   - [α]₁, [β]₁, [δ]₁ and [β]₂, [δ]₂, [γ]₂: the prover's blinding terms
//     and the verifier's pairing bases;
//   - G1.A = [u_i(τ)]₁, G1.B = [v_i(τ)]₁, G2.B = [v_i(τ)]₂ for each wire i
//     with u_i(τ) ≠ 0 (resp. v_i(τ) ≠ 0): the prover's
//     A = α + Σ a_i u_i(τ) + rδ and B = β + Σ a_i v_i(τ) + sδ are
//     multi-scalar products with
//     them, and Groth's powers [τ^k] are only a way to compute these. The
//     wires whose scalar is zero (point at infinity) are left out and
//     flagged in InfinityA/InfinityB with their counts NbInfinityA/B, as
//     gnark's prover expects;
//   - G1.Z[k] = [τ^{rev(k)}·t(τ)/δ]₁ for k < n−1, rev the reversal of
//     log₂ n bits: the quotient h = (uv − w)/t has degree ≤ n−2, and
//     gnark's prover computes its coefficients in bit-reversed order;
//   - G1.K (proving key) = [(βu_i(τ) + αv_i(τ) + w_i(τ))/δ]₁ for the
//     private wires no commitment commits to, and VerifyingKey.G1.K the
//     same over γ for the public wires (the constant 1 first) and the
//     wires holding commitment values, which the verifier treats as
//     public: Groth's split of the C term between prover and verifier;
//   - for each of gnark's Groth16 commitments (Pedersen commitments to
//     private wires, eprint 2022/1072 as gnark cites it; our lookup range
//     checks and Pedersen-committed weights use them): the basis
//     [(βu_i(τ) + αv_i(τ) + w_i(τ))/γ]₁ of the wires it commits to, in
//     the circuit's order, so that the commitment is exactly these wires'
//     share of the verifier's K sum; the same points times the
//     commitment's knowledge exponent σ ([σ·k_i]₁, computed from the
//     scalars, not by multiplying the points); and the verifying key
//     (G, −σG) for a random G2 point G (gnark-crypto's pedersen.Setup);
//     one σ per commitment, drawn from crypto/rand like gnark-crypto's;
//   - the domain (fft.NewDomain of the number of constraints), the
//     commitments' public-input lists, and e(α, β) with −[γ]₂, −[δ]₂
//     (VerifyingKey.Precompute).
//
// Which wire goes to which vector, the order within each, the randomness
// draws and their order are gnark's (setup.go, qap.go, toxic.go); a
// malformed constraint system is reported as an error where gnark would
// panic. The tests compare the keys with gnark's byte for byte under a
// deterministic crypto/rand (testing/cryptotest), on synthetic circuits
// and zkinfer's, with 0, 1 and 2 commitments; prove and verify with
// gnark; check the keys' pairing relations; and compare every fixed-base
// multiple with gnark-crypto's scalar multiplication.
//
// # Trust
//
// This is a single-party setup: whoever runs it, or controls the machine,
// could keep the toxic waste and forge proofs, or open a Pedersen
// commitment to other values. The secrets live in this process only, and
// are overwritten before Setup returns (Go may have left copies in freed
// memory or registers, as with gnark's setup). For keys nobody can forge
// with, use a ceremony (docs/SETUP.md).
package groth16setup
