package ml_test

import (
	"math"

	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/internal/optest"
	"github.com/zkinfer/zkinfer/ops/ml"
	"github.com/zkinfer/zkinfer/quant"
)

// One small case per operator and per semantic branch (node modes, an input
// exactly at a non-representable threshold, aggregates, base values, post
// transforms, the binary-classifier rules, kernels), shared by TestOps
// (evaluator against the float reference, circuit against the evaluator)
// and TestMLHintSoundness.

type attrs map[string]graph.Attr

var nan = math.NaN()

func is(v ...int64) graph.Attr   { return graph.Attr{Kind: graph.AttrInts, Ints: v} }
func fs(v ...float64) graph.Attr { return graph.Attr{Kind: graph.AttrFloats, Floats: v} }
func ss(v ...string) graph.Attr  { return graph.Attr{Kind: graph.AttrStrings, Strings: v} }
func i1(v int64) graph.Attr      { return graph.Attr{Kind: graph.AttrInt, Int: v} }
func f1(v float64) graph.Attr    { return graph.Attr{Kind: graph.AttrFloat, Float: v} }
func s1(v string) graph.Attr     { return graph.Attr{Kind: graph.AttrString, String: v} }
func ints(shape []int, v ...float64) *graph.Tensor {
	return &graph.Tensor{DType: graph.Int, Shape: shape, Data: v}
}

func mlNode(op string, ins, outs []string, a attrs) *graph.Node {
	return &graph.Node{Name: op, Op: op, Domain: ml.Domain, Inputs: ins, Outputs: outs, Attrs: a}
}

// rows6 exercises every branch of the trees below; 0.7 is not
// representable at scale 12 and sits exactly at a BRANCH_GT threshold.
var rows6 = optest.T([]int{6, 3},
	0.5, -1, 0.75,
	0.25, -1.5, 0,
	1, 0, 0,
	2, 1.25, 0.75,
	1.5, 0.5, 0.75,
	1.5, 0.5, 0.7)

// twoTrees: tree 0 tests every classic mode, tree 1 is one BRANCH_GT.
//
//	tree 0: n0 f0 ≤ 0.5 ? n1 : n2;  n1 f1 < -1 ? L3 : L4;  n2 f1 ≥ 1.25 ? L5 : n6
//	        n6 f0 = 1 ? L7 : n8;    n8 f2 ≠ 0.75 ? L9 : L10
//	tree 1: n0 f2 > 0.7 ? L1 : L2
func twoTrees(a attrs) attrs {
	a["nodes_treeids"] = is(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1)
	a["nodes_nodeids"] = is(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0, 1, 2)
	a["nodes_featureids"] = is(0, 1, 1, 0, 0, 0, 0, 0, 2, 0, 0, 2, 0, 0)
	a["nodes_modes"] = ss("BRANCH_LEQ", "BRANCH_LT", "BRANCH_GTE", "LEAF", "LEAF", "LEAF", "BRANCH_EQ", "LEAF", "BRANCH_NEQ", "LEAF", "LEAF", "BRANCH_GT", "LEAF", "LEAF")
	a["nodes_values"] = fs(0.5, -1, 1.25, 0, 0, 0, 1, 0, 0.75, 0, 0, 0.7, 0, 0)
	a["nodes_truenodeids"] = is(1, 3, 5, 0, 0, 0, 7, 0, 9, 0, 0, 1, 0, 0)
	a["nodes_falsenodeids"] = is(2, 4, 6, 0, 0, 0, 8, 0, 10, 0, 0, 2, 0, 0)
	return a
}

// regressor: leaves L3..L10 of tree 0 weigh 1..6, tree 1's 10 and 20.
func regressor(agg string, base ...float64) optest.Case {
	a := twoTrees(attrs{"n_targets": i1(1), "aggregate_function": s1(agg),
		"target_treeids": is(0, 0, 0, 0, 0, 0, 1, 1), "target_nodeids": is(3, 4, 5, 7, 9, 10, 1, 2),
		"target_ids": is(0, 0, 0, 0, 0, 0, 0, 0), "target_weights": fs(1, 2, 3, 4, 5, 6, 10, 20)})
	want := map[string][]float64{"SUM": {12, 21, 24, 13, 16, 25}, "AVERAGE": {6, 10.5, 12, 6.5, 8, 12.5},
		"MIN": {2, 1, 4, 3, 6, 5}, "MAX": {10, 20, 20, 10, 10, 20}}[agg]
	if len(base) > 0 {
		a["base_values"] = fs(base...)
		for i := range want {
			want[i] += base[0]
		}
	}
	return optest.Case{Name: "TreeEnsembleRegressor " + agg, Node: mlNode("TreeEnsembleRegressor", []string{"x"}, []string{"y"}, a),
		Inputs: []optest.Named{optest.In("x", rows6)}, Tol: 1e-3, Want: want}
}

