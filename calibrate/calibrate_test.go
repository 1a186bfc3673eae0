package calibrate

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/internal/onnxbuild"
	"github.com/zkinfer/zkinfer/internal/testkit"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/onnx"
	"github.com/zkinfer/zkinfer/quant"
)

// gemmRelu is onnxbuild's y = Relu(x·W + b), x of shape [1, 4].
func gemmRelu(t *testing.T) *graph.Graph {
	t.Helper()
	g, err := onnx.Parse(onnxbuild.Bytes(onnxbuild.GemmRelu()))
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func compileDefault(t *testing.T, g *graph.Graph) *model.Model {
	t.Helper()
	m, err := model.Compile(g, quant.Default)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// pixels are n samples of gemmRelu's 4 inputs with raw-pixel magnitudes
// (up to 255·scale), back to back.
func pixels(n int, scale float64) [][]float64 {
	var flat []float64
	for i := range n * 4 {
		flat = append(flat, scale*float64((i*37+11)%256)*(1-2*float64(i%2)))
	}
	return [][]float64{flat}
}

func TestSplit(t *testing.T) {
	m := compileDefault(t, gemmRelu(t))
	for _, tc := range []struct {
		name string
		data [][]float64
		n    int
		err  string
	}{
		{"one sample", [][]float64{{1, 2, 3, 4}}, 1, ""},
		{"three samples", [][]float64{{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}}, 3, ""},
		{"extra lists ignored", [][]float64{{1, 2, 3, 4}, {9}}, 1, ""},
		{"not a multiple", [][]float64{{1, 2, 3, 4, 5}}, 0, "not a multiple of its 4 per sample"},
		{"empty", [][]float64{{}}, 0, "has 0 values"},
		{"no lists", nil, 0, "the data has 0 lists, the model takes 1 inputs"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Split(m, tc.data)
			if tc.err != "" {
				testkit.CheckError(t, err, tc.err)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(s) != tc.n || len(s[tc.n-1][0]) != 4 || s[tc.n-1][0][3] != tc.data[0][4*tc.n-1] {
				t.Fatalf("got %v", s)
			}
		})
	}
}

func TestReadLabels(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name, content string
		want          []int
		err           string
	}{
		{"list", "[0, 1, 2]", []int{0, 1, 2}, ""},
		{"object", `{"labels": [1, 0]}`, []int{1, 0}, ""},
		{"fraction", "[0.5]", nil, "not a class index"},
		{"negative", "[-1]", nil, "not a class index"},
		{"not labels", `{"input_data": [[1]]}`, nil, "want a JSON list of class indices"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(dir, tc.name+".json")
			os.WriteFile(p, []byte(tc.content), 0o644)
			got, err := ReadLabels(p)
			if tc.err != "" {
				testkit.CheckError(t, err, tc.err)
				return
			}
			if err != nil || len(got) != len(tc.want) || got[0] != tc.want[0] {
				t.Fatalf("got %v, %v; want %v", got, err, tc.want)
			}
		})
	}
	_, err := ReadLabels(filepath.Join(dir, "missing.json"))
	testkit.CheckError(t, err, "missing.json")
}

func TestMeasure(t *testing.T) {
	g := gemmRelu(t)
	data := [][]float64{{0.5, -1, 2, 0.25, 1, 1, 1, 1, -3, 0.5, 0.5, 2}}
	m := compileDefault(t, g)
	samples, err := Split(m, data)
	if err != nil {
		t.Fatal(err)
	}
	float, err := Float(g, samples)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		qs      quant.Settings
		maxRel  float64 // the report's error is at most this
		labels  []int
		err     string
		classes bool
	}{
		{quant.Default, 1e-3, []int{0, 1, 0}, "", true},
		{quant.Settings{Scale: 2, ParamScale: 2, ActBits: 16}, 0.5, nil, "", true},
		{quant.Settings{Scale: 12, ParamScale: 12, ActBits: 12}, 0, nil, "of 12-bit activations", true},
	} {
		m, err := model.Compile(g, tc.qs)
		if err != nil {
			t.Fatal(err)
		}
		r, err := Measure(m, samples, float, tc.labels)
		if tc.err != "" {
			testkit.CheckError(t, err, tc.err)
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if r.Samples != 3 || r.MaxRel > tc.maxRel || r.Classified != tc.classes || len(r.Outputs) != 1 || r.Worst < 0 || r.Worst > 2 {
			t.Errorf("%s: %+v", Format(tc.qs), r)
		}
		if o := r.Outputs[0]; o.MaxRel != r.MaxRel || o.MeanAbs > o.MaxAbs || o.MeanRel > o.MaxRel {
			t.Errorf("%s: output %+v", Format(tc.qs), o)
		}
		if tc.labels != nil && (r.Labels == nil || r.Labels.Labels != 3 || r.Labels.Float != r.Labels.Fixed) {
			t.Errorf("%s: labels %+v", Format(tc.qs), r.Labels)
		}
	}
	_, err = Measure(m, samples, float, []int{1})
	testkit.CheckError(t, err, "1 labels for 3 samples")
}

