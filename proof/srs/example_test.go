package srs_test

import (
	"fmt"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/plonk"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/scs"

	"github.com/zkinfer/zkinfer/proof/srs"
)

// square proves knowledge of X with X² = Y.
type square struct {
	X frontend.Variable
	Y frontend.Variable `gnark:",public"`
}

func (c *square) Define(api frontend.API) error {
	api.AssertIsEqual(api.Mul(c.X, c.X), c.Y)
	return nil
}

// Load a powers-of-tau file for a PLONK circuit and set up its keys. The
// file here was made by snarkjs with a contribution of our own, so it is
// not a published ceremony's and Warning says so.
func Example() {
	cs, err := frontend.Compile(ecc.BN254.ScalarField(), scs.NewBuilder, &square{})
	if err != nil {
		fmt.Println(err)
		return
	}
	s, err := srs.Load("testdata/pot9.ptau", cs, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s file of power %d, cut to a %d-point domain; published: %v\n", s.Info.Format, s.Info.Power, s.Info.Domain, s.Info.Known)
	fmt.Println(s.Info.Warning() != "")
	if _, _, err := plonk.Setup(cs, &s.Canonical, &s.Lagrange); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("keys made")
	// Output:
	// ptau file of power 9, cut to a 4-point domain; published: false
	// true
	// keys made
}
