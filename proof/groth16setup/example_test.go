package groth16setup_test

import (
	"fmt"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/groth16"
	cs "github.com/consensys/gnark/constraint/bn254"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"

	"github.com/zkinfer/zkinfer/proof/groth16setup"
)

// cubic proves knowledge of x with x³ + x + 5 = y.
type cubic struct {
	X frontend.Variable
	Y frontend.Variable `gnark:",public"`
}

func (c *cubic) Define(api frontend.API) error {
	x3 := api.Mul(c.X, c.X, c.X)
	api.AssertIsEqual(c.Y, api.Add(x3, c.X, 5))
	return nil
}

// Setup makes keys that gnark's prover and verifier use as their own.
func ExampleSetup() {
	ccs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, &cubic{})
	if err != nil {
		panic(err)
	}
	pk, vk, err := groth16setup.Setup(ccs.(*cs.R1CS))
	if err != nil {
		panic(err)
	}
	w, _ := frontend.NewWitness(&cubic{X: 3, Y: 35}, ecc.BN254.ScalarField())
	pub, _ := w.Public()
	prf, err := groth16.Prove(ccs, pk, w)
	if err != nil {
		panic(err)
	}
	fmt.Println(groth16.Verify(prf, vk, pub) == nil)
	// Output: true
}
