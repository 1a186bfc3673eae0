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
//	key = H(17, s, c, q, D)    q: the statement's tag (a hash of the query),
//	                           D: the dataset commitment (package query)
//	u_j = Compress(key, j)     one width-2 Poseidon2 permutation
//	U_j = u_j mod 2^64         the uniform input of the sampler
//	z_j = F⁻¹(U_j)             the inverse CDF of the mechanism's table
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
// statistic lives on) is tabulated as a CDF of 2T + 2 rows, each the
// exact distribution's CDF times 2^64, rounded: CDF[0] = 0, CDF[i] =
// round(2^64·P(Z ≤ i − T − 1)), CDF[2T+1] = 2^64, with T the first offset
// where the tail below −T rounds to nothing. The tails beyond ±T fold into
// the edge rows. Noise z has probability (CDF[z+T+1] − CDF[z+T])/2^64. The
// table is computed with big.Float at 256 bits from the parameters alone
// (our own exp, no platform floating point), so every machine builds the
// same circuit.
//
// In the circuit (Sampler.Draw, about 264 constraints a draw with lookup
// range checks, plus one row per table entry once per circuit):
//
//  1. u = Compress(key, j).
//  2. u = lo + 2^64·hi, both hinted, with hi ∈ [0, ⌊p/2^64⌋) (two range
//     checks) and lo < 2^64 (step 3 bounds it): then lo + 2^64·hi < p, so
//     this is u's canonical split and lo the only usable uniform value.
//     (Without hi's upper bound, about a third of the u have a second
//     split, u + p; without hi's own range, about a third have one with a
//     "negative" hi, u − p: a prover could pick between two noises.) An
//     honest u fails the bound with probability
//     below 2^-189 (no noise is defined; the prover draws a new seed).
//     Conditioned on the bound, lo is exactly uniform on [0, 2^64).
//  3. The row i is hinted; CDF[i] and CDF[i+1] are read from the table by
//     a log-derivative lookup [Hab22] (both i and i + 1 must be rows, so
//     i ∈ [0, 2T]), and lo − CDF[i] and CDF[i+1] − 1 − lo are range-checked
//     to 64 bits: every value is at most 2^64 ≪ p, so a negative
//     difference wraps to about p and fails. One i satisfies CDF[i] ≤ lo <
//     CDF[i+1]; a row of zero mass satisfies nothing.
//  4. z = i − T.
//
// Every hint is constrained: the split by its recomposition and ranges,
// the row by the lookups and ranges. Noise (the integer reference) is the
// same computation on integers, and the tests check the circuit against it.
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
// Table.Delta computes it on the table as tabulated (256-bit arithmetic,
// rounded up), so the truncation and the rounding of every probability to
// a multiple of 2^-64 are accounted for exactly, not bounded. For the
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
