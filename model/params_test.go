package model_test

import (
	"math/big"
	"slices"
	"strings"
	"testing"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/internal/onnxbuild"
	"github.com/zkinfer/zkinfer/internal/optest"
	"github.com/zkinfer/zkinfer/internal/testkit"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/onnx"
	"github.com/zkinfer/zkinfer/ops"
	"github.com/zkinfer/zkinfer/quant"
)

// weightCase is a small model whose initializers an operator reads as
// weights: input x, output y.
type weightCase struct {
	name  string
	x     []int64 // x's shape
	nodes []*onnx.NodeProto
	inits []*onnx.TensorProto
	// params are the model's secret weights (Model.ParamNames), fixed its
	// float constants that stay in the circuit (Model.FixedConstants).
	params, fixed []string
}

// ramp returns n float32 values spread over [lo, hi], none of them 0 when
// lo and hi have the same sign.
func ramp(n int, lo, hi float32) []float32 {
	out := make([]float32, n)
	for i := range out {
		out[i] = lo + (hi-lo)*float32(i)/float32(max(1, n-1))
	}
	return out
}

func w(name string, dims ...int64) *onnx.TensorProto {
	n := int64(1)
	for _, d := range dims {
		n *= d
	}
	return onnxbuild.Floats(name, dims, ramp(int(n), 0.75, -0.5)...)
}

func node(op string, ins ...string) *onnx.NodeProto {
	return onnxbuild.Node(op+"_"+strings.Join(ins, "_"), op, ins, []string{"y"})
}

func to(out string, n *onnx.NodeProto) *onnx.NodeProto {
	n.Output = []string{out}
	return n
}

// weightCases covers every operator that declares weight operands
// (ops.Op.Weights): each declared position holds an initializer in some
// case, a pass-through op's feeds a MatMul or an Add.
func weightCases() []weightCase {
	shape := func(name string, vs ...int64) *onnx.TensorProto {
		return onnxbuild.Ints(name, []int64{int64(len(vs))}, vs...)
	}
	return []weightCase{
		{name: "Gemm alpha beta", x: []int64{1, 3},
			nodes: []*onnx.NodeProto{onnxbuild.WithAttrs(node("Gemm", "x", "W", "C"), onnxbuild.FloatAttr("alpha", 0.5), onnxbuild.FloatAttr("beta", 2))},
			inits: []*onnx.TensorProto{w("W", 3, 2), w("C", 2)}, params: []string{"C·beta", "W·alpha"}},
		{name: "Gemm A transposed", x: []int64{3, 1},
			nodes: []*onnx.NodeProto{onnxbuild.WithAttrs(node("Gemm", "A", "x", "C"), onnxbuild.IntAttr("transA", 1))},
			inits: []*onnx.TensorProto{w("A", 3, 2), w("C", 2, 1)}, params: []string{"A", "C"}},
		{name: "MatMul B", x: []int64{1, 3}, nodes: []*onnx.NodeProto{node("MatMul", "x", "W")},
			inits: []*onnx.TensorProto{w("W", 3, 2)}, params: []string{"W"}},
		{name: "MatMul A", x: []int64{3, 2}, nodes: []*onnx.NodeProto{node("MatMul", "W", "x")},
			inits: []*onnx.TensorProto{w("W", 2, 3)}, params: []string{"W"}},
		{name: "Conv", x: []int64{1, 1, 3, 3}, nodes: []*onnx.NodeProto{node("Conv", "x", "W", "B")},
			inits: []*onnx.TensorProto{w("W", 2, 1, 2, 2), w("B", 2)}, params: []string{"B·bias", "W"}},
		{name: "ConvTranspose", x: []int64{1, 1, 2, 2},
			nodes: []*onnx.NodeProto{onnxbuild.WithAttrs(node("ConvTranspose", "x", "W", "B"), onnxbuild.IntsAttr("strides", 2, 2))},
			inits: []*onnx.TensorProto{w("W", 1, 2, 2, 2), w("B", 2)}, params: []string{"B·bias", "W"}},
		{name: "Add", x: []int64{1, 3}, nodes: []*onnx.NodeProto{node("Add", "x", "b")},
			inits: []*onnx.TensorProto{w("b", 3)}, params: []string{"b"}},
		{name: "Sub", x: []int64{1, 3}, nodes: []*onnx.NodeProto{node("Sub", "b", "x")},
			inits: []*onnx.TensorProto{w("b", 3)}, params: []string{"b"}},
		{name: "Mul, then by a fixed scalar", x: []int64{1, 3},
			nodes: []*onnx.NodeProto{to("h", node("Mul", "x", "s")), node("Mul", "k", "h")},
			inits: []*onnx.TensorProto{w("s", 3), onnxbuild.Floats("k", nil, 1.5)}, params: []string{"s"}, fixed: []string{"k"}},
		{name: "Identity", x: []int64{1, 3}, nodes: []*onnx.NodeProto{to("v", node("Identity", "W")), node("MatMul", "x", "v")},
			inits: []*onnx.TensorProto{w("W", 3, 2)}, params: []string{"W"}},
		{name: "Reshape", x: []int64{1, 3}, nodes: []*onnx.NodeProto{to("v", node("Reshape", "W", "s")), node("MatMul", "x", "v")},
			inits: []*onnx.TensorProto{w("W", 6), shape("s", 3, 2)}, params: []string{"W"}},
		{name: "Flatten", x: []int64{1, 3}, nodes: []*onnx.NodeProto{to("v", node("Flatten", "W")), node("MatMul", "x", "v")},
			inits: []*onnx.TensorProto{w("W", 3, 2, 1)}, params: []string{"W"}},
		{name: "Squeeze", x: []int64{1, 3}, nodes: []*onnx.NodeProto{to("v", node("Squeeze", "W", "a")), node("MatMul", "x", "v")},
			inits: []*onnx.TensorProto{w("W", 3, 1, 2), shape("a", 1)}, params: []string{"W"}},
		{name: "Unsqueeze", x: []int64{1, 3}, nodes: []*onnx.NodeProto{to("v", node("Unsqueeze", "W", "a")), node("MatMul", "x", "v")},
			inits: []*onnx.TensorProto{w("W", 3), shape("a", 1)}, params: []string{"W"}},
		{name: "Transpose", x: []int64{1, 3}, nodes: []*onnx.NodeProto{to("v", node("Transpose", "W")), node("MatMul", "x", "v")},
			inits: []*onnx.TensorProto{w("W", 2, 3)}, params: []string{"W"}},
		{name: "Expand", x: []int64{2, 3}, nodes: []*onnx.NodeProto{to("v", node("Expand", "b", "s")), node("Add", "x", "v")},
			inits: []*onnx.TensorProto{w("b", 3), shape("s", 2, 3)}, params: []string{"b"}},
		{name: "Tile", x: []int64{1, 3}, nodes: []*onnx.NodeProto{to("v", node("Tile", "W", "r")), node("MatMul", "x", "v")},
			inits: []*onnx.TensorProto{w("W", 3, 1), shape("r", 1, 2)}, params: []string{"W"}},
		{name: "Slice", x: []int64{1, 3}, nodes: []*onnx.NodeProto{to("v", node("Slice", "W", "s", "e")), node("MatMul", "x", "v")},
			inits: []*onnx.TensorProto{w("W", 4, 2), shape("s", 0), shape("e", 3)}, params: []string{"W"}},
	}
}

