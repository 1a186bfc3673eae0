// Package ml implements ONNX's traditional machine-learning operators, the
// "ai.onnx.ml" domain (ONNX's Operators-ml.md), on the generic-kernel API of
// package ops: one kernel per operator, run as the float reference, the
// integer evaluator and the gnark circuit. The semantics follow the
// specification and, where it is silent, ONNX Runtime's CPU kernels (the
// runtime the exporters test against): tree-ensemble base values and binary
// classifiers, SVM voting, label choice on ties.
//
// Tree ensembles (tree.go, bucket.go) are the core. A tree's node compares
// one feature with a threshold; proving each comparison on its own costs a
// range check of the feature's width per node. Here each feature is
// decomposed once: its thresholds, quantized to the integer boundaries that
// decide each node's test in fixed point (test.go), are sorted, and the
// feature's bucket among them is proven as a hinted one-hot vector whose two
// bounds are range-checked against the feature. Every node's decision is
// then a sum of those booleans, a linear combination that costs nothing,
// and a leaf's indicator is the product of the decisions on its path, one
// multiplication per node. The cost is (thresholds + 2 range checks) per
// feature plus one product per node. Zhang, Fang, Zhang and Song ("Zero
// Knowledge Proofs for Decision Tree Predictions and Accuracy", CCS 2020)
// prove one path with a comparison per node on it; proving every path at
// once with shared comparisons suits R1CS, where linear combinations are
// free.
//
// Classifiers keep both of their outputs: the label (integers at scale 0)
// and the scores. ZipMap's sequence of maps becomes the scores tensor
// itself, one column per class in class order.
package ml

// Domain is the ONNX operator domain this package registers.
const Domain = "ai.onnx.ml"
