package batch

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

var testParams = pcs.Params{RateLog: 1, Queries: 10}

type setup struct {
	data   []*pcs.ProverData
	tables []mle.Table
	claims [][2]int // (table, point seed)
}

func newSetup(t *testing.T, sizes []int, claims [][2]int) *setup {
	s := &setup{claims: claims}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range sizes {
		tab := make(mle.Table, 1<<n)
		for i := range tab {
			tab[i].SetUint64(rng.Uint64())
		}
		d, err := pcs.Commit(testParams, tab)
		if err != nil {
			t.Fatal(err)
		}
		s.data, s.tables = append(s.data, d), append(s.tables, tab)
	}
	return s
}

func (s *setup) point(c [2]int) []fr.Element {
	return transcript.New(fmt.Sprint("point", c)).Challenges("z", s.data[c[0]].Commitment().NumVars)
}

// run proves the claims (alter may change a recorded value on both sides)
// and verifies them.
func (s *setup) run(alter func(g, k int, v *fr.Element), edit func(p *Proof)) error {
	return s.runForge(alter, edit, false)
}

func (s *setup) runForge(alter func(g, k int, v *fr.Element), edit func(p *Proof), forgeE bool) error {
	ptr, vtr := transcript.New("t"), transcript.New("t")
	bp, bv := NewProver(), NewVerifier()
	for _, c := range s.claims {
		if _, err := bp.Open(ptr, s.data[c[0]], s.point(c)); err != nil {
			return err
		}
	}
	proof, err := bp.prove(ptr, alter, forgeE)
	if err != nil {
		return err
	}
	if edit != nil {
		edit(&proof)
	}
	// The verifier's claims: the same values, altered the same way (alter's
	// index: the shape in order of first claim, then the claim's place with
	// the shape's claims listed commitment by commitment).
	var order []pcs.Commitment
	seen := map[pcs.Commitment]int{}
	for _, c := range s.claims {
		com := s.data[c[0]].Commitment()
		if _, ok := seen[com]; !ok {
			order = append(order, com)
		}
		seen[com]++
	}
	type place struct{ g, k int }
	places := map[pcs.Commitment][]place{}
	for gi, coms := range shapes(order) {
		k := 0
		for _, com := range coms {
			for range seen[com] {
				places[com] = append(places[com], place{gi, k})
				k++
			}
		}
	}
	used := map[pcs.Commitment]int{}
	for _, c := range s.claims {
		com := s.data[c[0]].Commitment()
		v, _ := s.tables[c[0]].Eval(s.point(c))
		if alter != nil {
			pl := places[com][used[com]]
			alter(pl.g, pl.k, &v)
		}
		used[com]++
		if err := bv.Check(vtr, testParams, com, s.point(c), v, pcs.Opening{}); err != nil {
			return err
		}
	}
	return bv.Verify(vtr, testParams, proof)
}

func TestHonest(t *testing.T) {
	for _, c := range []struct {
		sizes  []int
		claims [][2]int
	}{
		{[]int{4}, [][2]int{{0, 0}}},
		{[]int{4}, [][2]int{{0, 0}, {0, 1}, {0, 2}}},
		{[]int{3, 6, 0}, [][2]int{{1, 0}, {0, 0}, {1, 1}, {2, 0}, {0, 5}, {1, 1}}},
		{[]int{5, 5, 3, 5}, [][2]int{{1, 0}, {0, 0}, {2, 0}, {3, 1}, {1, 2}}},
		{[]int{5, 5}, [][2]int{{1, 0}, {0, 0}}},
	} {
		s := newSetup(t, c.sizes, c.claims)
		if err := s.run(nil, nil); err != nil {
			t.Errorf("%v: honest claims rejected: %v", c.claims, err)
		}
	}
}

// TestAlteredClaimRejected: a claimed value changed on both sides (the
// transcript agrees) is caught by the reduction's sumcheck when batched with
// others (on its table or another of its shape), by the opening when alone.
func TestAlteredClaimRejected(t *testing.T) {
	s := newSetup(t, []int{5, 3, 5}, [][2]int{{0, 0}, {0, 1}, {1, 0}, {2, 0}, {0, 2}})
	one := fr.One()
	for _, c := range []struct {
		name  string
		group int
		claim int
		want  string
	}{
		{"second of three claims on one table", 0, 1, "the claims' combination"},
		{"the claim on another table of the shape", 0, 3, "the claims' combination"},
		{"the only claim on a table", 1, 0, "batch: shape 1: pcs: the claimed values' combination"},
	} {
		err := s.run(func(g, k int, v *fr.Element) {
			if g == c.group && k == c.claim {
				v.Add(v, &one)
			}
		}, nil)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			if err == nil {
				err = fmt.Errorf("accepted")
			}
			t.Errorf("%s altered: want %q, got %v", c.name, c.want, err)
		}
	}
}

func TestTamperedRejected(t *testing.T) {
	s := newSetup(t, []int{5, 3}, [][2]int{{0, 0}, {0, 1}, {1, 0}})
	// Each edit is rejected without a panic.
	for name, edit := range map[string]func(p *Proof){
		"group dropped":          func(p *Proof) { p.Groups = p.Groups[:1] },
		"reduction round":        func(p *Proof) { p.Groups[0].Rounds[1][0].SetUint64(9) },
		"reduction final":        func(p *Proof) { p.Groups[0].Finals[0].SetUint64(9) },
		"reduction on one claim": func(p *Proof) { p.Groups[1].Rounds, p.Groups[1].Finals = p.Groups[0].Rounds, p.Groups[0].Finals },
		"opening row":            func(p *Proof) { p.Groups[0].Open.V[0].SetUint64(9) },
		"finals shortened":       func(p *Proof) { p.Groups[0].Finals = p.Groups[0].Finals[:0] },
		"rounds shortened":       func(p *Proof) { p.Groups[0].Rounds = p.Groups[0].Rounds[1:] },
		"groups swapped":         func(p *Proof) { p.Groups[0], p.Groups[1] = p.Groups[1], p.Groups[0] },
	} {
		if err := s.run(nil, edit); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// TestForgedEqFactor: a reduction run with another E of the same sum passes
// every round; only the check of E(ρ) against Σ c_k·eq(z_k, ρ) catches it.
func TestForgedEqFactor(t *testing.T) {
	s := newSetup(t, []int{4}, [][2]int{{0, 0}, {0, 1}})
	err := s.runForge(nil, nil, true)
	if err == nil || !strings.Contains(err.Error(), "eq factors computed here") {
		t.Fatalf("forged E: want the eq factor's check, got %v", err)
	}
}