// secretVisibilities are the parameter visibilities that make weights
// secret. Outputs stay private under hashed weights so that the only
// public input besides the context is the weights' commitment.
var secretVisibilities = []circuit.Visibility{
	{Input: circuit.Private, Params: circuit.Private, Output: circuit.Public},
	{Input: circuit.Private, Params: circuit.Hashed, Output: circuit.Private, ParamCommitment: circuit.Poseidon2},
	{Input: circuit.Private, Params: circuit.Hashed, Output: circuit.Private, ParamCommitment: circuit.Pedersen},
}

// TestSecretWeightsByOperator: for every operator that declares weight
// operands, a model whose weights it reads compiles with CompileSecret
// into exactly the expected secret weights; the evaluator with them agrees
// with the fixed-weight model; under private and hashed (Poseidon2,
// Pedersen) weights the circuit is satisfied by the evaluator's values and
// not by a wrong output; and a changed weight changes the output, still
// satisfies the same circuit, and changes the Poseidon2 commitment, which
// the circuit then checks.
func TestSecretWeightsByOperator(t *testing.T) {
	covered := map[string]bool{}
	for _, c := range weightCases() {
		for _, n := range c.nodes {
			covered[n.GetOpType()] = true
		}
		t.Run(c.name, func(t *testing.T) { checkSecretWeights(t, c) })
	}
	for _, name := range ops.Supported() {
		op, _ := ops.Lookup(name)
		if slices.ContainsFunc(op.Weights, func(u ops.WeightUse) bool { return u != ops.NoWeight }) && !covered[name] {
			t.Errorf("%s declares weight operands and has no case here", name)
		}
	}
}