// classifier: three classes labelled 10, 20, 30; every leaf votes for all.
func classifier(post string) optest.Case {
	w := [][]float64{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {.5, .5, 0}, {0, .5, .5}, {.2, .3, .5}, {0, 0, 1}, {1, 0, 0}}
	leaves := [][2]int64{{0, 3}, {0, 4}, {0, 5}, {0, 7}, {0, 9}, {0, 10}, {1, 1}, {1, 2}}
	var tr, nd, id []int64
	var ws []float64
	for l, lf := range leaves {
		for k := range 3 {
			tr, nd, id, ws = append(tr, lf[0]), append(nd, lf[1]), append(id, int64(k)), append(ws, w[l][k])
		}
	}
	a := twoTrees(attrs{"classlabels_int64s": is(10, 20, 30), "post_transform": s1(post), "base_values": fs(.1, .2, .3),
		"class_treeids": is(tr...), "class_nodeids": is(nd...), "class_ids": is(id...), "class_weights": fs(ws...)})
	return optest.Case{Name: "TreeEnsembleClassifier " + post, Node: mlNode("TreeEnsembleClassifier", []string{"x"}, []string{"label", "scores"}, a),
		Inputs: []optest.Named{optest.In("x", rows6)}, Tol: 0.01, Want: []float64{30, 10, 10, 30, 30, 10}}
}

// binary: class id 0 only, as scikit-learn's random forest (probabilities,
// no base: label 1 when p > 0.5) or XGBoost (margins, one base value,
// LOGISTIC: label 1 when the margin > 0) export two classes.
func binary(margins bool) optest.Case {
	a := twoTrees(attrs{"classlabels_int64s": is(0, 1), "class_treeids": is(0, 0, 0, 0, 0, 0, 1, 1),
		"class_nodeids": is(3, 4, 5, 7, 9, 10, 1, 2), "class_ids": is(0, 0, 0, 0, 0, 0, 0, 0)})
	a["class_weights"] = fs(.1, .2, .3, .4, .4, .5, .05, .15)
	want := []float64{0, 0, 1, 0, 1, 1} // p = .25, .25, .55, .35, .55, .55
	name := "probabilities"
	if margins {
		a["class_weights"] = fs(-1, 2, -.5, 1.5, -2, .5, .25, -.25)
		a["base_values"], a["post_transform"] = fs(0.1), s1("LOGISTIC")
		want = []float64{1, 0, 1, 0, 1, 0} // margins 2.35, -1.15, 1.35, -.15, .85, -2.15
		name = "margins"
	}
	return optest.Case{Name: "TreeEnsembleClassifier binary " + name, Node: mlNode("TreeEnsembleClassifier", []string{"x"}, []string{"label", "scores"}, a),
		Inputs: []optest.Named{optest.In("x", rows6)}, Tol: 0.01, Want: want}
}

// treeV5: TreeEnsemble (opset 5) with a set-membership node:
// n0 f0 ≤ 0.5 ? n1 : leaf 0;  n1 f1 ∈ {-1, 2.5} ? leaf 1 : leaf 2.
func treeV5(post int64) optest.Case {
	a := attrs{"n_targets": i1(2), "aggregate_function": i1(1), "post_transform": i1(post), "tree_roots": is(0),
		"nodes_modes": is(0, 6), "nodes_featureids": is(0, 1), "nodes_splits": fs(0.5, 0),
		"nodes_truenodeids": is(1, 1), "nodes_trueleafs": is(0, 1), "nodes_falsenodeids": is(0, 2), "nodes_falseleafs": is(1, 1),
		"membership_values": fs(-1, 2.5, nan), "leaf_targetids": is(0, 1, 0), "leaf_weights": fs(0.25, 0.5, 0.75)}
	c := optest.Case{Name: "TreeEnsemble", Node: mlNode("TreeEnsemble", []string{"x"}, []string{"y"}, a),
		Inputs: []optest.Named{optest.In("x", rows6)}, Tol: 0.01}
	if post == 0 {
		c.Want = []float64{0, 0.5, 0.75, 0, 0.25, 0, 0.25, 0, 0.25, 0, 0.25, 0}
	} else {
		c.Name += map[int64]string{1: " SOFTMAX", 2: " LOGISTIC", 3: " SOFTMAX_ZERO", 4: " PROBIT"}[post]
	}
	return c
}

