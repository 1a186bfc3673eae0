package calibrate

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zkinfer/zkinfer/internal/testkit"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/onnx"
	"github.com/zkinfer/zkinfer/quant"
)

// ciCorpus are the corpus models TestCalibrateCorpus calibrates in every
// `make test`: self_attention (the defaults fail: divisor 0 at scale 12),
// and a few of the operator families. ZKINFER_CALIBRATE=all calibrates
// every model (slow: see docs/CALIBRATION.md for the measurement).
var ciCorpus = []string{"self_attention", "1l_mlp", "1l_sigmoid", "1l_softmax", "layernorm", "3l_relu_conv_fc", "xgboost"}

// tooSlow are models the whole-corpus run skips.
var tooSlow = map[string]string{}

// reference reads a corpus model's onnxruntime outputs.
func reference(t *testing.T, dir string) ([][]float64, bool) {
	b, err := os.ReadFile(filepath.Join(dir, "reference.json"))
	if err != nil {
		return nil, false
	}
	var r struct{ Outputs []struct{ Data []float64 } }
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("%s: %v", dir, err)
	}
	var outs [][]float64
	for _, o := range r.Outputs {
		outs = append(outs, o.Data)
	}
	return outs, true
}

// relErr is the corpus tests' measure: the worst output's
// max|got − ref| / max(1, max|ref|).
func relErr(got, ref [][]float64) float64 {
	if len(got) != len(ref) {
		return math.Inf(1)
	}
	worst := 0.0
	for i := range ref {
		if len(got[i]) != len(ref[i]) {
			return math.Inf(1)
		}
		m, e := 1.0, 0.0
		for j, v := range ref[i] {
			m, e = max(m, math.Abs(v)), max(e, math.Abs(got[i][j]-v))
		}
		worst = max(worst, e/m)
	}
	return worst
}

// calibrateCorpusModel calibrates a corpus model on its own input and
// runs it under the chosen settings; it returns a table row.
func calibrateCorpusModel(t *testing.T, dir string) (string, error) {
	name := filepath.Base(dir)
	g, err := onnx.Load(filepath.Join(dir, "network.onnx"))
	if err != nil {
		return "", err
	}
	data, err := model.ReadInput(filepath.Join(dir, "input.json"))
	if err != nil {
		return "", err
	}
	m0, err := model.Compile(g, quant.Default)
	if err != nil {
		m0, err = model.Compile(g, quant.Settings{Scale: 2, ParamScale: 2, ActBits: 16})
		if err != nil {
			return "", err
		}
	}
	samples, err := Split(m0, data)
	if err != nil {
		return "", err
	}
	res, err := Calibrate(g, samples, Options{Headroom: 1, NoCount: true})
	if err != nil {
		return "", err
	}
	m, err := model.Compile(g, res.Chosen.Quant)
	if err != nil {
		return "", err
	}
	q, err := m.Eval(data)
	if err != nil {
		return "", err
	}
	errStr := "-"
	if ref, ok := reference(t, dir); ok {
		e := relErr(m.Dequantize(q), ref)
		if e > 0.01 {
			return "", fmt.Errorf("%s after calibration is %.4f from the reference", Format(res.Chosen.Quant), e)
		}
		errStr = fmt.Sprintf("%.5f", e)
	}
	defaults := "meet balanced"
	switch {
	case res.Default.Err != "":
		defaults = "do not run: " + res.Default.Err
	case !Balanced.Met(res.Default.Report):
		defaults = "miss balanced: " + res.Default.Report.Brief()
	}
	return fmt.Sprintf("| %s | %s | %s | %s | %s |", name, Format(res.Chosen.Quant), res.Chosen.Report.Brief(), errStr, defaults), nil
}

// TestCalibrateCorpus calibrates corpus models on their own input and
// checks that the chosen settings run them within 1% of onnxruntime's
// reference.
func TestCalibrateCorpus(t *testing.T) {
	root := testkit.Corpus(t)
	names := ciCorpus
	if sel := os.Getenv("ZKINFER_CALIBRATE"); sel == "all" {
		entries, _ := os.ReadDir(root)
		names = nil
		for _, e := range entries {
			names = append(names, e.Name())
		}
	} else if sel != "" {
		names = strings.Split(sel, ",")
	}
	var rows []string
	needed := 0
	for _, name := range names {
		if why, ok := tooSlow[name]; ok {
			t.Logf("%s: skipped: %s", name, why)
			continue
		}
		row, err := calibrateCorpusModel(t, filepath.Join(root, name))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		t.Log(row)
		rows = append(rows, row)
		if !strings.HasSuffix(row, "| meet balanced |") {
			needed++
		}
	}
	t.Logf("calibrated %d models; the defaults do not meet balanced on %d\n| model | settings | accuracy vs float | error vs reference | the defaults |\n|---|---|---|---|---|\n%s", len(rows), needed, strings.Join(rows, "\n"))
}
