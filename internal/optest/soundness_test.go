package optest

import (
	"math/big"
	"testing"

	"github.com/consensys/gnark/frontend"

	"github.com/zkinfer/zkinfer/ops"
)

// halfCircuit computes q = X/2 for even X with a hinted quotient and
// remainder: X = 2q and r = 0 pin them. Loose drops every constraint,
// Unchecked drops X = 2q only; Bound binds q to the public Y; Unused adds a
// hint output nothing reads.
type halfCircuit struct {
	X, Y                            frontend.Variable `gnark:",public"`
	Loose, Unchecked, Bound, Unused bool              `gnark:"-"`
}

func (c *halfCircuit) Define(api frontend.API) error {
	res, err := api.Compiler().NewHint(ops.DivHint, 2, c.X, 2)
	if err != nil {
		return err
	}
	if !c.Loose {
		if !c.Unchecked {
			api.AssertIsEqual(c.X, api.Mul(res[0], 2))
		}
		api.AssertIsEqual(res[1], 0)
	}
	if c.Bound {
		api.AssertIsEqual(res[0], c.Y)
	}
	if c.Unused {
		if _, err := api.Compiler().NewHint(ops.SignHint, 1, c.X); err != nil {
			return err
		}
	}
	return nil
}

// TestHintSweepFindsEscapes: the sweep reports a hint output no constraint
// pins, and nothing for a circuit that pins them all. A missing check is
// found only with the result free: bound to the honest output, the final
// equality rejects a moved quotient whether the check exists or not.
func TestHintSweepFindsEscapes(t *testing.T) {
	for _, c := range []struct {
		name    string
		circuit halfCircuit
		escapes int
	}{
		{"sound", halfCircuit{}, 0},
		{"sound, bound", halfCircuit{Bound: true}, 0},
		{"loose quotient", halfCircuit{Loose: true}, 4},
		{"loose quotient, bound", halfCircuit{Loose: true, Bound: true}, 2},
		{"unchecked quotient", halfCircuit{Unchecked: true}, 2},
		{"unchecked quotient, bound (escapes unseen)", halfCircuit{Unchecked: true, Bound: true}, 0},
		{"unused output", halfCircuit{Unused: true}, 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			cs, err := CompileR1CS(&c.circuit)
			if err != nil {
				t.Fatal(err)
			}
			w, err := FullWitness(&halfCircuit{X: 10, Y: 5})
			if err != nil {
				t.Fatal(err)
			}
			calls, escapes, err := HintSweep(cs, w, Sweep{})
			if err != nil {
				t.Fatal(err)
			}
			if len(calls) == 0 || len(escapes) != c.escapes {
				t.Fatalf("%d calls, escapes %v; want %d escapes", len(calls), escapes, c.escapes)
			}
			if !Solves(cs, w, calls[0], 0, big.NewInt(0)) {
				t.Fatal("a zero perturbation breaks the honest solve")
			}
		})
	}
}
