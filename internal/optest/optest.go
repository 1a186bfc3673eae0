// Package optest checks one operator end to end: it builds a one-node
// graph, compiles it, and compares the integer evaluator with the float
// reference and the circuit with the evaluator.
package optest

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/consensys/gnark/test"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/ops"
	"github.com/zkinfer/zkinfer/quant"
)

// Case is one operator application. Inputs lists the node's dynamic inputs
// in order; Consts are constant inputs by name. The node's inputs refer to
// both by name.
type Case struct {
	Name     string
	Node     *graph.Node
	Inputs   []Named
	Consts   map[string]*graph.Tensor
	Settings *quant.Settings // nil: quant.Default
	// Tol bounds |int − float| / max(1, max|float|) per output.
	Tol float64
	// Want, when set, is the float reference's expected output 0.
	Want []float64
}

// Named is a dynamic input.
type Named struct {
	Name   string
	Tensor *graph.Tensor
}

// In names a dynamic input.
func In(name string, t *graph.Tensor) Named { return Named{Name: name, Tensor: t} }

// T is a float tensor literal.
func T(shape []int, data ...float64) *graph.Tensor {
	if len(data) != graph.NumElements(shape) {
		panic(fmt.Sprintf("optest: %d values for shape %v", len(data), shape))
	}
	return &graph.Tensor{DType: graph.Float, Shape: shape, Data: data}
}

// Ramp returns a float tensor of the given shape with values lo..hi spread
// evenly, a deterministic way to cover signs and magnitudes.
func Ramp(shape []int, lo, hi float64) *graph.Tensor {
	n := graph.NumElements(shape)
	t := graph.NewTensor(graph.Float, shape)
	for i := range t.Data {
		if n > 1 {
			t.Data[i] = lo + (hi-lo)*float64(i)/float64(n-1)
		} else {
			t.Data[i] = lo
		}
	}
	return t
}

// Compile builds and compiles the case's graph.
func (c *Case) Compile() (*model.Model, [][]float64, error) { return c.CompileWith() }

// CompileWith is Compile with nodes that run before the case's node.
func (c *Case) CompileWith(before ...*graph.Node) (*model.Model, [][]float64, error) {
	g := &graph.Graph{Consts: map[string]*graph.Tensor{}, Nodes: append(before, c.Node)}
	for k, v := range c.Consts {
		g.Consts[k] = v
	}
	var vals [][]float64
	for _, in := range c.Inputs {
		g.Inputs = append(g.Inputs, graph.Value{Name: in.Name, DType: in.Tensor.DType, Shape: in.Tensor.Shape})
		vals = append(vals, in.Tensor.Data)
	}
	for _, out := range c.Node.Outputs {
		g.Outputs = append(g.Outputs, graph.Value{Name: out})
	}
	if c.Node.Attrs == nil {
		c.Node.Attrs = map[string]graph.Attr{}
	}
	s := quant.Default
	if c.Settings != nil {
		s = *c.Settings
	}
	m, err := model.Compile(g, s)
	return m, vals, err
}

// Run checks the case: evaluator against the float reference, and the
// circuit (built with gnark's test engine) against the evaluator.
func Run(t *testing.T, c Case) {
	t.Helper()
	m, vals, err := c.Compile()
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	ref, err := m.EvalFloat(vals)
	if err != nil {
		t.Fatalf("float reference: %v", err)
	}
	if c.Want != nil {
		if !slices.EqualFunc(ref[0], c.Want, func(a, b float64) bool { return math.Abs(a-b) <= 1e-9*max(1, math.Abs(b)) }) {
			t.Fatalf("float reference = %v, want %v", ref[0], c.Want)
		}
	}
	q, err := m.Eval(vals)
	if err != nil {
		t.Fatalf("evaluator: %v", err)
	}
	got := m.Dequantize(q)
	for i := range ref {
		if e := RelErr(got[i], ref[i]); e > c.Tol {
			t.Fatalf("output %d: error %.3g > %.3g\n got %v\nwant %v", i, e, c.Tol, got[i], ref[i])
		}
	}
	in, _ := m.Quantize(vals)
	CheckCircuit(t, m, in, q)
}

// CheckCircuit asserts the circuit of m is satisfied by the evaluator's
// inputs and outputs, and not by outputs off by one in their first value.
func CheckCircuit(t *testing.T, m *model.Model, in, out []ops.Tensor[int64]) {
	t.Helper()
	vis := circuit.DefaultVisibility
	c, err := circuit.New(m, vis)
	if err != nil {
		t.Fatal(err)
	}
	w, err := circuit.Assign(m, vis, in, out)
	if err != nil {
		t.Fatal(err)
	}
	if err := test.IsSolved(c, w, ecc.BN254.ScalarField()); err != nil {
		t.Fatalf("circuit rejects the evaluator's values: %v", err)
	}
	if len(out) == 0 || len(out[0].Data) == 0 {
		return
	}
	bad := slices.Clone(out)
	bad[0].Data = slices.Clone(out[0].Data)
	bad[0].Data[0]++
	w, _ = circuit.Assign(m, vis, in, bad)
	if test.IsSolved(c, w, ecc.BN254.ScalarField()) == nil {
		t.Fatalf("circuit accepts a wrong output")
	}
}

// RelErr is max|got−want| / max(1, max|want|), the project's accuracy
// measure.
func RelErr(got, want []float64) float64 {
	if len(got) != len(want) {
		return math.Inf(1)
	}
	m, e := 1.0, 0.0
	for _, w := range want {
		m = max(m, math.Abs(w))
	}
	for i := range got {
		e = max(e, math.Abs(got[i]-want[i]))
	}
	return e / m
}

// Constraints compiles the circuit of m with the R1CS builder and returns
// its constraint count.
func Constraints(m *model.Model) (int, error) {
	c, err := circuit.New(m, circuit.DefaultVisibility)
	if err != nil {
		return 0, err
	}
	cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, c)
	if err != nil {
		return 0, err
	}
	return cs.GetNbConstraints(), nil
}
