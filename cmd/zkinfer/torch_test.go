package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// torchDir holds small PyTorch models exported with torch.onnx's legacy
// and dynamo exporters, and test vectors computed by onnxruntime:
// scripts/gen_torch_models.py writes them; CI reads the committed files.
const torchDir = "../../testdata/torch"

// torchTol bounds the project's accuracy measure (the worst output's
// max|ours − onnxruntime| / max(1, max|onnxruntime|)) on every vector: the
// operators' fixed-point errors (docs/OPERATORS.md) summed over these small
// networks stay far below it (the largest, LayerNorm over 512 values, is
// 0.3%).
const torchTol = 0.01

// torchFlags are compile flags by module beyond the defaults: lookup range
// checks for the models whose bit-decomposition circuits exceed 12k
// constraints (and have at most 70% as many with lookups), to keep this
// test's setups short; the rest run the defaults.
var torchFlags = map[string][]string{
	"gru":                 {"--range-check", "lookup"},
	"layernorm_mlp128":    {"--range-check", "lookup"},
	"layernorm_mlp512":    {"--range-check", "lookup"},
	"multihead_attention": {"--range-check", "lookup"},
	"transformer_encoder": {"--range-check", "lookup"},
}

// torchOps are operators the generated models must exercise: those the
// exporters emit for the layers of issue 14 (Mod in the legacy exporter's
// attention shape arithmetic).
var torchOps = []string{"Mod", "LayerNormalization", "Softmax", "GRU", "Gather", "Gelu", "Erf", "Tanh", "Sigmoid", "Pow"}

type torchModel struct {
	Name, Module, Exporter string
	Opset                  int
	Ops                    []string
}

type torchVectors struct {
	Inputs  [][][]float64 `json:"inputs"`
	Outputs [][][]float64 `json:"outputs"`
}

