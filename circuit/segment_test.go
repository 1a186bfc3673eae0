package circuit_test

import (
	"math/big"
	"slices"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/constraint/solver"
	"github.com/consensys/gnark/frontend"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/onnx"
	"github.com/zkinfer/zkinfer/ops"
	"github.com/zkinfer/zkinfer/quant"
)

// creditSegment is the credit model's steps [from, to) as a segment
// (boundary inputs unless from is 0, boundary outputs unless to ends the
// model), its circuit under the range-check gadget rc, and the honest
// witness of examples/credit/input.json with boundary salts 7 and 8,
// blind 9 and challenge testChallenge.
func creditSegment(t *testing.T, from, to int, rc ops.RangeCheck) (*model.Model, circuit.Visibility, constraint.ConstraintSystem, *circuit.Witness) {
	t.Helper()
	g, err := onnx.Load("../examples/credit/model.onnx")
	if err != nil {
		t.Fatal(err)
	}
	m, err := model.Compile(g, quant.Default)
	if err != nil {
		t.Fatal(err)
	}
	in, err := model.ReadInput("../examples/credit/input.json")
	if err != nil {
		t.Fatal(err)
	}
	x, err := m.Quantize(in)
	if err != nil {
		t.Fatal(err)
	}
	vals := x
	vis := circuit.DefaultVisibility
	var sub *model.Model
	for _, sp := range [][2]int{{0, from}, {from, to}} {
		if sp[0] == sp[1] {
			continue
		}
		if sub, _, err = m.Sub(sp[0], sp[1]); err != nil {
			t.Fatal(err)
		}
		if sp[0] == from {
			break
		}
		if vals, err = model.Run(sub, &ops.IntArith{}, vals); err != nil {
			t.Fatal(err)
		}
	}
	outs, err := model.Run(sub, &ops.IntArith{}, slices.Clone(vals))
	if err != nil {
		t.Fatal(err)
	}
	if from > 0 {
		vis.Input = circuit.Boundary
	}
	if to < m.NumSteps() {
		vis.Output = circuit.Boundary
	}
	b, err := circuit.Build(sub, vis, circuit.BuildOptions{RangeCheck: circuit.RangePolicy(rc) + 1})
	if err != nil {
		t.Fatal(err)
	}
	return sub, vis, b.CS, &circuit.Witness{Inputs: vals, Outputs: outs, BoundarySaltIn: big.NewInt(7), BoundarySaltOut: big.NewInt(8),
		BoundaryBlind: big.NewInt(9), BoundaryChallenge: testChallenge}
}

// testChallenge stands for the challenge r of a bundle.
var testChallenge, _ = new(big.Int).SetString("8a3f0c17e2b94d6055c1e9a7d3b2f04186c5e7a9b1d3f5071928374655647382", 16)

// solves reports whether the circuit accepts the assignment.
func solves(t *testing.T, cs constraint.ConstraintSystem, a *circuit.Circuit, opts ...solver.Option) bool {
	t.Helper()
	w, err := frontend.NewWitness(a, ecc.BN254.ScalarField())
	if err != nil {
		t.Fatal(err)
	}
	return cs.IsSolved(w, opts...) == nil
}

// TestBoundaryBinding: a segment whose boundary input is bound by the
// public boundary_in fingerprint accepts the honest values and rejects
// (under both range-check gadgets) a value moved by one, and the packing
// attack: two values that change by +2^b and −1 in neighbouring slots of
// one packed element, which leave the packed element unchanged — the
// fingerprint is over the values unpacked, so it moves. The consumer
// range-checks nothing: deleting the fingerprint's equality
// (defineBoundary), or fingerprinting the packed elements instead, makes
// this test fail.
func TestBoundaryBinding(t *testing.T) {
	for _, rc := range []ops.RangeCheck{ops.RangeLookup, ops.RangeBits} {
		sub, vis, cs, w := creditSegment(t, 2, 7, rc)
		honest, err := circuit.AssignWitness(sub, vis, w)
		if err != nil {
			t.Fatal(err)
		}
		if !solves(t, cs, honest) {
			t.Fatalf("%v: the honest witness is rejected", rc)
		}
		in := circuit.Layout(sub, vis)
		if in.Offset(circuit.SegBoundaryIn) < 0 {
			t.Fatal("no boundary_in public input")
		}
		bits := circuit.PackBits(sub.Inputs[0])
		for name, forge := range map[string]func(d []int64){
			"one value moved":  func(d []int64) { d[0]++ },
			"carry into slot1": func(d []int64) { d[0] += 1 << bits; d[1]-- },
		} {
			a, err := circuit.AssignWitness(sub, vis, w)
			if err != nil {
				t.Fatal(err)
			}
			// the public boundary_in stays the honest fingerprint; the
			// secret input values are forged
			d := slices.Clone(w.Inputs[0].Data)
			forge(d)
			for i, v := range d {
				a.Private[i] = v
			}
			if solves(t, cs, a) {
				t.Errorf("%v: %s: the segment accepts boundary values that are not the committed ones", rc, name)
			}
		}
	}
}

