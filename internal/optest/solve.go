package optest

import (
	"crypto/sha256"
	"fmt"
	"math/big"
	"sync"

	"github.com/consensys/gnark/backend/witness"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/constraint/solver"
	fcs "github.com/consensys/gnark/frontend/cs"
	"github.com/consensys/gnark/logger"
)

// The suite's solver. Every solve of the suite runs on gnark's R1CS solver
// on one task, so that hint calls come in a fixed order, with these hints
// replaced:
//
//   - gnark's commitment placeholder by fiatShamir, a hash of the committed
//     values, as the Groth16 prover derives the challenge from the
//     commitment: a prover who moves a committed value moves the challenge;
//   - the commitment masks (Exempt: any value is valid) by 0, as
//     proof.ProveWith does for gnark's, so that two solves of the same
//     values draw the same challenge and an attack can be replayed.

var quietOnce sync.Once

// masks are the hints whose outputs hide a commitment and are fixed at 0.
var masks = map[string]bool{
	"github.com/consensys/gnark/internal/hints.Randomize": true,
	"github.com/zkinfer/zkinfer/circuit.hidingMaskHint":   true,
}

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

func zero(_ *big.Int, _, out []*big.Int) error {
	for _, o := range out {
		o.SetUint64(0)
	}
	return nil
}

// placeholderID is the ID of gnark's commitment placeholder.
var placeholderID = solver.GetHintID(fcs.Bsb22CommitmentComputePlaceholder)

// wrap returns the suite's solver options: every registered hint replaced
// as above, then by replace[id] when set, then wrapped by f.
func wrap(replace map[solver.HintID]solver.Hint, f func(id solver.HintID, name string, h solver.Hint) solver.Hint) []solver.Option {
	quietOnce.Do(logger.Disable)
	opts := []solver.Option{solver.WithNbTasks(1)}
	for _, h := range solver.GetRegisteredHints() {
		id, name := solver.GetHintID(h), solver.GetHintName(h)
		switch {
		case replace[id] != nil:
			h = replace[id]
		case id == placeholderID:
			h = fiatShamir
		case masks[name]:
			h = zero
		}
		opts = append(opts, solver.OverrideHint(id, f(id, name, h)))
	}
	return opts
}

// Attack is a dishonest prover's solve: hints replaced by its own.
type Attack struct {
	// Hints replaces hints, by ID.
	Hints map[solver.HintID]solver.Hint
	// Challenges, when set, are the commitments' challenges in the order
	// they are drawn, in place of hashes of the committed values: what a
	// prover could do if the challenge did not depend on what it commits
	// to. An attack that succeeds with fixed challenges and fails without
	// shows that the commitment is what stops it.
	Challenges []*big.Int
}

// Solve solves cs with the full witness w as the suite does, with a's
// replacements; it returns the challenges the commitments drew, in order
// (those drawn before a failing constraint, when the solve fails), and the
// solver's error.
func Solve(cs constraint.ConstraintSystem, w witness.Witness, a Attack) ([]*big.Int, error) {
	replace := map[solver.HintID]solver.Hint{}
	for id, h := range a.Hints {
		replace[id] = h
	}
	if a.Challenges != nil {
		n := 0
		replace[placeholderID] = func(_ *big.Int, _, out []*big.Int) error {
			if n >= len(a.Challenges) {
				return fmt.Errorf("optest: %d challenges fixed, the circuit draws more", len(a.Challenges))
			}
			out[0].Set(a.Challenges[n])
			n++
			return nil
		}
	}
	var drawn []*big.Int
	opts := wrap(replace, func(id solver.HintID, _ string, h solver.Hint) solver.Hint {
		if id != placeholderID {
			return h
		}
		return func(field *big.Int, in, out []*big.Int) error {
			err := h(field, in, out)
			drawn = append(drawn, new(big.Int).Set(out[0]))
			return err
		}
	})
	return drawn, cs.IsSolved(w, opts...)
}

// Constant is a hint that returns vals, whatever its inputs: a prover's
// chosen outputs.
func Constant(vals []*big.Int) solver.Hint {
	return func(field *big.Int, _, out []*big.Int) error {
		if len(out) != len(vals) {
			return fmt.Errorf("optest: %d values for %d outputs", len(vals), len(out))
		}
		for i, v := range vals {
			out[i].Mod(v, field)
		}
		return nil
	}
}
