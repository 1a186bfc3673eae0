// Package weightroot binds a chain's weight commitments, made afresh for
// each proof, to a public model commitment that does not change: the
// Poseidon2 Merkle root of the packed weights and a salt
// (docs/TRANSPARENT.md, "Secret weights"). It is the glue between a chain
// with committed weights (packages mlp, cnn) and the two protocols that
// do the work: package weightpack (a committed leaves table packs the
// committed weight tables and the salt) and package poseidon2gkr (the
// committed leaves have the stated root, Thaler's GKR over Poseidon2).
//
// # The commitment
//
// The weight tables, in the chain's commitment order (convolutions, then
// dense layers, each W's padded table then b's), are packed under
// weightpack.NewLayoutWide with b = 15-bit slots (weightpack.DefaultBits):
// every W narrow, every bias wide (two 15-bit limbs: biases live at the
// accumulator's scale), the salt table (Layout.SaltTable of the 32-byte
// secret salt: 15 uniform bits in every leaf) last. [Root] is the
// Poseidon2 root (poseidon2gkr.Root) of those leaves, printed as 0x and
// the 64 hex digits of its canonical big-endian bytes ([Hex]). It is a
// function of the weights and the salt only: the salt is all its
// randomness, so `zkinfer commit` recomputes it without proving.
//
// # The proof
//
// A prover ([NewProver]) commits the salt table and the leaves, fresh
// (crypto randomness), under the chain's parameters. The chain's
// transcript absorbs, right after its statement and before any challenge
// ([Prover.Bind]), the root, every weight commitment, the salt's and the
// leaves'. After the chain's last step and before its batch is proven,
// [Prover.Prove] runs weightpack.Prove (tables and salt → leaves) and
// poseidon2gkr.ProveTree (leaves → root) on the same transcript, their
// claims deferred into the chain's one batch; [Verifier.Verify] checks
// both, and the chain's batch proof settles every claim.
//
// # Soundness
//
// The batch binds the weight commitments to tables W*; the weights the
// chain's steps use are W* except with the chain's error. weightpack
// proves the committed leaves are the packing of W* and the committed
// salt table (each entry range-checked, the packing injective), and
// poseidon2gkr that those leaves have the stated root, each with its
// error (their package docs: < 2^-230 and < 2^-238 plus the openings',
// ≈ 2^-98 in all). A proof for weights W' ≠ W under the root of (W, salt)
// therefore needs leaves that differ from W's under some salt yet have the
// same root: a Poseidon2 collision (or a second preimage of the compression
// function), assumed infeasible. Binding of the root to W holds for any
// salt; the salt only hides.
//
// # Zero knowledge across proofs
//
// Every proof commits every weight table, the salt and the leaves with
// fresh randomness under hiding commitments with vanishing masks, and
// every sumcheck is masked, so a proof reveals, beyond the root, only
// values masked by randomness of its own: k proofs reveal nothing more
// than one (each simulated independently from the root). The root hides
// the weights as far as the salt's 15·2^m bits and Poseidon2 as a random
// oracle do. Tables of fewer than 2 variables (a convolution bias of at
// most 2 output channels) have no vanishing mask to hide their claims
// (matmul.WeightRowVars). Under parameters without vanishing masks the
// proof is binding only.
package weightroot
