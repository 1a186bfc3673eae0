package model_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/internal/optest"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/ops"
	"github.com/zkinfer/zkinfer/quant"
)

// extremeSettings are the corners of what quant.Settings.Validate (and so
// the CLI) accepts, and the default.
var extremeSettings = []quant.Settings{
	{Scale: 30, ParamScale: 30, ActBits: 48},
	{Scale: 30, ParamScale: 0, ActBits: 48},
	{Scale: 0, ParamScale: 30, ActBits: 48},
	{Scale: 0, ParamScale: 0, ActBits: 48},
	{Scale: 30, ParamScale: 30, ActBits: 8},
	{Scale: 0, ParamScale: 0, ActBits: 8},
	{Scale: 0, ParamScale: 30, ActBits: 8},
	{Scale: 20, ParamScale: 30, ActBits: 40},
	{Scale: 24, ParamScale: 24, ActBits: 48},
	quant.Default,
}

// extremeCase is a one-node graph (node name "op") whose inputs are given
// as fractions of the input range: v·2^(ActBits-1-Scale) for a real input,
// v·2^(ActBits-1) for an integer one (truncated).
type extremeCase struct {
	name   string
	op     string
	ins    []string // dynamic inputs, then constants (by name in consts)
	dtype  graph.DType
	shape  []int   // of every dynamic input; default [6]
	shapes [][]int // per dynamic input, when they differ
	consts map[string]*graph.Tensor
	attrs  map[string]graph.Attr
	fracs  [][]float64 // per dynamic input
}

func f64s(v ...float64) []float64 { return v }

func constT(shape []int, v ...float64) *graph.Tensor { return optest.T(shape, v...) }

var edge = f64s(0.99, -0.99, 0.5, -0.25, 1e-3, -1e-6)

