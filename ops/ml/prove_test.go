package ml_test

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/proof"
)

// TestExportedModelsProve: every exported model is compiled, set up,
// proven and verified on the rows its file names (one each, to keep the
// run short); the proof's outputs are onnxruntime's label and, within 1%,
// its scores.
func TestExportedModelsProve(t *testing.T) {
	if testing.Short() {
		t.Skip("proves every exported model")
	}
	for _, c := range loadCorpus(t) {
		if strings.HasPrefix(c.Name, "target_") {
			continue // proven by TestTreeTargets
		}
		t.Run(c.Name, func(t *testing.T) {
			comp, err := proof.Compile(filepath.Join(corpusDir, c.Name+".onnx"), t.TempDir(), c.settings(), circuit.DefaultVisibility, nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := comp.Setup(nil); err != nil {
				t.Fatal(err)
			}
			for _, r := range c.Prove {
				p, err := comp.Prove(split(comp.Model, c.inputs[r]), nil)
				if err != nil {
					t.Fatalf("row %d: %v", r, err)
				}
				if err := comp.Verify(p); err != nil {
					t.Fatalf("row %d: %v", r, err)
				}
				c.checkOutputs(t, r, p.Outputs)
			}
			t.Logf("%d constraints", comp.Settings.Constraints)
		})
	}
}

// checkOutputs compares a proof's outputs with onnxruntime's on row r.
func (c *corpusModel) checkOutputs(t *testing.T, r int, got [][]float64) {
	t.Helper()
	if len(got) != len(c.Outputs) {
		t.Fatalf("row %d: %d outputs, onnxruntime gives %d", r, len(got), len(c.Outputs))
	}
	if c.classifier() && got[0][0] != c.Outputs[0][r][0] {
		t.Errorf("row %d: proven label %v, onnxruntime %v", r, got[0][0], c.Outputs[0][r][0])
	}
	want := c.Outputs[len(got)-1][r]
	for i, v := range got[len(got)-1] {
		if d := v - want[i]; d > maxScoreError*max(1, abs(want[i])) || -d > maxScoreError*max(1, abs(want[i])) {
			t.Errorf("row %d: proven score %d is %v, onnxruntime %v", r, i, v, want[i])
		}
	}
}

func abs(v float64) float64 { return max(v, -v) }

// TestClassifierClaims: claims name a classifier's outputs by index, the
// label first ("output", at scale 0) and the scores second ("output1"):
// "the label is 1" is output[0] in [1, 1], "the probability of class 1 is
// at least 0.7" is output1[1] >= 0.7. A row for which the claim holds is
// proven and verified; one for which it does not cannot be proven.
func TestClassifierClaims(t *testing.T) {
	if testing.Short() {
		t.Skip("proves")
	}
	var c *corpusModel
	for _, m := range loadCorpus(t) {
		if m.Name == "xgboost_breast_cancer" {
			c = m
		}
	}
	if c == nil {
		t.Fatal("xgboost_breast_cancer is missing")
	}
	// Rows of class 1 (benign, probability > 0.9) and of class 0.
	yes, no := -1, -1
	for r := range c.inputs {
		switch {
		case yes < 0 && c.Outputs[0][r][0] == 1 && c.Outputs[1][r][1] > 0.9:
			yes = r
		case no < 0 && c.Outputs[0][r][0] == 0:
			no = r
		}
	}
	for _, claim := range []string{"output[0] in [1, 1]", "output1[1] >= 0.7"} {
		t.Run(claim, func(t *testing.T) {
			vis := circuit.Visibility{Input: circuit.Private, Params: circuit.Fixed, Output: circuit.Private, Claim: claim}
			comp, err := proof.Compile(filepath.Join(corpusDir, c.Name+".onnx"), t.TempDir(), c.settings(), vis, nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := comp.Setup(nil); err != nil {
				t.Fatal(err)
			}
			p, err := comp.Prove([][]float64{c.inputs[yes]}, nil)
			if err != nil {
				t.Fatalf("row %d (label 1): %v", yes, err)
			}
			if err := comp.Verify(p); err != nil {
				t.Fatal(err)
			}
			if p.Claim != claim || len(p.Outputs) != 0 {
				t.Errorf("proof claims %q with outputs %v, want %q and no outputs", p.Claim, p.Outputs, claim)
			}
			if _, err := comp.Prove([][]float64{c.inputs[no]}, nil); err == nil || !strings.Contains(err.Error(), "does not hold") {
				t.Errorf("row %d (label 0): prove gives %v, want the claim refused", no, err)
			}
		})
	}
}

// Cost targets, Groth16: XGBoost with 100 trees of depth 6 on 30 features
// in at most 60,000 constraints (the bucket decomposition makes the cost
// grow with thresholds and nodes, not nodes × bits); the 100-tree depth-8
// random forest is measured. Both are proven once; the times are logged
// (docs/OPERATORS.md reports them), not asserted.
func TestTreeTargets(t *testing.T) {
	if testing.Short() {
		t.Skip("proves")
	}
	limits := map[string]int{"target_xgboost_100x6": 60000, "target_random_forest_100x8": 0}
	for _, c := range loadCorpus(t) {
		limit, ok := limits[c.Name]
		if !ok {
			continue
		}
		delete(limits, c.Name)
		t.Run(c.Name, func(t *testing.T) {
			start := time.Now()
			comp, err := proof.Compile(filepath.Join(corpusDir, c.Name+".onnx"), t.TempDir(), c.settings(), circuit.DefaultVisibility, nil)
			if err != nil {
				t.Fatal(err)
			}
			compiled := time.Now()
			if err := comp.Setup(nil); err != nil {
				t.Fatal(err)
			}
			set := time.Now()
			p, err := comp.Prove([][]float64{c.inputs[0]}, nil)
			if err != nil {
				t.Fatal(err)
			}
			proven := time.Now()
			if err := comp.Verify(p); err != nil {
				t.Fatal(err)
			}
			c.checkOutputs(t, 0, p.Outputs)
			n := comp.Settings.Constraints
			t.Logf("%d constraints (range checks %s); compile %v, setup %v, prove %v", n, comp.Settings.RangeCheck,
				compiled.Sub(start).Round(time.Millisecond), set.Sub(compiled).Round(time.Millisecond), proven.Sub(set).Round(time.Millisecond))
			if limit > 0 && n > limit {
				t.Errorf("%d constraints, the target is at most %d", n, limit)
			}
		})
	}
	for name := range limits {
		t.Errorf("target model %s is missing", name)
	}
}
