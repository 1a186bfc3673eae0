package ml_test

import (
	"strings"
	"testing"

	"github.com/zkinfer/zkinfer/internal/optest"
	"github.com/zkinfer/zkinfer/internal/testkit"
)

// TestMalformed: models that no exporter writes, or that zkinfer cannot
// prove, are one-line compile errors naming the node, never panics.
func TestMalformed(t *testing.T) {
	x := optest.T([]int{1, 3}, 1, 2, 3)
	tree := func(edit func(a attrs)) optest.Case {
		c := regressor("SUM")
		c.Inputs = []optest.Named{optest.In("x", x)}
		a := attrs{}
		for k, v := range c.Node.Attrs {
			a[k] = v
		}
		edit(a)
		c.Node = mlNode("TreeEnsembleRegressor", []string{"x"}, []string{"y"}, a)
		return c
	}
	for _, c := range []struct {
		name string
		c    optest.Case
		want string
	}{
		{"cycle", tree(func(a attrs) { a["nodes_truenodeids"] = is(1, 0, 5, 0, 0, 0, 7, 0, 9, 0, 0, 1, 0, 0) }), "reached twice"},
		{"missing branch", tree(func(a attrs) { a["nodes_falsenodeids"] = is(2, 4, 60, 0, 0, 0, 8, 0, 10, 0, 0, 2, 0, 0) }), "does not exist"},
		{"feature beyond X", tree(func(a attrs) { a["nodes_featureids"] = is(0, 1, 1, 0, 0, 0, 0, 0, 7, 0, 0, 2, 0, 0) }), "feature 7"},
		{"short list", tree(func(a attrs) { a["nodes_values"] = fs(1, 2) }), "nodes_values"},
		{"leaf without weight", tree(func(a attrs) { a["target_nodeids"] = is(3, 4, 5, 7, 9, 9, 1, 2) }), "no weight"},
		{"unknown mode", tree(func(a attrs) {
			a["nodes_modes"] = ss("BRANCH_XX", "BRANCH_LT", "BRANCH_GTE", "LEAF", "LEAF", "LEAF", "BRANCH_EQ", "LEAF", "BRANCH_NEQ", "LEAF", "LEAF", "BRANCH_GT", "LEAF", "LEAF")
		}), "mode"},
		{"too many targets", tree(func(a attrs) { a["n_targets"] = i1(1 << 40) }), "targets"},
		{"unknown aggregate", tree(func(a attrs) { a["aggregate_function"] = s1("MEDIAN") }), "aggregate"},
		{"string labels", one("LinearClassifier", x, attrs{"coefficients": fs(1, 2, 3), "classlabels_strings": ss("a", "b")}, "l", "s"), "string"},
		{"coefficients", one("LinearRegressor", x, attrs{"coefficients": fs(1, 2)}), "coefficients"},
		{"SVM probabilities", one("SVMClassifier", x, attrs{"kernel_type": s1("RBF"), "kernel_params": fs(1, 0, 0), "classlabels_ints": is(0, 1),
			"vectors_per_class": is(1, 1), "support_vectors": fs(1, 2, 3, 4, 5, 6), "coefficients": fs(1, -1), "rho": fs(0), "prob_a": fs(1), "prob_b": fs(0)}, "l", "s"), "probability"},
		{"SVM without features", one("SVMRegressor", optest.T([]int{1, 0}), attrs{"support_vectors": fs(1), "coefficients": fs(1), "rho": fs(0)}), "no feature"},
		{"string keys", one("LabelEncoder", x, attrs{"keys_strings": ss("a"), "values_int64s": is(1)}), "string"},
		{"ZipMap width", one("ZipMap", x, attrs{"classlabels_int64s": is(0, 1)}), "class labels"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := c.c.Compile()
			testkit.CheckError(t, err, c.want)
			if !strings.Contains(err.Error(), c.c.Node.Op) {
				t.Errorf("error %q does not name the node", err)
			}
		})
	}
}
