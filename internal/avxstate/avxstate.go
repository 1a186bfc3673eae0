// Package avxstate clears the upper halves of the AVX registers before code
// that uses legacy SSE encodings, SHA-256's SHA-NI instructions above all.
//
// gnark-crypto's AVX-512 field-vector routines (fr.Vector's Mul, the FFT's
// butterflies: field/asm/element_4w) return without VZEROUPPER. A thread
// that then runs crypto/sha256's SHA-NI code (SSE-encoded) with the upper
// state dirty pays Intel's SSE/AVX transition penalty on every
// instruction (Intel® 64 and IA-32 Architectures Optimization Reference
// Manual, "Mixing AVX code with SSE code"). Measured on this project's
// 2-core Xeon (AVX-512, SHA-NI): the transparent prover of cnn_c32 spent
// 1.9–3.3 of its 4.0–4.6 s in SHA-256 with two threads (0.3 s with one,
// 20 s with two threads on one core); with [Clear] before each hash, 1.6–1.9 s.
// Callers clear once per hash call: VZEROUPPER costs a cycle or so.
package avxstate
