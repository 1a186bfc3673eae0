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
	"slices"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/backend/witness"
	"github.com/consensys/gnark/constraint"
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

// gadgetCase is one benchmarked circuit; per is the number of elements
// the per-element cost divides by (weights for the commitment rows), and
// max bounds that cost in TestGadgetCosts.
type gadgetCase struct {
	name       string
	rangeCheck ops.RangeCheck
	g          *graph.Graph
	vis        circuit.Visibility
	per        int
	max        float64
}

func gadgetCases() []gadgetCase {
	const n = 1024
	return []gadgetCase{
		{"rescale/bits", ops.RangeBits, product(n), circuit.DefaultVisibility, n, 100},
		{"rescale/lookup", ops.RangeLookup, product(n), circuit.DefaultVisibility, n, 20},
		{"relu/bits", ops.RangeBits, unary("Relu")(n), circuit.DefaultVisibility, n, 60},
		{"relu/lookup", ops.RangeLookup, unary("Relu")(n), circuit.DefaultVisibility, n, 12},
		{"sigmoid-table/lookup", ops.RangeLookup, unary("Sigmoid")(n), circuit.DefaultVisibility, n, 40},
		{"exp-table/bits", ops.RangeBits, unary("Exp")(n), circuit.DefaultVisibility, n, 120},
		{"matmul-fixed-32x32/lookup", ops.RangeLookup, matmul(1)(32), circuit.DefaultVisibility, 32, 40},
		{"matmul-secret-1x32x32/lookup", ops.RangeLookup, matmul(1)(32), private, 32 * 32, 8},
		{"matmul-secret-16x32x32-freivalds/lookup", ops.RangeLookup, matmul(16)(32), private, 16 * 32 * 32, 2},
		{"params-poseidon2-1024/lookup", ops.RangeLookup, matmul(1)(32), poseidon2, 32 * 32, 25},
		{"params-pedersen-1024/lookup", ops.RangeLookup, matmul(1)(32), pedersen, 32 * 32, 8},
	}
}

// TestGadgetCosts compiles every benchmarked gadget and checks its
// constraints per element against the bound docs/OPERATORS.md and
// BENCHMARKS.md rely on: a change that makes a gadget costlier fails here.
func TestGadgetCosts(t *testing.T) {
	for _, c := range gadgetCases() {
		t.Run(c.name, func(t *testing.T) {
			g, err := buildGadget(c.g, c.vis, c.rangeCheck)
			if err != nil {
				t.Fatal(err)
			}
			per := float64(g.cs.GetNbConstraints()) / float64(c.per)
			t.Logf("%-42s %8d constraints  %7.2f per element", c.name, g.cs.GetNbConstraints(), per)
			if per > c.max {
				t.Errorf("%.2f constraints per element, bound %.0f", per, c.max)
			}
		})
	}
}

// BenchmarkGadget proves one circuit per gadget; constraints/elem is the
// cost per output element (per weight for the commitment rows).
func BenchmarkGadget(b *testing.B) {
	for _, c := range gadgetCases() {
		b.Run(c.name, func(b *testing.B) { benchGadget(b, c.g, c.vis, c.rangeCheck, c.per) })
	}
}

// gadget is a compiled gadget circuit with a full witness.
type gadget struct {
	cs   constraint.ConstraintSystem
	full witness.Witness
}

func buildGadget(g *graph.Graph, vis circuit.Visibility, rangeCheck ops.RangeCheck) (*gadget, error) {
	var m *model.Model
	var err error
	if vis.SecretParams() {
		m, err = model.CompileSecret(g, quant.Default, vis.Bits())
	} else {
		m, err = model.Compile(g, quant.Default)
	}
	if err != nil {
		return nil, err
	}
	var inputs [][]float64
	for _, in := range g.Inputs {
		inputs = append(inputs, ramp(in.Shape, -2, 2).Data)
	}
	qin, err := m.Quantize(inputs)
	if err != nil {
		return nil, err
	}
	var params []ops.Tensor[int64]
	if vis.SecretParams() {
		if params, err = m.ParamValues(); err != nil {
			return nil, err
		}
	}
	qout, err := model.Run(m, &ops.IntArith{}, append(slices.Clone(qin), params...))
	if err != nil {
		return nil, err
	}
	circ, err := circuit.New(m, vis)
	if err != nil {
		return nil, err
	}
	circ.RangeCheck = rangeCheck
	cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, circ)
	if err != nil {
		return nil, err
	}
	w := &circuit.Witness{Inputs: qin, Params: params, Outputs: qout}
	assign, err := circuit.AssignWitness(m, vis, w)
	if err != nil {
		return nil, err
	}
	assign.RangeCheck = rangeCheck
	full, err := frontend.NewWitness(assign, ecc.BN254.ScalarField())
	if err != nil {
		return nil, err
	}
	return &gadget{cs: cs, full: full}, nil
}

func benchGadget(b *testing.B, g *graph.Graph, vis circuit.Visibility, rangeCheck ops.RangeCheck, per int) {
	gd, err := buildGadget(g, vis, rangeCheck)
	if err != nil {
		b.Fatal(err)
	}
	pk, _, err := groth16.Setup(gd.cs)
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
		if _, err := groth16.Prove(gd.cs, pk, gd.full, opts...); err != nil {
			b.Fatal(fmt.Errorf("prove: %w", err))
		}
	}
	// After the loop: ResetTimer deletes metrics reported before it.
	b.ReportMetric(float64(gd.cs.GetNbConstraints())/float64(per), "constraints/elem")
	b.ReportMetric(float64(gd.cs.GetNbConstraints()), "constraints")
}
