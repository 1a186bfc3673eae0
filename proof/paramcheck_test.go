package proof_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/proof"
	"github.com/zkinfer/zkinfer/quant"
)

// TestCompileChecksParamBits: with secret weights, a weight outside the
// parameter bits fails the compile before any circuit or file is made
// (the credit model's inv_std[1] = 8.34 needs more than 16 bits at scale
// 12); with enough bits the same model compiles.
func TestCompileChecksParamBits(t *testing.T) {
	for _, tc := range []struct {
		bits int
		want string // "" for a compile that succeeds
	}{
		{0, "weight inv_std[1] = 8.3"},
		{16, "raise --param-bits"},
		{20, ""},
	} {
		dir := filepath.Join(t.TempDir(), "out")
		vis := circuit.Visibility{Input: circuit.Private, Params: circuit.Hashed, Output: circuit.Public, ParamBits: tc.bits}
		_, err := proof.CompileWith(creditModel, dir, proof.CompileOptions{Quant: quant.Default, Visibility: vis, RangeCheck: circuit.RangeLookup})
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("param bits %d: %v", tc.bits, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("param bits %d: error %v, want one containing %q", tc.bits, err, tc.want)
		}
		if _, statErr := os.Stat(dir); tc.want != "" && statErr == nil {
			t.Errorf("param bits %d: the refused compile wrote %s", tc.bits, dir)
		}
	}
}
