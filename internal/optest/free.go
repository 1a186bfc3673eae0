package optest

import (
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/witness"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"

	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/ops"
)

// FreeCircuit runs a compiled model (fixed weights) on its inputs with
// ops.CircuitArith and leaves the outputs free: they are solved internal
// wires that no constraint compares with anything. The inputs are
// range-checked as the model's circuit does (circuit.Define), through the
// same constraint budget wrapper, so the gadgets see what they see there.
type FreeCircuit struct {
	In []frontend.Variable

	model *model.Model
	mode  ops.RangeCheck
}

// NewFreeCircuit returns the free-output circuit of m with range-check
// gadget mode (ops.RangeBits or ops.RangeLookup), ready to compile.
func NewFreeCircuit(m *model.Model, mode ops.RangeCheck) *FreeCircuit {
	n := 0
	for _, in := range m.Inputs {
		n += in.Size()
	}
	return &FreeCircuit{In: make([]frontend.Variable, n), model: m, mode: mode}
}

// AssignFree returns the assignment of m's free-output circuit for inputs.
func AssignFree(m *model.Model, mode ops.RangeCheck, inputs []ops.Tensor[int64]) *FreeCircuit {
	c := &FreeCircuit{model: m, mode: mode}
	for _, t := range inputs {
		for _, v := range t.Data {
			c.In = append(c.In, v)
		}
	}
	return c
}

// Arith returns the CircuitArith a model's circuit builds with
// (circuit.Define): the range checks of mode (ops.RangeBits or
// ops.RangeLookup) through a constraint budget without a limit. Gadget
// tests build with it so that they test the gadgets as models use them.
func Arith(api frontend.API, mode ops.RangeCheck) *ops.CircuitArith {
	budget := ops.NewConstraintBudget(0, mode)
	return &ops.CircuitArith{API: api, Budget: budget, Range: budget.Range(ops.NewRangeChecker(api, mode))}
}

func (c *FreeCircuit) Define(api frontend.API) error {
	a := Arith(api, c.mode)
	m, rest := c.model, c.In
	ins := make([]ops.Tensor[ops.Variable], len(m.Inputs))
	for i, info := range m.Inputs {
		data := rest[:info.Size()]
		rest = rest[info.Size():]
		for _, v := range data {
			if info.DType == graph.Bool {
				api.AssertIsBoolean(v)
			} else {
				a.CheckSigned(v, m.Settings.ActBits)
			}
		}
		ins[i] = ops.Tensor[ops.Variable]{Shape: info.Shape, Data: data}
	}
	_, err := model.Run(m, a, ins)
	return err
}

// CompileR1CS compiles a circuit with gnark's R1CS builder on BN254.
func CompileR1CS(c frontend.Circuit) (constraint.ConstraintSystem, error) {
	return frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, c)
}

// FullWitness returns the full witness of an assignment on BN254.
func FullWitness(a frontend.Circuit) (witness.Witness, error) {
	return frontend.NewWitness(a, ecc.BN254.ScalarField())
}

// SolveAssignment solves cs with the full witness of assignment a as the
// suite does, with no attack, and returns the solver's error: nil when a
// satisfies cs. An assignment that gives no witness fails t.
func SolveAssignment(t testing.TB, cs constraint.ConstraintSystem, a frontend.Circuit) error {
	t.Helper()
	w, err := FullWitness(a)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Solve(cs, w, Attack{})
	return err
}

// SweepCase compiles c's free-output circuit with the range-check gadget
// mode, assigns the evaluator's inputs, and runs HintSweep on the R1CS; it
// fails t for every perturbation the circuit accepts and returns the hint
// calls it recorded.
func SweepCase(t *testing.T, c Case, mode ops.RangeCheck, s Sweep) []HintCall {
	t.Helper()
	m, vals, err := c.Compile()
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	in, err := m.Quantize(vals)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := model.Run(m, &ops.IntArith{}, in); err != nil {
		t.Fatalf("evaluator: %v", err)
	}
	cs, err := CompileR1CS(NewFreeCircuit(m, mode))
	if err != nil {
		t.Fatal(err)
	}
	w, err := FullWitness(AssignFree(m, mode, in))
	if err != nil {
		t.Fatal(err)
	}
	calls, escapes, err := HintSweep(cs, w, s)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range escapes {
		t.Errorf("%s (%s range checks): %v", c.Node.Op, mode, e)
	}
	return calls
}
