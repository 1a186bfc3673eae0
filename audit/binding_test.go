package audit

import (
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/internal/optest"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/ops"
	"github.com/zkinfer/zkinfer/quant"
)

// slot is one packed value of the dataset commitment: where the circuit
// reads it (an index of Private), its width, and the offset the packing
// adds (2^(Bits−1) for a feature).
type slot struct {
	priv, width int
	offset      int64
}

// slots lists the packed values in the circuit's order: per record its
// features, its label, its group values.
func slots(sc *Schema) []slot {
	N, F := sc.Records, sc.Features
	fw, lw, gw := sc.widths()
	var out []slot
	for r := range N {
		for j := range F {
			out = append(out, slot{r*F + j, fw, 1 << (fw - 1)})
		}
		out = append(out, slot{N*F + r, lw, 0})
		for g := range sc.Groups {
			out = append(out, slot{N*F + N + g*N + r, gw, 0})
		}
	}
	return out
}

// datasetCommitment is the commitment of the dataset values in asg's
// Private, whatever they are: packing is linear, so values outside their
// widths carry into their neighbours.
func datasetCommitment(sc *Schema, asg *Circuit) *big.Int {
	var vals []*big.Int
	var widths []int
	for _, s := range slots(sc) {
		vals = append(vals, new(big.Int).Add(toBig(asg.Private[s.priv]), big.NewInt(s.offset)))
		widths = append(widths, s.width)
	}
	salt := toBig(asg.Private[sc.Records*sc.Features+sc.Records+len(sc.Groups)*sc.Records])
	h := hashNative(sc.header(), packNative(vals, widths), salt)
	return h.BigInt(new(big.Int))
}

// carry moves one packed value out of its width and compensates in the
// next slot of the same field element: value + 2^width and next − 1 (or
// value − 2^width and next + 1 when down), which leaves the packed element,
// and so the commitment, unchanged. It picks the first slot i at or after
// from for which ok holds.
func carry(t *testing.T, sc *Schema, asg *Circuit, from int, down bool, ok func(s slot, v, next int64) bool) {
	t.Helper()
	ss := slots(sc)
	_, off, _ := packPlan(func() []int {
		var w []int
		for _, s := range ss {
			w = append(w, s.width)
		}
		return w
	}())
	for i := from; i+1 < len(ss); i++ {
		s, n := ss[i], ss[i+1]
		v, next := toBig(asg.Private[s.priv]).Int64(), toBig(asg.Private[n.priv]).Int64()
		if off[i+1] != off[i]+s.width || !ok(s, v, next) {
			continue
		}
		d, e := int64(1)<<s.width, int64(-1)
		if down {
			d, e = -d, 1
		}
		asg.Private[s.priv], asg.Private[n.priv] = v+d, next+e
		return
	}
	t.Fatal("no slot to carry from")
}

// TestDatasetBinding: the dataset commitment opens to one dataset only. A
// prover who keeps the honest commitment but moves one packed value out of
// its width, compensating in the next slot (the packed element and so the
// hash unchanged), must be rejected by that value's own check — a feature
// by its range check, a label by its one-hot decomposition, a group value
// by its booleanity — with the metric's assertion left out (skipMetric),
// so that check alone decides.
func TestDatasetBinding(t *testing.T) {
	isFeature := func(s slot) bool { return s.offset != 0 }
	isLabel := func(sc *Schema) func(s slot) bool {
		return func(s slot) bool { return !isFeature(s) && s.priv < sc.Records*sc.Features+sc.Records }
	}
	for _, tc := range []struct {
		name  string
		spec  func(t *testing.T) (*Spec, *Witness)
		down  bool
		from  int
		slot  func(sc *Schema) func(s slot) bool
		value func(v, next int64) bool
	}{
		// 0 − 2^24 in a 24-bit slot: a negative feature that also fails a
		// range check one bit wider (the widened check accepts −2^24 to 2^24)
		{"a feature below its width", credit, true, 2 * 10, func(*Schema) func(slot) bool { return isFeature },
			func(v, next int64) bool { return v >= 0 }},
		{"a label of −1 (two classes)", credit, true, 0, isLabel, func(v, next int64) bool { return v == 1 && next == 0 }},
		{"a group value of −1", credit, true, 0, func(sc *Schema) func(slot) bool {
			return func(s slot) bool { return s.priv >= sc.Records*sc.Features+sc.Records }
		}, func(v, next int64) bool { return v == 1 }},
		{"a label of 4 (three classes)", threeClasses, false, 0, isLabel, func(v, next int64) bool { return next > -(1 << 23) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec, w := tc.spec(t)
			asg, _, err := Assign(spec, w)
			if err != nil {
				t.Fatal(err)
			}
			if err := solve(t, spec, asg, true); err != nil {
				t.Fatalf("the honest witness fails: %v", err)
			}
			honest := datasetCommitment(&spec.Schema, asg)
			if honest.Cmp(toBig(asg.Public[0])) != 0 {
				t.Fatal("the test's commitment is not the circuit's")
			}
			is := tc.slot(&spec.Schema)
			carry(t, &spec.Schema, asg, tc.from, tc.down, func(s slot, v, next int64) bool { return is(s) && tc.value(v, next) })
			if datasetCommitment(&spec.Schema, asg).Cmp(honest) != 0 {
				t.Fatal("the forged dataset has another commitment: the test does not forge")
			}
			if err := solve(t, spec, asg, true); err == nil {
				t.Fatal("the commitment opens to a second dataset: a value outside its width is accepted")
			}
		})
	}
}

// credit is the fixture of 12 credit records, fixed weights, accuracy.
func credit(t *testing.T) (*Spec, *Witness) { return fixture(t, 12, false, Metric{Kind: Accuracy}) }

