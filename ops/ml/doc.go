// Package ml implements ONNX's traditional machine-learning operators, the
// "ai.onnx.ml" domain (ONNX's Operators-ml.md), on the generic-kernel API of
// package ops: one kernel per operator, run as the float reference, the
// integer evaluator and the gnark circuit. The semantics follow the
// specification and, where it is silent, ONNX Runtime's CPU kernels (the
// runtime the exporters test against): tree-ensemble base values and binary
// classifiers, SVM voting, label choice on ties.
//
// Tree ensembles (tree.go, bucket.go) are the core. A tree's node compares
// one feature with a threshold; evaluating every node separately costs a
// comparison (a range check of the feature's width) per node. Here each
// feature is decomposed once: its thresholds, quantized to the integer
// boundaries that decide each node's test exactly in fixed point, are
// sorted, and the feature's bucket among them is proven as a one-hot vector
// (booleans summing to one, the bucket's two bounds range-checked against
// the feature). Every node's decision is then a sum of those booleans, a
// linear combination that costs nothing, and a leaf's indicator is the
// product of the decisions on its path, one multiplication per node. The
// cost is (thresholds + 2 range checks) per feature plus one product per
// node, against a range check per node: the bucket decomposition of
// range-proof and lookup arguments (Bünz et al., "Bulletproofs", 2018,
// §4.1, and the zkML decision-tree circuits of Zhang et al., "Zero
// Knowledge Proofs for Decision Tree Predictions and Accuracy", CCS 2020,
// which prove a path instead; this proves all paths at once with linear
// cost).
//
// Classifiers keep both of their outputs: the label (integers at scale 0)
// and the scores. ZipMap's sequence of maps becomes the scores tensor
// itself, one column per class in class order.
package ml

// Domain is the ONNX operator domain this package registers.
const Domain = "ai.onnx.ml"
