// Package proof turns a compiled model into keys, proofs and the files that
// carry them: a compiled directory and a proof file.
//
// # Method
//
// A model's circuit (package circuit) is proven with one of two proof
// systems on BN254, both gnark's:
//
//   - Groth16 ([Groth 2016]): an R1CS, the smallest proof (128 bytes, or
//     160 + 32 per Groth16 commitment with their proof of knowledge) and
//     the cheapest on-chain verification, with keys made for the circuit: by
//     one party (Compiled.Setup, with package groth16setup) or by a
//     multi-party ceremony (package ceremony; ceremony.go is the
//     directory's side).
//   - PLONK ([Gabizon, Williamson and Ciobotaru 2019]) with KZG commitments:
//     a sparse R1CS, keys from a universal powers-of-tau SRS (package srs),
//     so no per-circuit ceremony, at the price of larger proofs and slower
//     proving.
//
// Whoever knows a setup's secret randomness can forge proofs, so the keys'
// origin is recorded in settings.json (SetupInfo) and every verifier is
// told what it rests on (Compiled.TrustWarnings).
//
// Verification (Compiled.VerifyWith, which runs package verifier with the
// directory's settings and vk.bin: the same code the WebAssembly verifier
// runs without the model) trusts nothing in the proof file: the
// backend and the model's SHA-256 must be the directory's; the public
// inputs must be as many as the circuit's, each a reduced field element;
// the listed outputs, commitments, claim and context must be the ones the
// public inputs carry (and the ones the verifier expects); the proof's
// bytes must be the canonical encoding of points in their subgroups
// (verifier/wire.go); only then does gnark's verifier check the proof. Keys are
// untrusted bytes too: their layout is scanned before gnark allocates
// anything (verifier/keyscan.go) and their sizes checked against the circuit
// (keys.go).
//
// # Files
//
// A compiled directory holds model.onnx (a copy, with its weights zeroed
// when they are secret), settings.json (Settings: number format,
// visibility, tensor shapes, constraint count, checksums, the keys' origin),
// the constraint system (circuit.r1cs or circuit.scs) and, after setup,
// pk.bin and vk.bin. Every file is written atomically and files that belong
// together appear together (internal/atomicfile). A proof file (Proof) is
// JSON: the backend, the model's SHA-256, the proof's bytes in hex, the
// public inputs, and the outputs, commitments, claim and context they
// carry.
//
// [Groth 2016]: https://eprint.iacr.org/2016/260
// [Gabizon, Williamson and Ciobotaru 2019]: https://eprint.iacr.org/2019/953
package proof
