package ops_test

import (
	"os"
	"slices"
	"testing"
	"time"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/internal/testkit"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/onnx"
	"github.com/zkinfer/zkinfer/ops"
	"github.com/zkinfer/zkinfer/quant"
)

// secretWitness compiles g with secret weights and computes the witness of
// vals with the int64 evaluator.
func secretWitness(t *testing.T, g *graph.Graph, vals [][]float64) (*model.Model, *circuit.Witness) {
	t.Helper()
	m, err := model.CompileSecret(g, quant.Default, model.DefaultParamBits)
	if err != nil {
		t.Fatal(err)
	}
	w := &circuit.Witness{}
	if w.Inputs, err = m.Quantize(vals); err != nil {
		t.Fatal(err)
	}
	if w.Params, err = m.ParamValues(); err != nil {
		t.Fatal(err)
	}
	if w.Outputs, err = model.Run(m, &ops.IntArith{}, append(slices.Clone(w.Inputs), w.Params...)); err != nil {
		t.Fatal(err)
	}
	return m, w
}

// batchedMatMul is X[rows×k] · W[k×n] with W a weight.
func batchedMatMul(rows, k, n int) (*graph.Graph, [][]float64) {
	g := &graph.Graph{
		Inputs:  []graph.Value{{Name: "x", DType: graph.Float, Shape: []int{rows, k}}},
		Outputs: []graph.Value{{Name: "y"}},
		Consts:  map[string]*graph.Tensor{"w": {DType: graph.Float, Shape: []int{k, n}, Data: pseudo(k*n, 7)}},
		Nodes:   []*graph.Node{{Name: "mm", Op: "MatMul", Inputs: []string{"x", "w"}, Outputs: []string{"y"}, Attrs: map[string]graph.Attr{}}},
	}
	return g, [][]float64{pseudo(rows*k, 8)}
}

// freivaldsModels: the corpus CNN (when present) and a batched MatMul,
// both with secret weights.
func freivaldsModels(t *testing.T, rows, k, n int) map[string]func() (*model.Model, *circuit.Witness) {
	out := map[string]func() (*model.Model, *circuit.Witness){
		"batched_matmul": func() (*model.Model, *circuit.Witness) {
			g, vals := batchedMatMul(rows, k, n)
			return secretWitness(t, g, vals)
		},
	}
	if path, input, ok := testkit.LookupCorpusModel("3l_relu_conv_fc"); ok {
		out["3l_relu_conv_fc"] = func() (*model.Model, *circuit.Witness) {
			g, err := onnx.Load(path)
			if err != nil {
				t.Fatal(err)
			}
			vals, err := model.ReadInput(input)
			if err != nil {
				t.Fatal(err)
			}
			return secretWitness(t, g, vals)
		}
	} else {
		t.Logf("corpus model 3l_relu_conv_fc absent from %s: only the batched MatMul", testkit.CorpusDir())
	}
	return out
}

// TestFreivaldsModels: a model with secret weights proves the same outputs
// with and without Freivalds' check, with fewer constraints with it, and
// rejects a wrong output either way.
func TestFreivaldsModels(t *testing.T) {
	vis := circuit.Visibility{Input: circuit.Private, Params: circuit.Private, Output: circuit.Public}
	for name, load := range freivaldsModels(t, 8, 48, 16) {
		t.Run(name, func(t *testing.T) {
			m, w := load()
			counts := map[bool]int{}
			for _, direct := range []bool{true, false} {
				c, err := circuit.New(m, vis)
				if err != nil {
					t.Fatal(err)
				}
				c.RangeCheck, c.DirectProducts = ops.RangeBits, direct
				cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, c)
				if err != nil {
					t.Fatal(err)
				}
				counts[direct] = cs.GetNbConstraints()
				for _, bad := range []bool{false, true} {
					w2 := *w
					if bad {
						w2.Outputs = []ops.Tensor[int64]{{Shape: w.Outputs[0].Shape, Data: slices.Clone(w.Outputs[0].Data)}}
						w2.Outputs[0].Data[len(w2.Outputs[0].Data)-1]++
					}
					a, err := circuit.AssignWitness(m, vis, &w2)
					if err != nil {
						t.Fatal(err)
					}
					wit, err := frontend.NewWitness(a, ecc.BN254.ScalarField())
					if err != nil {
						t.Fatal(err)
					}
					if err := cs.IsSolved(wit); (err == nil) == bad {
						t.Fatalf("direct=%v, wrong output=%v: solved: %v", direct, bad, err)
					}
				}
			}
			t.Logf("%s: %d constraints direct, %d with Freivalds", name, counts[true], counts[false])
			if counts[false] >= counts[true] {
				t.Fatalf("Freivalds: %d constraints, direct %d", counts[false], counts[true])
			}
		})
	}
}

// TestMeasureFreivalds times Groth16 setup and prove with and without
// Freivalds' check (ZKINFER_MEASURE_FREIVALDS=1; slow).
func TestMeasureFreivalds(t *testing.T) {
	if os.Getenv("ZKINFER_MEASURE_FREIVALDS") == "" {
		t.Skip("set ZKINFER_MEASURE_FREIVALDS=1 to measure")
	}
	vis := circuit.Visibility{Input: circuit.Private, Params: circuit.Private, Output: circuit.Public}
	for name, load := range freivaldsModels(t, 16, 196, 32) {
		m, w := load()
		for _, mode := range []ops.RangeCheck{ops.RangeBits} {
			for _, direct := range []bool{true, false} {
				c, err := circuit.New(m, vis)
				if err != nil {
					t.Fatal(err)
				}
				c.RangeCheck, c.DirectProducts = mode, direct
				cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, c)
				if err != nil {
					t.Fatal(err)
				}
				t.Logf("%s range=%s direct=%v: %d constraints", name, mode, direct, cs.GetNbConstraints())
				t0 := time.Now()
				pk, vk, err := groth16.Setup(cs)
				if err != nil {
					t.Fatal(err)
				}
				setup := time.Since(t0)
				a, err := circuit.AssignWitness(m, vis, w)
				if err != nil {
					t.Fatal(err)
				}
				wit, err := frontend.NewWitness(a, ecc.BN254.ScalarField())
				if err != nil {
					t.Fatal(err)
				}
				t0 = time.Now()
				proof, err := groth16.Prove(cs, pk, wit)
				if err != nil {
					t.Fatal(err)
				}
				prove := time.Since(t0)
				pub, err := wit.Public()
				if err != nil {
					t.Fatal(err)
				}
				if err := groth16.Verify(proof, vk, pub); err != nil {
					t.Fatal(err)
				}
				t.Logf("%s range=%s direct=%v: %d constraints, %d commitments, setup %.1fs, prove %.2fs", name, mode, direct,
					cs.GetNbConstraints(), len(cs.GetCommitments().CommitmentIndexes()), setup.Seconds(), prove.Seconds())
			}
		}
	}
}
