package pcs

import (
	"fmt"
	"strings"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// TestVanishingPolynomial: Z is 0 on the cube and for no variables, the
// product of x(1 − x) elsewhere; f̂ = f on the cube; MaskRow is nil
// without a vanishing mask.
func TestVanishingPolynomial(t *testing.T) {
	if z := Vanishing(nil); !z.IsZero() {
		t.Error("Z() ≠ 0 for no variables")
	}
	var two, want fr.Element
	two.SetUint64(2)
	want.SetUint64(8) // (2·(1−2))^3 = −8
	want.Neg(&want)
	if z := Vanishing([]fr.Element{two, two, two}); !z.Equal(&want) {
		t.Errorf("Z(2,2,2) = %s, want −8", z.String())
	}
	tab := randTable(5)
	for _, p := range bothModes {
		pd, err := CommitShape(p, tab, 2)
		if err != nil {
			t.Fatal(err)
		}
		if (pd.MaskRow() != nil) != p.Vanishing || p.Vanishing && len(pd.MaskRow()) != 8 {
			t.Errorf("vanishing %v: mask row of %d entries", p.Vanishing, len(pd.MaskRow()))
		}
		cube := []fr.Element{fr.One(), {}, fr.One(), fr.One(), {}} // entry 0b10110 = 22
		if y := pd.MaskedEval(cube); !y.Equal(&tab[22]) {
			t.Errorf("vanishing %v: f̂ differs from f on the cube", p.Vanishing)
		}
	}
	if _, err := Commit(Params{RateLog: 1, Queries: 8, Vanishing: true}, tab); err == nil {
		t.Error("a vanishing mask without hiding accepted")
	}
}

// TestVanishingSeeded: a seeded vanishing commitment is deterministic (the
// mask comes from the seed) and differs from the plain hiding one.
func TestVanishingSeeded(t *testing.T) {
	tab := randTable(6)
	a, _ := CommitSeeded(vanishingParams, tab, 2, [32]byte{3})
	b, _ := CommitSeeded(vanishingParams, tab, 2, [32]byte{3})
	c, _ := CommitSeeded(hidingParams, tab, 2, [32]byte{3})
	if a.Commitment() != b.Commitment() || fmt.Sprint(a.MaskRow()) != fmt.Sprint(b.MaskRow()) {
		t.Error("one seed, two vanishing commitments")
	}
	if a.Commitment() == c.Commitment() {
		t.Error("the vanishing row changes nothing in the commitment")
	}
}

// TestMultiWeighted: a weighted multi-opening proves Data·f̃(z) + Mask·s̃(z_col)
// per table; the verifier's own weights are binding (another σ, a value
// of f̃ or of f̂ where the weight says otherwise: rejected); a weight on s
// without a vanishing mask is refused; a binding multi-opening is
// unchanged with weights {1, 0}.
func TestMultiWeighted(t *testing.T) {
	const n, rv = 6, 2
	one := fr.One()
	rnd := func() fr.Element { var e fr.Element; e.SetRandom(); return e }
	commit := func(p Params, k int) ([]*ProverData, []Commitment) {
		var pds []*ProverData
		var coms []Commitment
		for range k {
			pd, err := CommitShape(p, randTable(n), rv)
			if err != nil {
				t.Fatal(err)
			}
			pds, coms = append(pds, pd), append(coms, pd.Commitment())
		}
		return pds, coms
	}
	z := randPoint(n)
	ws := []Weight{{one, rnd()}, {fr.Element{}, one}, {rnd(), fr.Element{}}}
	for _, c := range []struct {
		name string
		edit func(w []Weight, vals []fr.Element)
		want string
	}{
		{name: "honest"},
		{name: "another σ", edit: func(w []Weight, _ []fr.Element) { w[0].Mask.Add(&w[0].Mask, &one) }, want: "combination differs"},
		{name: "another row scale", edit: func(w []Weight, _ []fr.Element) { w[2].Data.Add(&w[2].Data, &one) }, want: "combination differs"},
		{name: "plain weights for weighted values", edit: func(w []Weight, _ []fr.Element) {
			for i := range w {
				w[i] = Weight{Data: one, Mask: Vanishing(z)}
			}
		}, want: "combination differs"},
		{name: "value 1", edit: func(_ []Weight, v []fr.Element) { v[1].Add(&v[1], &one) }, want: "combination differs"},
	} {
		pds, coms := commit(vanishingParams, 3)
		w := append([]Weight(nil), ws...)
		vals, op, err := OpenMultiWeighted(transcript.New("w"), pds, z, w)
		if err != nil {
			t.Fatal(err)
		}
		for i, pd := range pds {
			f, _ := pd.Table().Eval(z)
			s, _ := mle.Table(pd.MaskRow()).Eval(z[rv:])
			var want, x fr.Element
			want.Mul(&f, &w[i].Data).Add(&want, x.Mul(&s, &w[i].Mask))
			if !want.Equal(&vals[i]) {
				t.Fatalf("%s: value %d is not Data·f̃ + Mask·s̃", c.name, i)
			}
		}
		if c.edit != nil {
			c.edit(w, vals)
		}
		err = VerifyMultiWeighted(transcript.New("w"), vanishingParams, coms, z, vals, w, op)
		if (c.want == "") != (err == nil) || err != nil && !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: want %q, got %v", c.name, c.want, err)
		}
	}
	for _, p := range []Params{testParams, hidingParams} {
		pds, _ := commit(p, 2)
		if _, _, err := OpenMultiWeighted(transcript.New("w"), pds, z, []Weight{{one, one}, {one, fr.Element{}}}); err == nil || !strings.Contains(err.Error(), "vanishing mask") {
			t.Errorf("hiding %v: a weight on a missing vanishing mask: %v", p.Hiding, err)
		}
		pds, coms := commit(p, 2)
		vals, op, err := OpenMultiWeighted(transcript.New("w"), pds, z, []Weight{{one, fr.Element{}}, {one, fr.Element{}}})
		if err != nil {
			t.Fatal(err)
		}
		if err := VerifyMulti(transcript.New("w"), p, coms, z, vals, op); err != nil {
			t.Errorf("hiding %v: weights {1, 0} differ from the plain multi-opening: %v", p.Hiding, err)
		}
	}
	// Under a vanishing mask, a plain opening proves f̂: a verifier told f̃(z) rejects.
	pds, coms := commit(vanishingParams, 1)
	_, op, err := OpenMultiWeighted(transcript.New("w"), pds, z, []Weight{{one, fr.Element{}}})
	if err != nil {
		t.Fatal(err)
	}
	f, _ := pds[0].Table().Eval(z)
	if err := VerifyMulti(transcript.New("w"), vanishingParams, coms, z, []fr.Element{f}, op); err == nil {
		t.Error("f̃(z) accepted as the value of a vanishing commitment")
	}
}

// TestLinearUnderVanishing: OpenLinear (σ = 0) works on a vanishing
// commitment: ⟨t, a⟩, the mask not in it.
func TestLinearUnderVanishing(t *testing.T) {
	tab := randTable(4)
	pd, err := CommitShape(vanishingParams, tab, 0)
	if err != nil {
		t.Fatal(err)
	}
	a := randTable(4)
	val, op, err := pd.OpenLinear(transcript.New("l"), a)
	if err != nil {
		t.Fatal(err)
	}
	if want := mle.Inner(tab, a); !want.Equal(&val) {
		t.Fatal("linear opening is not ⟨t, a⟩")
	}
	if err := VerifyLinear(transcript.New("l"), vanishingParams, pd.Commitment(), a, val, op); err != nil {
		t.Fatal(err)
	}
}