var extremeCases = []extremeCase{
	{name: "div", op: "Div", ins: []string{"a", "b"}, fracs: [][]float64{edge, f64s(1e-3, 0.99, -0.5, 1e-7, -0.99, 0.25)}},
	{name: "div by constant 3", op: "Div", ins: []string{"a", "c"}, consts: map[string]*graph.Tensor{"c": constT(nil, 3)}, fracs: [][]float64{edge}},
	{name: "div by constant 1e30", op: "Div", ins: []string{"a", "c"}, consts: map[string]*graph.Tensor{"c": constT(nil, 1e30)}, fracs: [][]float64{edge}},
	// The rescale of x·round(2^s/c) would shift by ~1000 bits: capped at 62
	// (beyond the field, the circuit's remainder check would pin nothing).
	{name: "div by constant -1e300", op: "Div", ins: []string{"a", "c"}, consts: map[string]*graph.Tensor{"c": constT(nil, -1e300)}, fracs: [][]float64{edge}},
	{name: "div by constant 1e-30", op: "Div", ins: []string{"a", "c"}, consts: map[string]*graph.Tensor{"c": constT(nil, 1e-30)}, fracs: [][]float64{edge}},
	{name: "reciprocal", op: "Reciprocal", ins: []string{"a"}, fracs: [][]float64{edge}},
	{name: "integer div", op: "Div", ins: []string{"a", "b"}, dtype: graph.Int, fracs: [][]float64{edge, f64s(1e-3, 0.99, -0.5, 0.25, -0.99, 0.25)}},
	{name: "mul", op: "Mul", ins: []string{"a", "b"}, fracs: [][]float64{edge, edge}},
	{name: "mul by constant 1e20", op: "Mul", ins: []string{"a", "c"}, consts: map[string]*graph.Tensor{"c": constT(nil, 1e20)}, fracs: [][]float64{edge}},
	{name: "mul by constant 1e-20", op: "Mul", ins: []string{"a", "c"}, consts: map[string]*graph.Tensor{"c": constT(nil, 1e-20)}, fracs: [][]float64{edge}},
	{name: "add constant", op: "Add", ins: []string{"a", "c"}, consts: map[string]*graph.Tensor{"c": constT(nil, 1e25)}, fracs: [][]float64{edge}},
	{name: "matmul", op: "MatMul", ins: []string{"a", "b"}, shapes: [][]int{{2, 3}, {3, 2}}, fracs: [][]float64{edge, edge}},
	{name: "gemm", op: "Gemm", ins: []string{"a", "w", "bias"}, shape: []int{2, 3},
		consts: map[string]*graph.Tensor{"w": constT([]int{3, 2}, 1, -2, 3, 0, -7, 2), "bias": constT([]int{2}, 5, -1)}, fracs: [][]float64{edge}},
	{name: "pow 3", op: "Pow", ins: []string{"a", "p"}, consts: map[string]*graph.Tensor{"p": constT(nil, 3)}, fracs: [][]float64{edge}},
	{name: "pow 16", op: "Pow", ins: []string{"a", "p"}, consts: map[string]*graph.Tensor{"p": constT(nil, 16)}, fracs: [][]float64{edge}},
	{name: "sqrt", op: "Sqrt", ins: []string{"a"}, fracs: [][]float64{f64s(0.99, 0.5, 1e-3, 1e-6, 0, 0.25)}},
	{name: "softmax", op: "Softmax", ins: []string{"a"}, fracs: [][]float64{edge}},
	{name: "logsoftmax", op: "LogSoftmax", ins: []string{"a"}, fracs: [][]float64{edge}},
	{name: "layernorm", op: "LayerNormalization", ins: []string{"a", "g"}, consts: map[string]*graph.Tensor{"g": constT([]int{6}, 1, 2, 0.5, -1, 1, 1)}, fracs: [][]float64{edge}},
	{name: "batchnorm", op: "BatchNormalization", ins: []string{"a", "s", "bb", "mean", "var"}, shape: []int{1, 6},
		consts: map[string]*graph.Tensor{"s": constT([]int{6}, 1, 2, 3, 4, 5, 6), "bb": constT([]int{6}, 0, 1, 0, 1, 0, 1), "mean": constT([]int{6}, 0, 0, 1, 1, 0, 0), "var": constT([]int{6}, 1, 1, 1, 1, 1e-3, 4)}, fracs: [][]float64{edge}},
	{name: "floor", op: "Floor", ins: []string{"a"}, fracs: [][]float64{edge}},
	{name: "round", op: "Round", ins: []string{"a"}, fracs: [][]float64{edge}},
	{name: "less", op: "Less", ins: []string{"a", "b"}, fracs: [][]float64{edge, f64s(-0.99, 0.99, 0.5, 0.5, -1e-3, 0)}},
	{name: "equal", op: "Equal", ins: []string{"a", "b"}, fracs: [][]float64{edge, f64s(-0.99, -0.99, 0.5, 0.5, -1e-3, 0)}},
	{name: "sub", op: "Sub", ins: []string{"a", "b"}, fracs: [][]float64{edge, f64s(-0.99, 0.99, 0.5, 0.5, -1e-3, 0)}},
	{name: "max", op: "Max", ins: []string{"a", "b"}, fracs: [][]float64{edge, f64s(-0.99, 0.99, 0.5, 0.5, -1e-3, 0)}},
	{name: "reduce sum square", op: "ReduceSumSquare", ins: []string{"a"}, fracs: [][]float64{edge}},
	{name: "reduce log sum exp", op: "ReduceLogSumExp", ins: []string{"a"}, fracs: [][]float64{edge}},
	{name: "sigmoid", op: "Sigmoid", ins: []string{"a"}, fracs: [][]float64{edge}},
	{name: "exp", op: "Exp", ins: []string{"a"}, fracs: [][]float64{f64s(-0.99, -0.5, 1e-6, -1e-3, 1e-7, -1e-6)}},
	{name: "argmax", op: "ArgMax", ins: []string{"a"}, fracs: [][]float64{edge}},
	{name: "abs", op: "Abs", ins: []string{"a"}, fracs: [][]float64{edge}},
	{name: "rnn", op: "RNN", ins: []string{"a", "w", "r"}, shape: []int{1, 1, 2}, attrs: map[string]graph.Attr{"hidden_size": {Kind: graph.AttrInt, Int: 1}},
		consts: map[string]*graph.Tensor{"w": constT([]int{1, 1, 2}, 8, -3), "r": constT([]int{1, 1, 1}, 16)}, fracs: [][]float64{f64s(1e-6, -2e-6)}},
	{name: "gru", op: "GRU", ins: []string{"a", "w", "r"}, shape: []int{1, 1, 1}, attrs: map[string]graph.Attr{"hidden_size": {Kind: graph.AttrInt, Int: 1}},
		consts: map[string]*graph.Tensor{"w": constT([]int{1, 3, 1}, 8.1, -3, 100.3), "r": constT([]int{1, 3, 1}, 16, 1, 2)}, fracs: [][]float64{f64s(1e-6)}},
	{name: "gru linear before reset", op: "GRU", ins: []string{"a", "w", "r"}, shape: []int{1, 1, 1}, attrs: map[string]graph.Attr{"hidden_size": {Kind: graph.AttrInt, Int: 1}, "linear_before_reset": {Kind: graph.AttrInt, Int: 1}},
		consts: map[string]*graph.Tensor{"w": constT([]int{1, 3, 1}, 8.1, -3, 100.3), "r": constT([]int{1, 3, 1}, 16, 1, 2)}, fracs: [][]float64{f64s(1e-6)}},
}

