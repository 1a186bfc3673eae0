// Package poseidon2gkr proves, by sumcheck, that N = 2^n Poseidon2
// permutations were evaluated correctly, and that a committed table of 2^n
// leaves has a given Merkle root under Poseidon2's compression: Thaler's
// GKR for data-parallel circuits ("Time-optimal interactive proofs for
// circuit evaluation", CRYPTO 2013, §5; the layer reductions of Goldwasser,
// Kalai and Rothblum, STOC 2008). Binding, not zero knowledge (below).
// The full protocol, its soundness and measured figures are in
// docs/TRANSPARENT.md, "Hashing inside the proof".
package poseidon2gkr