func one(op string, x *graph.Tensor, a attrs, outs ...string) optest.Case {
	if len(outs) == 0 {
		outs = []string{"y"}
	}
	return optest.Case{Node: mlNode(op, []string{"x"}, outs, a), Inputs: []optest.Named{optest.In("x", x)}, Tol: 0.01}
}

func withWant(c optest.Case, name string, want ...float64) optest.Case {
	c.Name, c.Want = name, want
	return c
}

// mlCases returns every case; each registered operator has at least one.
func mlCases() []optest.Case {
	pos := optest.T([]int{2, 3}, 0.5, 1.5, 1, 2, 0.25, 1.75)
	x := optest.T([]int{2, 3}, -1, 0.5, 2, 0, -0.25, 1)
	sv := fs(0.5, -1, 0, 1, 1, 0.5, -0.5, 0.25, 2) // three support vectors of 3 features
	svr := func(kernel string, params ...float64) optest.Case {
		c := one("SVMRegressor", x, attrs{"kernel_type": s1(kernel), "kernel_params": fs(params...), "n_supports": i1(3),
			"support_vectors": sv, "coefficients": fs(0.5, -1, 0.75), "rho": fs(0.25)})
		c.Name = "SVMRegressor " + kernel
		return c
	}
	cases := []optest.Case{
		regressor("SUM"), regressor("AVERAGE", 100), regressor("MIN"), regressor("MAX"),
		classifier("SOFTMAX"), classifier("NONE"), classifier("SOFTMAX_ZERO"), classifier("LOGISTIC"),
		binary(false), binary(true), treeV5(0), treeV5(1), treeV5(2), treeV5(3),
		probitCase(),
		func() optest.Case { // PROBIT at scale 16: p rescaled to the table's 2^-12 grid
			c := probitCase()
			c.Name, c.Settings = "TreeEnsembleRegressor PROBIT at scale 16", &quant.Settings{Scale: 16, ParamScale: 12, ActBits: 24}
			return c
		}(),
		withWant(one("Scaler", pos, attrs{"offset": fs(1, 2, 3), "scale": fs(2, 0.5, 1)}), "Scaler", -1, -0.25, -2, 2, -0.875, -1.25),
		withWant(one("Normalizer", pos, attrs{"norm": s1("L1")}), "Normalizer L1", 1.0/6, 0.5, 1.0/3, 0.5, 0.0625, 0.4375),
		withWant(one("Normalizer", pos, attrs{"norm": s1("MAX")}), "Normalizer MAX", 1.0/3, 1, 2.0/3, 1, 0.125, 0.875),
		withWant(one("Normalizer", optest.T([]int{1, 2}, 3, 4), attrs{"norm": s1("L2")}), "Normalizer L2", 0.6, 0.8),
		withWant(one("Binarizer", x, attrs{"threshold": f1(0.5)}), "Binarizer", 0, 0, 1, 0, 0, 1),
		withWant(one("Imputer", optest.T([]int{2, 2}, 0, 1.5, -2, 0), attrs{"imputed_value_floats": fs(9, 8), "replaced_value_float": f1(0)}),
			"Imputer", 9, 1.5, -2, 8),
		withWant(one("Imputer", x, attrs{"imputed_value_floats": fs(9), "replaced_value_float": f1(nan)}), "Imputer NaN", x.Data...),
		withWant(one("ZipMap", optest.T([]int{1, 3}, 0.25, 0.5, 0.25), attrs{"classlabels_int64s": is(0, 1, 2)}), "ZipMap", 0.25, 0.5, 0.25),
		{Name: "ArrayFeatureExtractor", Node: mlNode("ArrayFeatureExtractor", []string{"x", "i"}, []string{"y"}, nil),
			Inputs: []optest.Named{optest.In("x", x)}, Consts: map[string]*graph.Tensor{"i": ints([]int{2}, 2, 0)}, Want: []float64{2, -1, 1, 0}},
		{Name: "ArrayFeatureExtractor computed index", Node: mlNode("ArrayFeatureExtractor", []string{"c", "i"}, []string{"y"}, nil),
			Inputs: []optest.Named{optest.In("i", ints([]int{3}, 2, 0, 1))}, Consts: map[string]*graph.Tensor{"c": ints([]int{3}, 7, 8, 9)}, Want: []float64{9, 7, 8}},
		withWant(one("LabelEncoder", ints([]int{5}, 1, 2, 3, 7, 8), attrs{"keys_int64s": is(1, 3, 7), "values_int64s": is(10, 30, 70)}),
			"LabelEncoder int", 10, -1, 30, 70, -1),
		withWant(one("LabelEncoder", ints([]int{5}, 1, 2, 3, 7, 8), attrs{"keys_int64s": is(1, 3, 7), "values_floats": fs(0.5, 1.5, 2.5), "default_float": f1(-1)}),
			"LabelEncoder float values", 0.5, -1, 1.5, 2.5, -1),
		withWant(one("OneHotEncoder", ints([]int{3}, 2, 5, 1), attrs{"cats_int64s": is(0, 2, 5)}), "OneHotEncoder", 0, 1, 0, 0, 0, 1, 0, 0, 0),
		{Name: "FeatureVectorizer", Node: mlNode("FeatureVectorizer", []string{"a", "b"}, []string{"y"}, attrs{"inputdimensions": is(2, 2)}),
			Inputs: []optest.Named{optest.In("a", optest.T([]int{2, 2}, 1, 2, 3, 4)), optest.In("b", optest.T([]int{2, 1}, 5, 6))},
			Want:   []float64{1, 2, 5, 0, 3, 4, 6, 0}},
		withWant(one("LinearRegressor", x, attrs{"coefficients": fs(1, 2, 3, -1, 0.5, 0.25), "intercepts": fs(0.5, -0.5), "targets": i1(2)}),
			"LinearRegressor", 6.5, 1.25, 3, -0.375),
		withWant(one("LinearClassifier", x, attrs{"coefficients": fs(1, 2, 3, -1, 0.5, 0.25, 0, 0, 1), "intercepts": fs(0, 0, 0.5),
			"classlabels_ints": is(4, 5, 6), "post_transform": s1("SOFTMAX")}, "label", "scores"), "LinearClassifier", 4, 4),
		withWant(one("LinearClassifier", x, attrs{"coefficients": fs(1, 2, 3), "intercepts": fs(-5), "classlabels_ints": is(0, 1)}, "label", "scores"),
			"LinearClassifier one score", 1, 0),
		svr("LINEAR"), svr("POLY", 0.5, 1, 3), svr("SIGMOID", 0.5, 0.25, 0), svr("RBF", 0.5, 0, 0),
		withWant(one("SVMClassifier", x, attrs{"kernel_type": s1("RBF"), "kernel_params": fs(0.5, 0, 0), "classlabels_ints": is(7, 8, 9),
			"vectors_per_class": is(1, 1, 1), "support_vectors": sv, "coefficients": fs(1, -1, 0.5, 0.5, -0.5, -1), "rho": fs(0.1, -0.2, 0.05)}, "label", "scores"),
			"SVMClassifier"),
		withWant(one("SVMClassifier", x, attrs{"kernel_type": s1("LINEAR"), "classlabels_ints": is(0, 1),
			"vectors_per_class": is(2, 1), "support_vectors": sv, "coefficients": fs(1, -0.5, -1), "rho": fs(0.1)}, "label", "scores"),
			"SVMClassifier two classes"),
	}
	return cases
}

