package proof

import (
	"testing"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/internal/testkit"
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
		t.Run(tc.model+"/"+string(tc.vis.Params), func(t *testing.T) {
			path, _ := testkit.CorpusModel(t, tc.model)
			sizes := map[circuit.RangePolicy]*Compiled{}
			for _, rc := range []circuit.RangePolicy{circuit.RangeAuto, circuit.RangeBits, circuit.RangeLookup} {
				c, err := CompileWith(path, t.TempDir(), CompileOptions{Quant: quant.Default, Visibility: tc.vis, RangeCheck: rc})
				if err != nil {
					t.Fatal(err)
				}
				sizes[rc] = c
			}
			want, wantGadget := circuit.RangeBits, ops.RangeBits
			if sizes[circuit.RangeBits].Settings.Constraints > ops.AutoBitsMaxConstraints {
				want, wantGadget = circuit.RangeLookup, ops.RangeLookup
			}
			auto := sizes[circuit.RangeAuto].Settings
			if auto.RangeCheck != wantGadget || auto.Constraints != sizes[want].Settings.Constraints ||
				auto.Groth16Commitments != sizes[want].Settings.Groth16Commitments {
				t.Fatalf("auto gave %s (%d constraints, %d commitments), want %s (%d, %d)", auto.RangeCheck,
					auto.Constraints, auto.Groth16Commitments, want, sizes[want].Settings.Constraints, sizes[want].Settings.Groth16Commitments)
			}
		})
	}
}
