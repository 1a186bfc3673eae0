package ops_test

import (
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/consensys/gnark/test"

	"github.com/zkinfer/zkinfer/ops"
)

type rangeCircuit struct {
	V    frontend.Variable
	bits int
	mode ops.RangeCheck
}

func (c *rangeCircuit) Define(api frontend.API) error {
	ops.NewRangeChecker(api, c.mode).Check(c.V, c.bits)
	return nil
}

// TestBitRange: bit decomposition accepts exactly [0, 2^bits), like the
// lookup checker.
func TestBitRange(t *testing.T) {
	field := ecc.BN254.ScalarField()
	for _, mode := range []ops.RangeCheck{ops.RangeBits, ops.RangeLookup} {
		for _, bits := range []int{1, 8, 24, 63} {
			top := new(big.Int).Lsh(big.NewInt(1), uint(bits))
			cases := map[string]struct {
				v  *big.Int
				ok bool
			}{
				"0":          {big.NewInt(0), true},
				"1":          {big.NewInt(1), true},
				"2^bits-1":   {new(big.Int).Sub(top, big.NewInt(1)), true},
				"2^bits":     {top, false},
				"2^bits+1":   {new(big.Int).Add(top, big.NewInt(1)), false},
				"-1":         {new(big.Int).Sub(field, big.NewInt(1)), false},
				"-2^bits":    {new(big.Int).Sub(field, top), false},
				"r-2^bits+1": {new(big.Int).Add(new(big.Int).Sub(field, top), big.NewInt(1)), false},
			}
			for name, tc := range cases {
				err := test.IsSolved(&rangeCircuit{bits: bits, mode: mode}, &rangeCircuit{V: tc.v, bits: bits, mode: mode}, field)
				if (err == nil) != tc.ok {
					t.Errorf("%s, %d bits, v = %s: solved = %v, want %v", mode, bits, name, err == nil, tc.ok)
				}
			}
		}
	}
}

// TestBitRangeHasNoCommitment: the bits gadget compiles to plain R1CS,
// which the one-commitment Solidity verifier and cheaper gas need; lookup
// uses a commitment.
func TestBitRangeHasNoCommitment(t *testing.T) {
	for mode, want := range map[ops.RangeCheck]int{ops.RangeBits: 0, ops.RangeLookup: 1} {
		cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, &rangeCircuit{bits: 24, mode: mode})
		if err != nil {
			t.Fatal(err)
		}
		got := len(cs.GetCommitments().(constraint.Groth16Commitments))
		if got != want {
			t.Errorf("%s: %d commitments, want %d", mode, got, want)
		}
		if mode == ops.RangeBits && cs.GetNbConstraints() != 25 {
			t.Errorf("bits: %d constraints for one 24-bit check, want 25", cs.GetNbConstraints())
		}
	}
}

// TestRangeCheckText: settings.json names the gadgets "lookup" and
// "bits"; anything else (auto, which circuit.Build resolves, or the empty
// string of an old directory) is an error, never a default.
func TestRangeCheckText(t *testing.T) {
	for _, g := range []ops.RangeCheck{ops.RangeLookup, ops.RangeBits} {
		b, err := g.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var back ops.RangeCheck
		if err := back.UnmarshalText(b); err != nil || back != g {
			t.Errorf("%s: read back %v, %v", b, back, err)
		}
	}
	for _, bad := range []string{"", "auto", "bit", "LOOKUP"} {
		var r ops.RangeCheck
		if err := r.UnmarshalText([]byte(bad)); err == nil {
			t.Errorf("%q accepted as %s", bad, r)
		}
	}
	if _, err := ops.RangeCheck(7).MarshalText(); err == nil {
		t.Error("an unknown gadget was written")
	}
}
