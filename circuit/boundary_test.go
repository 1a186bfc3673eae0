package circuit_test

import (
	"testing"

	"github.com/consensys/gnark/constraint"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/ops"
)

// TestBoundaryCommittedWiresAlone: every wire of the boundary commitment
// (the input values, the salts, the blind, the packed outputs, gnark's
// mask) appears in some R1CS constraint in which it is the only wire of
// that commitment. Groth16's commitment key gives each committed wire the
// basis point of its own polynomial; a wire in no constraint has the
// point zero (its value, the blind above all, then hides and binds
// nothing), and wires that only ever appear together are only bound in
// that combination. This is what docs/SOUNDNESS.md's binding argument
// (3) rests on. Deleting the blind's own constraint (api.Mul(blind,
// blind) in defineBoundary) fails this test: the blind is in no other.
func TestBoundaryCommittedWiresAlone(t *testing.T) {
	for _, rc := range []ops.RangeCheck{ops.RangeLookup, ops.RangeBits} {
		for _, vis := range []circuit.Visibility{
			{Input: circuit.Boundary, Params: circuit.Fixed, Output: circuit.Boundary},
			{Input: circuit.Boundary, Params: circuit.Fixed, Output: circuit.Public},
			{Input: circuit.Private, Params: circuit.Fixed, Output: circuit.Boundary},
		} {
			m := identityModel(t, 4)
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
			alone := map[uint32]bool{}
			for c := it.Next(); c != nil; c = it.Next() {
				in := map[uint32]bool{}
				for _, le := range []constraint.LinearExpression{c.L, c.R, c.O} {
					for _, term := range le {
						if term.CID != constraint.CoeffIdZero && committed[term.VID] {
							in[term.VID] = true
						}
					}
				}
				if len(in) == 1 {
					for w := range in {
						alone[w] = true
					}
				}
			}
			for _, w := range cms[idx].PrivateCommitted {
				if !alone[uint32(w)] {
					t.Errorf("%v %v: committed wire %d (position %d of the secret wires) is in no constraint without the boundary commitment's other wires: its basis point does not bind it alone",
						rc, vis, w, w-b.CS.GetNbPublicVariables())
				}
			}
		}
	}
}
