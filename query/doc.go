// Package query proves a differentially private aggregate over every
// record of a committed dataset: the released value is the exact
// statistic plus noise sampled inside the circuit (package dp) from the
// data holder's committed seed and the verifier's public coins.
//
// # The statement
//
// The dataset commitment is package audit's (`zkinfer dataset commit`):
// the circuit opens it with audit.OpenCircuit (every feature, label and
// group value range-checked to its packed width, then Poseidon2), so the
// statistic is over every committed record and nothing else. Aggregates:
//
//   - Count: the number of records with x[j] OP t (OP one of >=, >, <=,
//     <, ==, !=; t at the dataset's scale) or label == k (or !=). Each
//     record's indicator is ops' sound comparison Sign(a) = [a ≥ 0] on a
//     difference within ±2^(B+1) (features are B-bit, t within ±2^(B−1)),
//     or IsZero; the count is their sum, at most N ≤ 2^20. Sensitivity 1.
//   - Score count: the number of records whose score under a model (its
//     one output) passes a threshold, "score >= 0.7": the model runs on
//     every record in the circuit (model.Run on ops.CircuitArith, as
//     package audit runs it), its weights fixed in the circuit so that the
//     verifying key is the model, and the score is compared by Sign within
//     the output's bound. The features are range-checked to the dataset's
//     bits, which must not exceed the model's activation bits.
//   - Mean: the mean of x[j] clipped to [Lo, Hi]: each value clipped by
//     two comparisons (min with Hi, then max with Lo), the sum S of the
//     clipped values minus Lo, in [0, N·(Hi − Lo)], released on the lattice
//     g = 2^Shift as ⌊S/g⌋ (S = g·Q + rem with rem < g and Q range-checked:
//     all far below p, so Q is the integer floor). Replacing one record
//     moves S by at most Hi − Lo, so ⌊S/g⌋ by at most ⌈(Hi − Lo)/g⌉: the
//     sensitivity in lattice units, which Shift keeps at most 16 (and at
//     least 8 when Hi − Lo is over 16 units) so that the noise table stays
//     small and the rounding (below one unit) stays a small fraction of
//     the noise. The mean is Lo + g·(R + ½)/N, with N public. The values
//     are a feature, or the model's scores (below).
//   - Histogram: the count of records in each bin (−∞, b_1), [b_1, b_2),
//     …, [b_m, ∞) of a feature: with s_i = Sign(x − b_i), monotone in i
//     because the edges increase, bin 0 is 1 − s_1, bin i is s_i − s_{i+1}
//     and the last s_m, so every record is in exactly one bin. Replacing a
//     record moves two bins by 1 each: each bin gets its own draw (draw j
//     for bin j) at ε/2 and sensitivity 1, and the release is (ε, 2δ)-DP
//     by basic composition [DR14].
//
// Neighbouring datasets differ in one record, replaced (N is public: the
// commitment's schema says it), which is the sensitivity above.
//
// The released value R_j = statistic_j + z_j is a public input, with z_j =
// draw j of the key K(tag, D, seed, coins) (dp.Key): tag is the SHA-256 of the
// spec (schema, query, mechanism) reduced mod p and D the dataset
// commitment, so that the same seed and coins give independent noise to
// different queries and datasets. The public inputs are the dataset
// commitment, the seed commitment, keccak256(coins) mod r, the tag and
// the R_j; the secret witness the records, their salt and the seed. The
// tag is asserted equal to the circuit's own constant: a verifier passes
// the tag of the query.json it reads, so a statement edited after setup
// (another ε, query or mechanism) fails against this circuit's key.
//
// # What the verifier checks
//
// VerifyFile checks the Groth16 proof against the statement's verifying
// key, and that the proof's dataset commitment is the published one, its
// seed commitment the one the prover published before the coins were
// drawn, and its coins the ones this verifier drew for this release. It
// recomputes δ and the noise bound from the mechanism in query.json (an
// inconsistent statement is refused before anything is printed) and the
// tag from the whole statement (one the circuit does not prove is
// invalid).
//
// # References
//
//   - [DR14] C. Dwork, A. Roth, "The Algorithmic Foundations of
//     Differential Privacy", 2014.
package query
