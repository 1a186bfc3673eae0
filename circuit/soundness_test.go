package circuit_test

import (
	"math/big"
	"slices"
	"strings"
	"testing"

	"github.com/consensys/gnark/constraint"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/internal/optest"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/onnx"
	"github.com/zkinfer/zkinfer/ops"
	"github.com/zkinfer/zkinfer/quant"
)

// visibilities are the demo model's circuits the suite checks: every kind
// of visibility — commitments to inputs, outputs and weights, a claim on
// a hidden output.
var visibilities = []struct {
	name string
	vis  circuit.Visibility
}{
	{"default", circuit.DefaultVisibility},
	{"hashed input and output", circuit.Visibility{Input: circuit.Hashed, Params: circuit.Fixed, Output: circuit.Hashed}},
	{"claim on a private output", circuit.Visibility{Input: circuit.Private, Params: circuit.Fixed, Output: circuit.Private, Claim: "output[0] >= 0.5"}},
	{"poseidon2-hashed weights", circuit.Visibility{Input: circuit.Public, Params: circuit.Hashed, Output: circuit.Public, ParamCommitment: circuit.Poseidon2, ParamBits: 22}},
	{"pedersen-committed weights", circuit.Visibility{Input: circuit.Private, Params: circuit.Hashed, Output: circuit.Public, ParamCommitment: circuit.Pedersen, ParamBits: 22}},
	{"signed input", circuit.Visibility{Input: circuit.Private, Params: circuit.Fixed, Output: circuit.Public, InputSignedBy: circuit.EdDSA}},
}

// demoModel compiles the demo model for vis (secret weights when vis
// says so) and returns it with the honest witness of its example input.
func demoModel(t *testing.T, vis circuit.Visibility) (*model.Model, *circuit.Witness) {
	t.Helper()
	g, err := onnx.Load("../examples/credit/model.onnx")
	if err != nil {
		t.Fatal(err)
	}
	vals, err := model.ReadInput("../examples/credit/input.json")
	if err != nil {
		t.Fatal(err)
	}
	m, err := model.Compile(g, quant.Default)
	w := &circuit.Witness{Salt: big.NewInt(7), ParamSalt: big.NewInt(11)}
	if vis.SecretParams() {
		if m, err = model.CompileSecret(g, quant.Default, vis.Bits()); err == nil {
			w.Params, err = m.ParamValues()
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	if w.Inputs, err = m.Quantize(vals); err != nil {
		t.Fatal(err)
	}
	if w.Outputs, err = model.Run(m, &ops.IntArith{}, append(slices.Clone(w.Inputs), w.Params...)); err != nil {
		t.Fatal(err)
	}
	if vis.InputSignedBy != "" {
		w.Signature = mustSign(t, deviceKey(t, 1), m.Inputs[0].Scale, 7, flatInputs(w.Inputs))
	}
	return m, w
}

// demoCircuit compiles the demo model's circuit under vis with range-check
// gadget mode, its outputs free when loose (circuit.LooseOutputs), and
// returns it with the honest assignment and the model.
func demoCircuit(t *testing.T, vis circuit.Visibility, mode ops.RangeCheck, loose bool) (constraint.ConstraintSystem, *circuit.Circuit, *model.Model) {
	t.Helper()
	m, w := demoModel(t, vis)
	circ, err := circuit.New(m, vis)
	if err != nil {
		t.Fatal(err)
	}
	circ.RangeCheck = mode
	if loose {
		circuit.LooseOutputs(circ)
	}
	cs, err := optest.CompileR1CS(circ)
	if err != nil {
		t.Fatal(err)
	}
	a, err := circuit.AssignWitness(m, vis, w)
	if err != nil {
		t.Fatal(err)
	}
	a.RangeCheck = mode
	return cs, a, m
}

// TestCircuitHintSoundness is the circuit half of the soundness suite
// (docs/SOUNDNESS.md): the demo model's whole circuit under each kind of
// visibility, with both range-check gadgets; HintSweep perturbs the first,
// middle and last call of every hint (up to four outputs each, +1 and -1)
// and the circuit must reject every perturbation. The outputs are left
// free (circuit.LooseOutputs): nothing compares them with the witness's
// outputs or their commitment, so a moved hint is re-solved downstream and
// only the gadgets' own constraints (and a claim's) can reject it.
func TestCircuitHintSoundness(t *testing.T) {
	for _, c := range visibilities {
		for _, mode := range []ops.RangeCheck{ops.RangeBits, ops.RangeLookup} {
			t.Run(c.name+"/"+mode.String(), func(t *testing.T) {
				cs, a, _ := demoCircuit(t, c.vis, mode, true)
				wit, err := optest.FullWitness(a)
				if err != nil {
					t.Fatal(err)
				}
				calls, escapes, err := optest.HintSweep(cs, wit, optest.Sweep{Calls: 3, Outputs: 4})
				if err != nil {
					t.Fatal(err)
				}
				if len(calls) == 0 {
					t.Fatal("no hint calls")
				}
				names := map[string]int{}
				for _, c := range calls {
					names[c.Name[strings.LastIndex(c.Name, "/")+1:]]++
				}
				t.Logf("%d hint calls: %v", len(calls), names)
				for _, e := range escapes {
					t.Error(e)
				}
			})
		}
	}
}

// TestPublicInputsBound: the demo model's circuit under each kind of
// visibility accepts its honest witness; every public input is in a
// constraint (circuit.CheckPublicWires: a Groth16 proof binds no other),
// and each that the witness determines — an output, a commitment, a
// claim's tag or bound — is rejected when moved by one. (Another public
// input or context makes another true statement.)
func TestPublicInputsBound(t *testing.T) {
	determined := map[string]bool{"output": true, "output_commitment": true, "input_commitment": true, "param_commitment": true, "claim": true}
	for _, c := range visibilities {
		for _, mode := range []ops.RangeCheck{ops.RangeBits, ops.RangeLookup} {
			t.Run(c.name+"/"+mode.String(), func(t *testing.T) {
				cs, a, m := demoCircuit(t, c.vis, mode, false)
				if err := optest.SolveAssignment(t, cs, a); err != nil {
					t.Fatalf("honest witness: %v", err)
				}
				if err := circuit.CheckPublicWires(cs); err != nil {
					t.Error(err)
				}
				i := 0
				for _, seg := range circuit.Layout(m, c.vis).Public {
					for range seg.Len {
						moved := *a
						moved.Public = slices.Clone(a.Public)
						moved.Public[i] = new(big.Int).Add(toBig(a.Public[i]), big.NewInt(1))
						if determined[seg.Name] && optest.SolveAssignment(t, cs, &moved) == nil {
							t.Errorf("public input %d (%s) moved by one: solved", i, seg.Name)
						}
						i++
					}
				}
				if i != len(a.Public) {
					t.Fatalf("the layout has %d public inputs, the assignment %d", i, len(a.Public))
				}
			})
		}
	}
}

// toBig reads an assigned value: an int64 or a *big.Int.
func toBig(v any) *big.Int {
	switch x := v.(type) {
	case *big.Int:
		return x
	case int64:
		return big.NewInt(x)
	}
	panic("unexpected assigned value")
}
