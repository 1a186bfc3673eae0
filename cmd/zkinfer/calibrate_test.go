package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zkinfer/zkinfer/internal/onnxbuild"
)

// rawModel writes onnxbuild's GemmRelu and calibration data of raw-pixel
// magnitude (up to 255), beyond the default ±2048 after the product.
func rawModel(t *testing.T) (model, data string) {
	dir := t.TempDir()
	model = filepath.Join(dir, "m.onnx")
	if err := os.WriteFile(model, onnxbuild.Bytes(onnxbuild.GemmRelu()), 0o644); err != nil {
		t.Fatal(err)
	}
	var flat []string
	for i := range 40 {
		flat = append(flat, []string{"3000", "-2500", "255", "17", "4000", "0", "-128", "2100"}[i%8])
	}
	data = writeFile(t, dir, "data.json", `{"input_data": [[`+strings.Join(flat, ",")+`]]}`)
	return model, data
}

func TestCalibrateSettingsRunCompile(t *testing.T) {
	model, data := rawModel(t)
	one := writeFile(t, t.TempDir(), "one.json", `{"input_data": [[3000, -2500, 255, 17]]}`)
	if code, _, errOut := zk(t, "run", model, "--input", one); code == 0 || !strings.Contains(errOut, "outside the range") {
		t.Fatalf("the defaults run raw pixels (exit %d, %s): the test needs inputs beyond them", code, errOut)
	}
	s := filepath.Join(t.TempDir(), "s.json")
	out := mustZK(t, "calibrate", model, "--data", data, "--out", s, "--quiet")
	if !strings.HasPrefix(out, "wrote "+s+": --scale ") || !strings.Contains(out, "(the defaults do not run); on 10 samples: class agreement 10/10") {
		t.Fatalf("calibrate printed %q", out)
	}
	var f struct {
		Target string
		Met    bool `json:"target_met"`
		Quant  struct {
			Scale, ParamScale, ActBits int
		}
		RangeCheck string `json:"range_check"`
	}
	b, _ := os.ReadFile(s)
	if err := json.Unmarshal(b, &f); err != nil || f.Target != "balanced" || !f.Met || f.RangeCheck != "auto" {
		t.Fatalf("%s: %+v %v", b, f, err)
	}
	got := mustZK(t, "run", model, "--input", one, "--settings", s)
	if !strings.HasPrefix(got, `{"outputs":[[`) {
		t.Fatalf("run --settings printed %q", got)
	}
	dir := filepath.Join(t.TempDir(), "c")
	out = mustZK(t, "compile", model, "--out", dir, "--settings", s, "--quiet")
	if !strings.Contains(out, "\nexpected error: class agreement 10/10, max relative error ") || !strings.Contains(out, " on 10 calibration samples") {
		t.Fatalf("compile printed %q", out)
	}
	type quantOf struct {
		Quant struct {
			Scale      int `json:"scale"`
			ParamScale int `json:"param_scale"`
			ActBits    int `json:"act_bits"`
		}
	}
	var compiled, calibrated quantOf
	b, _ = os.ReadFile(filepath.Join(dir, "settings.json"))
	json.Unmarshal(b, &compiled)
	b, _ = os.ReadFile(s)
	json.Unmarshal(b, &calibrated)
	if compiled != calibrated || compiled.Quant.Scale == 0 {
		t.Fatalf("compiled %+v, calibrated %+v", compiled, calibrated)
	}
	// An explicit flag overrides the file, and the calibration's error,
	// measured for other settings, is not claimed.
	out = mustZK(t, "compile", model, "--out", filepath.Join(t.TempDir(), "c2"), "--settings", s, "--act-bits", "40", "--quiet")
	if !strings.Contains(out, "expected error: not measured") {
		t.Fatalf("compile with --act-bits printed %q", out)
	}
	// A compiled directory's settings.json is a settings file too.
	if again := mustZK(t, "run", model, "--input", one, "--settings", filepath.Join(dir, "settings.json")); again != got {
		t.Fatalf("run with the compiled settings: %q, with calibrate's %q", again, got)
	}
}