// TestBoundaryPackingAttack: in a segment that passes its boundary on
// to public outputs (nothing downstream range-checks the values, and the
// segment does not range-check its boundary inputs), the packing attack
// (+2^b in one slot, −1 in the next: the packed element unchanged) is
// rejected, for a carry from a positive and from a negative value: the
// unpacked fingerprint binds each value as a field element. A fingerprint
// over the packed elements (without a range check to the packing width),
// or none, fails this test.
func TestBoundaryPackingAttack(t *testing.T) {
	for _, rc := range []ops.RangeCheck{ops.RangeLookup, ops.RangeBits} {
		m := identityModel(t, 4)
		vis := circuit.Visibility{Input: circuit.Boundary, Params: circuit.Fixed, Output: circuit.Public}
		b, err := circuit.Build(m, vis, circuit.BuildOptions{RangeCheck: circuit.RangePolicy(rc) + 1})
		if err != nil {
			t.Fatal(err)
		}
		x := []ops.Tensor[int64]{{Shape: []int{1, 4}, Data: []int64{5, -3, 100, 0}}}
		w := &circuit.Witness{Inputs: x, Outputs: x, BoundarySaltIn: big.NewInt(9), BoundaryChallenge: testChallenge}
		a, err := circuit.AssignWitness(m, vis, w)
		if err != nil {
			t.Fatal(err)
		}
		if !solves(t, b.CS, a) {
			t.Fatalf("%v: the honest witness is rejected", rc)
		}
		bits := int64(circuit.PackBits(m.Inputs[0]))
		lay := circuit.Layout(m, vis)
		out := lay.Offset(circuit.SegOutput)
		for _, forged := range [][]int64{
			{5 + 1<<bits, -3 - 1, 100, 0},
			// from a negative value: −3 + 2^b, one bit over the
			// packing width
			{5, -3 + 1<<bits, 100 - 1, 0},
		} {
			a, err := circuit.AssignWitness(m, vis, w)
			if err != nil {
				t.Fatal(err)
			}
			for i, v := range forged {
				a.Private[i] = v
				a.Public[out+i] = v
			}
			if solves(t, b.CS, a) {
				t.Errorf("%v: the segment accepts boundary values %v packed with a carry into the next slot", rc, forged)
			}
		}
	}
}

// TestBoundaryOutputBinding: the producing segment's boundary_out must be
// the fingerprint of the values it computes at the public challenge: a
// boundary_out moved by one is rejected; and the packed output wires,
// which the boundary commitment holds (the fingerprint is over the values
// unpacked and does not read them), must be the packing of those values:
// a packed wire the prover changes (its hint forged to add 1 to the
// first), under the honest boundary_out, is rejected, which only the
// equality of each packed wire with its expression catches. Deleting that
// equality, or the fingerprint's, in defineBoundary fails this test.
func TestBoundaryOutputBinding(t *testing.T) {
	sub, vis, cs, w := creditSegment(t, 0, 2, ops.RangeLookup)
	a, err := circuit.AssignWitness(sub, vis, w)
	if err != nil {
		t.Fatal(err)
	}
	if !solves(t, cs, a) {
		t.Fatal("the honest witness is rejected")
	}
	lay := circuit.Layout(sub, vis)
	off := lay.Offset(circuit.SegBoundaryOut)
	honest := toBig(a.Public[off])
	a.Public[off] = new(big.Int).Add(honest, big.NewInt(1))
	if solves(t, cs, a) {
		t.Error("the segment accepts a boundary_out that is not the fingerprint of its outputs")
	}
	a.Public[off] = honest
	forge := solver.OverrideHint(solver.GetHintID(circuit.BoundaryPackHint), func(mod *big.Int, ins, outs []*big.Int) error {
		if err := circuit.BoundaryPackHint(mod, ins, outs); err != nil {
			return err
		}
		outs[0].Add(outs[0], big.NewInt(1))
		return nil
	})
	if solves(t, cs, a, forge) {
		t.Error("the segment accepts packed output wires that are not its outputs' packing")
	}
	if !solves(t, cs, a) {
		t.Error("the honest witness is rejected after the forgeries")
	}
}

// TestBoundaryCost measures the constraints a boundary value costs: a
// segment that only passes a tensor of n values on (Identity) takes it
// as a boundary input (fingerprint) and hands it on as a boundary output
// (packed wires, fingerprint); the difference between two sizes, per
// value, is what a cut costs both its segments together, with either
// range check (neither side range-checks a boundary value): about 2.1,
// one for each side's fingerprint (a product by r a value) and ~0.1 for
// the producer's packed wires (a packed element holds ~10 values).
func TestBoundaryCost(t *testing.T) {
	for _, tc := range []struct {
		rc  ops.RangeCheck
		max float64
	}{{ops.RangeLookup, 2.2}, {ops.RangeBits, 2.2}} {
		cost := map[int]int{}
		for _, n := range []int{1000, 2000} {
			m := identityModel(t, n)
			vis := circuit.Visibility{Input: circuit.Boundary, Params: circuit.Fixed, Output: circuit.Boundary}
			b, err := circuit.Build(m, vis, circuit.BuildOptions{RangeCheck: circuit.RangePolicy(tc.rc) + 1})
			if err != nil {
				t.Fatal(err)
			}
			cost[n] = b.CS.GetNbConstraints()
		}
		per := float64(cost[2000]-cost[1000]) / 1000
		t.Logf("%v: %.2f constraints per boundary value, both sides (fingerprint in; packed wires and fingerprint out; %d for 1000 values)", tc.rc, per, cost[1000])
		if per > tc.max {
			t.Errorf("%v: a boundary value costs %.2f constraints, more than %v", tc.rc, per, tc.max)
		}
	}
}

// identityModel is a model that passes a [1, n] input on unchanged.
func identityModel(t *testing.T, n int) *model.Model {
	t.Helper()
	v := func(name string) graph.Value { return graph.Value{Name: name, DType: graph.Float, Shape: []int{1, n}} }
	g := &graph.Graph{Inputs: []graph.Value{v("x")}, Outputs: []graph.Value{v("y")}, Consts: map[string]*graph.Tensor{},
		Nodes: []*graph.Node{{Name: "id", Op: "Identity", Inputs: []string{"x"}, Outputs: []string{"y"}}}}
	m, err := model.Compile(g, quant.Default)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
