// Package ml implements ONNX's traditional machine-learning operators, the
// "ai.onnx.ml" domain (ONNX's Operators-ml.md), on the generic-kernel API of
// package ops: one kernel per operator, run as the float reference, the
// integer evaluator and the gnark circuit. The semantics follow the
// specification and, where it is silent, ONNX Runtime's CPU kernels (the
// runtime the exporters test against): tree-ensemble base values and binary
// classifiers, SVM voting, label choice on ties. Every operator reads its
// parameters (trees, coefficients, support vectors) from attributes, so
// they are fixed in the circuit: none has weight operands for
// model.CompileSecret to keep secret.
//
// Tree ensembles are the core. A tree's node compares one feature with a
// threshold; proving each comparison on its own costs a range check of the
// feature's width per node. Here each feature is decomposed once: its
// thresholds, quantized to the integer boundaries that decide each node's
// test in fixed point, are sorted, and the feature's bucket among them is
// proven as a hinted one-hot vector whose two bounds are range-checked
// against the feature. Every node's decision is then a sum of those
// booleans, a linear combination that costs nothing, and a leaf's
// indicator is the product of the decisions on its path, one
// multiplication per node. The cost is (thresholds + 2 range checks) per
// feature plus one product per node. Zhang, Fang, Zhang and Song
// ([Zhang et al. 2020]) prove one path with a comparison per node on it;
// proving every path at once with shared comparisons suits R1CS, where
// linear combinations are free.
//
// Classifiers keep both of their outputs: the label (integers at scale 0)
// and the scores. ZipMap's sequence of maps becomes the scores tensor
// itself, one column per class in class order.
//
// # Bucket decomposition
//
// The one comparison gadget of the tree ensembles and encoders. A feature
// q (an integer, the fixed-point value at its scale, |q| ≤ Max) is
// compared with sorted integer boundaries B_1 < … < B_m, all in
// [-Max, Max). Bucket i (0 ≤ i ≤ m) holds the q with B_i < q ≤ B_{i+1},
// reading B_0 as -∞ and B_{m+1} as +∞; the buckets partition [-Max, Max].
// The circuit takes the bucket as a hinted one-hot vector and proves it:
//
//	e_1..e_m boolean, e_0 = 1 - Σ e_i                m constraints
//	q - L ∈ [0, 2^Bits),  L = Σ e_i·lo_i             one range check
//	U - q ∈ [0, 2^Bits),  U = Σ e_i·hi_i             one range check
//
// with lo_0 = -Max, lo_i = B_i + 1, hi_i = B_{i+1}, hi_m = Max, and
// 2·Max < 2^Bits far below the field, so that both differences are
// checked as integers (a negative one wraps to a field element near p and
// fails). Soundness: let S = Σ_{i≥1} e_i. S = 0 is bucket 0. S = 1 makes
// e_0 = 0 and exactly one e_k = 1, so L and U are the bounds of bucket k,
// and both checks hold only for the one bucket that holds q. S ≥ 2 cannot
// pass: U − L = Σ_{i≥1} e_i·(w_i − 1) + (1 − S)·2·Max, with w_i the width
// of bucket i, is at most (2·Max + 1) − S − 2·Max·(S − 1) < 0 since the
// widths add up to 2·Max + 1, while the two checks need L ≤ q ≤ U. So no
// hint but the honest one satisfies the constraints (TestBucketAttacks
// tries every 0/1 vector). Every test "q ≤ B_j" is then Σ_{i<j} e_i, and
// any test constant on each bucket is a sum of e_i: linear, free.
//
// # Thresholds in fixed point
//
// A node's test on its feature x is decided by integer boundaries. The
// feature arrives as q = round(x·2^s), and the threshold t is quantized
// the same way, T = round(t·2^s) (quant.Quantize: ties away from zero), so
// that an input equal to the threshold becomes T exactly:
//
//	x ≤ t  →  q ≤ T          x < t  →  q ≤ T - 1
//	x ≥ t  →  not (q ≤ T-1)  x > t  →  not (q ≤ T)
//	x = t  →  q = T          x ≠ t  →  q ≠ T        x ∈ S  →  q ∈ {round(v·2^s), v ∈ S}
//
// Every input representable at scale s (x = q/2^s) is decided as the float
// comparison decides it, with one exception per threshold that is not
// itself representable: the value q = T nearest the threshold stands for
// the threshold, and goes where x = t goes. An input exactly at a
// threshold (the common case: XGBoost and LightGBM split at data values,
// and the test row holds that value) is therefore always decided as in
// float: x = t goes to the true branch of LEQ, GTE and EQ nodes and to the
// false branch of LT, GT and NEQ nodes. Only an input within half a unit
// 2^-(s+1) of a threshold, and not equal to it, can take the other branch
// than float; raise --scale until the data's resolution is finer than
// that.
//
// # Tree ensembles
//
// TreeEnsembleRegressor, TreeEnsembleClassifier (opsets 1 and 3) and
// TreeEnsemble (opset 5). Per row: every used feature is bucketed once;
// each internal node's decision d is a sum of that feature's bucket
// booleans (free); the indicator of each node is its parent's times d for
// the true branch (one product) and the parent's minus that for the false
// branch (free), so exactly one leaf per tree has indicator 1. A score is
// Σ indicator × weight over the leaves (free: weights are constants) at
// the weight scale Ws = scale + ⌈log2(trees)⌉ + 1, rescaled once to the
// activation scale: error ≤ trees·2^-(Ws+1) + 2^-(scale+1) < ¾ unit. MIN
// and MAX fold the trees' values with one ReLU each. Cost per row:
// Σ_features (m_f + 2 range checks) + one product per internal node + one
// rescale per score, m_f the distinct boundaries of feature f (m_f
// booleans).
//
// Missing values (nodes_missing_value_tracks_true) send NaN down the true
// branch; fixed-point inputs are never NaN (inputs are checked finite), so
// that track is never taken.
//
// TreeEnsembleClassifier's label and scores are computed as ONNX Runtime
// computes them from the per-class sums r_k (the specification leaves
// binary models and classes without votes open; the exporters rely on the
// runtime's choices). A class "has a score" when some tree votes for it.
// With more than two classes, base values are added and the label is the
// first class of highest score among those that have one; scores are
// post-transformed. With two classes, where the weights go to one class id
// ("binary case", what scikit-learn, XGBoost and LightGBM export), the
// score of the positive class decides: > 0.5 when every weight is ≥ 0
// (probabilities), > 0 otherwise (margins), and the second probability
// column is 1 − p, or logistic(±margin) under LOGISTIC. Whether a class
// has a score must be known at compile time: a class that only some leaves
// of a tree vote for is refused.
//
// # Encoders
//
// LabelEncoder and OneHotEncoder with integer (or real) keys, and Imputer.
// A key k matches an input at scale s when q = round(k·2^s) (at scale 0,
// an integer input, when q = k), the rule of the tree tests. Each input
// element is bucketed once among the keys; every output is then a sum of
// bucket booleans with constant weights: LabelEncoder's value,
// OneHotEncoder's columns. Cost per element: keys·2 + 1 booleans and two
// range checks (Imputer: the same for one key, then one product). Strings
// are not supported: zkinfer proves numeric tensors.
//
// # Linear models
//
// LinearClassifier and LinearRegressor: scores = X·coefficientsᵀ +
// intercepts, one Gemm with constant weights (free linear combinations and
// one rescale per score). The regressor post-transforms as the tree
// regressor does. The classifier's label, as ONNX Runtime chooses it: with
// one score, labels[1] when it is > 0, else labels[0]; with several, the
// label of the first highest score (an ArgMax and a lookup of the label).
// Its scores are post-transformed; a single score becomes [1 − s, s].
//
// # Support vector machines
//
// SVMClassifier and SVMRegressor (libsvm's models as skl2onnx exports
// them). Kernel values k_j between X and each support vector v_j, at the
// activation scale:
//
//	LINEAR   x·v_j                 linear, one rescale
//	POLY     (γ·x·v_j + c0)^d      linear, rescale, d−1 products and rescales
//	SIGMOID  tanh(γ·x·v_j + c0)    linear, rescale, Tanh (ops' table)
//	RBF      exp(−γ·‖x − v_j‖²)    ‖x‖² once (F products), ‖x − v_j‖² = ‖x‖² − 2x·v_j + ‖v_j‖²
//	                               exactly (v_j at the input's scale), capped at 24/γ (one
//	                               ReLU: exp(−24) rounds to 0), ×(−γ), rescale, Exp (ops' table)
//
// A decision value is Σ coef·k_j + ρ (linear, one rescale). The classifier
// is libsvm's one-vs-one: for classes i < j, decision d_ij votes for i
// when > 0, else for j; the label is the first class with the most votes,
// and the scores are the decision values ([−d, d] for two classes), as
// ONNX Runtime writes them. Probability estimates (prob_a, prob_b: Platt
// scaling and libsvm's iterative pairwise coupling) are not supported.
//
// # Preprocessing
//
// The preprocessing operators are each a composition of ops' kernels (so
// their cost and error are those of the ops used):
//
//	Scaler                 (x - offset)·scale: Sub, then Mul by a constant (one rescale)
//	Normalizer             x / max(x), x / Σ|x|, x / √Σx²: ReduceMax, ReduceL1 or ReduceL2, then Div
//	Binarizer              x > threshold: one sign, as 0 or 1 at the activation scale
//	ArrayFeatureExtractor  Gather on the last axis (free with constant indices, a lookup per index otherwise)
//	ZipMap                 the identity: its sequence of {class: score} maps is the scores tensor, one column per class
//
// Imputer, LabelEncoder and OneHotEncoder (see Encoders) and
// FeatureVectorizer are written directly.
//
// # References
//
//   - Jiaheng Zhang, Zhiyong Fang, Yupeng Zhang and Dawn Song, "Zero
//     Knowledge Proofs for Decision Tree Predictions and Accuracy", ACM CCS
//     2020 ([Zhang et al. 2020]).
//
// [Zhang et al. 2020]: https://doi.org/10.1145/3372297.3417278
package ml

// Domain is the ONNX operator domain this package registers.
const Domain = "ai.onnx.ml"