func TestCalibrateTargets(t *testing.T) {
	model, data := rawModel(t)
	for _, target := range []string{"accuracy", "balanced", "resources"} {
		s := filepath.Join(t.TempDir(), target+".json")
		mustZK(t, "calibrate", model, "--data", data, "--out", s, "--target", target, "--quiet")
		var f struct{ Target string }
		b, _ := os.ReadFile(s)
		if json.Unmarshal(b, &f); f.Target != target {
			t.Errorf("--target %s wrote %s", target, b)
		}
	}
}

func TestAccuracyCommand(t *testing.T) {
	model, data := rawModel(t)
	labels := writeFile(t, t.TempDir(), "labels.json", `[0, 0, 0, 0, 0, 0, 0, 0, 0, 0]`)
	s := filepath.Join(t.TempDir(), "s.json")
	mustZK(t, "calibrate", model, "--data", data, "--out", s, "--quiet")
	out := mustZK(t, "accuracy", model, "--data", data, "--settings", s, "--labels", labels)
	for _, want := range []string{"against float on 10 samples", "class agreement: 10/10 (100.00%)", `output "y": absolute error max`, "worst sample: ", "accuracy on 10 labels: float "} {
		if !strings.Contains(out, want) {
			t.Errorf("accuracy printed %q, want %q", out, want)
		}
	}
	var r struct {
		Samples   int
		Agreement float64
		MaxRel    float64 `json:"max_rel"`
		Outputs   []struct{ Name string }
		Labels    *struct{ Labels int }
	}
	js := mustZK(t, "accuracy", model, "--data", data, "--settings", s, "--labels", labels, "--json")
	if err := json.Unmarshal([]byte(js), &r); err != nil || r.Samples != 10 || r.Agreement != 1 || r.MaxRel > 0.01 || len(r.Outputs) != 1 || r.Labels == nil || r.Labels.Labels != 10 {
		t.Fatalf("accuracy --json printed %s (%v)", js, err)
	}
	// The defaults cannot run these samples: the error names the sample.
	code, _, errOut := zk(t, "accuracy", model, "--data", data)
	if code == 0 || !strings.Contains(errOut, "sample 0: input") {
		t.Fatalf("accuracy at the defaults: exit %d, %s", code, errOut)
	}
}

func TestCalibrateErrors(t *testing.T) {
	model, data := rawModel(t)
	dir := t.TempDir()
	bad := writeFile(t, dir, "bad.json", `{"input_data": [[1, 2, 3]]}`)
	notSettings := writeFile(t, dir, "ns.json", `{"scale": 12}`)
	for _, tc := range []struct {
		args  []string
		usage bool
		want  string
	}{
		{[]string{"calibrate", model, "--out", filepath.Join(dir, "s.json")}, true, "--data is required"},
		{[]string{"calibrate", model, "--data", data}, true, "--out is required"},
		{[]string{"calibrate", model, "--data", data, "--out", filepath.Join(dir, "s.json"), "--target", "speed"}, true, `target "speed"`},
		{[]string{"calibrate", model, "--data", bad, "--out", filepath.Join(dir, "s.json")}, false, "has 3 values, not a multiple of its 4 per sample"},
		{[]string{"calibrate", model, "--data", filepath.Join(dir, "none.json"), "--out", filepath.Join(dir, "s.json")}, false, "none.json"},
		{[]string{"accuracy", model, "--data", data, "--labels", filepath.Join(dir, "none.json")}, false, "labels: open"},
		{[]string{"run", model, "--input", data, "--settings", notSettings}, false, `has no "quant"`},
		{[]string{"compile", model, "--out", filepath.Join(dir, "c"), "--settings", filepath.Join(dir, "none.json")}, false, "settings: open"},
	} {
		code, _, errOut := zk(t, tc.args...)
		switch {
		case tc.usage && code != 2, !tc.usage && (code == 0 || code == 2):
			t.Errorf("zkinfer %s: exit %d, %s", strings.Join(tc.args, " "), code, errOut)
		case !strings.Contains(errOut, tc.want):
			t.Errorf("zkinfer %s: %q, want %q", strings.Join(tc.args, " "), errOut, tc.want)
		case !tc.usage && strings.Count(errOut, "\n") != 1:
			t.Errorf("zkinfer %s: not one line: %q", strings.Join(tc.args, " "), errOut)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "s.json")); err == nil {
		t.Error("a failed calibrate left a settings file")
	}
}
