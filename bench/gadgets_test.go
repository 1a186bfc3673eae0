// Package bench holds zkinfer's gadget benchmarks; the shell and Python
// scripts beside this file run the whole-pipeline benchmarks (make bench).
//
// Each benchmark builds a one-op model over N elements, compiles its circuit
// with the R1CS builder, runs the Groth16 setup outside the timer, and times
// one proof per iteration. It reports constraints per element (the figure
// that does not depend on the machine) next to the time.
//
//	go test -run '^$' -bench . -benchtime 3x ./bench
package bench

import (
	"fmt"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/ops"
	"github.com/zkinfer/zkinfer/quant"
)

func ramp(shape []int, lo, hi float64) *graph.Tensor {
	t := graph.NewTensor(graph.Float, shape)
	for i := range t.Data {
		t.Data[i] = lo + (hi-lo)*float64(i%97)/96
	}
	return t
}

// unary is x -> op(x) over a 1×n input.
func unary(op string) func(n int) *graph.Graph {
	return func(n int) *graph.Graph {
		return &graph.Graph{
			Consts:  map[string]*graph.Tensor{},
			Inputs:  []graph.Value{{Name: "x", DType: graph.Float, Shape: []int{1, n}}},
			Nodes:   []*graph.Node{{Name: "op", Op: op, Inputs: []string{"x"}, Outputs: []string{"y"}, Attrs: map[string]graph.Attr{}}},
			Outputs: []graph.Value{{Name: "y"}},
		}
	}
}

// product is x·y elementwise over two secret 1×n inputs: one
// multiplication and one rescale per element.
func product(n int) *graph.Graph {
	g := unary("Mul")(n)
	g.Inputs = append(g.Inputs, graph.Value{Name: "z", DType: graph.Float, Shape: []int{1, n}})
	g.Nodes[0].Inputs = []string{"x", "z"}
	return g
}

// matmul is a b×k input times a k×k weight matrix.
func matmul(b int) func(k int) *graph.Graph {
	return func(k int) *graph.Graph {
		return &graph.Graph{
			Consts:  map[string]*graph.Tensor{"W": ramp([]int{k, k}, -0.5, 0.5)},
			Inputs:  []graph.Value{{Name: "x", DType: graph.Float, Shape: []int{b, k}}},
			Nodes:   []*graph.Node{{Name: "mm", Op: "MatMul", Inputs: []string{"x", "W"}, Outputs: []string{"y"}, Attrs: map[string]graph.Attr{}}},
			Outputs: []graph.Value{{Name: "y"}},
		}
	}
}

var (
	private   = circuit.Visibility{Input: circuit.Private, Params: circuit.Private, Output: circuit.Public}
	poseidon2 = circuit.Visibility{Input: circuit.Private, Params: circuit.Hashed, Output: circuit.Public, ParamCommitment: circuit.Poseidon2}
	pedersen  = circuit.Visibility{Input: circuit.Private, Params: circuit.Hashed, Output: circuit.Public, ParamCommitment: circuit.Pedersen}
)

// BenchmarkGadget proves one circuit per gadget; constraints/elem is the
// cost per output element (per weight for the commitment rows).
func BenchmarkGadget(b *testing.B) {
	const n = 1024
	cases := []struct {
		name, rangeCheck string
		g                *graph.Graph
		vis              circuit.Visibility
		per              int
	}{
		{"rescale/bits", ops.RangeBits, product(n), circuit.DefaultVisibility, n},
		{"rescale/lookup", ops.RangeLookup, product(n), circuit.DefaultVisibility, n},
		{"relu/bits", ops.RangeBits, unary("Relu")(n), circuit.DefaultVisibility, n},
		{"relu/lookup", ops.RangeLookup, unary("Relu")(n), circuit.DefaultVisibility, n},
		{"sigmoid-table/lookup", ops.RangeLookup, unary("Sigmoid")(n), circuit.DefaultVisibility, n},
		{"exp-table/bits", ops.RangeBits, unary("Exp")(n), circuit.DefaultVisibility, n},
		{"matmul-fixed-32x32/lookup", ops.RangeLookup, matmul(1)(32), circuit.DefaultVisibility, 32},
		{"matmul-secret-1x32x32/lookup", ops.RangeLookup, matmul(1)(32), private, 32 * 32},
		{"matmul-secret-16x32x32-freivalds/lookup", ops.RangeLookup, matmul(16)(32), private, 16 * 32 * 32},
		{"params-poseidon2-1024/lookup", ops.RangeLookup, matmul(1)(32), poseidon2, 32 * 32},
		{"params-pedersen-1024/lookup", ops.RangeLookup, matmul(1)(32), pedersen, 32 * 32},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) { benchGadget(b, c.g, c.vis, c.rangeCheck, c.per) })
	}
}

func benchGadget(b *testing.B, g *graph.Graph, vis circuit.Visibility, rangeCheck string, per int) {
	var m *model.Model
	var err error
	if vis.SecretParams() {
		m, err = model.CompileSecret(g, quant.Default, 0)
	} else {
		m, err = model.Compile(g, quant.Default)
	}
	if err != nil {
		b.Fatal(err)
	}
	var inputs [][]float64
	for _, in := range g.Inputs {
		inputs = append(inputs, ramp(in.Shape, -2, 2).Data)
	}
	qin, err := m.Quantize(inputs)
	if err != nil {
		b.Fatal(err)
	}
	qout, err := m.Eval(inputs)
	if err != nil {
		b.Fatal(err)
	}
	circ, err := circuit.New(m, vis)
	if err != nil {
		b.Fatal(err)
	}
	circ.RangeCheck = rangeCheck
	cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, circ)
	if err != nil {
		b.Fatal(err)
	}
	w := &circuit.Witness{Inputs: qin, Outputs: qout}
	if vis.SecretParams() {
		if w.Params, err = m.ParamValues(); err != nil {
			b.Fatal(err)
		}
	}
	assign, err := circuit.AssignWitness(m, vis, w)
	if err != nil {
		b.Fatal(err)
	}
	assign.RangeCheck = rangeCheck
	full, err := frontend.NewWitness(assign, ecc.BN254.ScalarField())
	if err != nil {
		b.Fatal(err)
	}
	pk, _, err := groth16.Setup(cs)
	if err != nil {
		b.Fatal(err)
	}
	var opts []backend.ProverOption
	if vis.PedersenParams() {
		zero, err := circuit.ZeroMaskOption()
		if err != nil {
			b.Fatal(err)
		}
		opts = append(opts, backend.WithSolverOptions(zero))
	}
	b.ResetTimer()
	for range b.N {
		if _, err := groth16.Prove(cs, pk, full, opts...); err != nil {
			b.Fatal(fmt.Errorf("prove: %w", err))
		}
	}
	// After the loop: ResetTimer deletes metrics reported before it.
	b.ReportMetric(float64(cs.GetNbConstraints())/float64(per), "constraints/elem")
	b.ReportMetric(float64(cs.GetNbConstraints()), "constraints")
}
