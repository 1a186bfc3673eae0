package sumcheck

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// proveLegacy is Prove as it was before it ran on ProveSum's prover
// (commit 7d05f96's parent): the reference for byte-identical proofs and
// for BenchmarkSumVsProve.
func proveLegacy(tr *transcript.Transcript, claim fr.Element, tables []mle.Table) (Proof, []fr.Element, Stats) {
	d := len(tables)
	n := tables[0].NumVars()
	start(tr, claim, n, d)
	var st Stats
	proof := Proof{Rounds: make([][]fr.Element, n)}
	point := make([]fr.Element, n)
	for j := 0; j < n; j++ {
		h := len(tables[0]) / 2
		g := roundPoly(tables, d)
		st.Mul += h * (d + 1) * (d - 1)
		tr.AppendElements("sumcheck/round", g...)
		r := tr.Challenge("sumcheck/r")
		for k := range tables {
			tables[k] = tables[k].Fold(r)
		}
		st.Mul += h * d
		proof.Rounds[j] = g
		point[j] = r
	}
	proof.Finals = make([]fr.Element, d)
	for k := range tables {
		proof.Finals[k] = tables[k][0]
	}
	tr.AppendElements("sumcheck/finals", proof.Finals...)
	return proof, point, st
}

// TestProveMatchesLegacy: Prove's proofs, points, multiplication counts
// and transcript states are those of the code before it ran on ProveSum's
// prover (byte-identical proofs).
func TestProveMatchesLegacy(t *testing.T) {
	for _, c := range []struct{ d, n int }{{1, 0}, {1, 3}, {2, 0}, {2, 1}, {2, 6}, {3, 5}, {5, 4}} {
		t.Run(fmt.Sprintf("d%d_n%d", c.d, c.n), func(t *testing.T) {
			ts := randTables(c.d, c.n)
			claim := sumProd(ts)
			tr1, tr2 := transcript.New("l"), transcript.New("l")
			p1, r1, s1, err := Prove(tr1, claim, clone(ts))
			if err != nil {
				t.Fatal(err)
			}
			p2, r2, s2 := proveLegacy(tr2, claim, clone(ts))
			if !reflect.DeepEqual(p1, p2) || !reflect.DeepEqual(r1, r2) || s1 != s2 {
				t.Fatalf("Prove differs from the legacy prover (stats %v vs %v)", s1, s2)
			}
			if a, b := tr1.Challenge("next"), tr2.Challenge("next"); !a.Equal(&b) {
				t.Fatal("transcripts differ after the proof")
			}
		})
	}
}
