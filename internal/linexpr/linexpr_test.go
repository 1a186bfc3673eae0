package linexpr

import (
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/test"
)

// TestSum: Σ of 0 to 3 terms, and not another value.
func TestSum(t *testing.T) {
	for n := 0; n <= 3; n++ {
		c := &sumOf{N: n}
		w := &sumOf{N: n, Xs: [3]frontend.Variable{2, 3, 4}, Want: []int{0, 2, 5, 9}[n]}
		if err := test.IsSolved(c, w, ecc.BN254.ScalarField()); err != nil {
			t.Fatalf("%d terms: %v", n, err)
		}
		w.Want = []int{0, 2, 5, 9}[n] + 1
		if test.IsSolved(c, w, ecc.BN254.ScalarField()) == nil {
			t.Fatalf("%d terms: a wrong sum accepted", n)
		}
	}
}

// sumOf asserts Σ of the first N of Xs equals Want.
type sumOf struct {
	N    int `gnark:"-"`
	Xs   [3]frontend.Variable
	Want frontend.Variable
}

func (c *sumOf) Define(api frontend.API) error {
	api.AssertIsEqual(Sum(api, c.Xs[:c.N]), c.Want)
	return nil
}
