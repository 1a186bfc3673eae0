package mlp

import (
	"testing"

	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/sumcheck"
	"github.com/zkinfer/zkinfer/transparent/zktest"
)

// TestOpeningsHideInput: a dense chain whose first layer ignores input 0,
// proven for two inputs that differ only there (same public output), 48
// times each with hiding commitments: in every batch group's multi-opening
// the low bits of u[0], v[0], an opened column entry and a mask value are
// uniform (chi-square, 3 degrees of freedom, at most 30.66, about 10^-6 a
// statistic), and so are two masked sumcheck rounds (the input range's first
// logUp's, the first dense step's). With binding commitments the same
// statistics fail (every proof of one input is the same), so the test can
// fail. What this does not cover — the final values of private tables,
// still sent in the clear — is docs/TRANSPARENT.md's "What is still revealed".
func TestOpeningsHideInput(t *testing.T) {
	m, xs := ignoring(t, 21)
	x1, x2 := xs[0], xs[1]
	hiding := pcs.Params{RateLog: 1, Queries: 10, Hiding: true}
	saved := sumcheck.MaskParams
	sumcheck.MaskParams = hiding // the masks' openings at the test's size
	defer func() { sumcheck.MaskParams = saved }()
	for _, p := range []pcs.Params{hiding, testParams} {
		runs := 48 // 12 a bucket; binding proofs are deterministic, 12 show it (chi-square 36)
		if !p.Hiding {
			runs = 12
		}
		for xi, x := range [][]int64{x1, x2} {
			var counts [6][4]int
			for range runs {
				proof, y, err := ProveBatched(p, m, 1, x)
				if err != nil {
					t.Fatal(err)
				}
				if err := VerifyBatched(p, m, 1, y, proof); err != nil {
					t.Fatal(err)
				}
				g := proof.Batch.Groups[0].Open
				counts[0][zktest.LowBits(g.U[0])]++
				counts[1][zktest.LowBits(g.V[0])]++
				counts[2][zktest.LowBits(g.Columns[0][0][0])]++
				counts[4][zktest.LowBits(proof.Input.Lookups[0].Sumcheck.Rounds[0][0])]++
				counts[5][zktest.LowBits(proof.Steps[0].Sumcheck.Rounds[0][1])]++
				if len(g.Masks) > 0 {
					counts[3][zktest.LowBits(g.Masks[0])]++
				} else {
					counts[3][0]++
				}
			}
			worst := 0.0
			for _, c := range counts { // each row counts runs values
				worst = max(worst, zktest.ChiSquare(c[:]))
			}
			switch {
			case p.Hiding && worst > 30.66:
				t.Errorf("input %d: revealed opening values not uniform (chi-square %.1f)", xi, worst)
			case !p.Hiding && worst <= 30.66:
				t.Errorf("input %d, binding: statistics uniform (%.1f): the test cannot fail", xi, worst)
			}
		}
	}
}
