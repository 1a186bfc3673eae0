package ops

import (
	"fmt"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/consensys/gnark/frontend/cs/scs"
	"github.com/consensys/gnark/test"
)

// mulZeroCircuit asserts A·B = 0 (A·k = 0 for the constant k when set,
// and (A+1)·(B−1) = 0 too when shifted: operands that are linear
// combinations, not wires).
type mulZeroCircuit struct {
	A, B    frontend.Variable
	k       *int
	shifted bool
}

func (c *mulZeroCircuit) Define(api frontend.API) error {
	a := &CircuitArith{API: api}
	switch {
	case c.k != nil:
		a.assertMulZero(c.A, *c.k)
	case c.shifted:
		a.assertMulZero(api.Add(c.A, 1), api.Sub(c.B, 1))
	default:
		a.assertMulZero(c.A, c.B)
	}
	return nil
}

// TestGadgetMulZero: a·b = 0 is accepted exactly when a factor is 0, on
// every path (the one R1C of gnark's R1CS builder, PLONK's builder and
// gnark's test engine: Mul and AssertIsEqual), with wires, linear
// combinations and a constant factor; under R1CS it is one constraint,
// and a Groth16 proof of it verifies (the setup and the prover read the
// added constraint as they read gnark's own).
func TestGadgetMulZero(t *testing.T) {
	two, zero := 2, 0
	cases := []struct {
		name    string
		k       *int
		shifted bool
		a, b    int
		ok      bool
	}{
		{"a zero", nil, false, 0, 5, true},
		{"b zero", nil, false, 5, 0, true},
		{"both zero", nil, false, 0, 0, true},
		{"neither", nil, false, 2, 3, false},
		{"a = -1 shifted", nil, true, -1, 7, true},
		{"b = 1 shifted", nil, true, 7, 1, true},
		{"neither shifted", nil, true, 0, 0, false},
		{"constant 2, a zero", &two, false, 0, 0, true},
		{"constant 2, a nonzero", &two, false, 3, 0, false},
		{"constant 0", &zero, false, 3, 0, true},
	}
	for _, tc := range cases {
		circ := &mulZeroCircuit{k: tc.k, shifted: tc.shifted}
		assign := &mulZeroCircuit{A: tc.a, B: tc.b, k: tc.k, shifted: tc.shifted}
		w, err := frontend.NewWitness(assign, ecc.BN254.ScalarField())
		if err != nil {
			t.Fatal(err)
		}
		t.Run(tc.name+"/engine", func(t *testing.T) {
			if err := test.IsSolved(circ, assign, ecc.BN254.ScalarField()); (err == nil) != tc.ok {
				t.Errorf("a=%d b=%d: solved %v, want %v", tc.a, tc.b, err == nil, tc.ok)
			}
		})
		for _, b := range []struct {
			name string
			nb   frontend.NewBuilderGeneric[constraint.U64]
		}{{"r1cs", r1cs.NewBuilder[constraint.U64]}, {"scs", scs.NewBuilder[constraint.U64]}} {
			t.Run(tc.name+"/"+b.name, func(t *testing.T) {
				cs, err := frontend.Compile(ecc.BN254.ScalarField(), b.nb, circ)
				if err != nil {
					t.Fatal(err)
				}
				if err := cs.IsSolved(w); (err == nil) != tc.ok {
					t.Errorf("a=%d b=%d: solved %v, want %v", tc.a, tc.b, err == nil, tc.ok)
				}
				if b.name == "r1cs" && tc.k == nil && cs.GetNbConstraints() != 1 {
					t.Errorf("%d constraints, want 1", cs.GetNbConstraints())
				}
			})
		}
	}
}

// TestGadgetMulZeroGroth16: a proof of the one-constraint form verifies,
// and a witness with a·b ≠ 0 cannot be proven.
func TestGadgetMulZeroGroth16(t *testing.T) {
	cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, &mulZeroCircuit{shifted: true})
	if err != nil {
		t.Fatal(err)
	}
	if n := countR1C(cs); n != 1 {
		t.Fatalf("%d R1Cs, want 1", n)
	}
	pk, vk, err := groth16.Setup(cs)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ a, b int }{{-1, 9}, {4, 1}, {2, 2}} {
		t.Run(fmt.Sprintf("a=%d b=%d", tc.a, tc.b), func(t *testing.T) {
			ok := tc.a == -1 || tc.b == 1
			w, err := frontend.NewWitness(&mulZeroCircuit{A: tc.a, B: tc.b, shifted: true}, ecc.BN254.ScalarField())
			if err != nil {
				t.Fatal(err)
			}
			proof, err := groth16.Prove(cs, pk, w)
			if (err == nil) != ok {
				t.Fatalf("prove: %v, want success %v", err, ok)
			}
			if !ok {
				return
			}
			pub, err := w.Public()
			if err != nil {
				t.Fatal(err)
			}
			if err := groth16.Verify(proof, vk, pub); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// countR1C counts the R1Cs the system's iterator hands out (what
// Groth16's setup reads).
func countR1C(cs constraint.ConstraintSystem) int {
	it := cs.(interface{ GetR1CIterator() constraint.R1CIterator }).GetR1CIterator()
	n := 0
	for r := it.Next(); r != nil; r = it.Next() {
		n++
	}
	return n
}
