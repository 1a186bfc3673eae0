// Package conformance runs ONNX's own node tests (the Debian package
// libonnx-testdata) through zkinfer: every test whose operators are all
// registered is compiled with model.Compile and evaluated with the integer
// evaluator (what `zkinfer run` computes and the circuit proves), and its
// outputs are compared with ONNX's expected outputs.
//
// A test whose inputs must all be constants (Range, or shape computations)
// folds to constants at compile time: its model has no step left, so it
// exercises the float reference and never the evaluator or the circuit.
// The report counts those apart, so that "passed" does not overstate what
// the circuit covers.
package conformance

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/internal/optest"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/onnx"
	"github.com/zkinfer/zkinfer/ops"
	"github.com/zkinfer/zkinfer/quant"
)

// dataDir is where libonnx-testdata installs the node tests.
const dataDir = "/usr/share/libonnx-testdata/data/node"

// Tolerance: the project's accuracy measure, max|ours − want| /
// max(1, max|want|), must stay within Tol for real outputs. At the default
// scale 2^-12 each rounding costs at most 2^-13 ≈ 1.2e-4 of the unit, so a
// few chained roundings stay well inside 1%. Integer and boolean outputs
// must match exactly.
const Tol = 0.01

// circuitCases are also checked through the circuit: the evaluator's values
// must satisfy it. A small set, to keep the run short.
var circuitCases = map[string]bool{
	"test_conv_with_strides_padding":                 true,
	"test_maxpool_2d_pads":                           true,
	"test_averagepool_2d_pads":                       true,
	"test_gather_elements_1":                         true,
	"test_less":                                      true,
	"test_where_example":                             true,
	"test_top_k":                                     true,
	"test_argmax_default_axis_example":               true,
	"test_reduce_mean_default_axes_keepdims_example": true,
	"test_scatternd":                                 true,
}

type nodeTest struct {
	dir     string
	g       *graph.Graph
	inputs  [][]float64
	outputs []*graph.Tensor
}

func load(dir string) (*nodeTest, error) {
	g, err := onnx.Load(filepath.Join(dir, "model.onnx"))
	if err != nil {
		return nil, err
	}
	nt := &nodeTest{dir: dir, g: g}
	set := filepath.Join(dir, "test_data_set_0")
	for i := 0; ; i++ {
		b, err := os.ReadFile(filepath.Join(set, fmt.Sprintf("input_%d.pb", i)))
		if err != nil {
			break
		}
		t, err := onnx.ParseTensor(b)
		if err != nil {
			return nil, fmt.Errorf("input %d: %w", i, err)
		}
		nt.inputs = append(nt.inputs, t.Data)
	}
	for i := 0; ; i++ {
		b, err := os.ReadFile(filepath.Join(set, fmt.Sprintf("output_%d.pb", i)))
		if err != nil {
			break
		}
		t, err := onnx.ParseTensor(b)
		if err != nil {
			return nil, fmt.Errorf("output %d: %w", i, err)
		}
		nt.outputs = append(nt.outputs, t)
	}
	return nt, nil
}

// supported reports whether every op of g is registered.
func supported(g *graph.Graph) (bool, string) {
	for _, n := range g.Nodes {
		if _, ok := ops.Lookup(n.Op); !ok || (n.Domain != "" && n.Domain != "ai.onnx") {
			return false, n.Op
		}
	}
	return true, ""
}

// fixInputs returns g with all inputs from the k-th on turned into
// constants holding the test's values. ONNX's node tests feed weights,
// shapes, axes and bounds as graph inputs; zkinfer fixes parameters into the
// circuit (circuit.Visibility.Params is "fixed"), so this is how such a node
// is used in a model it proves. With k = 0 (ops such as Range whose inputs
// must all be constants) the float reference folds the whole node.
func (nt *nodeTest) fixInputs(k int) *graph.Graph {
	g := *nt.g
	g.Consts = map[string]*graph.Tensor{}
	for k, v := range nt.g.Consts {
		g.Consts[k] = v
	}
	g.Inputs = nt.g.Inputs[:k]
	for i, in := range nt.g.Inputs[k:] {
		if i+k < len(nt.inputs) {
			shape := in.Shape
			if graph.NumElements(shape) != len(nt.inputs[i+k]) {
				shape = []int{len(nt.inputs[i+k])}
			}
			g.Consts[in.Name] = &graph.Tensor{DType: in.DType, Shape: shape, Data: nt.inputs[i+k]}
		}
	}
	return &g
}

