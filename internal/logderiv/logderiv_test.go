package logderiv

import (
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/test"
)

// identity asserts the log-derivative identity for a 4-row table at a
// challenge given as a witness (a test of the algebra; in a circuit ch
// comes from a commitment).
type identity struct {
	Ch      frontend.Variable
	Rows    [4]frontend.Variable
	Counts  [4]frontend.Variable
	Queries [3]frontend.Variable
}

func (c *identity) Define(api frontend.API) error {
	AssertEqual(api, c.Ch, c.Rows[:], c.Counts[:], c.Queries[:])
	return nil
}

func TestAssertEqual(t *testing.T) {
	rows := [4]frontend.Variable{3, 5, 7, 11}
	for _, tc := range []struct {
		name    string
		counts  [4]frontend.Variable
		queries [3]frontend.Variable
		ok      bool
	}{
		{"every query a row", [4]frontend.Variable{1, 0, 2, 0}, [3]frontend.Variable{7, 3, 7}, true},
		{"one row three times", [4]frontend.Variable{0, 0, 0, 3}, [3]frontend.Variable{11, 11, 11}, true},
		{"query outside the table", [4]frontend.Variable{1, 0, 1, 0}, [3]frontend.Variable{7, 3, 8}, false},
		{"counts off by one", [4]frontend.Variable{1, 1, 1, 0}, [3]frontend.Variable{7, 3, 7}, false},
		{"counts of another table", [4]frontend.Variable{0, 3, 0, 0}, [3]frontend.Variable{7, 3, 7}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := &identity{Ch: 1000003, Rows: rows, Counts: tc.counts, Queries: tc.queries}
			err := test.IsSolved(&identity{}, w, ecc.BN254.ScalarField())
			if tc.ok && err != nil {
				t.Fatalf("rejected: %v", err)
			}
			if !tc.ok && err == nil {
				t.Fatal("accepted")
			}
		})
	}
}
