package conformance

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/internal/optest"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/ops"
)

// mlDir holds ONNX's ai.onnx.ml node tests, generated from the onnx
// package's case generators by scripts/gen_ml_conformance.py (Debian's
// libonnx-testdata lacks them).
const mlDir = "testdata/ai_onnx_ml"

// MLSkip lists the ai.onnx.ml node tests zkinfer does not pass, each with
// the reason.
var MLSkip = map[string]string{
	"test_ai_onnx_ml_label_encoder_string_int":                "string inputs: zkinfer proves numeric tensors",
	"test_ai_onnx_ml_label_encoder_string_int_no_default":     "string inputs: zkinfer proves numeric tensors",
	"test_ai_onnx_ml_label_encoder_tensor_mapping":            "string inputs: zkinfer proves numeric tensors",
	"test_ai_onnx_ml_label_encoder_tensor_value_only_mapping": "string inputs: zkinfer proves numeric tensors",
	"test_ai_onnx_ml_tree_ensemble_set_membership":            "a NaN input (a missing value): fixed-point inputs are finite",
}

// supportedIn reports whether every op of g, in any domain, is registered.
func supportedIn(g *graph.Graph) bool {
	for _, n := range g.Nodes {
		if _, ok, _ := ops.LookupDomain(n.Domain, n.Op); !ok {
			return false
		}
	}
	return true
}

// TestMLNodeConformance runs ONNX's ai.onnx.ml node tests through the
// integer evaluator, compared with ONNX's expected outputs as
// TestNodeConformance does, and checks each one's circuit.
func TestMLNodeConformance(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join(mlDir, "test_*"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no ai.onnx.ml node tests under %s (scripts/gen_ml_conformance.py writes them)", mlDir)
	}
	passed := 0
	for _, dir := range dirs {
		name := filepath.Base(dir)
		t.Run(name, func(t *testing.T) {
			if reason, ok := MLSkip[name]; ok {
				t.Skip(reason)
			}
			nt, err := load(dir)
			if err != nil {
				t.Fatal(err)
			}
			if !supportedIn(nt.g) {
				t.Fatal("uses an operator that is not registered")
			}
			m, vals, err := nt.run()
			if err != nil {
				t.Fatal(err)
			}
			if m.NumSteps() == 0 {
				t.Fatal("folds to constants: its circuit checks nothing")
			}
			in, _ := m.Quantize(vals)
			out, err := model.Run(m, &ops.IntArith{}, in)
			if err != nil {
				t.Fatal(err)
			}
			optest.CheckCircuit(t, m, in, out)
			passed++
		})
	}
	t.Logf("ai.onnx.ml node tests: %d passed through the evaluator and the circuit, %d skipped (MLSkip)", passed, len(MLSkip))
	for name := range MLSkip {
		if _, err := os.Stat(filepath.Join(mlDir, name)); err != nil {
			t.Errorf("MLSkip names %s, which is not a test", name)
		}
	}
}
