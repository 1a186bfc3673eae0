package circuit

import (
	"errors"
	"fmt"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/consensys/gnark/frontend/cs/scs"

	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/ops"
)

// System is the kind of constraint system a circuit compiles to.
type System int

const (
	R1CS       System = iota // rank-1 constraints, for Groth16
	SparseR1CS               // PLONK's gates
)

// builder is gnark's constraint builder of the system.
func (s System) builder() frontend.NewBuilder {
	if s == SparseR1CS {
		return scs.NewBuilder
	}
	return r1cs.NewBuilder
}

// BuildOptions choose how Build compiles a circuit.
type BuildOptions struct {
	System System
	// RangeCheck picks the range-check gadget (zero: RangeAuto).
	RangeCheck RangePolicy
	// MaxConstraints, when positive, is the most constraints the circuit
	// may have: its assembly stops with an error wrapping *ops.BudgetError
	// as soon as it certainly exceeds it.
	MaxConstraints int
	// AutoBitsMax is the largest bit-decomposed circuit RangeAuto picks
	// (0: ops.AutoBitsMaxConstraints).
	AutoBitsMax int
}

// Built is a compiled circuit and the choices Build made for it.
type Built struct {
	CS constraint.ConstraintSystem
	// RangeCheck is the gadget the circuit uses.
	RangeCheck ops.RangeCheck
	// Groth16Commitments counts the circuit's Groth16 commitments (R1CS);
	// ModelCommitmentIndex is the weights' among them, with
	// Pedersen-committed weights, and nil otherwise.
	Groth16Commitments   int
	ModelCommitmentIndex *int
}

// Build compiles m's circuit under vis: the one place that decides how a
// circuit is built.
//
//   - Range checks: with RangeAuto, bit decomposition when that circuit
//     has at most ops.AutoBitsMaxConstraints constraints (no commitment: the
//     cheapest on-chain verification), lookups otherwise. The lookup circuit
//     is built first (the smaller one); its budget bounds the bits circuit
//     from below (ops.ConstraintBudget.BitsCount), so the bits circuit is
//     built only when it can fit, and its build stops as soon as it
//     certainly exceeds the limit. A bits circuit over the limit is never an
//     error: auto falls back to lookups. Only the user's MaxConstraints
//     fails a build.
//   - Pedersen-committed weights must be the circuit's own Groth16
//     commitment, and so must a segment's boundary (boundary.go); their
//     masks are zeroed, so when other gadgets commit too, the circuit is
//     built again with a random wire in their commitment
//     (Circuit.HideOthers). ModelCommitmentIndex finds the weights'
//     commitment, BoundaryCommitmentIndex checks the boundary's.
//   - Every public input must be in a constraint (CheckPublicWires).
func Build(m *model.Model, vis Visibility, opt BuildOptions) (*Built, error) {
	if opt.RangeCheck > RangeBits {
		return nil, fmt.Errorf("circuit: range-check policy %d is not auto, lookup or bits", opt.RangeCheck)
	}
	if vis.DP != nil && opt.RangeCheck == RangeAuto {
		// Auto prefers bits for small circuits only for their cheaper
		// on-chain verification, which a DP release does not have (the
		// Solidity export refuses it): lookups, the fewer constraints.
		opt.RangeCheck = RangeLookup
	}
	if g, ok := opt.RangeCheck.gadget(); ok {
		b, _, err := buildWith(m, vis, opt.System, g, opt.MaxConstraints)
		return b, err
	}
	limit := opt.AutoBitsMax
	if limit <= 0 {
		limit = ops.AutoBitsMaxConstraints
	}
	b, bits, err := buildWith(m, vis, opt.System, ops.RangeLookup, opt.MaxConstraints)
	if err != nil || bits > limit {
		return b, err
	}
	if opt.MaxConstraints > 0 && opt.MaxConstraints < limit {
		limit = opt.MaxConstraints
	}
	bb, _, err := buildWith(m, vis, opt.System, ops.RangeBits, limit)
	if errors.As(err, new(*ops.BudgetError)) {
		return b, nil // the bits circuit is too large: lookups
	}
	if err != nil {
		return nil, err
	}
	return bb, nil
}