// run compiles and evaluates one test and returns the first mismatch: with
// every input dynamic when that compiles, else with the parameters fixed,
// else with every input fixed.
func (nt *nodeTest) run() (*model.Model, [][]float64, error) {
	in := nt.inputs
	m, err := model.Compile(nt.g, quant.Default)
	for k := 1; err != nil && k >= 0; k-- {
		if k < len(nt.g.Inputs) {
			m, err = model.Compile(nt.fixInputs(k), quant.Default)
			in = nt.inputs[:k]
		}
	}
	if err != nil {
		return nil, nil, err
	}
	q, err := m.Eval(in)
	if err != nil {
		return nil, nil, err
	}
	got := m.Dequantize(q)
	if len(got) != len(nt.outputs) {
		return nil, nil, fmt.Errorf("%d outputs, want %d", len(got), len(nt.outputs))
	}
	for i, want := range nt.outputs {
		if g := m.Outputs[i].Shape; graph.NumElements(g) != len(want.Data) {
			return nil, nil, fmt.Errorf("output %d: shape %v, want %v", i, g, want.Shape)
		}
		e := optest.RelErr(got[i], want.Data)
		tol := Tol
		if want.DType != graph.Float {
			tol = 0.5 / math.Max(1, maxAbs(want.Data)) // exact after rounding
		}
		if e > tol {
			return nil, nil, fmt.Errorf("output %d: error %.3g > %.3g\n got %v\nwant %v", i, e, tol, head(got[i]), head(want.Data))
		}
	}
	return m, in, nil
}

func maxAbs(v []float64) float64 {
	m := 0.0
	for _, x := range v {
		m = max(m, math.Abs(x))
	}
	return m
}

func head(v []float64) []float64 { return v[:min(len(v), 12)] }

func TestNodeConformance(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join(dataDir, "test_*"))
	if err != nil || len(dirs) == 0 {
		t.Skipf("ONNX node tests not found under %s (install libonnx-testdata)", dataDir)
	}
	sort.Strings(dirs)
	var evaluated, folded, skipped, unsupported int
	for _, dir := range dirs {
		name := filepath.Base(dir)
		nt, err := load(dir)
		if err != nil {
			unsupported++ // the loader rejects the model (e.g. an unsupported element type)
			continue
		}
		if ok, _ := supported(nt.g); !ok {
			unsupported++
			continue
		}
		t.Run(name, func(t *testing.T) {
			if reason, ok := Skip[name]; ok {
				skipped++
				t.Skip(reason)
			}
			m, vals, err := nt.run()
			if err != nil {
				t.Fatal(err)
			}
			if m.NumSteps() == 0 {
				folded++
				if circuitCases[name] {
					t.Fatal("folds to constants: its circuit checks nothing")
				}
				t.Log("folded to constants at compile time")
				return
			}
			evaluated++
			if circuitCases[name] {
				in, _ := m.Quantize(vals)
				out, _ := model.Run(m, &ops.IntArith{}, in)
				optest.CheckCircuit(t, m, in, out)
			}
		})
	}
	t.Logf("ONNX node tests: %d passed through the evaluator (the circuit's arithmetic), %d passed folded to constants at compile time (never reach the evaluator or circuit), %d skipped (see skip.go), %d with unsupported operators or types",
		evaluated, folded, skipped, unsupported)
	for name := range Skip {
		if _, err := os.Stat(filepath.Join(dataDir, name)); err != nil && !strings.HasPrefix(name, "#") {
			t.Errorf("skip list names %s, which is not a test", name)
		}
	}
}
