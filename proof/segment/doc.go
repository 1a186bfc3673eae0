// Package segment proves a model too large for one proof in segments: the
// model's steps are cut at tensor boundaries into sub-models, each
// compiled into a circuit of its own with its own keys, so that setup and
// proving hold one segment's constraint system and keys in memory at a
// time, and segments can be proven on different machines.
//
// # Method
//
// A compiled model is a list of steps (package model). A cut before step c
// hands the next segment every tensor live across it (model.Model.Live):
// computed before c, read from c on. Cuts are not made where compile fused
// a step into the one before (a ReLU into a rescale, a rescale into a max
// pool), because the tensor between them is not what its bound describes.
//
// Adjacent segments are bound by a commit-then-fingerprint argument
// (circuit.Boundary visibility; circuit/boundary.go): every segment's
// circuit puts its boundary values (inputs as given, outputs packed ~10
// to a field element), one salt per boundary and a blind into a Groth16
// commitment of its own, whose point D_k the proof carries, and makes
// public the fingerprint of each boundary at a public challenge r,
//
//	f = s·r^n + Σ_i v_i·r^(n−1−i)   (v: the boundary's n values, s: its salt)
//
// with r = keccak256(D_0 ‖ … ‖ D_{S−1}) mod the field order
// (circuit.BoundaryChallenge). Since r is a public input of every
// segment, the prover computes every D_k before proving any segment, as
// the multi-scalar product of the committed values with the commitment
// key's basis, which setup stores per segment (BoundaryKeyFile) so that
// Witnesses needs no proving key. The verifier recomputes r from the
// commitment points of the bundle's proofs, requires it in every
// segment's boundary_r, and requires boundary_out of segment k to equal
// boundary_in of segment k+1. The commitments fix the values before r
// is known, so different boundaries fingerprint alike with probability
// at most n/|F| [Sch80] (n values: both sides fingerprint the values
// unpacked, so equal fingerprints make the consumer's values the
// producer's as field elements, and the consumer range-checks nothing).
// The salts and blinds are drawn by the prover once per bundle and keep a
// private input's boundaries hidden. The argument is in docs/SOUNDNESS.md,
// "Segments: binding the boundaries". It costs about 2.1 constraints a
// boundary value, both sides together (one for each side's fingerprint),
// against 3.3 with a packed fingerprint and the consumer's range check
// to the packing width, and 40 for the Poseidon2 hash before that; a
// value a segment only hands on (a tensor it carries to a later segment,
// or concatenates) is Horner-summed once for its input and output
// fingerprints, 1.1 more for that segment instead of 2.1.
//
// The first segment keeps the model's input visibility, the last its
// output visibility and claim; every segment carries the context public
// input, and the verifier requires one context for all. Secret weights are
// witnessed by the segments that read them, each with its own commitment;
// the model commitment a model owner publishes is the SHA-256 of the
// segments' commitments in order (ModelCommitment).
//
// # Planning
//
// Compile builds the model's circuit in pieces of bounded size
// (MeasureCosts) and records the constraints each step adds
// (circuit.StepCosts), spreading what gadgets defer to the circuit's end
// over the steps by their range checks. It then
// plans greedily (Costs.Plan: each segment as long as its estimate,
// boundary binding included, stays within the limit), builds the first
// planned segment, learns the fixed cost per segment from its exact count,
// and plans the rest again; a segment over the limit is cut shorter.
// With --segments K it plans K segments whose largest Costs.Weight is as
// small as it can be: constraints plus calldata words (also counted per
// step) over WordsPerConstraint, what a prover's peak memory grows with.
//
// A block that cannot be cut (a convolution with its ReLU and max pool
// fused) and is over the limit, or lies in the largest of --segments K,
// is split by output channels (split.go, model.SplitGraph): G
// convolutions over the block's input, each with its copy of the
// channel-local tail, and a Concat, the same integers as the block
// (model/split.go says why); the manifest records the splits, and every
// compile of the model applies them.
//
// # Memory
//
// Open compiles the model without its steps' plans (model.Plans): it
// describes every tensor and cut but runs nothing, so that no process
// holds the model's constant weights expanded (a convolution's per output
// tap). Witnesses runs each segment from the model compiled again with
// that segment's plans only, one segment at a time, keeping the boundary
// tensors between them; the provers read the segments' constraint systems
// and keys. docs/SCALING.md has the figures.
//
// # Files
//
// A segmented directory holds model.onnx, segments.json (Manifest) and
// segments/NNN/, each an ordinary compiled directory without a model
// (settings.json, the constraint system, pk.bin, vk.bin) with its
// boundary.key (BoundaryKeyFile). A segmented proof file (Bundle) lists
// the segments' proof files in order.
//
// # References
//
//   - [Gro16] J. Groth, "On the Size of Pairing-based Non-interactive
//     Arguments", EUROCRYPT 2016, https://eprint.iacr.org/2016/260.
//   - [Sch80] J. T. Schwartz, "Fast Probabilistic Algorithms for
//     Verification of Polynomial Identities", J. ACM 27(4), 1980.
package segment
