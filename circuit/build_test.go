package circuit_test

import (
	"errors"
	"testing"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/onnx"
	"github.com/zkinfer/zkinfer/ops"
	"github.com/zkinfer/zkinfer/quant"
)

// TestBuildAutoRangeCheck: auto picks bits when the bit-decomposed circuit
// fits its limit, and falls back to lookups — never an error — when it does
// not, even when the lower bound the lookup build gives passes the limit
// and the finished bits circuit exceeds it (Poseidon2-hashed weights add
// constraints the bound does not count: issue 13's "more than
// --max-constraints 262144" without the flag). Only the user's
// MaxConstraints fails a build.
func TestBuildAutoRangeCheck(t *testing.T) {
	g, err := onnx.Load("../examples/credit/model.onnx")
	if err != nil {
		t.Fatal(err)
	}
	m, err := model.CompileSecret(g, quant.Default, 20)
	if err != nil {
		t.Fatal(err)
	}
	vis := circuit.Visibility{Input: circuit.Private, Params: circuit.Hashed, Output: circuit.Public, ParamCommitment: circuit.Poseidon2, ParamBits: 20}
	count := func(mode ops.RangeCheck) int {
		b, err := circuit.Build(m, vis, circuit.BuildOptions{RangeCheck: policyOf(mode)})
		if err != nil {
			t.Fatal(err)
		}
		if b.RangeCheck != mode {
			t.Fatalf("built %s for %s", b.RangeCheck, mode)
		}
		return b.CS.GetNbConstraints()
	}
	bits, lookup := count(ops.RangeBits), count(ops.RangeLookup)
	if bits <= lookup {
		t.Fatalf("bits %d, lookup %d: the test needs a bits circuit larger than the lookup one", bits, lookup)
	}
	for _, tc := range []struct {
		name         string
		autoMax, max int
		want         ops.RangeCheck
		wantTooLarge bool
	}{
		{"bits fit", bits, 0, ops.RangeBits, false},
		{"bits one over", bits - 1, 0, ops.RangeLookup, false},
		{"bits far over", 10, 0, ops.RangeLookup, false},
		{"user limit between", 0, (bits + lookup) / 2, ops.RangeLookup, false},
		{"user limit at bits", 0, bits, ops.RangeBits, false},
		{"user limit below lookup", 0, lookup - 1, 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := circuit.Build(m, vis, circuit.BuildOptions{RangeCheck: circuit.RangeAuto, AutoBitsMax: tc.autoMax, MaxConstraints: tc.max})
			if tc.wantTooLarge {
				var be *ops.BudgetError
				if !errors.As(err, &be) {
					t.Fatalf("got %v, want a budget error", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if b.RangeCheck != tc.want {
				t.Fatalf("picked %s (%d constraints), want %s", b.RangeCheck, b.CS.GetNbConstraints(), tc.want)
			}
		})
	}
}

// policyOf is the fixed policy of a gadget.
func policyOf(g ops.RangeCheck) circuit.RangePolicy {
	if g == ops.RangeBits {
		return circuit.RangeBits
	}
	return circuit.RangeLookup
}