// graph loads the case's model through the ONNX loader.
func (c weightCase) graph(t *testing.T) *graph.Graph {
	t.Helper()
	g, err := onnx.Parse(onnxbuild.Bytes(onnxbuild.Model(c.nodes, c.inits,
		[]*onnx.ValueInfoProto{onnxbuild.Value("x", onnx.TensorProto_FLOAT, c.x...)},
		[]*onnx.ValueInfoProto{onnxbuild.Value("y", onnx.TensorProto_FLOAT)})))
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func checkSecretWeights(t *testing.T, c weightCase) {
	g := c.graph(t)
	m, err := model.CompileSecret(g, quant.Default, model.DefaultParamBits)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(m.ParamNames, c.params) || !slices.Equal(m.FixedConstants(), c.fixed) {
		t.Fatalf("secret weights %q, fixed %q; want %q, %q", m.ParamNames, m.FixedConstants(), c.params, c.fixed)
	}
	fixed, err := model.Compile(g, quant.Default)
	if err != nil {
		t.Fatal(err)
	}
	n := int64(1)
	for _, d := range c.x {
		n *= d
	}
	vals := [][]float64{make([]float64, n)}
	for i, v := range ramp(int(n), -1.25, 1.5) {
		vals[0][i] = float64(v)
	}
	want, err := fixed.Eval(vals)
	if err != nil {
		t.Fatal(err)
	}
	wit := &circuit.Witness{ParamSalt: big.NewInt(5)}
	if wit.Inputs, err = m.Quantize(vals); err != nil {
		t.Fatal(err)
	}
	if wit.Params, err = m.ParamValues(); err != nil {
		t.Fatal(err)
	}
	wit.Outputs = run(t, m, wit)
	if e := optest.RelErr(m.Dequantize(wit.Outputs)[0], fixed.Dequantize(want)[0]); e > 1e-3 {
		t.Fatalf("secret weights give %v, fixed %v", m.Dequantize(wit.Outputs)[0], fixed.Dequantize(want)[0])
	}
	// Another model: the first weight moved by 0.5.
	other := *wit
	other.Params = slices.Clone(wit.Params)
	other.Params[0].Data = slices.Clone(wit.Params[0].Data)
	other.Params[0].Data[0] += 1 << (quant.Default.ParamScale - 1)
	other.Outputs = run(t, m, &other)
	if slices.Equal(other.Outputs[0].Data, wit.Outputs[0].Data) {
		t.Fatal("a changed weight leaves the output unchanged")
	}
	for _, vis := range secretVisibilities {
		cs, err := optest.CompileR1CS(mustCircuit(t, m, vis))
		if err != nil {
			t.Fatalf("%+v: %v", vis, err)
		}
		bad := *wit
		bad.Outputs = slices.Clone(wit.Outputs)
		bad.Outputs[0].Data = slices.Clone(wit.Outputs[0].Data)
		bad.Outputs[0].Data[0]++
		for _, s := range []struct {
			what  string
			w     *circuit.Witness
			solve bool
		}{{"the evaluator's values", wit, true}, {"another weight's values", &other, true}, {"a wrong output", &bad, false}} {
			if err := optest.SolveAssignment(t, cs, assign(t, m, vis, s.w)); (err == nil) != s.solve {
				t.Fatalf("%s weights, %s: solved %v, want %v (%v)", vis.ParamCommitment, s.what, err == nil, s.solve, err)
			}
		}
		if vis.ParamCommitment != circuit.Poseidon2 || vis.Params != circuit.Hashed {
			continue
		}
		old, changed := commitment(t, m, vis, wit), commitment(t, m, vis, &other)
		if old.Cmp(changed) == 0 {
			t.Fatal("a changed weight leaves the Poseidon2 commitment unchanged")
		}
		// The other weights under the first weights' commitment.
		a := assign(t, m, vis, &other)
		a.Public = assign(t, m, vis, wit).Public
		if optest.SolveAssignment(t, cs, a) == nil {
			t.Fatal("the circuit accepts other weights under the first weights' commitment")
		}
	}
}

func run(t *testing.T, m *model.Model, w *circuit.Witness) []ops.Tensor[int64] {
	t.Helper()
	outs, err := model.Run(m, &ops.IntArith{}, append(slices.Clone(w.Inputs), w.Params...))
	if err != nil {
		t.Fatal(err)
	}
	return outs
}

func mustCircuit(t *testing.T, m *model.Model, vis circuit.Visibility) *circuit.Circuit {
	t.Helper()
	c, err := circuit.New(m, vis)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func assign(t *testing.T, m *model.Model, vis circuit.Visibility, w *circuit.Witness) *circuit.Circuit {
	t.Helper()
	a, err := circuit.AssignWitness(m, vis, w)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func commitment(t *testing.T, m *model.Model, vis circuit.Visibility, w *circuit.Witness) *big.Int {
	t.Helper()
	cm, err := w.Commitments(m, vis)
	if err != nil {
		t.Fatal(err)
	}
	return cm.Params
}

// TestCompileSecretRejects: models CompileSecret cannot compile fail with
// an error on one line, never a panic.
func TestCompileSecretRejects(t *testing.T) {
	for _, c := range []struct {
		weightCase
		want string
	}{
		{weightCase{name: "no weights", x: []int64{1, 3}, nodes: []*onnx.NodeProto{node("Relu", "x")}},
			"no weights that can be kept secret"},
		{weightCase{name: "scalar shift only", x: []int64{1, 3}, nodes: []*onnx.NodeProto{node("Add", "x", "k")},
			inits: []*onnx.TensorProto{onnxbuild.Floats("k", nil, 1)}}, "no weights"},
		{weightCase{name: "rank-1 Conv weights with a bias", x: []int64{1, 1, 3}, nodes: []*onnx.NodeProto{node("Conv", "x", "W", "B")},
			inits: []*onnx.TensorProto{w("W", 2), w("B", 2)}}, `node "Conv_x_W_B" (Conv)`},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := model.CompileSecret(c.graph(t), quant.Default, model.DefaultParamBits)
			testkit.CheckError(t, err, c.want)
		})
	}
}
