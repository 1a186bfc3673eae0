package ml_test

import (
	"slices"
	"testing"

	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/internal/optest"
	"github.com/zkinfer/zkinfer/ops"
	"github.com/zkinfer/zkinfer/ops/ml"
)

// TestOps: every case's evaluator agrees with the float reference (and the
// reference with the expected values, where given), and its circuit is
// satisfied by the evaluator's outputs and not by an output off by one.
func TestOps(t *testing.T) {
	for _, c := range mlCases() {
		t.Run(c.Name, func(t *testing.T) { optest.Run(t, c) })
	}
}

// TestMLHintSoundness is the ai.onnx.ml half of the soundness suite (see
// ops/hintsweep_ops_test.go): every case compiled into a free-output
// circuit (optest.FreeCircuit), whose every hint — the bucket
// decompositions', the sub-operators' and the range checks' — is perturbed
// on a sample (first, middle and last call of each hint, up to four outputs
// each, by +1 and −1); every registered ai.onnx.ml operator has a case.
func TestMLHintSoundness(t *testing.T) {
	covered := map[string]bool{}
	for _, c := range mlCases() {
		covered[c.Node.Op] = true
		t.Run(c.Name, func(t *testing.T) {
			calls := optest.SweepCase(t, c, ops.RangeBits, optest.Sweep{Calls: 3, Outputs: 4})
			if len(calls) == 0 && !slices.Contains([]string{"ZipMap", "FeatureVectorizer", "Imputer NaN", "ArrayFeatureExtractor", "LinearRegressor"}, c.Name) {
				t.Errorf("no hint call: the case proves nothing")
			}
		})
	}
	for _, name := range ops.SupportedIn(ml.Domain) {
		if !covered[name] {
			t.Errorf("%s has no case in the soundness suite", name)
		}
	}
}

// TestMLWeights: the ai.onnx.ml operators read their parameters (trees,
// coefficients, support vectors) from attributes, never from float
// initializers, so none declares weight operands (ops.Op.Weights: see ops'
// TestWeightDeclarations) and model.CompileSecret keeps none of theirs
// secret; no case gives one a float initializer.
func TestMLWeights(t *testing.T) {
	for _, name := range ops.SupportedIn(ml.Domain) {
		op, _, _ := ops.LookupDomain(ml.Domain, name)
		if len(op.Weights) > 0 || op.SecretRewrite != nil || op.FuseInto != nil {
			t.Errorf("%s declares weight operands or fusion: give it cases in the weight scan", name)
		}
	}
	for _, c := range mlCases() {
		for name, k := range c.Consts {
			if k.DType == graph.Float {
				t.Errorf("%s: a float initializer %q: scan it for weight operands", c.Name, name)
			}
		}
	}
}