func (c extremeCase) build() (*graph.Graph, []int) {
	g := &graph.Graph{Consts: map[string]*graph.Tensor{}, Outputs: []graph.Value{{Name: "y"}},
		Nodes: []*graph.Node{{Name: "op", Op: c.op, Inputs: c.ins, Outputs: []string{"y"}, Attrs: c.attrs}}}
	if g.Nodes[0].Attrs == nil {
		g.Nodes[0].Attrs = map[string]graph.Attr{}
	}
	shape := c.shape
	if shape == nil {
		shape = []int{6}
	}
	for k, v := range c.consts {
		g.Consts[k] = v
	}
	var sizes []int
	for i := range c.fracs {
		sh := shape
		if c.shapes != nil {
			sh = c.shapes[i]
		}
		g.Inputs = append(g.Inputs, graph.Value{Name: c.ins[i], DType: c.dtype, Shape: sh})
		sizes = append(sizes, graph.NumElements(sh))
	}
	return g, sizes
}

// TestSettingsExtremes: at every corner of the accepted settings each op
// either reports an error naming its node (at compile or at run time) or
// computes what the float reference computes on the same quantized inputs.
// An int64 that wraps shows up as a value far from the reference.
func TestSettingsExtremes(t *testing.T) {
	for _, c := range extremeCases {
		for _, s := range extremeSettings {
			t.Run(fmt.Sprintf("%s/scale%d_param%d_act%d", c.name, s.Scale, s.ParamScale, s.ActBits), func(t *testing.T) {
				g, n := c.build()
				checkExtreme(t, g, s, c.inputs(s, n), s == extremeSettings[0] || s == extremeSettings[5])
			})
		}
	}
}

func (c extremeCase) inputs(s quant.Settings, sizes []int) [][]float64 {
	lim := math.Ldexp(1, s.ActBits-1-s.Scale)
	if c.dtype != graph.Float {
		lim = math.Ldexp(1, s.ActBits-1)
	}
	vals := make([][]float64, len(c.fracs))
	for i, fr := range c.fracs {
		for j := range sizes[i] {
			v := fr[j%len(fr)] * lim
			if c.dtype != graph.Float {
				v = math.Trunc(v)
			}
			vals[i] = append(vals[i], v)
		}
	}
	return vals
}

