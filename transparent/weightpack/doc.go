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
// # Protocol
//
//  1. The transcript absorbs the layout and every commitment, the leaves'
//     last.
//  2. A logUp range check (package logup) of each table into
//     [−2^(b−1), 2^(b−1)) (2^b entries), its claims into the batch.
//  3. ρ ∈ F^m is drawn and one sumcheck over N = s + m variables proves
//     Σ_t Σ_x A_t(x)·T_t(x) − Σ_x E(x)·L(x) = −K (relation.go): A_t the
//     public coefficient 2^(b·i)·eq(ρ, j) on table t's block of V, E the
//     leaves' eq(ρ, j) on slot 0, K = Σ_i 2^(b·i)·2^(b−1). It is
//     Σ_j eq(ρ, j)·(P(j) − L(j)) = 0, the MLE of P − L at ρ.
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
// If L ≠ P, the MLE of P − L is a nonzero multilinear polynomial of m
// variables, zero at ρ with probability ≤ m/|F|; the sumcheck of degree 2
// (6 in a masked last round) errs with ≤ 6N/|F| (+1/|F| for the Libra
// mask's ρ_g); each claim adds the batch's error (≈ 2^-100 with
// pcs.DefaultParams). Each range check errs with logup's
// (2^n + 2^b + n + b + 7N' + 3)/|F|. An entry outside the range passes only
// through a range check's error; inside, the packing is injective. In all
// ≈ (Σ_t 2^(n_t) + T·2^b + 8N)/|F| < 2^-230 for cnn_c32, plus the openings'.
package weightpack
