// Package circuit assembles the gnark circuit of a compiled model under a
// visibility setting: which tensors are public inputs of the proof, which
// stay in the private witness, which are fixed into the circuit and which
// are bound by a public commitment (docs/PRIVACY.md), and what the proof
// claims about hidden outputs.
//
// [Build] is the one place that decides how a circuit is built: the
// range-check gadget ([RangePolicy]), the constraint budget, the rebuild
// that keeps Pedersen-committed weights in a commitment of their own, and
// the check that every public input is bound ([CheckPublicWires]). [Layout]
// gives the witness's order ([Wires]), which the prover, the verifier and
// the on-chain wrapper all read.
//
// # The statement
//
// The circuit runs the model with ops.CircuitArith on the inputs and
// weights of the witness (range-checked to their bit widths) and asserts
// that its outputs equal the witness's outputs. Public inputs, in order:
// the inputs (public) or their commitment (hashed), the weights' Poseidon2
// commitment (hashed), the outputs (public) or their commitment (hashed),
// a signed input's device key and nonce, the claim's tag and bounds
// ([Claim]), and the context. Every public input
// whose meaning a verifier checks against the compiled directory is pinned
// inside the circuit — a claim's tag and bounds are asserted equal to their
// compile-time constants — so that gnark's bare verifier, the Solidity
// verifier and zkinfer's accept exactly the same proofs
// (docs/SOUNDNESS.md, "Public inputs: what pins each").
//
// # Commitments to tensors
//
// A tensor list is hashed with Poseidon2 [GKS23] of width 16 as a sponge of
// rate 15 (package sponge: the same digest natively and in the circuit) as
//
//	H(tag, count, packed_1, …, packed_k, salt)
//
// tag separates inputs, weights and outputs; count is the number of values.
// Each value v of a tensor whose values satisfy |v| ≤ Max is stored as
// v + 2^(b-1) in b = BitsFor(Max)+1 bits, and as many values as fit in 253
// bits are packed into one field element. Packing is a linear combination
// (free in R1CS); it is injective because every value is bounded: inputs and
// weights are range-checked, outputs are bounded by construction. The salt
// hides low-entropy data. A permutation (555 constraints) absorbs 15
// elements: with 16-bit weights, 14 to an element, 2.6 constraints a
// weight (13.3 with gnark's width-2 Merkle–Damgård hash, which format
// version 2 used).
//
// # Binding hashed weights
//
// Hashed weights are bound either by that Poseidon2 hash (a public input)
// or, by default under Groth16, by a Pedersen commitment [Ped91] carried by
// the proof: the weight wires and the weights' salt wire, and nothing else,
// go into one gnark Groth16 commitment (frontend.Committer.Commit). The
// proof carries
//
//	D = Σ w_i·K_i + s·K_s (+ m·K_m)
//
// where K are the commitment key's bases (pk.CommitmentKeys[j].Basis, made
// at setup from the circuit: they depend on the proving key) and m is the
// mask wire gnark's R1CS builder adds to every commitment. zkinfer's prover
// sets m = 0 ([ZeroMaskOption]), so D is the same in every proof with the
// same weights and salt; the salt s, a secret the model owner draws once,
// hides the weights instead. A prover is free to pick another m, which only
// gives another D: binding is Pedersen's (discrete logarithms between the
// bases, which come from the setup's phase 1: whoever ran a single-party
// setup knows them), and the commitment's proof of knowledge ties D to the
// weights the circuit used. It costs about 2 constraints whatever the
// number of weights.
//
// # Binding a proof to its context
//
// Every circuit's last public input is the proof's context: bytes the
// verifier chooses (a borrower's address, a nonce, a chain id), which the
// model never reads, carried as
//
//	ContextValue(b) = keccak256(b) mod r
//
// or 0 when the prover gives none. keccak256 is what a contract computes
// cheaply, so an on-chain verifier derives the value from msg.sender and a
// nonce it tracks, and a proof made for one sender or nonce fails for any
// other (a collision of keccak256 mod r would be needed).
//
// In Groth16 [Gro16] a public input that no constraint reads has a zero
// verifying-key point (its u_i, v_i, w_i are all zero), so anyone could
// change it in a valid proof without the prover. The context is made an
// operand of one multiplication, which gives it a non-zero point: the proof
// then holds for one context value only. [CheckPublicWires] checks the same
// of every public input of a compiled circuit.
//
// # Binding segments
//
// A model proven in segments (package proof/segment) has circuits whose
// inputs, outputs or both are a boundary (visibility Boundary): tensors
// another segment computes or reads. Adjacent segments are bound by a
// commit-then-fingerprint argument (boundary.go):
//
//   - Each segment puts its boundary values, their salts and a blind into
//     one Groth16 commitment of its own, the boundary commitment
//     (frontend.Committer.Commit, with gnark's mask zeroed as for Pedersen
//     weights): the boundary input values (secret inputs, plain wires),
//     the input's salt s_in, the output's salt s_out, the blind t, and the
//     boundary outputs' packed field elements P_k (the packing of
//     "Commitments to tensors": ~10 values an element), which the circuit
//     computes as linear expressions and makes hinted wires, each asserted
//     equal to its expression. The proof carries D = Σ v_i·K_i over those
//     values v in wire order ([BoundaryValues]), so the prover computes D
//     before proving from the commitment key's basis.
//   - r = keccak256(D_0 ‖ … ‖ D_{S−1}) mod r_BN254, over every segment's
//     commitment point ([BoundaryChallenge]), is the public input
//     boundary_r of every segment.
//   - Each boundary's fingerprint, Horner's rule over its n values
//     unpacked from the salt, f = s·r^n + Σ_i v_i·r^(n−1−i), is a public
//     input: boundary_out of the producer (from the values it computes),
//     boundary_in of the consumer (from its secret input values, which it
//     does not range-check: equal fingerprints make them the producer's
//     values as field elements, which the producer's gadgets bound, as
//     the unsegmented circuit's next step reads them). A run of values a
//     segment hands on as it received them (its inputs' last values, its
//     outputs' first) is Horner-summed once for both fingerprints, which
//     are the same polynomials in r.
//
// The verifier recomputes r from the proofs' commitment points, requires
// it in every segment's boundary_r, and compares boundary_out of one
// segment with boundary_in of the next. Binding: D fixes the committed
// values before r exists (the commitment key's bases are independent:
// each committed wire is, once the ones before it are set aside, the only
// one left in a constraint — an input value or salt in its Horner
// product, the blind in its square, a packed wire in its equality with
// its expression); the producer's values are fixed by their packing,
// which is injective on values within their bounds; two different value
// vectors then have equal fingerprints at r with probability at most
// n/r_BN254 (Schwartz–Zippel [Sch80]). Hiding: D is blinded by t, each
// fingerprint by its own salt, all uniform and drawn per bundle, so no
// two public values share a mask (a shared salt would let a guess of the
// boundary be checked). The argument is in docs/SOUNDNESS.md, "Segments:
// binding the boundaries". About 2.1 constraints per boundary value, both
// sides together, with either range check: one for each side's
// fingerprint and ~0.1 for the producer's packed wires.
//
// # Signed inputs
//
// With Visibility.InputSignedBy = EdDSA the circuit also checks a device's
// EdDSA signature (BN254's twisted Edwards curve, Poseidon2 for the message
// and the challenge) over its input and a nonce under a public key
// (signed.go). The message M = Poseidon2(5, scale, nonce, n, packed) is
// recomputed from the input wires themselves, range-checked to the
// activation bits (≤ 48 < 63), so v + 2^63 fits its 64-bit slot and the
// packing is injective: a different input is a different message. The
// check is R and A on the curve, S ≤ ℓ − 1 and [8]([S]G − [h]A − R) =
// (0, 1) with h = H(R, A, M), in formulas complete on the curve;
// unforgeability is EdDSA's under the key A, which the verifier compares
// with the device's registered key (an A the prover picked proves nothing
// about the device). The on-curve checks are needed: off the curve the
// formulas' divisions are not pinned, and R = (0, 0) (or A = (0, 0), h odd)
// with a prover's choice of a 0/0 in the cofactor doublings passes the
// identity check for any S and message. The key's coordinates and the
// nonce are public inputs; R and S are secret. TestCircuitSignedInput
// rejects a forged S, S + ℓ, a forged R, an input changed after signing,
// another device's signature, another key, another nonce and another
// scale; TestCircuitSignatureGadget a lone last packed value changed and
// the off-curve R and A.
//
// # References
//
//   - [Gro16] J. Groth, "On the Size of Pairing-based Non-interactive
//     Arguments", EUROCRYPT 2016, https://eprint.iacr.org/2016/260.
//   - [GKS23] L. Grassi, D. Khovratovich, M. Schofnegger, "Poseidon2: A
//     Faster Version of the Poseidon Hash Function", AFRICACRYPT 2023,
//     https://eprint.iacr.org/2023/323.
//   - [Ped91] T. P. Pedersen, "Non-Interactive and Information-Theoretic
//     Secure Verifiable Secret Sharing", CRYPTO 1991.
//   - [Sch80] J. T. Schwartz, "Fast Probabilistic Algorithms for
//     Verification of Polynomial Identities", J. ACM 27(4), 1980.
package circuit
