package optest

import (
	"crypto/sha256"
	"fmt"
	"math/big"
	"slices"
	"sync"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/witness"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/constraint/solver"
	"github.com/consensys/gnark/frontend"
	fcs "github.com/consensys/gnark/frontend/cs"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/consensys/gnark/logger"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/ops"
)

// Hint soundness.
//
// A hint is a value the prover computes outside the circuit; the circuit
// is sound only if its constraints pin every hint output: given the
// public and private inputs, no other value may satisfy them. HintSweep
// checks that systematically on the real R1CS solver: it records every
// hint call a satisfying solve makes, then, for each chosen call and
// output, solves again with that one output moved by each delta, and
// reports the perturbations the circuit still accepts.
//
// Solves run on one task, so calls are numbered in a fixed order. gnark's
// commitment placeholder (a Fiat–Shamir challenge the Groth16 prover
// derives from the committed wires) is replaced by a hash of its inputs,
// as the prover does, so perturbing a committed value also moves the
// challenge. Hints whose outputs are unconstrained by design are listed in
// Exempt and never perturbed.

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

var quietOnce sync.Once

// fiatShamir stands in for gnark's commitment placeholder: the challenge
// is a hash of the committed values.
func fiatShamir(field *big.Int, in, out []*big.Int) error {
	h := sha256.New()
	for _, v := range in {
		b := make([]byte, 32)
		v.FillBytes(b)
		h.Write(b)
	}
	out[0].SetBytes(h.Sum(nil))
	out[0].Mod(out[0], field)
	return nil
}

// wrap replaces every registered hint by f(id, name, original).
func wrap(f func(id solver.HintID, name string, h solver.Hint) solver.Hint) []solver.Option {
	opts := []solver.Option{solver.WithNbTasks(1)}
	placeholder := solver.GetHintID(fcs.Bsb22CommitmentComputePlaceholder)
	for _, h := range solver.GetRegisteredHints() {
		id, name := solver.GetHintID(h), solver.GetHintName(h)
		if id == placeholder {
			h = fiatShamir
		}
		opts = append(opts, solver.OverrideHint(id, f(id, name, h)))
	}
	return opts
}

// RecordHints solves cs with the full witness w and returns every hint call
// in the order the solver makes them. The solve must succeed.
func RecordHints(cs constraint.ConstraintSystem, w witness.Witness) ([]HintCall, error) {
	quietOnce.Do(logger.Disable)
	var calls []HintCall
	count := map[solver.HintID]int{}
	opts := wrap(func(id solver.HintID, name string, h solver.Hint) solver.Hint {
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
	opts := wrap(func(id solver.HintID, name string, h solver.Hint) solver.Hint {
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

// CompileR1CS compiles a circuit with gnark's R1CS builder on BN254.
func CompileR1CS(c frontend.Circuit) (constraint.ConstraintSystem, error) {
	return frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, c)
}

// FullWitness returns the full witness of an assignment on BN254.
func FullWitness(a frontend.Circuit) (witness.Witness, error) {
	return frontend.NewWitness(a, ecc.BN254.ScalarField())
}

// SweepCase compiles c's circuit with the range-check gadget mode (see
// ops.NewRangeChecker), assigns the evaluator's inputs and outputs, and
// runs HintSweep on the R1CS; it fails t for every perturbation the circuit
// accepts and returns the hint calls it recorded.
func SweepCase(t *testing.T, c Case, mode string, s Sweep) []HintCall {
	t.Helper()
	m, vals, err := c.Compile()
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	in, err := m.Quantize(vals)
	if err != nil {
		t.Fatal(err)
	}
	out, err := model.Run(m, &ops.IntArith{}, in)
	if err != nil {
		t.Fatalf("evaluator: %v", err)
	}
	circ, err := circuit.New(m, circuit.DefaultVisibility)
	if err != nil {
		t.Fatal(err)
	}
	circ.RangeCheck = mode
	cs, err := CompileR1CS(circ)
	if err != nil {
		t.Fatal(err)
	}
	a, err := circuit.Assign(m, circuit.DefaultVisibility, in, out)
	if err != nil {
		t.Fatal(err)
	}
	a.RangeCheck = mode
	w, err := FullWitness(a)
	if err != nil {
		t.Fatal(err)
	}
	calls, escapes, err := HintSweep(cs, w, s)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range escapes {
		t.Errorf("%s (%s range checks): %v", c.Node.Op, mode, e)
	}
	return calls
}