// erfinvApprox is ONNX Runtime's ErfInv, which PROBIT uses.
func erfinvApprox(x float64) float64 {
	sgn := 1.0
	if x < 0 {
		sgn = -1
	}
	y := (1 - x) * (1 + x)
	l := math.Log(y)
	v := 2/(math.Pi*0.147) + 0.5*l
	return sgn * math.Sqrt(-v+math.Sqrt(v*v-l/0.147))
}

// probitCase: one tree whose two leaves give 0.5 and 0.8, under PROBIT.
func probitCase() optest.Case {
	return withWant(one("TreeEnsembleRegressor", optest.T([]int{3, 1}, 0.25, 0.5, 0.75), attrs{
		"n_targets": i1(1), "post_transform": s1("PROBIT"), "nodes_treeids": is(0, 0, 0), "nodes_nodeids": is(0, 1, 2),
		"nodes_featureids": is(0, 0, 0), "nodes_modes": ss("BRANCH_LEQ", "LEAF", "LEAF"), "nodes_values": fs(0.5, 0, 0),
		"nodes_truenodeids": is(1, 0, 0), "nodes_falsenodeids": is(2, 0, 0), "target_treeids": is(0, 0), "target_nodeids": is(1, 2),
		"target_ids": is(0, 0), "target_weights": fs(0.5, 0.8)}), "TreeEnsembleRegressor PROBIT", 0, 0, math.Sqrt2*erfinvApprox(0.6))
}
