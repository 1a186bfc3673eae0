package optest

import (
	"math/big"
	"testing"

	"github.com/consensys/gnark/frontend"

	"github.com/zkinfer/zkinfer/ops"
)

// halfCircuit proves Y = X/2 for even X with a hinted quotient; Loose drops
// the constraint that pins it, Unused adds a hint output nothing reads.
type halfCircuit struct {
	X, Y          frontend.Variable `gnark:",public"`
	Loose, Unused bool              `gnark:"-"`
}

func (c *halfCircuit) Define(api frontend.API) error {
	res, err := api.Compiler().NewHint(ops.DivHint, 2, c.X, 2)
	if err != nil {
		return err
	}
	if !c.Loose {
		api.AssertIsEqual(c.X, api.Mul(res[0], 2))
		api.AssertIsEqual(res[1], 0)
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
// pins, and nothing for a circuit that pins them all.
func TestHintSweepFindsEscapes(t *testing.T) {
	for _, c := range []struct {
		name          string
		loose, unused bool
		escapes       int
	}{{"sound", false, false, 0}, {"loose quotient", true, false, 4}, {"unused output", false, true, 2}} {
		t.Run(c.name, func(t *testing.T) {
			cs, err := CompileR1CS(&halfCircuit{Loose: c.loose, Unused: c.unused})
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
