// Package dp adds differential-privacy noise to a released statistic
// inside a zero-knowledge circuit, from randomness that neither the prover
// nor the verifier controls alone, so that a verifier learns that the
// noise was drawn from the stated distribution without learning the
// noise.
//
// # The randomness
//
// The prover (the data holder) draws a secret seed s of 248 random bits
// and publishes its commitment H(16, s) (Poseidon2 [GKS23] in gnark's
// Merkle–Damgård construction) before any query. For each release the
// verifier then draws public coins c (16 to 64 random bytes, carried as
// keccak256(c) mod r), and the noise of draw j of a release is a
// deterministic function of both and of the query:
//
//	S_0 = K(q, D, s, c)        q: the statement's tag (a hash of the query),
//	                           D: the dataset commitment (package query)
//	u_j = S_⌊j/3⌋[1 + j mod 3] S_{i+1} = P4(S_i): three draws a permutation
//	U_j = u_j mod 2^64         the uniform input of the sampler
//	z_j = F⁻¹(U_j)             the sign–magnitude inverse CDF of the table
//
// K is a sponge over the width-4 Poseidon2 permutation P4 (R_F = 8,
// R_P = 56, the reference 128-bit instance for BN254) with one capacity
// lane: its IV is H(17, 2, q), then one permutation of (IV, D, s, c)
// gives S_0, and the draws are squeezed from the three rate lanes of
// S_0, S_1 = P4(S_0), … (Key). q goes into the IV so that a circuit that
// pins it as a constant (package circuit's statement tag) computes the IV
// at no constraint: a release of up to three values costs one width-4
// permutation (about 264 constraints) where the width-2 hash of the four
// values and one width-2 compression a draw cost 744 + 186 a draw.
//
// As in Biswas and Cormode [BC23], where the noise combines the prover's
// committed private coins with public ones: the prover cannot choose the
// noise (s is fixed by its commitment before c is known, and the circuit
// recomputes the key from s, which must open the commitment); the
// verifier cannot choose it either (c is drawn without knowing s, and
// Poseidon2 under a secret key is modelled as a pseudorandom function);
// and the query tag q and the dataset commitment D make the noise of two
// different queries, or of one query over two datasets, independent with
// the same seed and coins, so noise is never reused across statistics
// (reusing it would reveal their exact difference).
//
// # The sampler
//
// A mechanism (discrete Laplace [GRS09] or discrete Gaussian [CKS20], its
// parameters and the sensitivity Δ in units of the integer lattice the
// statistic lives on) is tabulated in sign–magnitude form: the magnitude
// |Z| as a CDF of T + 2 rows, Mag[0] = 0, Mag[m] = round(2^63·P(|Z| < m))
// for 1 ≤ m ≤ T, Mag[T+1] = 2^63, with T the first offset where the tail
// beyond ±T rounds to nothing (2^64·P(Z ≤ −T−1) < 1/2). A uniform U < 2^64
// is read as U = v + 2^63·s: the magnitude is the m with Mag[m] ≤ v <
// Mag[m+1] and the noise z = m for s = 0, −m for s = 1. Noise z ≠ 0 then
// has probability (Mag[|z|+1] − Mag[|z|])/2^64 and z = 0 twice Mag[1]/2^64
// (Table.CDF holds this two-sided distribution); the tails beyond ±T fold
// into the edge rows. The distributions are symmetric, so one table of
// T + 2 rows serves both signs: half the rows (and half the constraints
// of the lookup argument) of a two-sided table. The table is computed
// with big.Float at 256 bits from the parameters alone (our own exp, no
// platform floating point), so every machine builds the same circuit.
//
// In the circuit (Sampler.Draw, about 170 constraints a draw with lookup
// range checks, plus one per magnitude row once per circuit; the steps
// and their soundness are Draw's comment):
//
//  1. u = S_⌊j/3⌋[1 + j mod 3]: one width-4 permutation every three draws
//     (the first three come with the key's absorbing).
//  2. u = v + 2^63·s + 2^64·hi, all hinted, with v < 2^63, s a bit and hi
//     ∈ [0, ⌊p/2^64⌋) (two range checks): then the right side is below p,
//     so this is u's canonical split and (v, s) the only usable low bits.
//     (Without hi's upper bound, about a third of the u have a second
//     split, u + p; without hi's own range, about a third have one with a
//     "negative" hi, u − p; without s a bit or v's range, (s + 2, hi − 1)
//     or (v + 2^65, hi − 2) are others: a prover could pick between
//     noises.) An honest u fails the bound with probability below 2^-189
//     (no noise is defined; the prover draws a new seed). Conditioned on
//     the bound, v + 2^63·s is exactly uniform on [0, 2^64).
//  3. The magnitude row m and the slacks d0, d1 are hinted and
//     range-checked (m to bitlen(T) bits, d0 and d1 to 63), and
//     m·2^65 + v − d0 and (m+1)·2^65 + v + 1 + d1 are looked up among the
//     rows r·2^65 + Mag[r] by a one-column log-derivative lookup [Hab22].
//     Every term is an integer far below p, so a lookup is an integer
//     equation, and the differences from a row are below 2^65: the rows
//     are m and m + 1 and Mag[m] = v − d0 ≤ v < v + 1 + d1 = Mag[m+1].
//     One m satisfies this; a row of zero mass satisfies nothing.
//  4. z = m·(1 − 2s).
//
// Every hint is constrained: the split by its recomposition and ranges,
// the row by the lookups and ranges, and the lookup's challenge is drawn
// from a commitment to every wire its queries are linear in and to every
// multiplicity. Noise (the integer reference) is the same computation on
// integers, and the tests check the circuit against it.
//
// # Privacy accounting
//
// The released value is f(D) + z, with f(D) an integer of sensitivity Δ
// (|f(D) − f(D')| ≤ Δ for neighbouring D, D'). The mechanism is (ε, δ)-DP
// with δ the largest hockey-stick divergence between the table and the
// table shifted by s, over 0 < |s| ≤ Δ [BW18, DR14]:
//
//	δ = max_s Σ_y max(0, P(y) − e^ε·P(y − s))
//
// Table.Delta computes it on the two-sided distribution the sign–magnitude
// draw samples (256-bit arithmetic, rounded up), so the truncation and the
// rounding of every probability to a multiple of 2^-64 are accounted for
// exactly, not bounded. For the
// discrete Laplace at ε, δ is about 10^-18 (the mass of the last rows);
// for the discrete Gaussian it is the Gaussian's own δ(ε) plus as little.
//
// # References
//
//   - [BC23] A. Biswas, G. Cormode, "Verifiable Differential Privacy",
//     ACM CCS 2023, https://arxiv.org/abs/2208.09011.
//   - [CKS20] C. Canonne, G. Kamath, T. Steinke, "The Discrete Gaussian
//     for Differential Privacy", NeurIPS 2020,
//     https://arxiv.org/abs/2004.00010.
//   - [GRS09] A. Ghosh, T. Roughgarden, M. Sundararajan, "Universally
//     Utility-Maximizing Privacy Mechanisms", STOC 2009.
//   - [BW18] B. Balle, Y.-X. Wang, "Improving the Gaussian Mechanism for
//     Differential Privacy: Analytical Calibration and Optimal
//     Denoising", ICML 2018 (δ as the hockey-stick divergence).
//   - [DR14] C. Dwork, A. Roth, "The Algorithmic Foundations of
//     Differential Privacy", 2014.
//   - [GKS23] L. Grassi, D. Khovratovich, M. Schofnegger, "Poseidon2",
//     AFRICACRYPT 2023, https://eprint.iacr.org/2023/323.
//   - [Hab22] U. Haböck, "Multivariate lookups based on logarithmic
//     derivatives", https://eprint.iacr.org/2022/1530.
package dp
