package synth

import (
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"
)

func TestChain(t *testing.T) {
	for _, n := range []int{2, 3, 100} {
		ccs, err := Compile(n)
		if err != nil {
			t.Fatal(err)
		}
		if got := ccs.GetNbConstraints(); got != n {
			t.Errorf("n=%d: %d constraints", n, got)
		}
		w, err := frontend.NewWitness(Assignment(n, 3), ecc.BN254.ScalarField())
		if err != nil {
			t.Fatal(err)
		}
		if err := ccs.IsSolved(w); err != nil {
			t.Errorf("n=%d: the assignment does not satisfy the chain: %v", n, err)
		}
		bad := Assignment(n, 3)
		bad.Y = 1
		w, _ = frontend.NewWitness(bad, ecc.BN254.ScalarField())
		if ccs.IsSolved(w) == nil {
			t.Errorf("n=%d: a wrong result satisfies the chain", n)
		}
	}
	if _, err := Compile(1); err == nil {
		t.Error("Compile(1) succeeded")
	}
}
