package batch

import (
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/pcs"
)

var hidingParams = pcs.Params{RateLog: 1, Queries: 10, Hiding: true}

// withParams runs f with the package's testParams set to p.
func withParams(p pcs.Params, f func()) {
	saved := testParams
	testParams = p
	defer func() { testParams = saved }()
	f()
}

// TestMaskedReduction: under hiding parameters every reduction carries a
// mask and verifies; a changed mask sum, value, opening or round, a dropped
// mask or an altered claim is rejected, and so is a mask on a binding proof.
func TestMaskedReduction(t *testing.T) {
	one := fr.One()
	claims := [][2]int{{1, 0}, {0, 0}, {1, 1}, {2, 0}, {0, 5}}
	sizes := []int{3, 6, 0}
	withParams(hidingParams, func() {
		s := newSetup(t, sizes, claims)
		masked := 0
		if err := s.run(nil, func(p *Proof) {
			for _, g := range p.Groups {
				if len(g.Rounds) > 0 && g.Mask != nil {
					masked++
				}
			}
		}); err != nil || masked == 0 {
			t.Fatalf("honest hiding batch: %v, %d masked reductions", err, masked)
		}
		for name, edit := range map[string]func(p *Proof){
			"mask sum":     func(p *Proof) { p.Groups[0].Mask.Sum.Add(&p.Groups[0].Mask.Sum, &one) },
			"mask value":   func(p *Proof) { p.Groups[0].Mask.Value.Add(&p.Groups[0].Mask.Value, &one) },
			"mask opening": func(p *Proof) { p.Groups[0].Mask.Open.V[0].Add(&p.Groups[0].Mask.Open.V[0], &one) },
			"round":        func(p *Proof) { p.Groups[0].Rounds[1][2].Add(&p.Groups[0].Rounds[1][2], &one) },
			"mask dropped": func(p *Proof) { p.Groups[0].Mask = nil },
		} {
			if err := newSetup(t, sizes, claims).run(nil, edit); err == nil {
				t.Errorf("%s changed: accepted", name)
			}
		}
		alter := func(g, k int, v *fr.Element) {
			if g == 0 && k == 1 {
				v.Add(v, &one)
			}
		}
		if err := newSetup(t, sizes, claims).run(alter, nil); err == nil {
			t.Error("altered claim accepted")
		}
	})
	var m *Mask
	withParams(hidingParams, func() {
		_ = newSetup(t, sizes, claims).run(nil, func(p *Proof) { m = p.Groups[0].Mask })
	})
	if err := newSetup(t, sizes, claims).run(nil, func(p *Proof) { p.Groups[0].Mask = m }); err == nil {
		t.Error("a mask on a binding proof accepted")
	}
}

// TestMaskedReductionRounds: the reduction's round values are uniform under
// hiding parameters (low bits, chi-square below 21.11 over 100 proofs of the
// same claims) and constant without (the statistic fails: it can).
func TestMaskedReductionRounds(t *testing.T) {
	const runs = 100
	for _, p := range []pcs.Params{hidingParams, {RateLog: 1, Queries: 10}} {
		withParams(p, func() {
			var counts [2][4]int
			for range runs {
				if err := newSetup(t, []int{4}, [][2]int{{0, 0}, {0, 1}}).run(nil, func(pr *Proof) {
					for i, v := range []fr.Element{pr.Groups[0].Rounds[0][0], pr.Groups[0].Rounds[2][2]} {
						var b big.Int
						v.BigInt(&b)
						bit := 0
						if len(b.Bits()) > 0 {
							bit = int(b.Bits()[0] & 3)
						}
						counts[i][bit]++
					}
				}); err != nil {
					t.Fatal(err)
				}
			}
			worst := 0.0
			for _, c := range counts {
				var s float64
				for _, k := range c {
					d := float64(k) - runs/4.0
					s += d * d / (runs / 4.0)
				}
				worst = max(worst, s)
			}
			if p.Hiding && worst > 21.11 {
				t.Errorf("masked rounds not uniform (chi-square %.1f)", worst)
			}
			if !p.Hiding && worst <= 21.11 {
				t.Errorf("unmasked rounds uniform (chi-square %.1f): the test cannot fail", worst)
			}
		})
	}
}

// TestMaskedReductionNoVars: two claims on a table of one entry (no
// variables, no rounds) reduce unmasked under hiding parameters.
func TestMaskedReductionNoVars(t *testing.T) {
	withParams(hidingParams, func() {
		if err := newSetup(t, []int{0, 0}, [][2]int{{0, 0}, {1, 0}}).run(nil, nil); err != nil {
			t.Fatalf("claims on one-entry tables under hiding: %v", err)
		}
	})
}
