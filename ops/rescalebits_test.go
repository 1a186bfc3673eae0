package ops_test

import (
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/consensys/gnark/frontend/cs/scs"

	"github.com/zkinfer/zkinfer/ops"
)

// TestRescaleReluBitsCost: under R1CS a bit-decomposed RescaleRelu by 2^4
// to 12 bits is one decomposition of shift+bits digits, its sum and the
// ReLU's product (shift+bits+2 = 18, and 1 for the result's equality);
// under PLONK's sparse R1CS, where the linear combinations it reads off
// the digits would cost a constraint a term, it keeps the separate checks.
func TestRescaleReluBitsCost(t *testing.T) {
	f := func(a *ops.CircuitArith, x frontend.Variable) frontend.Variable { return a.RescaleRelu(x, 4, 12) }
	var r1csBuilder, scsBuilder frontend.NewBuilder = r1cs.NewBuilder, scs.NewBuilder
	for _, tc := range []struct {
		name    string
		builder frontend.NewBuilder
		want    int
	}{
		{"r1cs", r1csBuilder, 4 + 12 + 2 + 1},
		{"scs", scsBuilder, 37},
	} {
		cs, err := frontend.Compile(ecc.BN254.ScalarField(), tc.builder, &gadget{f: f, bound: true, mode: ops.RangeBits})
		if err != nil {
			t.Fatal(err)
		}
		if got := cs.GetNbConstraints(); got != tc.want {
			t.Errorf("%s: %d constraints, want %d", tc.name, got, tc.want)
		}
	}
}
