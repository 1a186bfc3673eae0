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
// Adjacent segments are bound by a commitment to their boundary
// (circuit.Boundary visibility): the producing segment's circuit computes
//
//	C = Poseidon2(4, n, packed values, s)
//
// of the values it computed and makes C a public input (boundary_out);
// the consuming segment's circuit takes the same values as secret witness,
// range-checks each to its packing width, computes the same hash with the
// same salt and makes it a public input (boundary_in). The verifier checks
// each segment's proof with that segment's verifying key and that
// boundary_out of segment k equals boundary_in of segment k+1. The salt s
// is drawn by the prover once per bundle, so boundaries of a private input
// stay hidden. Poseidon2 is [GKS23] over BN254, with packing as in package
// circuit ("Commitments to tensors"). The argument that this binds the
// segments to one run of the unsegmented model is in docs/SOUNDNESS.md,
// "Segments: binding the boundaries".
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
// Compile builds the whole model's circuit once and records the
// constraints each step adds (circuit.StepCosts), spreading what gadgets
// defer to the circuit's end over the steps by their range checks. It then
// plans greedily (Costs.Plan: each segment as long as its estimate,
// boundary hashing included, stays within the limit), builds the first
// planned segment, learns the fixed cost per segment from its exact count,
// and plans the rest again; a segment over the limit is cut shorter.
//
// # Files
//
// A segmented directory holds model.onnx, segments.json (Manifest) and
// segments/NNN/, each an ordinary compiled directory without a model
// (settings.json, the constraint system, pk.bin, vk.bin). A segmented
// proof file (Bundle) lists the segments' proof files in order.
//
// # References
//
//   - [GKS23] L. Grassi, D. Khovratovich, M. Schofnegger, "Poseidon2: A
//     Faster Version of the Poseidon Hash Function", AFRICACRYPT 2023,
//     https://eprint.iacr.org/2023/323.
//   - [Gro16] J. Groth, "On the Size of Pairing-based Non-interactive
//     Arguments", EUROCRYPT 2016, https://eprint.iacr.org/2016/260.
package segment
