package ops

import (
	"fmt"

	"github.com/consensys/gnark/frontend"
)

// ConstraintBudget stops a circuit's assembly once it certainly exceeds Max
// constraints. Count is a lower bound on the constraints made so far: the
// range checks (RangeBits: bits+1 each, RangeLookup: at least 1) and the
// products of two variables CircuitArith.Mul made. CircuitArith.Err
// reports the excess after each step, so a model too large for the limit
// fails after the first step that passes it, before the rest is built.
type ConstraintBudget struct {
	Max   int
	Count int
	bits  bool
}

// NewConstraintBudget returns a budget of max constraints for a circuit
// whose range checks use the resolved mode (RangeBits or RangeLookup).
func NewConstraintBudget(max int, mode string) *ConstraintBudget {
	return &ConstraintBudget{Max: max, bits: mode == RangeBits}
}

// BudgetError is the error of an exceeded ConstraintBudget. Node, when
// set, names the last node built.
type BudgetError struct {
	Max, Count int
	Node       string
}

func (e *BudgetError) Error() string {
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
	if c.b.bits {
		c.b.Count += bits + 1
	} else {
		c.b.Count++
	}
	c.RangeChecker.Check(v, bits)
}
