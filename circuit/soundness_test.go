package circuit_test

import (
	"math/big"
	"slices"
	"strings"
	"testing"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/internal/optest"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/onnx"
	"github.com/zkinfer/zkinfer/ops"
	"github.com/zkinfer/zkinfer/quant"
)

// TestCircuitHintSoundness is the circuit half of the soundness suite
// (docs/SOUNDNESS.md): the demo model's whole circuit under each kind of
// visibility — commitments to inputs, outputs and weights, a claim on a
// hidden output — with both range-check gadgets; HintSweep perturbs the
// first, middle and last call of every hint (up to four outputs each, +1
// and -1) and the circuit must reject every perturbation. The outputs are
// left free (circuit.LooseOutputs): nothing compares them with the
// witness's outputs or their commitment, so a moved hint is re-solved
// downstream and only the gadgets' own constraints (and a claim's) can
// reject it.
func TestCircuitHintSoundness(t *testing.T) {
	g, err := onnx.Load("../examples/credit/model.onnx")
	if err != nil {
		t.Fatal(err)
	}
	vals, err := model.ReadInput("../examples/credit/input.json")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		vis  circuit.Visibility
	}{
		{"default", circuit.DefaultVisibility},
		{"hashed input and output", circuit.Visibility{Input: circuit.Hashed, Params: circuit.Fixed, Output: circuit.Hashed}},
		{"claim on a private output", circuit.Visibility{Input: circuit.Private, Params: circuit.Fixed, Output: circuit.Private, Claim: "output[0] >= 0.5"}},
		{"poseidon2-hashed weights", circuit.Visibility{Input: circuit.Public, Params: circuit.Hashed, Output: circuit.Public, ParamCommitment: circuit.Poseidon2, ParamBits: 22}},
		{"pedersen-committed weights", circuit.Visibility{Input: circuit.Private, Params: circuit.Hashed, Output: circuit.Public, ParamCommitment: circuit.Pedersen, ParamBits: 22}},
	}
	for _, c := range cases {
		for _, mode := range []string{ops.RangeBits, ops.RangeLookup} {
			t.Run(c.name+"/"+mode, func(t *testing.T) {
				m, err := model.Compile(g, quant.Default)
				w := &circuit.Witness{Salt: big.NewInt(7), ParamSalt: big.NewInt(11)}
				if c.vis.SecretParams() {
					m, err = model.CompileSecret(g, quant.Default, c.vis.Bits())
				}
				if err != nil {
					t.Fatal(err)
				}
				if c.vis.SecretParams() {
					if w.Params, err = m.ParamValues(); err != nil {
						t.Fatal(err)
					}
				}
				if w.Inputs, err = m.Quantize(vals); err != nil {
					t.Fatal(err)
				}
				if w.Outputs, err = model.Run(m, &ops.IntArith{}, append(slices.Clone(w.Inputs), w.Params...)); err != nil {
					t.Fatal(err)
				}
				circ, err := circuit.New(m, c.vis)
				if err != nil {
					t.Fatal(err)
				}
				circ.RangeCheck = mode
				circuit.LooseOutputs(circ)
				cs, err := optest.CompileR1CS(circ)
				if err != nil {
					t.Fatal(err)
				}
				a, err := circuit.AssignWitness(m, c.vis, w)
				if err != nil {
					t.Fatal(err)
				}
				a.RangeCheck = mode
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
