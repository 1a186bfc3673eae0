package ops

import (
	"fmt"

	"github.com/consensys/gnark/frontend"
)

// ConstraintBudget counts a circuit's constraints as it is assembled and
// stops the assembly once it certainly exceeds Max (Max ≤ 0: never).
// Count is a lower bound on the constraints made so far: the range checks
// (RangeBits: bits+1 each, RangeLookup: at least 1) and the products of two
// variables CircuitArith.Mul made. BitsCount is the same bound for the
// circuit built with RangeBits, whatever the mode, so one RangeLookup build
// tells circuit.Build's auto policy whether the RangeBits circuit can be
// small enough.
// CircuitArith.Err reports the excess after each step, so a model too
// large for the limit fails after the first step that passes it, before
// the rest is built.
type ConstraintBudget struct {
	Max       int
	Count     int
	BitsCount int
	bits      bool
}

// NewConstraintBudget returns a budget of max constraints for a circuit
// whose range checks use the gadget r.
func NewConstraintBudget(max int, r RangeCheck) *ConstraintBudget {
	return &ConstraintBudget{Max: max, bits: r == RangeBits}
}

// BudgetError is the error of an exceeded ConstraintBudget. Node, when
// set, names the last node built.
type BudgetError struct {
	Max, Count int
	Node       string
	// Exact: Count is the finished circuit's count, not a lower bound.
	Exact bool
}

func (e *BudgetError) Error() string {
	if e.Exact {
		return fmt.Sprintf("the circuit has %d constraints, more than the %d allowed", e.Count, e.Max)
	}
	at := "so far"
	if e.Node != "" {
		at = "after node " + e.Node
	}
	return fmt.Sprintf("the circuit needs more than the %d constraints allowed: at least %d %s", e.Max, e.Count, at)
}

// err returns the budget's error once it is exceeded.
func (b *ConstraintBudget) err() error {
	if b == nil || b.Max <= 0 || b.Count <= b.Max {
		return nil
	}
	return &BudgetError{Max: b.Max, Count: b.Count}
}

// Range wraps r to count its checks against the budget.
func (b *ConstraintBudget) Range(r RangeChecker) RangeChecker {
	return countingRange{r, b}
}

type countingRange struct {
	RangeChecker
	b *ConstraintBudget
}

func (c countingRange) Check(v frontend.Variable, bits int) {
	c.count(bits)
	c.RangeChecker.Check(v, bits)
}

// count counts one check of bits bits.
func (c countingRange) count(bits int) {
	c.b.BitsCount += max(bits, 0) + 1
	if c.b.bits {
		c.b.Count += max(bits, 0) + 1
	} else {
		c.b.Count++
	}
}
