// Package verifier checks zkinfer proofs with what a verifier holds of a
// compiled model, its settings.json and verifying key, and nothing else:
// no model file, no constraint system, no file system. It is the verifier
// behind `zkinfer verify` (proof.Compiled.VerifyWith calls Verify) and the
// one compiled to WebAssembly for browsers and Node (cmd/zkinfer-wasm).
//
// # Method
//
// Verify trusts nothing in the proof file. The backend and the model's
// SHA-256 must be the settings'; the public inputs must be as many as the
// circuit's (circuit.LayoutOf the settings' tensor shapes and visibility),
// each a reduced field element; the listed outputs are recomputed from
// their public inputs (signed, scaled by 2^-scale) and must be equal; the
// commitments, the claim's tag and integer bounds (circuit.Claim, with the
// outputs' scales and bounds) and the context's hash must be the ones the
// public inputs carry, and the ones the caller expects (Options); the
// proof's bytes must be the canonical encoding of points in their subgroups
// (wire.go); only then is the verifying key decoded, its layout scanned
// before gnark allocates anything (keyscan.go) and its size checked against
// the circuit, and gnark's BN254 verifier run: Groth16 ([Groth 2016]) or
// PLONK with KZG ([Gabizon, Williamson and Ciobotaru 2019]), with the
// hashes gnark's Solidity verifiers use. Describe then says in plain words
// what the valid proof established and what stayed secret.
//
// [Groth 2016]: https://eprint.iacr.org/2016/260
// [Gabizon, Williamson and Ciobotaru 2019]: https://eprint.iacr.org/2019/953
package verifier
