package ops_test

import (
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"

	"github.com/zkinfer/zkinfer/internal/optest"
	"github.com/zkinfer/zkinfer/ops"
)

// checkCircuit range-checks V as a model's circuit does (optest.Arith:
// the gadget of mode behind the constraint budget): unsigned
// 0 ≤ V < 2^bits, or signed -2^(bits-1) ≤ V < 2^(bits-1).
type checkCircuit struct {
	V      frontend.Variable
	bits   int
	mode   ops.RangeCheck
	signed bool
}

func (c *checkCircuit) Define(api frontend.API) error {
	a := optest.Arith(api, c.mode)
	if c.signed {
		a.CheckSigned(c.V, c.bits)
	} else {
		a.Range.Check(c.V, c.bits)
	}
	return nil
}

// TestRangeCheckSoundness: the range checks every gadget rests on accept
// exactly their range, at both ends, as the model's circuit wires them
// (through the constraint budget's wrapper), under both gadgets; a
// zero-width check accepts 0 only.
func TestRangeCheckSoundness(t *testing.T) {
	field := ecc.BN254.ScalarField()
	for _, mode := range []ops.RangeCheck{ops.RangeBits, ops.RangeLookup} {
		widths := []int{0, 1, 5, 12, 40}
		for _, bits := range widths {
			for _, signed := range []bool{false, true} {
				if signed && bits == 0 {
					continue
				}
				lo, hi := big.NewInt(0), new(big.Int).Lsh(big.NewInt(1), uint(bits)) // [lo, hi)
				if signed {
					hi.Rsh(hi, 1)
					lo.Neg(hi)
				}
				for _, c := range []struct {
					v  *big.Int
					ok bool
				}{
					{lo, true}, {new(big.Int).Sub(hi, big.NewInt(1)), true},
					{hi, false}, {new(big.Int).Sub(lo, big.NewInt(1)), false},
				} {
					cs, err := optest.CompileR1CS(&checkCircuit{bits: bits, mode: mode, signed: signed})
					if err != nil {
						t.Fatal(err)
					}
					w, err := optest.FullWitness(&checkCircuit{V: new(big.Int).Mod(c.v, field), bits: bits, mode: mode, signed: signed})
					if err != nil {
						t.Fatal(err)
					}
					if _, err := optest.Solve(cs, w, optest.Attack{}); (err == nil) != c.ok {
						t.Errorf("%s, %d bits, signed %v: v = %v solved: %v, want %v", mode, bits, signed, c.v, err == nil, c.ok)
					}
				}
			}
		}
	}
}
