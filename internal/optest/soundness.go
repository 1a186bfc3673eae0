package optest

import (
	"fmt"
	"math/big"
	"slices"

	"github.com/consensys/gnark/backend/witness"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/constraint/solver"
	fcs "github.com/consensys/gnark/frontend/cs"
)

// Hint soundness.
//
// A hint is a value the prover computes outside the circuit; the circuit
// is sound only if its constraints pin every hint output: given the
// inputs, no other value may satisfy them. HintSweep checks that
// systematically on the real R1CS solver: it records every hint call a
// satisfying solve makes, then, for each chosen call and output, solves
// again with that one output moved by each delta, and reports the
// perturbations the circuit still accepts.
//
// The circuits swept must leave their results free: computed wires that
// no constraint compares with a witness value (FreeCircuit here,
// circuit.LooseOutputs for a model's circuit). Everything downstream of a
// moved output is then re-solved honestly by the solver, so a perturbation
// that changes the result is rejected only if the gadget's own constraints
// reject it; with the honest outputs in the witness, the final equality
// would reject it whether those constraints exist or not.
//
// Solves run as solve.go describes: on one task, so calls are numbered in
// a fixed order, with the commitment's challenge a hash of the committed
// values, so perturbing a committed value also moves the challenge. Hints
// whose outputs are unconstrained by design are listed in Exempt and never
// perturbed.

// Exempt maps the hints that no constraint pins, by design, to the reason.
var Exempt = map[string]string{
	solver.GetHintName(fcs.Bsb22CommitmentComputePlaceholder): "the commitment's challenge: the Groth16 verifier recomputes it from the commitment (a hash), the circuit cannot",
	"github.com/consensys/gnark/internal/hints.Randomize":     "a random mask that hides the commitment; any value is valid",
	"github.com/zkinfer/zkinfer/circuit.hidingMaskHint":       "a random wire that hides the other commitments; any value is valid",
}

// HintCall is one call of a hint during a solve.
type HintCall struct {
	ID      solver.HintID
	Name    string
	Call    int // index among the calls of this hint
	Outputs int
}

func (h HintCall) String() string {
	return fmt.Sprintf("%s call %d (%d outputs)", h.Name, h.Call, h.Outputs)
}

// Escape is a perturbation the circuit accepted: a soundness bug.
type Escape struct {
	Call   HintCall
	Output int
	Delta  *big.Int
}

func (e Escape) String() string {
	return fmt.Sprintf("%v: output %d moved by %v still satisfies the circuit", e.Call, e.Output, e.Delta)
}

// RecordHints solves cs with the full witness w and returns every hint call
// in the order the solver makes them. The solve must succeed.
func RecordHints(cs constraint.ConstraintSystem, w witness.Witness) ([]HintCall, error) {
	var calls []HintCall
	count := map[solver.HintID]int{}
	opts := wrap(nil, func(id solver.HintID, name string, h solver.Hint) solver.Hint {
		return func(field *big.Int, in, out []*big.Int) error {
			calls = append(calls, HintCall{ID: id, Name: name, Call: count[id], Outputs: len(out)})
			count[id]++
			return h(field, in, out)
		}
	})
	if err := cs.IsSolved(w, opts...); err != nil {
		return nil, fmt.Errorf("the honest witness does not satisfy the circuit: %w", err)
	}
	return calls, nil
}

// Solves reports whether cs accepts w when output k of call c is moved by
// delta (modulo the field).
func Solves(cs constraint.ConstraintSystem, w witness.Witness, c HintCall, k int, delta *big.Int) bool {
	n := 0
	opts := wrap(nil, func(id solver.HintID, name string, h solver.Hint) solver.Hint {
		if id != c.ID {
			return h
		}
		return func(field *big.Int, in, out []*big.Int) error {
			err := h(field, in, out)
			if n == c.Call && k < len(out) {
				out[k].Add(out[k], delta).Mod(out[k], field)
			}
			n++
			return err
		}
	})
	return cs.IsSolved(w, opts...) == nil
}

// Sweep chooses the perturbations HintSweep tries.
type Sweep struct {
	// Deltas are added to each chosen output (nil: +1 and -1).
	Deltas []*big.Int
	// Calls, when > 0, limits the calls of each hint to this many, spread
	// from the first to the last; Outputs likewise limits the outputs of
	// each call. 0 means all.
	Calls, Outputs int
}

// HintSweep records the hint calls of cs under w and perturbs each chosen
// output of each chosen call; it returns the calls it recorded and every
// perturbation the circuit accepted (none, for a sound circuit).
func HintSweep(cs constraint.ConstraintSystem, w witness.Witness, s Sweep) ([]HintCall, []Escape, error) {
	calls, err := RecordHints(cs, w)
	if err != nil {
		return nil, nil, err
	}
	deltas := s.Deltas
	if deltas == nil {
		deltas = []*big.Int{big.NewInt(1), big.NewInt(-1)}
	}
	byID := map[solver.HintID][]HintCall{}
	var ids []solver.HintID
	for _, c := range calls {
		if _, exempt := Exempt[c.Name]; exempt {
			continue
		}
		if _, seen := byID[c.ID]; !seen {
			ids = append(ids, c.ID)
		}
		byID[c.ID] = append(byID[c.ID], c)
	}
	var escapes []Escape
	for _, id := range ids {
		for _, c := range spread(byID[id], s.Calls) {
			outs := make([]int, c.Outputs)
			for i := range outs {
				outs[i] = i
			}
			for _, k := range spread(outs, s.Outputs) {
				for _, d := range deltas {
					if Solves(cs, w, c, k, d) {
						escapes = append(escapes, Escape{Call: c, Output: k, Delta: d})
					}
				}
			}
		}
	}
	return calls, escapes, nil
}

// spread returns at most n elements of xs (all when n ≤ 0), evenly spaced
// from the first to the last.
func spread[T any](xs []T, n int) []T {
	if n <= 0 || len(xs) <= n {
		return xs
	}
	if n == 1 {
		return xs[:1]
	}
	out := make([]T, 0, n)
	for i := range n {
		out = append(out, xs[i*(len(xs)-1)/(n-1)])
	}
	return slices.Clip(out)
}
