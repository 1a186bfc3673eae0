// Package poseidon2gkr proves, by sumcheck, that N = 2^n Poseidon2
// permutations were evaluated correctly, and that a committed table of 2^n
// leaves has a given Merkle root under Poseidon2's compression: Thaler's
// GKR for data-parallel circuits ("Time-optimal interactive proofs for
// circuit evaluation", CRYPTO 2013, §5), with the layer-by-layer
// reductions of Goldwasser, Kalai and Rothblum (STOC 2008). It is the
// first step of hashing the weights inside the proof (docs/TRANSPARENT.md,
// "Hashing inside the proof"): a public model commitment that is a
// Poseidon2 Merkle root of the packed weights, which every proof ties to
// its own fresh commitment of them.
//
// # The hash
//
// [Perm] is gnark-crypto v0.21.0's ecc/bn254/fr/poseidon2 default
// permutation (width 2, 6 full and 50 partial rounds, x^5; perm.go has
// the round order) and [Compress] its Permutation.Compress, the
// Merkle–Damgård hasher's step: c(l, r) = Perm(l, r)_1 + r (gnark-crypto
// feeds the right input forward into lane 1; this package uses that
// convention so that roots match gnark-crypto's, and a gnark circuit's,
// bit for bit: TestPermMatchesGnark).
//
// # One layer per round
//
// The N instances' states before round i are two lane tables s^i_0, s^i_1
// (s^0 = M_E·x); a third lane c = x_1, the input to feed forward, is
// carried unchanged through every layer. Round i maps (s^i, c) to
// (M_i·S(s^i + key_i), c) instance by instance, so for a claim
// Σ_j w_j·õut_j(ρ) = y on its output lanes (ρ ∈ F^n), with
// β_k = Σ_j w_j·M_i[j][k] and u_k = s^i_k + key_{i,k},
//
//	y = Σ_{x∈{0,1}^n} eq(ρ, x)·(β_0·u_0(x)^5 + β_1·S(u_1(x)) + w_2·c(x)),
//
// S(u) = u^5 in a full round and u in a partial one: one sumcheck
// (sumcheck.ProveSum, tables eq, u_0, u_1, c; degree 6) whose finals at
// its point ρ' are eq(ρ, ρ'), which the verifier checks itself, and
// û_0, û_1, ĉ: claims s^i_k(ρ') = û_k − key_{i,k} and c̃(ρ') = ĉ on the
// round's input. The verifier draws λ_1, λ_2 and the next layer's claim is
// s^i_0 + λ_1·s^i_1 + λ_2·c at ρ' (w = (1, λ_1, λ_2)). After round 0,
// x̃(ρ') = M_E^{-1}·s̃^0(ρ') and the verifier checks ĉ = x̃_1(ρ') (the lane
// fed forward is the second input). [ProvePerms] / [VerifyPerms] run the
// 56 layers from any such claim and return x̃(ρ') for the caller to check.
//
// # The Merkle tree
//
// Level k (k = 0 the root) holds 2^k compressions; its inputs are the
// level below's values v at (x, 0) and (x, 1): l̃(ρ) = ṽ(ρ, 0),
// r̃(ρ) = ṽ(ρ, 1) (index 2x + b, b the last variable). The transcript
// absorbs n (the leaves are 2^n), the leaves' commitment and the root;
// level 0 starts from the claim õut_1 + õut_2 = root at the empty point.
// The 56 layers of level k end in claims a = l̃(ρ'), b = r̃(ρ'), two points
// of the line t ↦ ṽ(ρ', t), of degree 1: with μ drawn after them,
// ṽ(ρ', μ) = (1 − μ)·a + μ·b, one claim on level k + 1 (the standard
// two-to-one reduction, with no polynomial to send since the points
// differ in one coordinate). After level n − 1 the claim is on the leaves
// at one point of n coordinates: one opening of their pcs commitment
// (deferred into a batch.Prover as the other protocols do, or at once).
//
// # Soundness (binding proofs; zero knowledge's below)
//
// If the root is not the committed leaves' Merkle root, level 0's claim is
// false. A layer with a false claim on a level of k variables hands a
// false claim down except with probability ≤ 6k/|F| (the sumcheck: k
// rounds of degree 6; the verifier fixes the length of each round) plus
// 1/|F| for the λ-combination of the three lanes' claims (a nonzero
// linear form in λ_1, λ_2); eq's final is the verifier's, so it is exact;
// a level hands a false claim to the next except with 1/|F| (μ). The error
// is therefore ≤ Σ_{k<n} (56·6k + 56)/|F| = (168·n(n−1) + 56n)/|F|:
// 31,360/|F| < 2^-238 for 2^14 leaves, plus the leaves' opening (the pcs
// error, ≈ 2^-100 under pcs.DefaultParams) and, non-interactively, Q times
// this for Q hash queries (docs/TRANSPARENT.md, "Soundness"). The checks
// the verifier makes besides the sumchecks' own — eq's final, the
// fed-forward lane's, the leaves' opening — each stop a crafted cheat
// that passes without them (TestChecksNeeded).
//
// # Zero knowledge
//
// Leaves committed with pcs.Params.Hiding and Vanishing make the proof
// zero knowledge (zk.go, zktree.go), following Libra (Xie et al., CRYPTO
// 2019, §4) with the repository's tools; binding proofs are unchanged
// byte for byte (TestBindingGolden).
//
//   - Masks. Every layer's lanes u_0, u_1, c are masked factors
//     û = ũ + Z(x)·m̃(x_last) (Z = Π x_i(1 − x_i) over the level's
//     variables, m a row of 2 uniform entries; sumcheck.Instance.Masks), so
//     a layer's finals are ũ(ρ') + Z(ρ')·m̃(ρ'_last). Round 0's
//     fed-forward row is (M_E^{-1}·m)_1, so that the carry check still
//     holds. Every row of every level is one table M (row (k, i, j)),
//     committed under the leaves' parameters before any challenge.
//   - Tails. A claim Σ_j w_j·v̂_j on round i's masked finals is the true
//     sum plus Z(ρ')·Σ_j w_j·m̃_{i,j}(ρ'_last): the layer below proves it
//     with sumcheck's tail (Coef Z(ρ'), Point ρ'_last, S = Σ_j w_j·m_{i,j}),
//     whose final S̃(ρ̄_last) is a mask claim; a level's two-to-one step
//     hands the next level the tail of (1 − μ)·n_0 + μ·n_1,
//     n = M_E^{-1}·m of its round 0. Every sumcheck is Libra-masked
//     by a slot of one sumcheck.MaskPool (sumcheck.ProveSumPooled): the
//     56n + 2 sumchecks' shapes fix their round degrees (poolSlots), so
//     the pool is committed with M, before any challenge, and opened once
//     after the last sumcheck (its γ-fold of the 56n + 2 values g_s(r_s),
//     one sumcheck, one pcs opening) instead of one commitment and one
//     opening per sumcheck.
//   - The root level has no variable, so nothing to mask with: it runs
//     over one variable, instances (v_0, v_1) (the root, claimed at x = 0)
//     and (v_1, v_0), whose inputs l(x) = v_x and r(x) = v_{1−x} have MLEs
//     ṽ_1(ρ) and ṽ_1(1 − ρ); with t = (μ − ρ)/(1 − 2ρ) the line through
//     them gives ṽ_1(μ) = (1 − t)·a + t·b (exact: ṽ_1 is linear).
//   - The end. The last claim, on L̃ plus a tail, becomes one on the
//     leaves' f̂ by a sumcheck Σ_x eq(z, x)·L̂(x) (L̂ masked by the
//     commitment's vanishing row); the mask claims, combined by powers of
//     γ, by one sumcheck Σ_x A(x)·M̂(x) with A the verifier's (Ã(ρ) is
//     checked) to one claim on M's commitment (its own vanishing mask).
//     Both claims are opened at once or deferred into a batch.
//
// What the verifier receives is independent of the leaves beyond the root:
// every sumcheck's rounds are one-time padded by its Libra mask; a row m
// enters exactly two revealed linear forms — its layer's final at ρ'_last
// and the layer below's tail final at ρ̄_last (ρ̄ the layer below's point; combined with the other
// lanes' rows) — and a layer's four (three finals, one tail) are linearly
// independent over its rows' six entries unless ρ'_last = ρ̄_last
// (1/|F|), so the finals are uniform (Z(ρ') ≠ 0 except with 2k/|F|); the
// carry final equals x̂_1 for every table (a relation that holds, the
// check); L̂(ρ) and M̂(ρ) are hidden by their commitments' vanishing masks
// and the hiding openings reveal only those values. TestZeroKnowledge
// tests it statistically; the extra checks (the leaves' sumcheck's eq
// final, "leafeq"; A's final, "maskA") are each needed (TestChecksNeeded).
// The verifier never reads round 0's committed carry row: the carry
// check makes ĉ a claim with the mask (M_E^{-1}·m)_1, x̂_1's, proven
// below, so soundness needs nothing of that row. Soundness adds, per layer over k variables, 10/|F| for the last round's
// degree 16 (eq·û_0^5 with û of degree 3) and 1/|F| for the Libra mask's
// ρ, the root level's one variable (18·56/|F| in all), the leaves'
// sumcheck (2n + 3)/|F|, the mask claims' γ (56n)/|F| and reduction,
// the mask pool's γ (56n + 1)/|F| and its reduction (2p + 3)/|F| (2^p
// entries), and the pcs errors of four openings — the leaves', M's, the
// pool's and the pool reduction's own Libra mask's (≈ 2^-100 each under
// pcs.DefaultParams and sumcheck.MaskParams: ≈ 2^-98, which dominates;
// one opening per sumcheck's mask, before the pool, gave ≈ 2^-90.4).
package poseidon2gkr
