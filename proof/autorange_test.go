package proof

import (
	"testing"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/ops"
	"github.com/zkinfer/zkinfer/quant"
)

// TestAutoRangeCheck checks auto's choice, bits exactly when the bits
// circuit has at most ops.AutoBitsMaxConstraints constraints, against
// circuits built with each gadget.
func TestAutoRangeCheck(t *testing.T) {
	hashed := circuit.Visibility{Input: circuit.Private, Params: circuit.Hashed, Output: circuit.Public, ParamCommitment: circuit.Pedersen}
	for _, tc := range []struct {
		model string
		vis   circuit.Visibility
	}{
		{"accuracy", circuit.DefaultVisibility},
		{"accuracy", hashed}, // 197,720 with bits: two lookup commitments must not count twice
		{"large_mlp", circuit.DefaultVisibility},
	} {
		t.Run(tc.model+"/"+tc.vis.Params, func(t *testing.T) {
			path, _ := corpusModel(t, tc.model)
			sizes := map[string]*Compiled{}
			for _, rc := range []string{ops.RangeAuto, ops.RangeBits, ops.RangeLookup} {
				c, err := Compile(path, t.TempDir(), quant.Default, tc.vis, nil, rc)
				if err != nil {
					t.Fatal(err)
				}
				sizes[rc] = c
			}
			want := ops.RangeBits
			if sizes[ops.RangeBits].Settings.Constraints > ops.AutoBitsMaxConstraints {
				want = ops.RangeLookup
			}
			auto := sizes[ops.RangeAuto].Settings
			if auto.RangeCheck != want || auto.Constraints != sizes[want].Settings.Constraints ||
				auto.Groth16Commitments != sizes[want].Settings.Groth16Commitments {
				t.Fatalf("auto gave %s (%d constraints, %d commitments), want %s (%d, %d)", auto.RangeCheck,
					auto.Constraints, auto.Groth16Commitments, want, sizes[want].Settings.Constraints, sizes[want].Settings.Groth16Commitments)
			}
		})
	}
}
