package circuit_test

import (
	"testing"

	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/constraint/solver"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/internal/optest"
	"github.com/zkinfer/zkinfer/ops"
)

// TestHidingWires: the random wires that keep commitments hiding when the
// prover zeroes gnark's masks do their job in the compiled circuit. A
// wire in no constraint gets a zero basis point and hides nothing, so
// the weights' salt and the hiding wire (HideOthers) each appear in a
// constraint, and the hiding wire is committed by the last commitment
// (std/multicommit's, which holds the lookup range checks' values).
func TestHidingWires(t *testing.T) {
	vis := circuit.Visibility{Input: circuit.Private, Params: circuit.Hashed, Output: circuit.Public, ParamCommitment: circuit.Pedersen, ParamBits: 22}
	m, _ := demoModel(t, vis)
	c, err := circuit.New(m, vis)
	if err != nil {
		t.Fatal(err)
	}
	c.RangeCheck, c.HideOthers = ops.RangeLookup, true
	cs, err := optest.CompileR1CS(c)
	if err != nil {
		t.Fatal(err)
	}
	var mask solver.Hint
	for _, h := range solver.GetRegisteredHints() {
		if solver.GetHintName(h) == "github.com/zkinfer/zkinfer/circuit.hidingMaskHint" {
			mask = h
		}
	}
	calls, err := optest.CallsOf(cs, mask)
	if err != nil || len(calls) != 1 || len(calls[0].Out) != 1 {
		t.Fatalf("hiding wire: %v calls, %v", calls, err)
	}
	committed, err := optest.Committed(cs)
	if err != nil {
		t.Fatal(err)
	}
	hiding, salt := calls[0].Out[0], cs.GetNbPublicVariables()+cs.GetNbSecretVariables()-1
	if !committed[hiding] {
		t.Error("the hiding wire is not committed")
	}
	used := wiresInConstraints(t, cs)
	if !used[hiding] {
		t.Error("the hiding wire is in no constraint")
	}
	if !used[salt] {
		t.Error("the weights' salt is in no constraint")
	}
}

// wiresInConstraints returns the wires that some R1CS constraint reads.
func wiresInConstraints(t *testing.T, cs constraint.ConstraintSystem) map[int]bool {
	r, ok := cs.(interface{ GetR1CIterator() constraint.R1CIterator })
	if !ok {
		t.Fatalf("%T is not an R1CS", cs)
	}
	used := map[int]bool{}
	it := r.GetR1CIterator()
	for c := it.Next(); c != nil; c = it.Next() {
		for _, le := range []constraint.LinearExpression{c.L, c.R, c.O} {
			for _, term := range le {
				if term.CID != constraint.CoeffIdZero && !term.IsConstant() {
					used[term.WireID()] = true
				}
			}
		}
	}
	return used
}