// TestCalibrateRawPixels is the case: inputs of raw pixel
// magnitude, beyond the defaults' ±2048, which fail. Calibration must find
// settings that run, for every target.
func TestCalibrateRawPixels(t *testing.T) {
	g := gemmRelu(t)
	m := compileDefault(t, g)
	samples, err := Split(m, pixels(20, 40))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Eval(samples[0]); err == nil || !strings.Contains(err.Error(), "outside the range") {
		t.Fatalf("the defaults run the raw pixels (%v): the test needs inputs beyond them", err)
	}
	for _, target := range []Target{Accuracy, Balanced, Resources} {
		t.Run(string(target), func(t *testing.T) {
			res, err := Calibrate(g, samples, Options{Target: target, Headroom: 1})
			if err != nil {
				t.Fatal(err)
			}
			if !res.Met || !target.Met(res.Chosen.Report) || res.Chosen.Constraints == 0 {
				t.Fatalf("%s: %+v", Format(res.Chosen.Quant), res.Chosen)
			}
			if res.Default.Err == "" {
				t.Errorf("the defaults ran: %+v", res.Default)
			}
			// The headroom: twice the calibration range still runs.
			mc, err := model.Compile(g, res.Chosen.Quant)
			if err != nil {
				t.Fatal(err)
			}
			twice, _ := Split(mc, pixels(20, 80))
			if _, err := Measure(mc, twice, nil, nil); err != nil {
				t.Errorf("%s: twice the calibration range: %v", Format(res.Chosen.Quant), err)
			}
			t.Logf("%s: %s, %s, %d constraints", target, Format(res.Chosen.Quant), res.Chosen.Report.Brief(), res.Chosen.Constraints)
		})
	}
}

// TestTargetsOrder checks that a stricter target never takes fewer
// constraints than a looser one on the same samples.
func TestTargetsOrder(t *testing.T) {
	g := gemmRelu(t)
	samples, _ := Split(compileDefault(t, g), [][]float64{{0.5, -1, 2, 0.25, 1, 1, 1, 1, -3, 0.5, 0.5, 2}})
	count := map[Target]int{}
	for _, target := range []Target{Accuracy, Balanced, Resources} {
		res, err := Calibrate(g, samples, Options{Target: target, Headroom: 1})
		if err != nil || !res.Met {
			t.Fatalf("%s: %v %+v", target, err, res)
		}
		count[target] = res.Chosen.Constraints
		if target != Resources && res.Default.Constraints > 0 && res.Chosen.Constraints > res.Default.Constraints {
			t.Errorf("%s: %d constraints, the defaults %d", target, res.Chosen.Constraints, res.Default.Constraints)
		}
	}
	if count[Accuracy] < count[Balanced] || count[Balanced] < count[Resources] {
		t.Errorf("constraints by target: %v", count)
	}
}

func TestCalibrateErrors(t *testing.T) {
	g := gemmRelu(t)
	samples := [][][]float64{{{1, 2, 3, 4}}}
	for _, tc := range []struct {
		name    string
		samples [][][]float64
		opt     Options
		err     string
	}{
		{"target", samples, Options{Target: "speed"}, `target "speed" is not accuracy, balanced or resources`},
		{"headroom", samples, Options{Headroom: 40}, "headroom 40 is outside [0, 16] bits"},
		{"no samples", nil, Options{}, "no samples"},
		{"infinite", [][][]float64{{{math.Inf(1), 0, 0, 0}}}, Options{}, "runs the model"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Calibrate(g, tc.samples, tc.opt)
			testkit.CheckError(t, err, tc.err)
		})
	}
}

func TestSettingsFile(t *testing.T) {
	dir := t.TempDir()
	g := gemmRelu(t)
	samples, _ := Split(compileDefault(t, g), pixels(4, 1))
	res, err := Calibrate(g, samples, Options{Target: Resources, Headroom: 1})
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "s.json")
	if err := NewFile(res).Write(p); err != nil {
		t.Fatal(err)
	}
	s, err := ReadSettings(p)
	if err != nil {
		t.Fatal(err)
	}
	if s.Quant != res.Chosen.Quant || s.RangeCheck != res.Chosen.RangeCheck || s.Accuracy == nil || s.Accuracy.MaxRel != res.Chosen.Report.MaxRel {
		t.Fatalf("read %+v, wrote %+v", s, res.Chosen)
	}
	for _, tc := range []struct{ name, content, err string }{
		{"no quant", `{"scale": 12}`, `has no "quant"`},
		{"bad quant", `{"quant": {"scale": 40, "param_scale": 12, "act_bits": 24}}`, "scale 40 is outside [0, 30]"},
		{"bad range check", `{"quant": {"scale": 12, "param_scale": 12, "act_bits": 24}, "range_check": "fast"}`, `range check "fast" is not supported`},
		{"not JSON", `quant`, "is not a settings file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(dir, tc.name+".json")
			os.WriteFile(p, []byte(tc.content), 0o644)
			_, err := ReadSettings(p)
			testkit.CheckError(t, err, tc.err)
		})
	}
	// A compiled directory's settings.json: "quant" and a gadget.
	p = filepath.Join(dir, "compiled.json")
	os.WriteFile(p, []byte(`{"version": 2, "quant": {"scale": 10, "param_scale": 8, "act_bits": 20}, "range_check": "lookup"}`), 0o644)
	if s, err := ReadSettings(p); err != nil || s.Quant.Scale != 10 || s.RangeCheck.String() != "lookup" || s.Accuracy != nil {
		t.Fatalf("%+v %v", s, err)
	}
}