func readTorch(t *testing.T) []torchModel {
	t.Helper()
	var m struct{ Models []torchModel }
	b, err := os.ReadFile(filepath.Join(torchDir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(torchDir, "*.onnx"))
	if len(files) != len(m.Models) || len(files) == 0 {
		t.Fatalf("%d models in %s, %d in its manifest", len(files), torchDir, len(m.Models))
	}
	seen := map[string]bool{}
	for _, md := range m.Models {
		for _, op := range md.Ops {
			seen[op] = true
		}
	}
	for _, op := range torchOps {
		if !seen[op] {
			t.Errorf("no generated model uses %s", op)
		}
	}
	return m.Models
}

func (md torchModel) vectors(t *testing.T) torchVectors {
	t.Helper()
	var v torchVectors
	b, err := os.ReadFile(filepath.Join(torchDir, md.Name+".json"))
	if err == nil {
		err = json.Unmarshal(b, &v)
	}
	if err != nil || len(v.Inputs) == 0 || len(v.Inputs) != len(v.Outputs) {
		t.Fatalf("%s: test vectors: %v", md.Name, err)
	}
	return v
}

// writeInput writes one vector as an input file for run and prove.
func writeInput(t *testing.T, dir string, in [][]float64) string {
	t.Helper()
	b, _ := json.Marshal(map[string]any{"input_data": in})
	return writeFile(t, dir, "input.json", string(b))
}

// torchErr is the accuracy measure of outputs against one vector.
func torchErr(got, want [][]float64) float64 {
	ref := &reference{}
	for _, w := range want {
		ref.Outputs = append(ref.Outputs, struct {
			Name string
			Data []float64
		}{Data: w})
	}
	return relErr(got, ref)
}

// TestTorchRun runs every vector of every generated model through `zkinfer
// run` and compares with onnxruntime.
func TestTorchRun(t *testing.T) {
	var rows []string
	for _, md := range readTorch(t) {
		t.Run(md.Name, func(t *testing.T) {
			v := md.vectors(t)
			worst := 0.0
			for k, in := range v.Inputs {
				out := mustZK(t, "run", filepath.Join(torchDir, md.Name+".onnx"), "--input", writeInput(t, t.TempDir(), in))
				var res struct{ Outputs [][]float64 }
				if err := json.Unmarshal([]byte(out), &res); err != nil {
					t.Fatal(err)
				}
				e := torchErr(res.Outputs, v.Outputs[k])
				if e > torchTol {
					t.Errorf("vector %d: error %.5f against onnxruntime, over %.2f", k, e, torchTol)
				}
				worst = max(worst, e)
			}
			rows = append(rows, fmt.Sprintf("| %s | %s %d | %d | %.5f |", md.Name, md.Exporter, md.Opset, len(v.Inputs), worst))
		})
	}
	t.Logf("torch models, run against onnxruntime\n| model | exporter | vectors | worst error |\n|---|---|---|---|\n%s", strings.Join(rows, "\n"))
}

// TestTorchProve compiles, sets up, proves and verifies every generated
// model on its first vector; the proven outputs must agree with
// onnxruntime, and a proof with an edited output must fail. Models whose
// circuits are byte-identical (settings.json's circuit_sha256: the legacy
// and dynamo exports of one network often are) share one setup: the later
// directories take the first one's keys and their recorded origin.
func TestTorchProve(t *testing.T) {
	root := t.TempDir()
	keys := map[string]string{} // circuit sha256 → directory set up
	var rows []string
	for _, md := range readTorch(t) {
		t.Run(md.Name, func(t *testing.T) {
			v := md.vectors(t)
			dir := filepath.Join(root, md.Name)
			mustZK(t, append([]string{"compile", filepath.Join(torchDir, md.Name+".onnx"), "--out", dir, "--quiet"}, torchFlags[md.Module]...)...)
			settings := readJSON(t, filepath.Join(dir, "settings.json"))
			sum := settings["circuit_sha256"].(string)
			setup := "own"
			if src, ok := keys[sum]; ok {
				shareKeys(t, src, dir)
				setup = "shared with " + filepath.Base(src)
			} else {
				mustZK(t, "setup", dir, "--quiet")
				keys[sum] = dir
			}
			pf := filepath.Join(dir, "proof.json")
			start := time.Now()
			mustZK(t, "prove", dir, "--input", writeInput(t, dir, v.Inputs[0]), "--proof", pf, "--quiet")
			proveS := time.Since(start).Seconds()
			mustZK(t, "verify", dir, "--proof", pf)
			proof := readJSON(t, pf)
			var outs [][]float64
			b, _ := json.Marshal(proof["outputs"])
			json.Unmarshal(b, &outs)
			e := torchErr(outs, v.Outputs[0])
			if e > torchTol {
				t.Errorf("proven outputs are %.5f from onnxruntime", e)
			}
			for _, tc := range tamperings(t, pf)[1:2] { // an edited output
				bad := writeFile(t, dir, "bad.json", tc.content)
				if code, _, _ := zk(t, "verify", dir, "--proof", bad); code == 0 {
					t.Errorf("verify accepted %s", tc.name)
				}
			}
			rows = append(rows, fmt.Sprintf("| %s | %v | %s | %s | %.2f | %.5f |", md.Name, settings["constraints"], settings["range_check"], setup, proveS, e))
		})
	}
	t.Logf("torch models, proven\n| model | constraints | range checks | setup | prove s | error |\n|---|---|---|---|---|---|\n%s", strings.Join(rows, "\n"))
}

func readJSON(t *testing.T, path string) map[string]any {
	t.Helper()
	var m map[string]any
	b, err := os.ReadFile(path)
	if err == nil {
		err = json.Unmarshal(b, &m)
	}
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// shareKeys gives dir the keys of src, set up for the same circuit, and
// their origin as setup recorded it.
func shareKeys(t *testing.T, src, dir string) {
	t.Helper()
	for _, f := range []string{"pk.bin", "vk.bin"} {
		b, err := os.ReadFile(filepath.Join(src, f))
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, dir, f, string(b))
	}
	s := readJSON(t, filepath.Join(dir, "settings.json"))
	s["setup"] = readJSON(t, filepath.Join(src, "settings.json"))["setup"]
	b, _ := json.MarshalIndent(s, "", "  ")
	writeFile(t, dir, "settings.json", string(b))
}
