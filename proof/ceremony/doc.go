// Package ceremony runs a multi-party computation that makes Groth16
// proving and verifying keys for one BN254 circuit (an R1CS), so that
// nobody knows the secrets that would let them forge proofs.
//
// # Method
//
// The protocol is that of Bowe, Gabizon and Miers, "Scalable Multi-party
// Computation for zk-SNARK Parameters in the Random Beacon Model"
// ([BGM17], IACR ePrint 2017/1050), as gnark implements it in
// backend/groth16/bn254/[mpcsetup]. The keys' secrets come in two phases:
//
//   - Phase 1, the powers of τ and their products with α and β, depends on
//     the circuit's size only (the power of two N ≥ its constraints).
//   - Phase 2, δ and a σ per Groth16 commitment, depends on the circuit:
//     it starts from phase 1's result evaluated on the circuit's QAP.
//
// A ceremony is a chain of state files. Init writes phase 1's start, which
// holds no secret (every power is the generator). Each participant runs
// Contribute on the latest state: it multiplies the parameters by fresh
// secret randomness, drawn from crypto/rand and forgotten when the process
// exits, adds a proof of knowledge of it, and writes the next state. Each
// phase's secret is the product of its participants' secrets. Phase2
// closes phase 1 by mixing in a public random beacon (a value nobody can
// predict before the last contribution, such as a future block hash or a
// drand round, announced in advance), so that the last participant cannot
// bias the result, and opens phase 2 for the circuit; Finalize closes
// phase 2, with a second beacon or, as Kohlweiss, Maller, Siim and
// Volkhov prove sound ([KMSV21], closing.go), at its last contribution,
// and writes the keys. Verify checks a chain:
// every contribution's proof of knowledge and consistency (mpcsetup's
// Verify), phase 2's start recomputed from phase 1's end and its beacon,
// at least one contribution per phase (a phase without any has no secret:
// its parameters follow from the public beacon), and, for a finished
// ceremony, that the keys in use are the ones the chain gives, byte for
// byte.
//
// # Phase 1 once per size
//
// Phase 1 and its conversion to the Lagrange basis of the domain (four
// group FFTs, most of phase 2's opening) depend on the size only. As the
// Perpetual Powers of Tau and snarkjs's `powersoftau prepare phase2`
// files do, Prepare seals a phase-1 chain once per size and stores the
// sealed powers with their Lagrange points; VerifyPrepared checks that file
// once against the chain (the seal and the conversion by random linear
// combinations: an MSM over the claimed points against one over the powers
// with a field FFT of the random coefficients) and gives the SHA-256 to
// record. A per-model ceremony is then phase 2 only: Phase2Prepared opens
// it with the per-wire sums, Finalize and Verify read the prepared file by
// the recorded digest (Circuit.Prepared, Circuit.PreparedSHA256), and the
// chain Verify takes starts at phase 2's start, whose header names the
// prepared file. Verify checks phase 2's contributions' proofs of
// knowledge one by one and their vectors end to end, with one MSM of each
// at the chain's first and last state (chain2.go), and every evaluation
// vector in one equation per group
// (claims.go); docs/SETUP.md gives each batched check's soundness.
//
// # Trust
//
// The keys are sound if at least one participant of each phase was honest:
// kept their randomness secret and destroyed it. (Whoever knows δ alone
// can forge, as γ is [1]₂.) The Groth16 commitments' Pedersen bases, a
// model commitment's among them, are the circuit's evaluations at τ, α, β:
// phase 2 only scales their proof-of-knowledge key by σ. A Pedersen
// commitment therefore binds if at least one phase-1 participant was
// honest, whatever phase 2 did. Trust states this in one line.
//
// # State files
//
// A state file is
//
//	"zkinfer-ceremony\n" | u32 big-endian header length | header JSON | payload
//
// where the payload is gnark's encoding of an mpcsetup.Phase1 or Phase2;
// a phase-2 payload has its points uncompressed when the header says
// raw_points (rawPhase2: gnark's layout and raw point encoding, which
// gnark's Phase2.ReadFrom reads as it is, and which reads back without a
// square root per point). Challenges are hashes of gnark's compressed
// encoding either way.
// The header names the phase, the contribution's index, the domain size,
// the circuit's SHA-256 and the previous state's SHA-256. A file's SHA-256
// (of the whole file) is the hash its participant publishes: each header
// names the previous file's hash, so the last hash commits to the whole
// chain. Reading a state never panics and never allocates more than the
// file's size justifies: the header bounds every length before gnark
// decodes the payload, whose points are checked to be on their curve and
// in their subgroup.
//
// [BGM17]: https://eprint.iacr.org/2017/1050
// [KMSV21]: https://eprint.iacr.org/2021/219
// [mpcsetup]: https://pkg.go.dev/github.com/consensys/gnark/backend/groth16/bn254/mpcsetup
package ceremony

// Trust is what a verified ceremony's keys rest on, in one line.
const Trust = "proofs under these keys are sound if at least one participant of each phase was honest (kept their randomness secret and destroyed it); a Pedersen model commitment binds the weights if at least one phase-1 participant was honest"
