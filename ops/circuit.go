package ops

import (
	"math/big"
	"reflect"

	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/std/lookup/logderivlookup"

	"github.com/zkinfer/zkinfer/internal/linexpr"
)

// CircuitArith builds the gnark constraints. Linear operations become linear
// expressions (free in R1CS); every hint it uses is constrained so a wrong
// hint leaves the circuit unsatisfiable.
type CircuitArith struct {
	API   frontend.API
	Range RangeChecker
	// DirectProducts makes MatMul compute every product term by term, never
	// with Freivalds' check (for measurements and equivalence tests).
	DirectProducts bool
	// Budget, when set, bounds the constraints (see ConstraintBudget); its
	// Range must wrap Range.
	Budget *ConstraintBudget
	// tables holds the lookup table built for each Table, so one table
	// serves every lookup of the circuit (see lookup.go).
	tables map[*Table]logderivlookup.Table
	// digits is bitDigits' answer, found at its first call (Range is set
	// by then and not changed after).
	digits    func(v frontend.Variable, bits int) []frontend.Variable
	digitsSet bool
}

// RangeChecker asserts 0 ≤ v < 2^bits. gnark's std/rangecheck satisfies it.
type RangeChecker interface {
	Check(v frontend.Variable, bits int)
}

func (c *CircuitArith) Const(q Q) Variable         { return q.I }
func (c *CircuitArith) Add(a, b Variable) Variable { return c.API.Add(a, b) }
func (c *CircuitArith) Sub(a, b Variable) Variable { return c.API.Sub(a, b) }
func (c *CircuitArith) Err() error                 { return c.Budget.err() }

func (c *CircuitArith) Mul(a, b Variable) Variable {
	if c.Budget != nil {
		_, ca := c.API.Compiler().ConstantValue(a)
		_, cb := c.API.Compiler().ConstantValue(b)
		if !ca && !cb {
			c.Budget.Count++
			c.Budget.BitsCount++
		}
	}
	return c.API.Mul(a, b)
}

func (c *CircuitArith) Upscale(a Variable, k int) Variable {
	if k == 0 {
		return a
	}
	return c.API.Mul(a, pow2(k))
}

func (c *CircuitArith) Lin(q []Q, x []Variable, bias Q) Variable {
	terms := make([]frontend.Variable, 0, len(q)+1)
	for i, qi := range q {
		if qi.I != 0 {
			terms = append(terms, c.API.Mul(x[i], qi.I))
		}
	}
	if bias.I != 0 {
		terms = append(terms, bias.I)
	}
	if len(terms) == 0 {
		return bias.I
	}
	return linexpr.Sum(c.API, terms)
}

// bitDigits returns the circuit's range check as BitRange.Digits, counted
// by the budget as one check, when the range checks are bit
// decompositions (RangeBits); nil when they are lookups, whose limbs are
// no bits of the value.
//
// Only under R1CS: reading a quotient or a magnitude off the digits makes
// linear combinations of them, free in R1CS but a constraint a term in
// PLONK's sparse R1CS, where the separate checks of Rescale and Sign stay
// cheaper (1l_mlp under PLONK: 512 constraints with them, 1,027 without).
func (c *CircuitArith) bitDigits() func(v frontend.Variable, bits int) []frontend.Variable {
	if !c.digitsSet {
		c.digits, c.digitsSet = c.findDigits(), true
	}
	return c.digits
}

// findDigits is bitDigits' answer: Range's BitRange.Digits (through the
// budget's count when it wraps it), or nil.
func (c *CircuitArith) findDigits() func(v frontend.Variable, bits int) []frontend.Variable {
	if !isR1CS(c.API) {
		return nil
	}
	r, counted := c.Range, countingRange{}
	if cr, ok := r.(countingRange); ok {
		r, counted = cr.RangeChecker, cr
	}
	br, ok := r.(BitRange)
	if !ok {
		return nil
	}
	return func(v frontend.Variable, bits int) []frontend.Variable {
		if counted.b != nil {
			counted.count(bits)
		}
		return br.Digits(v, bits)
	}
}

// isR1CS tells whether api builds an R1CS (gnark's frontend/cs/r1cs),
// whose linear combinations cost no constraint.
func isR1CS(api frontend.API) bool {
	t := reflect.TypeOf(api.Compiler())
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.PkgPath() == "github.com/consensys/gnark/frontend/cs/r1cs"
}

// CheckSigned asserts -2^(bits-1) ≤ v < 2^(bits-1).
func (c *CircuitArith) CheckSigned(v Variable, bits int) {
	c.Range.Check(c.API.Add(v, pow2(bits-1)), bits)
}

func pow2(k int) *big.Int {
	return new(big.Int).Lsh(big.NewInt(1), uint(k))
}