// threeClasses is a model of three classes (the argmax of the record's
// three features: an Identity model) on 10 records with labels 0 to 2.
func threeClasses(t *testing.T) (*Spec, *Witness) {
	t.Helper()
	v := func(name string) graph.Value { return graph.Value{Name: name, DType: graph.Float, Shape: []int{1, 3}} }
	g := &graph.Graph{Inputs: []graph.Value{v("x")}, Outputs: []graph.Value{v("y")}, Consts: map[string]*graph.Tensor{},
		Nodes: []*graph.Node{{Name: "id", Op: "Identity", Inputs: []string{"x"}, Outputs: []string{"y"}}}}
	m, err := model.Compile(g, quant.Default)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 1))
	d := &Data{Groups: map[string][]int{}}
	for i := range 10 {
		d.Records = append(d.Records, []float64{rng.Float64(), rng.Float64(), rng.Float64()})
		d.Labels = append(d.Labels, int64(i%3))
	}
	rs, err := d.Quantize(quant.Default.Scale, 24, 3, bigInt(5))
	if err != nil {
		t.Fatal(err)
	}
	return &Spec{Model: m, Schema: rs.Schema, Metric: Metric{Kind: Confusion}}, &Witness{Records: rs}
}

// TestParamRange: a secret weight at the bound circuit.Commit accepts
// (|w| ≤ 2^19 for 20-bit weights) but outside the weights' range check
// (−2^19 ≤ w < 2^19), committed honestly, must be rejected by that check
// (metric left out), and so must a weight moved out of its packing width
// with the carry compensated in the next weight (the commitment unchanged).
func TestParamRange(t *testing.T) {
	for _, tc := range []struct {
		name     string
		recommit bool // the prover commits to the edited weights (else the honest commitment stays)
		edit     func(spec *Spec, w *Witness)
	}{
		{"a weight at 2^(bits−1), committed", true, func(spec *Spec, w *Witness) {
			w.Params[0].Data[0] = 1 << (spec.Model.ParamBits - 1)
		}},
		{"a weight carried past its packing width", false, func(spec *Spec, w *Witness) {
			b := circuit.PackBits(spec.Model.Params[1])
			w.Params[1].Data[0] -= 1 << b
			w.Params[1].Data[1]++
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec, w := fixture(t, 4, true, Metric{Kind: Accuracy, Threshold: &Rat{0, 1}})
			asg, _, err := Assign(spec, w)
			if err != nil {
				t.Fatal(err)
			}
			tc.edit(spec, w)
			start := len(asg.Private) - spec.numParams() - 1
			k := start
			for _, p := range w.Params {
				for _, v := range p.Data {
					asg.Private[k] = v
					k++
				}
			}
			if tc.recommit {
				e, err := circuit.Commit(circuit.TagParams, spec.Model.Params, w.Params, w.ParamSalt)
				if err != nil {
					t.Fatal(err)
				}
				asg.Public[1] = e.BigInt(new(big.Int))
			}
			if err := solve(t, spec, asg, true); err == nil {
				t.Fatal("a weight outside the weights' range satisfies the circuit")
			}
		})
	}
}

// TestPublicInputsBound: every public input of the audit circuit is read
// by a constraint (circuit.CheckPublicWires), the context included: one
// that none reads could be changed in a valid proof.
func TestPublicInputsBound(t *testing.T) {
	for _, metric := range []Metric{{Kind: Accuracy}, {Kind: Confusion}} {
		spec, _ := fixture(t, 2, true, metric)
		c, err := NewCircuit(spec)
		if err != nil {
			t.Fatal(err)
		}
		cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, c)
		if err != nil {
			t.Fatal(err)
		}
		if err := circuit.CheckPublicWires(cs); err != nil {
			t.Errorf("%v: %v", metric.Kind, err)
		}
	}
}

// TestFreivaldsCommitsEveryWire: Freivalds' check across records is sound
// only if the prover fixes W, X and Y before the challenge: every wire of
// every batched product (each hinted product's inputs and outputs) must be
// in the Groth16 commitment the challenge is drawn from. Under bit
// decompositions, so that Freivalds' check is the only commitment: lookups
// commit values of their own (a product checked term by term may then have
// a committed output).
func TestFreivaldsCommitsEveryWire(t *testing.T) {
	for _, rc := range []ops.RangeCheck{ops.RangeBits} {
		spec, _ := fixture(t, 6, true, Metric{Kind: Accuracy})
		c, err := NewCircuit(spec)
		if err != nil {
			t.Fatal(err)
		}
		c.RangeCheck = rc
		cs, err := optest.CompileR1CS(c)
		if err != nil {
			t.Fatal(err)
		}
		calls, err := optest.CallsOf(cs, ops.MatMulHint)
		if err != nil {
			t.Fatal(err)
		}
		if len(calls) == 0 {
			t.Fatalf("%v: no hinted product", rc)
		}
		committed, err := optest.Committed(cs)
		if err != nil {
			t.Fatal(err)
		}
		// A product checked term by term (cheaper for the last layer's
		// single output) needs no commitment; one whose output is
		// committed is in Freivalds' check, and then all its wires must be.
		checked := 0
		for i, call := range calls {
			out, missing := 0, 0
			for _, w := range call.Out {
				if committed[w] {
					out++
				}
			}
			if out == 0 {
				continue
			}
			checked++
			for _, w := range append(append([]int{}, call.In...), call.Out...) {
				if !committed[w] {
					missing++
				}
			}
			if missing > 0 {
				t.Errorf("%v: product %d: %d of its wires are not committed: a prover can choose them after the challenge", rc, i, missing)
			}
		}
		if checked == 0 {
			t.Errorf("%v: no product's output is committed: Freivalds' challenge does not depend on the products", rc)
		}
	}
}
