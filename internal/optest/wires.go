package optest

import (
	"fmt"

	"github.com/consensys/gnark/constraint"
	csbn254 "github.com/consensys/gnark/constraint/bn254"
	"github.com/consensys/gnark/constraint/solver"
)

// HintWires are the wires of one hint call in a compiled circuit: those its
// inputs read (the constant wire left out) and those it writes.
type HintWires struct {
	In, Out []int
}

// CallsOf returns the wires of every call of hint h in cs, in instruction
// order (the order in which the solver makes the calls).
func CallsOf(cs constraint.ConstraintSystem, h solver.Hint) ([]HintWires, error) {
	sys, ok := cs.(*csbn254.R1CS)
	if !ok {
		return nil, fmt.Errorf("optest: %T is not a BN254 R1CS", cs)
	}
	id := solver.GetHintID(h)
	var calls []HintWires
	var m constraint.HintMapping
	for _, pi := range sys.Instructions {
		bp, ok := sys.Blueprints[pi.BlueprintID].(constraint.BlueprintHint)
		if !ok {
			continue
		}
		bp.DecompressHint(&m, pi.Unpack(&sys.System))
		if m.HintID != id {
			continue
		}
		var c HintWires
		for _, le := range m.Inputs {
			for _, t := range le {
				if t.CID != constraint.CoeffIdZero && !t.IsConstant() && t.WireID() != 0 {
					c.In = append(c.In, t.WireID())
				}
			}
		}
		for w := m.OutputRange.Start; w < m.OutputRange.End; w++ {
			c.Out = append(c.Out, int(w))
		}
		calls = append(calls, c)
	}
	return calls, nil
}

// Committed returns the wires the challenge of cs's last Groth16
// commitment depends on: the wires it commits to and, for an earlier
// commitment among them, that commitment's own wires (gnark commits to the
// earlier commitment in place of a wire it already holds).
func Committed(cs constraint.ConstraintSystem) (map[int]bool, error) {
	cms, ok := cs.GetCommitments().(constraint.Groth16Commitments)
	if !ok || len(cms) == 0 {
		return nil, fmt.Errorf("optest: the circuit has no Groth16 commitment")
	}
	byWire := map[int]constraint.Groth16Commitment{}
	for _, c := range cms {
		byWire[c.CommitmentIndex] = c
	}
	set := map[int]bool{}
	var add func(c constraint.Groth16Commitment)
	add = func(c constraint.Groth16Commitment) {
		for _, w := range c.PrivateCommitted {
			set[w] = true
		}
		for _, w := range c.PublicAndCommitmentCommitted {
			if earlier, ok := byWire[w]; ok && !set[w] {
				add(earlier)
			}
			set[w] = true
		}
	}
	add(cms[len(cms)-1])
	return set, nil
}
