package circuit_test

import (
	"testing"

	"github.com/consensys/gnark/constraint"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/ops"
)

// TestBoundaryCommittedWiresAlone: the wires of the boundary commitment
// (the input values, the salts, the blind, the packed outputs, gnark's
// mask) can be set aside one at a time, each when it is the only wire
// left of that commitment in some R1CS constraint: each input value and
// salt in its product of the fingerprint's Horner chain, the blind in its
// square, gnark's mask in mask·1, and a packed output in its equality with
// its expression — alone there unless the expression reads the segment's
// own boundary inputs (a value passed on), which are set aside before.
// Groth16's commitment key gives each committed wire the basis point of
// its own polynomial, the sum over the constraints it is in; a constraint
// with only one wire left among them pins that wire's coefficient in any
// vanishing combination to zero, so the polynomials are linearly
// independent and the commitment binds every wire. A wire in no
// constraint has the point zero (its value, the blind above all, then
// hides and binds nothing), and wires that only ever appear together are
// only bound in that combination. This is what docs/SOUNDNESS.md's
// binding argument (3) rests on. Deleting the blind's own constraint
// (api.Mul(blind, blind) in defineBoundary) fails this test: the blind is
// in no other.
func TestBoundaryCommittedWiresAlone(t *testing.T) {
	for _, rc := range []ops.RangeCheck{ops.RangeLookup, ops.RangeBits} {
		for _, vis := range []circuit.Visibility{
			{Input: circuit.Boundary, Params: circuit.Fixed, Output: circuit.Boundary},
			{Input: circuit.Boundary, Params: circuit.Fixed, Output: circuit.Public},
			{Input: circuit.Private, Params: circuit.Fixed, Output: circuit.Boundary},
		} {
			for _, m := range []*model.Model{identityModel(t, 4), unaryModel(t, "Neg", 4), passModel(t, 4)} {
				b, err := circuit.Build(m, vis, circuit.BuildOptions{RangeCheck: circuit.RangePolicy(rc) + 1})
				if err != nil {
					t.Fatal(err)
				}
				idx, err := circuit.BoundaryCommitmentIndex(b.CS, m, vis)
				if err != nil {
					t.Fatal(err)
				}
				cms := b.CS.GetCommitments().(constraint.Groth16Commitments)
				committed := map[uint32]bool{}
				for _, w := range cms[idx].PrivateCommitted {
					committed[uint32(w)] = true
				}
				if len(committed) == 0 {
					t.Fatalf("%v %v: the boundary commitment holds no wire", rc, vis)
				}
				it := b.CS.(interface{ GetR1CIterator() constraint.R1CIterator }).GetR1CIterator()
				var rows [][]uint32 // per constraint, the committed wires in it
				for c := it.Next(); c != nil; c = it.Next() {
					in := map[uint32]bool{}
					for _, le := range []constraint.LinearExpression{c.L, c.R, c.O} {
						for _, term := range le {
							if term.CID != constraint.CoeffIdZero && committed[term.VID] {
								in[term.VID] = true
							}
						}
					}
					if len(in) > 0 {
						var row []uint32
						for w := range in {
							row = append(row, w)
						}
						rows = append(rows, row)
					}
				}
				// set wires aside while some constraint has only one left
				aside := map[uint32]bool{}
				for changed := true; changed; {
					changed = false
					for _, row := range rows {
						left := []uint32{}
						for _, w := range row {
							if !aside[w] {
								left = append(left, w)
							}
						}
						if len(left) == 1 {
							aside[left[0]], changed = true, true
						}
					}
				}
				for _, w := range cms[idx].PrivateCommitted {
					if !aside[uint32(w)] {
						t.Errorf("%v %v %s: committed wire %d (position %d of the secret wires) is never the only one left of the boundary commitment's wires in a constraint: its basis point does not bind it alone",
							rc, vis, m.Graph.Nodes[0].Op, w, w-b.CS.GetNbPublicVariables())
					}
				}
			}
		}
	}
}
