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
// table are packed into a slot space V of 2^(s+m) entries ([Layout]),
// entry i·2^m + j being slot i of leaf j; leaf j is
//
//	P(j) = Σ_{i<2^s} 2^(b·i)·(V[i·2^m + j] + 2^(b−1)),
//
// as circuit/commit.go packs Groth16's weights (v + 2^(b−1) in b bits).
// With every entry in [−2^(b−1), 2^(b−1)) each term is a limb in [0, 2^b)
// and P(j) < 2^(2^s·b) ≤ 2^253 < p: no limb overflows into the next, the
// sum never wraps mod p, so P is injective and the root binds the entries.
//
// Only a table's valid entries are packed ([NewLayoutValid]: a rectangle
// rows < R, columns < C of the padded table; the rest is the layer's
// padding, proven zero). The rectangle is cut into aligned sub-blocks
// (a binary digit of R by one of C), placed in V by decreasing size at
// multiples of their sizes, so that a block's entry at (row, column)
// offset (a, c) is V's entry at its place plus a·2^(free column bits) + c.
// cnn_c32's 249,394 weights then fit 2^14 leaves, where its padded tables
// (297,312 entries) needed 2^15. The salt is 2^k entries of b bits,
// k the least with 2^k·b ≥ 240 ([Layout.SaltTable]).
//
// A wide table (a bias at the accumulator's scale: 2b-bit entries) is
// packed as two slot tables, its limbs lo, hi in [−2^(b−1), 2^(b−1)) with
// w = lo + 2^b·hi + 2^(b−1) (a bijection with [−2^(2b−1), 2^(2b−1))),
// which the prover commits; the relation is proven in the same sumcheck.
//
// # Protocol
//
//  1. The transcript absorbs the layout and every commitment, the leaves'
//     last, then the wide tables' limb commitments.
//  2. The range check, one logUp (Haböck 2022) for all slot tables: in the
//     table space — each slot table whole at its offset, by decreasing
//     size, zeros elsewhere, cut into at most two bins of 2^v entries
//     (cnn_c32: 2^18 + 2^16) inside 2^P, P ≥ b — the prover commits the
//     multiplicities M of the range T = [−2^(b−1), 2^(b−1)) (2^b entries)
//     among the bins' entries V_T; α is drawn; it commits H = 1/(α − V_T)
//     (a commitment a bin) and G = M/(α − T); r ∈ F^P, r_t ∈ F^b and λ
//     are drawn. Three or four commitments, not three a table.
//  3. ρ ∈ F^m and, for each wide table, z_t are drawn. One sumcheck over P
//     variables (relation.go) proves, combined by powers of λ:
//     Σ H − Σ G = 0; Σ_x eq(r, x)·H(x)·(α − V_T(x)) = Σ_x eq(r, x)
//     (x over the bins: Σ_bins eq(r_pre, the bin's offset));
//     Σ_y eq(r_t, y)·(G·(α − T) − M)(y) = 0; the packing
//     Σ_k Σ_y a_k(y)·S_k(y) − Σ_j eq(ρ, j)·L(j) = −K (+ 2^(b−1) a wide
//     table), a_k(y) = 2^(b·i)·eq(ρ, j) at valid entry y's place i·2^m + j
//     and 0 on padding, K = Σ_i 2^(b·i)·2^(b−1): the MLE of P − L at ρ;
//     Σ_y eq(z_t, y)·(W_t − lo_t − 2^b·hi_t)(y) = 2^(b−1) per wide table;
//     and the padding: Σ_x eq(r, x)·[x is padding]·V_T(x) = 0 (of W_t
//     itself, at z_t, for a wide table: its limbs' padding is not zero).
//     Every term is a public coefficient that vanishes off one block —
//     its table's place in the table space — times tables over that
//     block's variables (and H): the block prover (blocksum.go) spends
//     O(Σ 2^(n_k)) a round where a materialized instance spent
//     O(2^P) a table, and sends the proof sumcheck.ProveSum would
//     (TestBlockProverMatches), which sumcheck.VerifySum checks.
//  4. The verifier computes each coefficient's final in O(P·blocks) (a
//     product of one linear factor a variable, summed over the table's
//     blocks) and T̃'s (T is linear in the bits); every committed table's
//     final is a claim on its commitment at the last n coordinates of ρ',
//     deferred into the caller's batch: one claim a table.
//
// Under pcs.Params.Hiding and Vanishing the committed tables are masked
// factors (sumcheck.Instance.Spans: each over its own, last, variables),
// so the finals are f̂ values, one claim a commitment, and the sumcheck is
// masked by a Libra mask of its own (committed under sumcheck.MaskParams;
// a mask stream attached to the transcript is set aside for it): zero
// knowledge as package logup's sumcheck. A table of no variables (a
// one-entry bias) has no vanishing mask: its value is stated.
//
// # Soundness
//
// The range check: if an entry of V_T is outside T, Σ 1/(α − V_T) =
// Σ M/(α − T) fails as rational functions (Haböck's lemma: 2^P < p
// lookups) and holds at α with ≤ (2^P + 2^b)/|F|; H or G not the
// fractions fails a zero-check at r or r_t except with (P + b)/|F|. If
// L ≠ P, a wide table ≠ its limbs' value, or a padding entry ≠ 0, the
// corresponding sum minus its claim is a nonzero multilinear polynomial in
// ρ, z_t or r, zero with ≤ (m + Σ n_t + P)/|F|; the five identities'
// λ-combination (degree 4 in λ, every table bound before λ) hides a false
// one with ≤ 4/|F|; the sumcheck (degree 3, 7 in a masked last round)
// errs with ≤ (3P + 5)/|F| (+1/|F| for the Libra mask's ρ_g); each claim
// adds the batch's error (≈ 2^-100 with pcs.DefaultParams). An entry
// outside the range passes only through these errors; inside, the packing
// is injective. In all ≤ (2^P + 2^b + 6P + b + m + Σ n_t + 10)/|F| <
// 2^-230 for cnn_c32 (P = 19), plus the openings'. The checks beyond the
// sumcheck's own — the range check, each claim, the coefficients' finals,
// the limb relation, the padding — each stop a cheat that passes without
// them (TestChecksNeeded).
package weightpack