// buildWith compiles the circuit with one range-check gadget, failing with an
// error wrapping *ops.BudgetError once it certainly has more than max
// constraints (max ≤ 0: no limit). It also returns the lower bound on the
// constraints of the same circuit with ops.RangeBits
// (ops.ConstraintBudget.BitsCount).
func buildWith(m *model.Model, vis Visibility, sys System, rangeCheck ops.RangeCheck, max int) (*Built, int, error) {
	circ, err := New(m, vis)
	if err != nil {
		return nil, 0, err
	}
	circ.RangeCheck, circ.MaxConstraints = rangeCheck, max
	if vis.Segmented() {
		if sys != R1CS {
			return nil, 0, errors.New("circuit: a segment's boundaries are bound by a Groth16 commitment: segmented proving needs --backend groth16")
		}
		// A boundary input is range-checked, so a lookup circuit has
		// multicommit's commitment: hide it now rather than rebuild.
		circ.HideOthers = rangeCheck == ops.RangeLookup
	}
	cs, err := compile(circ, sys)
	if err != nil {
		return nil, 0, err
	}
	bits := circ.Cost.BitsCount // before a rebuild can change it
	b := &Built{CS: cs, RangeCheck: rangeCheck}
	if sys == R1CS {
		if err := b.commitments(circ, m, vis); err != nil {
			return nil, 0, err
		}
	}
	if n := b.CS.GetNbConstraints(); max > 0 && n > max {
		return nil, 0, fmt.Errorf("circuit: %w", &ops.BudgetError{Max: max, Count: n, Exact: true})
	}
	if err := CheckPublicWires(b.CS); err != nil {
		return nil, 0, err
	}
	return b, bits, nil
}

func compile(circ *Circuit, sys System) (constraint.ConstraintSystem, error) {
	var cs constraint.ConstraintSystem
	var err error
	if sys == R1CS {
		cs, err = compileR1CS(circ)
	} else {
		cs, err = frontend.Compile(ecc.BN254.ScalarField(), sys.builder(), circ)
	}
	if err != nil {
		if errors.As(err, new(*ops.BudgetError)) {
			return nil, fmt.Errorf("circuit: %w", unwrapBudget(err))
		}
		return nil, fmt.Errorf("circuit: building the circuit: %w", err)
	}
	return cs, nil
}

// unwrapBudget returns the *ops.BudgetError err wraps, without gnark's
// wrapping text.
func unwrapBudget(err error) *ops.BudgetError {
	var be *ops.BudgetError
	errors.As(err, &be)
	return be
}

// commitments records the R1CS's Groth16 commitments and, with
// Pedersen-committed weights, which one is the model's, rebuilding the
// circuit with HideOthers when other gadgets also commit beside the
// weights' or the boundary's commitment.
func (b *Built) commitments(circ *Circuit, m *model.Model, vis Visibility) error {
	cms, _ := b.CS.GetCommitments().(constraint.Groth16Commitments)
	if !vis.PedersenParams() && !vis.Segmented() {
		b.Groth16Commitments = len(cms)
		return nil
	}
	if len(cms) > 1 && !circ.HideOthers {
		circ.HideOthers = true
		cs, err := compile(circ, R1CS)
		if err != nil {
			return err
		}
		b.CS = cs
		cms, _ = cs.GetCommitments().(constraint.Groth16Commitments)
	}
	b.Groth16Commitments = len(cms)
	if vis.Segmented() {
		if _, err := BoundaryCommitmentIndex(b.CS, m, vis); err != nil {
			return err
		}
	}
	if !vis.PedersenParams() {
		return nil
	}
	idx, err := ModelCommitmentIndex(b.CS, m, vis)
	if err != nil {
		return err
	}
	b.ModelCommitmentIndex = &idx
	return nil
}
