package ml_test

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/onnx"
	"github.com/zkinfer/zkinfer/ops"
	"github.com/zkinfer/zkinfer/quant"
)

// The exported-model corpus (scripts/gen_ml_models.py): models trained on
// scikit-learn's data sets and exported by skl2onnx, onnxmltools and
// CatBoost with their default options, and onnxruntime's outputs on every
// row of the data set.

const corpusDir = "testdata/models"

// Agreement targets: labels equal on at least 99.9% of the rows, scores
// (probabilities, regression values relative to max(1, |value|)) within 1%.
const (
	minLabelAgreement = 0.999
	maxScoreError     = 0.01
)

type corpusModel struct {
	Name     string
	Dataset  string `json:"dataset"`
	Settings struct {
		Scale      int `json:"scale"`
		ParamScale int `json:"param_scale"`
		ActBits    int `json:"act_bits"`
	} `json:"settings"`
	Prove   []int         `json:"prove"`
	Outputs [][][]float64 `json:"outputs"` // [output][row][values]
	inputs  [][]float64
}

func (c *corpusModel) settings() quant.Settings {
	return quant.Settings{Scale: c.Settings.Scale, ParamScale: c.Settings.ParamScale, ActBits: c.Settings.ActBits}
}

// classifier reports whether output 0 is a label (a classifier has a label
// and a score output).
func (c *corpusModel) classifier() bool { return len(c.Outputs) == 2 }

func loadCorpus(t testing.TB) []*corpusModel {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(corpusDir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no models under %s", corpusDir)
	}
	data := map[string][][]float64{}
	var out []*corpusModel
	for _, f := range files {
		c := &corpusModel{Name: strings.TrimSuffix(filepath.Base(f), ".json")}
		if err := readJSON(f, c); err != nil {
			t.Fatal(err)
		}
		if _, ok := data[c.Dataset]; !ok {
			var d struct{ Inputs [][]float64 }
			if err := readJSON(filepath.Join(corpusDir, "datasets", c.Dataset+".json"), &d); err != nil {
				t.Fatal(err)
			}
			for _, row := range d.Inputs {
				for i, v := range row {
					row[i] = float64(float32(v)) // the float32 onnxruntime read
				}
			}
			data[c.Dataset] = d.Inputs
		}
		c.inputs = data[c.Dataset]
		out = append(out, c)
	}
	return out
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

func (c *corpusModel) compile(t testing.TB) *model.Model {
	t.Helper()
	g, err := onnx.Load(filepath.Join(corpusDir, c.Name+".onnx"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := model.Compile(g, c.settings())
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// agreement runs every row through the integer evaluator and compares it
// with onnxruntime: the fraction of rows whose label agrees (1 for a
// regressor), the largest score error, and a line per disagreement.
func (c *corpusModel) agreement(t testing.TB, m *model.Model) (float64, float64, []string) {
	t.Helper()
	agree, worst := 0, 0.0
	var notes []string
	for r, row := range c.inputs {
		q, err := m.Quantize(split(m, row))
		if err != nil {
			t.Fatalf("row %d: %v", r, err)
		}
		out, err := model.Run(m, &ops.IntArith{}, q)
		if err != nil {
			t.Fatalf("row %d: %v", r, err)
		}
		got := m.Dequantize(out)
		if len(got) != len(c.Outputs) {
			t.Fatalf("%d outputs, onnxruntime gives %d", len(got), len(c.Outputs))
		}
		scores, want := got[len(got)-1], c.Outputs[len(got)-1][r]
		if len(scores) != len(want) {
			t.Fatalf("row %d: %d scores, onnxruntime gives %d", r, len(scores), len(want))
		}
		e := 0.0
		for i := range want {
			d := math.Abs(scores[i] - want[i])
			if !c.classifier() {
				d /= max(1, math.Abs(want[i]))
			}
			e = max(e, d)
		}
		worst = max(worst, e)
		if e > maxScoreError {
			notes = append(notes, fmt.Sprintf("row %d: scores %.5g, onnxruntime %.5g", r, scores, want))
		}
		if !c.classifier() || got[0][0] == c.Outputs[0][r][0] {
			agree++
			continue
		}
		notes = append(notes, fmt.Sprintf("row %d: label %v, onnxruntime %v; scores %.5g, onnxruntime %.5g", r, got[0][0], c.Outputs[0][r][0], scores, want))
	}
	return float64(agree) / float64(len(c.inputs)), worst, notes
}

// split feeds a row to the model's inputs in order: one input of the whole
// row, or (models exported from a DataFrame) one input per column.
func split(m *model.Model, row []float64) [][]float64 {
	var out [][]float64
	for _, in := range m.Inputs {
		n := min(in.Size(), len(row))
		out, row = append(out, row[:n]), row[n:]
	}
	return out
}

// TestExportedModels: on every row of its data set, each exported model's
// label agrees with onnxruntime's on ≥ 99.9% of the rows and its scores are
// within 1%; every disagreement is logged with both scores.
func TestExportedModels(t *testing.T) {
	for _, c := range loadCorpus(t) {
		t.Run(c.Name, func(t *testing.T) {
			m := c.compile(t)
			frac, worst, notes := c.agreement(t, m)
			for _, n := range notes {
				t.Log(n)
			}
			t.Logf("labels agree on %.2f%% of %d rows; largest score error %.3g", 100*frac, len(c.inputs), worst)
			if frac < minLabelAgreement {
				t.Errorf("labels agree on %.2f%% of the rows, want ≥ %.1f%%", 100*frac, 100*minLabelAgreement)
			}
			if worst > maxScoreError || math.IsNaN(worst) {
				t.Errorf("score error %.3g > %.3g", worst, maxScoreError)
			}
		})
	}
}

// TestCreditGBTExample: examples/credit_gbt's model gives onnxruntime's
// label and probabilities (reference.json) on both applicants at the
// default settings.
func TestCreditGBTExample(t *testing.T) {
	dir := "../../examples/credit_gbt"
	var ref map[string]json.RawMessage
	if err := readJSON(filepath.Join(dir, "reference.json"), &ref); err != nil {
		t.Fatal(err)
	}
	g, err := onnx.Load(filepath.Join(dir, "model.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := model.Compile(g, quant.Default)
	if err != nil {
		t.Fatal(err)
	}
	for name, file := range map[string]string{"applicant": "input.json", "risky": "input_risky.json"} {
		var want struct {
			Label         float64
			Probabilities []float64
		}
		if err := json.Unmarshal(ref[name], &want); err != nil {
			t.Fatal(err)
		}
		in, err := model.ReadInput(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		q, err := m.Eval(in)
		if err != nil {
			t.Fatal(err)
		}
		got := m.Dequantize(q)
		if got[0][0] != want.Label || !slices.EqualFunc(got[1], want.Probabilities, func(a, b float64) bool { return math.Abs(a-b) <= maxScoreError }) {
			t.Errorf("%s: outputs %v, onnxruntime %v %v", name, got, want.Label, want.Probabilities)
		}
	}
}
