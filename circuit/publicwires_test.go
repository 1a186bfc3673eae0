package circuit_test

import (
	"strings"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/consensys/gnark/frontend/cs/scs"

	"github.com/zkinfer/zkinfer/circuit"
)

// twoPublic has public inputs A and B; B is read by a constraint only when
// bindB is set.
type twoPublic struct {
	A, B  frontend.Variable `gnark:",public"`
	X     frontend.Variable
	bindB bool
}

func (c *twoPublic) Define(api frontend.API) error {
	api.AssertIsEqual(api.Mul(c.X, c.X), c.A)
	if c.bindB {
		api.Mul(c.B, c.B)
	}
	return nil
}

// TestCheckPublicWires: a public input that no constraint reads is found,
// under both constraint builders, and one read by a single multiplication
// (how the context is bound) is accepted.
func TestCheckPublicWires(t *testing.T) {
	builders := map[string]frontend.NewBuilder{}
	builders["r1cs"], builders["scs"] = r1cs.NewBuilder, scs.NewBuilder
	for name, b := range builders {
		for _, bind := range []bool{false, true} {
			cs, err := frontend.Compile(ecc.BN254.ScalarField(), b, &twoPublic{bindB: bind})
			if err != nil {
				t.Fatal(err)
			}
			err = circuit.CheckPublicWires(cs)
			if bind && err != nil {
				t.Errorf("%s: B bound: %v", name, err)
			}
			if !bind && (err == nil || !strings.Contains(err.Error(), "public input 1 ")) {
				t.Errorf("%s: B unbound: %v", name, err)
			}
		}
	}
}
