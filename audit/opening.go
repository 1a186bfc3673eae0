package audit

import (
	"math/big"

	"github.com/consensys/gnark/frontend"

	"github.com/zkinfer/zkinfer/ops"
)

// OpenCircuit constrains features ([record][feature]), labels, groups
// ([column][record]) and salt to open a dataset commitment of schema s,
// and returns the commitment for the caller to assert equal to its public
// input: the circuit half of Records.Commitment, for statements other than
// an audit's (package query) over the same commitment. Every value is
// range-checked to its packed width first, which makes the packing
// injective: a feature to s.Bits signed bits, a label to [0, Classes), a
// group value to {0, 1}.
func OpenCircuit(api frontend.API, rc ops.RangeChecker, s *Schema, features [][]frontend.Variable, labels []frontend.Variable, groups [][]frontend.Variable, salt frontend.Variable) (frontend.Variable, error) {
	fw, lw, gw := s.widths()
	half := big.NewInt(1 << (fw - 1))
	var vals []frontend.Variable
	var widths []int
	for r, rec := range features {
		for _, v := range rec {
			v = api.Add(v, half)
			rc.Check(v, fw)
			vals, widths = append(vals, v), append(widths, fw)
		}
		rc.Check(labels[r], lw)
		if s.Classes < 1<<lw {
			rc.Check(api.Sub(s.Classes-1, labels[r]), lw)
		}
		vals, widths = append(vals, labels[r]), append(widths, lw)
		for g := range groups {
			api.AssertIsBoolean(groups[g][r])
			vals, widths = append(vals, groups[g][r]), append(widths, gw)
		}
	}
	return hashCircuit(api, s.header(), packCircuit(api, vals, widths), salt)
}
