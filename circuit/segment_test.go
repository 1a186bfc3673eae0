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
// segment that takes a tensor of n values as a boundary input
// (fingerprint) and hands on a tensor as a boundary output (packed wires,
// fingerprint); the difference between two sizes, per value, is what a
// cut costs both its segments together, with either range check (neither
// side range-checks a boundary value). A value the segment computes (Neg:
// a linear expression, no constraint of its own) costs about 2.1, one for
// each side's fingerprint (a product by r a value) and ~0.1 for the
// producer's packed wires (a packed element holds ~10 values); a value
// handed on as it came (Identity) about 1.1: its Horner chain serves both
// fingerprints (sharedFingerprints), so fingerprinting it twice fails this
// test.
func TestBoundaryCost(t *testing.T) {
	for _, tc := range []struct {
		op       string
		rc       ops.RangeCheck
		min, max float64
	}{
		{"Neg", ops.RangeLookup, 2.0, 2.2}, {"Neg", ops.RangeBits, 2.0, 2.2},
		{"Identity", ops.RangeLookup, 1.0, 1.2}, {"Identity", ops.RangeBits, 1.0, 1.2},
	} {
		cost := map[int]int{}
		for _, n := range []int{1000, 2000} {
			m := unaryModel(t, tc.op, n)
			vis := circuit.Visibility{Input: circuit.Boundary, Params: circuit.Fixed, Output: circuit.Boundary}
			b, err := circuit.Build(m, vis, circuit.BuildOptions{RangeCheck: circuit.RangePolicy(tc.rc) + 1})
			if err != nil {
				t.Fatal(err)
			}
			cost[n] = b.CS.GetNbConstraints()
		}
		per := float64(cost[2000]-cost[1000]) / 1000
		t.Logf("%s, %v: %.2f constraints per boundary value, both sides (fingerprint in; packed wires and fingerprint out; %d for 1000 values)", tc.op, tc.rc, per, cost[1000])
		if per < tc.min || per > tc.max {
			t.Errorf("%s, %v: a boundary value costs %.2f constraints, not within [%v, %v]", tc.op, tc.rc, per, tc.min, tc.max)
		}
	}
}

// identityModel is a model that passes a [1, n] input on unchanged.
func identityModel(t *testing.T, n int) *model.Model {
	t.Helper()
	return unaryModel(t, "Identity", n)
}

// unaryModel is a model of one unary op on a [1, n] input.
func unaryModel(t *testing.T, op string, n int) *model.Model {
	t.Helper()
	v := func(name string) graph.Value { return graph.Value{Name: name, DType: graph.Float, Shape: []int{1, n}} }
	g := &graph.Graph{Inputs: []graph.Value{v("x")}, Outputs: []graph.Value{v("y")}, Consts: map[string]*graph.Tensor{},
		Nodes: []*graph.Node{{Name: "op", Op: op, Inputs: []string{"x"}, Outputs: []string{"y"}}}}
	m, err := model.Compile(g, quant.Default)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// passModel is a model of two [1, n] inputs x1, x2 whose outputs are x2
// handed on (Identity) and −x1 (Neg): as a segment with boundary input
// and output, its output values begin with the last n of its input
// values (the run sharedFingerprints fingerprints once) and end with
// values it computes.
func passModel(t *testing.T, n int) *model.Model {
	t.Helper()
	v := func(name string) graph.Value { return graph.Value{Name: name, DType: graph.Float, Shape: []int{1, n}} }
	g := &graph.Graph{Inputs: []graph.Value{v("x1"), v("x2")}, Outputs: []graph.Value{v("y2"), v("y1")}, Consts: map[string]*graph.Tensor{},
		Nodes: []*graph.Node{
			{Name: "pass", Op: "Identity", Inputs: []string{"x2"}, Outputs: []string{"y2"}},
			{Name: "neg", Op: "Neg", Inputs: []string{"x1"}, Outputs: []string{"y1"}},
		}}
	m, err := model.Compile(g, quant.Default)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestBoundaryPassedOnBinding: in a segment that hands part of its
// boundary input on as the start of its boundary output (the run both
// fingerprints share: sharedFingerprints), both fingerprints still bind
// every value: with the public boundary_in and boundary_out left honest,
// a secret input moved by one, in the part handed on or in the part only
// read, is rejected (it moves both fingerprints, or boundary_in alone),
// and so is either public fingerprint moved by one. Deleting either
// equality of sharedFingerprints, or sharing a run that is not the same
// values, fails this test.
func TestBoundaryPassedOnBinding(t *testing.T) {
	const n = 4
	for _, rc := range []ops.RangeCheck{ops.RangeLookup, ops.RangeBits} {
		m := passModel(t, n)
		vis := circuit.Visibility{Input: circuit.Boundary, Params: circuit.Fixed, Output: circuit.Boundary}
		b, err := circuit.Build(m, vis, circuit.BuildOptions{RangeCheck: circuit.RangePolicy(rc) + 1})
		if err != nil {
			t.Fatal(err)
		}
		x1 := ops.Tensor[int64]{Shape: []int{1, n}, Data: []int64{5, -3, 100, 0}}
		x2 := ops.Tensor[int64]{Shape: []int{1, n}, Data: []int64{7, 11, -13, 2}}
		y1 := ops.Tensor[int64]{Shape: []int{1, n}, Data: []int64{-5, 3, -100, 0}}
		w := &circuit.Witness{Inputs: []ops.Tensor[int64]{x1, x2}, Outputs: []ops.Tensor[int64]{x2, y1},
			BoundarySaltIn: big.NewInt(7), BoundarySaltOut: big.NewInt(8), BoundaryBlind: big.NewInt(9), BoundaryChallenge: testChallenge}
		if !solves(t, b.CS, mustAssign(t, m, vis, w)) {
			t.Fatalf("%v: the honest witness is rejected", rc)
		}
		lay := circuit.Layout(m, vis)
		for _, i := range []int{0, n - 1, n, 2*n - 1} { // x1's first and last, x2's first and last
			a := mustAssign(t, m, vis, w)
			a.Private[i] = toBig(a.Private[i]).Add(toBig(a.Private[i]), big.NewInt(1))
			if solves(t, b.CS, a) {
				t.Errorf("%v: the segment accepts boundary input value %d moved by one under the honest fingerprints", rc, i)
			}
		}
		for _, name := range []string{circuit.SegBoundaryIn, circuit.SegBoundaryOut} {
			a := mustAssign(t, m, vis, w)
			off := lay.Offset(name)
			a.Public[off] = new(big.Int).Add(toBig(a.Public[off]), big.NewInt(1))
			if solves(t, b.CS, a) {
				t.Errorf("%v: the segment accepts a %s that is not its fingerprint", rc, name)
			}
		}
	}
}

func mustAssign(t *testing.T, m *model.Model, vis circuit.Visibility, w *circuit.Witness) *circuit.Circuit {
	t.Helper()
	a, err := circuit.AssignWitness(m, vis, w)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
