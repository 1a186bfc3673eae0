// Package audit proves a metric of a committed model over every record of
// a committed dataset, revealing only the metric: an accuracy of at least
// a threshold (or the exact count), a confusion matrix, or a fairness
// bound between the two sides of a group column (demographic parity or
// equal opportunity difference at most δ).
//
// # The dataset commitment
//
// The data holder quantizes each record's features at a fixed-point scale
// (q = round(x·2^Scale), −2^(Bits−1) ≤ q < 2^(Bits−1)), and commits to
// the records, their labels and their group columns with Poseidon2 [GKS23]
// of width 16 as a sponge (package circuit/sponge), as package circuit
// commits to a tensor:
//
//	H(5, N, F, C, G, Scale, Bits, names, packed_1, …, packed_k, salt)
//
// 5 is the dataset tag (circuit's tensor tags are 1 to 4); N, F, C, G the
// records, features, classes and group columns; names a hash of the group
// columns' names (so a commitment opens to one schema); then record by
// record, each feature as q + 2^(Bits−1) in Bits bits, the label in
// ⌈log₂ C⌉ bits and each group value in one bit, packed into field
// elements of at most 253 bits; then a secret salt, which hides the
// records (they are low-entropy). Packing is a linear combination, free in
// R1CS, and injective because the circuit range-checks every value to its
// width first: features by a range check, labels by their one-hot
// decomposition, group values as booleans. The schema is public; the
// commitment depends on no model, so one commitment serves audits of
// several models.
//
// # The statement
//
// One circuit holds N copies of the model's constraints, one per record,
// built by model.Run on ops.CircuitArith as package circuit builds one
// inference. Fixed weights are constants of the circuit: linear layers cost
// no multiplication and the verifying key binds the model. Secret weights
// are range-checked once, bound by the Poseidon2 commitment `zkinfer
// commit MODEL.onnx` prints (circuit.CommitVariables, the same hash), and
// shared by every record.
//
// Each record's predicted class is one-hot: for a model with one output,
// class 1 when the output is at least the decision threshold (ops' Sign
// gadget); otherwise the first index of the largest output (a running
// maximum that moves only when Sign(out_j − best − 1) says out_j is
// strictly larger). The label's one-hot is IsZero(label − k) for each class
// k with the indicators summing to 1, which also proves label ∈ [0, C)
// (a boolean for two classes). The metric is counted from products of
// these indicators, so every count is an exact sum of at most N booleans:
//
//   - accuracy: correct = Σ_r ⟨label_r, pred_r⟩; correct − ⌈t·N⌉ is
//     range-checked to ⌈log₂(N+1)⌉ bits (a negative difference wraps to
//     about p and fails), or correct is asserted equal to a public input;
//   - confusion: entry (i, j) = Σ_r label_r[i]·pred_r[j], each asserted
//     equal to its public input;
//   - demographic parity and equal opportunity: with n₁, n₀ the records in
//     and out of the group (among those labelled positive, for equal
//     opportunity) and a₁, a₀ those predicted positive, and δ = Num/Den,
//     |a₁/n₁ − a₀/n₀| ≤ δ becomes, with no division,
//     Den·|a₁n₀ − a₀n₁| ≤ Num·n₁n₀ and n₁n₀ ≠ 0: both
//     Num·n₁n₀ ∓ Den·(a₁n₀ − a₀n₁) are range-checked to non-negative
//     values of ⌈log₂((Num+Den)·N²)⌉+1 bits. With N ≤ 2^20 and Den ≤ 10^6
//     every term is below 2^62, far below the field, so nothing wraps.
//
// The public inputs are the dataset commitment, the model commitment
// (secret weights), the metric's public values (the count or the matrix)
// and a context (keccak256 of bytes the verifier picks, bound by one
// product, as in package circuit). The threshold, δ, the decision
// threshold and N are constants of the circuit.
//
// # Secret weights: Freivalds' check across records
//
// With secret weights, a product of a record's activations by a weight
// matrix (ops.Arith.MatMul) costs K·M multiplications when computed term
// by term, N·K·M for N records. The audit's Arith takes every such product
// from a hint and, once all records are built, stacks the products that
// share a weight matrix into one, Y = W·X with the records' rows (or
// columns) side by side, checked with Freivalds' algorithm [Fre77]: for r
// drawn from the Groth16 commitment to every wire of W, X and Y (so the
// prover fixes them before r is known) and v = (1, r, r², …),
// Y·v = W·(X·v). A wrong Y makes a non-zero polynomial of degree below
// the number of columns vanish at r: probability below columns/2^253. The
// cost is K·M once for the shared matrix plus K + M per record instead of
// K·M. Field equality is integer equality: compile bounds every product
// below 2^62 (the argument of ops' own Freivalds check, ops/freivalds.go).
//
// # References
//
//   - [Fre77] R. Freivalds, "Probabilistic Machines Can Use Less Running
//     Time", IFIP Congress 1977.
//   - [GKS23] L. Grassi, D. Khovratovich, M. Schofnegger, "Poseidon2: A
//     Faster Version of the Poseidon Hash Function", AFRICACRYPT 2023,
//     https://eprint.iacr.org/2023/323.
//   - [Gro16] J. Groth, "On the Size of Pairing-based Non-interactive
//     Arguments", EUROCRYPT 2016, https://eprint.iacr.org/2016/260.
package audit