// checkExtreme compiles g under s and runs it on vals: an error must name
// the node "op" and be one line; a value must match the float reference run
// on the quantized inputs, to a few output units plus 2% (table functions).
func checkExtreme(t *testing.T, g *graph.Graph, s quant.Settings, vals [][]float64, circuit bool) {
	t.Helper()
	named := func(stage string, err error) {
		t.Helper()
		msg := err.Error()
		if !strings.Contains(msg, `node "op"`) || strings.Contains(msg, "\n") {
			t.Fatalf("%s error does not name the node on one line: %v", stage, err)
		}
		t.Logf("%s: %v", stage, err)
	}
	m, err := model.Compile(g, s)
	if err != nil {
		named("compile", err)
		return
	}
	q, err := m.Quantize(vals)
	if err != nil {
		t.Fatalf("inputs: %v", err)
	}
	out, err := model.Run(m, &ops.IntArith{}, q)
	if err != nil {
		named("run", err)
		return
	}
	deq := make([][]float64, len(q))
	for i, in := range q {
		for _, v := range in.Data {
			deq[i] = append(deq[i], quant.Dequantize(v, m.Inputs[i].Scale))
		}
	}
	ref, err := m.EvalFloat(deq)
	if err != nil {
		t.Fatalf("float reference: %v", err)
	}
	got := m.Dequantize(out)
	// Tables are within 2%; a constant quantized at the parameter scale may
	// be off by 2^-(ParamScale+1) relative to itself.
	tol := 0.02 + math.Ldexp(1, -(s.ParamScale+1))
	for i := range ref {
		unit := math.Ldexp(1, -m.Outputs[i].Scale)
		for j, want := range ref[i] {
			if d := math.Abs(got[i][j] - want); d > 8*unit+tol*math.Abs(want) {
				t.Fatalf("output %d[%d] = %v, the float reference gives %v (inputs %v)", i, j, got[i][j], want, deq)
			}
		}
	}
	if circuit {
		optest.CheckCircuit(t, m, q, out)
	}
}

// TestDivOverflow: Div(1000, 3) used to compile at --scale 30 --act-bits 48
// and evaluate to 0, its numerator 1000·2^60 wrapped in int64. Now a
// setting whose numerator may leave 2^62 is refused naming the node, and
// the largest settings that compile give the right quotient.
func TestDivOverflow(t *testing.T) {
	g := &graph.Graph{
		Inputs:  []graph.Value{{Name: "a", DType: graph.Float, Shape: []int{1}}, {Name: "b", DType: graph.Float, Shape: []int{1}}},
		Outputs: []graph.Value{{Name: "y"}},
		Consts:  map[string]*graph.Tensor{},
		Nodes:   []*graph.Node{{Name: "div", Op: "Div", Inputs: []string{"a", "b"}, Outputs: []string{"y"}}},
	}
	cases := []struct {
		s      quant.Settings
		a, b   float64
		errMsg string // "": the quotient must be right
	}{
		{quant.Settings{Scale: 30, ParamScale: 12, ActBits: 48}, 1000, 3, `node "div" (Div): an intermediate may reach 2^77`},
		{quant.Settings{Scale: 20, ParamScale: 30, ActBits: 48}, 1000, 3, `node "div" (Div): an intermediate may reach 2^67`},
		// The largest act-bits at scale 30: 2^32·2^30 is just 2^62.
		{quant.Settings{Scale: 30, ParamScale: 12, ActBits: 33}, 1.5, 0.7, ""},
		{quant.Settings{Scale: 24, ParamScale: 12, ActBits: 38}, 1000, 3, ""},
		{quant.Default, 1000, 3, ""},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("scale%d_act%d", c.s.Scale, c.s.ActBits), func(t *testing.T) {
			m, err := model.Compile(g, c.s)
			if err == nil {
				var q []ops.Tensor[int64]
				if q, err = m.Quantize([][]float64{{c.a}, {c.b}}); err != nil {
					t.Fatal(err)
				}
				var out []ops.Tensor[int64]
				if out, err = model.Run(m, &ops.IntArith{}, q); err == nil {
					// Exact rounding of the quantized operands' quotient.
					qa, qb := float64(q[0].Data[0]), float64(q[1].Data[0])
					want := math.Floor(qa/qb*math.Ldexp(1, c.s.Scale) + 0.5)
					if c.errMsg != "" || float64(out[0].Data[0]) != want {
						t.Fatalf("Div(%v, %v) = %d, want %v or an error mentioning %q", c.a, c.b, out[0].Data[0], want, c.errMsg)
					}
					return
				}
			}
			if c.errMsg == "" || !strings.Contains(err.Error(), c.errMsg) || !strings.Contains(err.Error(), "lower --scale") {
				t.Fatalf("error %v, want one mentioning %q and advising lower settings", err, c.errMsg)
			}
		})
	}
}
