// Package synth holds the synthetic circuit the benchmarks compare zkinfer
// against: gnark with nothing of zkinfer's around it, at a given
// constraint count.
package synth

import (
	"fmt"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
)

// Chain is a circuit of N constraints: x ← x·x + i, N−1 times, then the
// result asserted equal to the public Y. It has about as many wires as
// constraints, like a model's circuit, and no commitment.
type Chain struct {
	X frontend.Variable
	Y frontend.Variable `gnark:",public"`
	N int               `gnark:"-"`
}

// Define implements frontend.Circuit.
func (c *Chain) Define(api frontend.API) error {
	x := c.X
	for i := range c.N - 1 {
		x = api.Add(api.Mul(x, x), i)
	}
	api.AssertIsEqual(x, c.Y)
	return nil
}

// Compile compiles the chain of n constraints for BN254.
func Compile(n int) (constraint.ConstraintSystem, error) {
	if n < 2 {
		return nil, fmt.Errorf("synthetic circuit of %d constraints: want at least 2", n)
	}
	return frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, &Chain{N: n})
}

// Assignment is a satisfying assignment of the chain of n constraints
// with X = x, computed in the field.
func Assignment(n int, x uint64) *Chain {
	var v, t = newElement(x), newElement(0)
	for i := range n - 1 {
		t.Mul(&v, &v)
		v.Add(&t, newElementPtr(uint64(i)))
	}
	return &Chain{X: x, Y: v.String(), N: n}
}
