package groth16setup_test

import (
	"slices"
	"testing"

	"github.com/consensys/gnark/constraint"

	"github.com/zkinfer/zkinfer/proof/groth16setup"
)

// TestBadInput: a constraint system whose commitment bookkeeping does not
// fit its wires is an error on one line, not a panic or wrong keys.
func TestBadInput(t *testing.T) {
	if _, _, err := groth16setup.Setup(nil); err == nil {
		t.Fatal("no error for a nil constraint system")
	}
	for _, tc := range []struct {
		name string
		edit func(cms constraint.Groth16Commitments) constraint.Commitments
	}{
		{"plonk commitments", func(constraint.Groth16Commitments) constraint.Commitments { return constraint.PlonkCommitments{} }},
		{"committed wire out of range", func(cms constraint.Groth16Commitments) constraint.Commitments {
			cms[0].PrivateCommitted = append(slices.Clone(cms[0].PrivateCommitted), 1<<30)
			return cms
		}},
		{"committed wires out of order", func(cms constraint.Groth16Commitments) constraint.Commitments {
			cms[0].PrivateCommitted = slices.Clone(cms[0].PrivateCommitted)
			slices.Reverse(cms[0].PrivateCommitted)
			return cms
		}},
		{"public wire committed privately", func(cms constraint.Groth16Commitments) constraint.Commitments {
			cms[0].PrivateCommitted = append([]int{0}, cms[0].PrivateCommitted...)
			return cms
		}},
		{"commitment wires out of order", func(cms constraint.Groth16Commitments) constraint.Commitments {
			cms[0].CommitmentIndex, cms[1].CommitmentIndex = cms[1].CommitmentIndex, cms[0].CommitmentIndex
			return cms
		}},
		{"public count beyond the list", func(cms constraint.Groth16Commitments) constraint.Commitments {
			cms[0].NbPublicCommitted = len(cms[0].PublicAndCommitmentCommitted) + 1
			return cms
		}},
		{"hashes a wire that is no commitment", func(cms constraint.Groth16Commitments) constraint.Commitments {
			cms[1].PublicAndCommitmentCommitted = append(slices.Clone(cms[1].PublicAndCommitmentCommitted), 3)
			return cms
		}},
		{"commitment wire out of range", func(cms constraint.Groth16Commitments) constraint.Commitments {
			cms[1].CommitmentIndex = 1 << 30
			return cms
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ccs := compileSum(t, 2)
			cms := slices.Clone(ccs.CommitmentInfo.(constraint.Groth16Commitments))
			ccs.CommitmentInfo = tc.edit(cms)
			_, _, err := groth16setup.Setup(ccs)
			if err == nil {
				t.Fatal("no error")
			}
			if slices.Contains([]byte(err.Error()), '\n') {
				t.Fatalf("error on several lines: %q", err)
			}
			t.Log(err)
		})
	}
}
