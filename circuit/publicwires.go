package circuit

import (
	"fmt"

	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/frontend"
)

// CheckPublicWires fails unless every public input of cs appears in at
// least one constraint. In Groth16 the verifying key's point for a public
// input that no constraint reads is zero, so its value in a valid proof can
// be changed by anyone (a malleable public input); in PLONK it would be
// bound to a wire nothing checks. Compile runs this on every circuit.
func CheckPublicWires(cs constraint.ConstraintSystem) error {
	nPub := cs.GetNbPublicVariables()
	first := 0
	seen := make([]bool, nPub)
	mark := func(vid uint32) {
		if int(vid) < nPub {
			seen[vid] = true
		}
	}
	// A BN254 constraint system implements both iterators; its commitments'
	// type tells which kind it is.
	switch cs.GetCommitments().(type) {
	case constraint.Groth16Commitments:
		s, ok := cs.(interface{ GetR1CIterator() constraint.R1CIterator })
		if !ok {
			return fmt.Errorf("circuit: cannot read the constraints of a %T", cs)
		}
		first = 1 // wire 0 is the constant 1
		it := s.GetR1CIterator()
		for c := it.Next(); c != nil; c = it.Next() {
			for _, le := range []constraint.LinearExpression{c.L, c.R, c.O} {
				for _, t := range le {
					if t.CID != constraint.CoeffIdZero {
						mark(t.VID) // a constant's VID is MaxUint32: ignored
					}
				}
			}
		}
	case constraint.PlonkCommitments:
		s, ok := cs.(interface {
			GetSparseR1CIterator() constraint.SparseR1CIterator
		})
		if !ok {
			return fmt.Errorf("circuit: cannot read the constraints of a %T", cs)
		}
		it := s.GetSparseR1CIterator()
		for c := it.Next(); c != nil; c = it.Next() {
			if c.QL != constraint.CoeffIdZero {
				mark(c.XA)
			}
			if c.QR != constraint.CoeffIdZero {
				mark(c.XB)
			}
			if c.QM != constraint.CoeffIdZero {
				mark(c.XA)
				mark(c.XB)
			}
			if c.QO != constraint.CoeffIdZero {
				mark(c.XC)
			}
		}
	default:
		return fmt.Errorf("circuit: cannot check the public inputs of a %T", cs)
	}
	for i := first; i < nPub; i++ {
		if !seen[i] {
			return fmt.Errorf("circuit: public input %d is in no constraint, so a proof would not bind it", i-first)
		}
	}
	return nil
}

// CompileR1CS compiles a circuit of another package (an audit, a query, an
// aggregation) to a BN254 R1CS for Groth16 and runs CheckPublicWires on it,
// as Compile does for a model's circuit; pkg names the package in errors.
func CompileR1CS(pkg string, c frontend.Circuit) (constraint.ConstraintSystem, error) {
	cs, err := compileR1CS(c)
	if err != nil {
		return nil, fmt.Errorf("%s: building the circuit: %w", pkg, err)
	}
	if err := CheckPublicWires(cs); err != nil {
		return nil, err
	}
	return cs, nil
}
