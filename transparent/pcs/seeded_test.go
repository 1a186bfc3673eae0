package pcs

import (
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// TestCommitSeeded: one seed gives one root; another seed or another entry
// gives another; the commitment opens as any hiding one; without Hiding it
// is refused.
func TestCommitSeeded(t *testing.T) {
	p := Params{RateLog: 2, Queries: 20, Hiding: true}
	tab := make(mle.Table, 1<<8)
	for i := range tab {
		tab[i].SetUint64(uint64(i * 7))
	}
	s1, s2 := [32]byte{1}, [32]byte{2}
	root := func(tb mle.Table, s [32]byte) *ProverData {
		t.Helper()
		d, err := CommitSeeded(p, tb, 3, s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	a, b := root(tab, s1), root(tab, s1)
	if a.Commitment() != b.Commitment() {
		t.Fatal("the same seed gave two commitments")
	}
	if root(tab, s2).Commitment() == a.Commitment() {
		t.Fatal("another seed gave the same commitment")
	}
	other := append(mle.Table(nil), tab...)
	other[5].SetUint64(1)
	if root(other, s1).Commitment() == a.Commitment() {
		t.Fatal("another table gave the same commitment")
	}
	pt := make([]fr.Element, 8)
	for i := range pt {
		pt[i].SetUint64(uint64(3 + i))
	}
	y, op, _, err := a.Open(transcript.New("t"), pt)
	if err != nil {
		t.Fatal(err)
	}
	if err := Verify(transcript.New("t"), p, a.Commitment(), pt, y, op); err != nil {
		t.Fatal(err)
	}
	if _, err := CommitSeeded(Params{RateLog: 2, Queries: 20}, tab, 3, s1); err == nil {
		t.Fatal("a seeded commitment without Hiding was accepted")
	}
}
