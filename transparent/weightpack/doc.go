// Package weightpack proves that a committed leaves table packs committed
// weight tables, b-bit signed entries 2^s to a field element, so that a
// Merkle tree of the leaves (package poseidon2gkr) is a public model
// commitment to the weights that every proof re-commits afresh
// (docs/TRANSPARENT.md, "Secret weights", "Packing the weights").
//
// # Layout
//
// The tables a model commits (matmul.ModelCommitment's order: convolution
// nodes, then dense layers, each W's padded table then b's) and a salt
// table are placed in a slot space V of 2^(s+m) entries ([Layout]), entry
// i·2^m + j being slot i of leaf j; leaf j is
//
//	P(j) = Σ_{i<2^s} 2^(b·i)·(V[i·2^m + j] + 2^(b−1)),
//
// as circuit/commit.go packs Groth16's weights (v + 2^(b−1) in b bits).
// With every entry in [−2^(b−1), 2^(b−1)) each term is a limb in [0, 2^b)
// and P(j) < 2^(2^s·b) ≤ 2^253 < p: no limb overflows into the next, the
// sum never wraps mod p, so P is injective and the root binds the entries.
//
// A wide table (a bias at the accumulator's scale: 2b-bit entries) is
// packed as two slot tables, its limbs lo, hi in [−2^(b−1), 2^(b−1)) with
// w = lo + 2^b·hi + 2^(b−1) (a bijection with [−2^(2b−1), 2^(2b−1))),
// which the prover commits; the relation is proven in the same sumcheck.
//
// # Protocol
//
//  1. The transcript absorbs the layout and every commitment, the leaves'
//     last.
//  2. The wide tables' limb commitments (absorbed), then a logUp range
//     check (package logup) of each slot table — narrow tables, limbs, the
//     salt — into [−2^(b−1), 2^(b−1)) (2^b entries), claims into the batch.
//  3. ρ ∈ F^m is drawn and one sumcheck over N = s + m variables proves
//     Σ_t Σ_x A_t(x)·T_t(x) − Σ_x E(x)·L(x) = −K (relation.go): A_t the
//     public coefficient 2^(b·i)·eq(ρ, j) on table t's block of V, E the
//     leaves' eq(ρ, j) on slot 0, K = Σ_i 2^(b·i)·2^(b−1). It is
//     Σ_j eq(ρ, j)·(P(j) − L(j)) = 0, the MLE of P − L at ρ. For each wide
//     table a point z_t is drawn too and the sum gains
//     Σ_y eq(z_t, y)·(W_t − lo_t − 2^b·hi_t)(y), whose value 2^(b−1) joins
//     the claim.
//  4. Each coefficient's final Ã_t(ρ'), Ẽ(ρ') the verifier computes in
//     O(N) (a product of one linear factor a variable); each table's final
//     is a claim on its commitment at the last Vars[t] coordinates of ρ', the
//     leaves' at its last m, deferred into the caller's batch.
//
// Under pcs.Params.Hiding and Vanishing the tables are masked factors
// (sumcheck.Instance.Spans: each over its own, last, variables), so the
// finals are f̂ values, one claim a commitment, and the sumcheck is
// Libra-masked: zero knowledge as package logup's sumcheck. A table of no
// variables (a one-entry bias) has no vanishing mask: its value is stated.
//
// # Soundness
//
// If L ≠ P, or W_t ≠ lo_t + 2^b·hi_t + 2^(b−1) for a wide table, the sum
// minus its claim is a nonzero multilinear polynomial in (ρ, z_t) (its
// parts in disjoint variables), zero with probability ≤ (m + Σ n_t)/|F|; the sumcheck of degree 2
// (6 in a masked last round) errs with ≤ 6N/|F| (+1/|F| for the Libra
// mask's ρ_g); each claim adds the batch's error (≈ 2^-100 with
// pcs.DefaultParams). Each range check errs with logup's
// (2^n + 2^b + n + b + 7N' + 3)/|F|. An entry outside the range passes only
// through a range check's error; inside, the packing is injective. In all
// ≈ (Σ_t 2^(n_t) + T·2^b + 8N)/|F| < 2^-230 for cnn_c32, plus the openings'.
package weightpack
