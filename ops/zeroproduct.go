package ops

import (
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/frontend"
)

// assertMulZero asserts a·b = 0, counted as one product against the
// budget. gnark's API has no such assertion: Mul makes a wire w with
// a·b = w and AssertIsEqual(w, 0) another constraint 1·w = 0. In an R1CS
// one constraint says it, a·b = 0 with an empty output, so under gnark's
// R1CS builder this adds that constraint itself, through the builder's
// custom-instruction interface (constraint.CustomizableSystem), with
// gnark's own generic R1C blueprint (the one every R1CS constraint uses,
// registered once per circuit). Everywhere else (the PLONK builder, gnark's
// test engine, a constant operand) it is Mul and AssertIsEqual.
//
// Soundness: the constraint is ⟨A,w⟩·⟨B,w⟩ = ⟨C,w⟩ with A the terms of a,
// B those of b and C = 0, exactly what Groth16's QAP and gnark's solver
// check for every R1C (constraint.R1CIterator hands it to both, as it
// hands gnark's own constraints); only the wire w and its equality are
// gone, and w was a·b by definition.
func (c *CircuitArith) assertMulZero(a, b Variable) {
	if c.Budget != nil {
		c.Budget.Count++
		c.Budget.BitsCount++
	}
	comp := c.API.Compiler()
	_, ca := comp.ConstantValue(a)
	_, cb := comp.ConstantValue(b)
	if !ca && !cb {
		if bp, ok := genericR1C(comp); ok {
			la, oka := comp.ToCanonicalVariable(a).(constraint.LinearExpression)
			lb, okb := comp.ToCanonicalVariable(b).(constraint.LinearExpression)
			if oka && okb {
				// gnark's builder puts the shorter expression in B (its
				// proving key then has more points at infinity): so here.
				if len(lb) > len(la) {
					la, lb = lb, la
				}
				var calldata []uint32
				(&constraint.BlueprintGenericR1C{}).CompressR1C(&constraint.R1C{L: la, R: lb}, &calldata)
				comp.AddInstruction(bp, calldata)
				return
			}
		}
	}
	c.API.AssertIsEqual(c.API.Mul(a, b), 0)
}

type genericR1CKey struct{}

// genericR1C is the id of the generic R1C blueprint this package adds to
// an R1CS builder, registering it on first use; false for a builder whose
// variables are not R1CS linear expressions (PLONK's, gnark's test
// engine) or that has no key-value store to keep the id in.
func genericR1C(comp frontend.Compiler) (constraint.BlueprintID, bool) {
	if _, ok := comp.ToCanonicalVariable(1).(constraint.LinearExpression); !ok {
		return 0, false
	}
	kv, ok := comp.(kvStore)
	if !ok {
		return 0, false
	}
	if id, ok := kv.GetKeyValue(genericR1CKey{}).(constraint.BlueprintID); ok {
		return id, true
	}
	id := comp.AddBlueprint(&constraint.BlueprintGenericR1C{})
	kv.SetKeyValue(genericR1CKey{}, id)
	return id, true
}
