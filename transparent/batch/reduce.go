package batch

import (
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/sumcheck"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// reduce is the sumcheck of claim = Σ_x Σ_c es[c](x)·fs[c](x) (the tables
// are consumed): each round's polynomial of degree 2 by its values at 0, 1,
// 2, then the challenge; it returns the rounds, the point ρ and the stated
// fs[c](ρ), all absorbed. The prover's work is 2^n·(5 + 3) per table
// (Thaler's linear-time prover, as in package sumcheck).
//
// With mask (hiding commitments) the rounds are masked: the mask's
// commitment and sum are absorbed and ρ drawn after start, each round adds
// ρ times the mask's round polynomial, and after the finals the mask's
// value is absorbed and opened (sumcheck.Mask; Libra §4.1).
func reduce(tr *transcript.Transcript, claim fr.Element, es, fs []mle.Table, mask *sumcheck.Mask) ([][]fr.Element, []fr.Element, []fr.Element, *Mask, error) {
	n := es[0].NumVars()
	start(tr, claim, n, len(es))
	var mp *Mask
	if mask != nil {
		mp = &Mask{Com: mask.Commitment(), Sum: mask.Sum()}
		absorbMask(tr, mp)
		mask.Start(tr.Challenge("batch/rho"))
	}
	rounds := make([][]fr.Element, n)
	point := make([]fr.Element, n)
	for j := 0; j < n; j++ {
		g := make([]fr.Element, 3)
		for c := range es {
			s := pairSums(es[c], fs[c])
			for t := range g {
				g[t].Add(&g[t], &s[t])
			}
		}
		if mask != nil {
			mask.AddRound(g)
		}
		tr.AppendElements("batch/round", g...)
		r := tr.Challenge("batch/r")
		for c := range es {
			es[c], fs[c] = es[c].Fold(r), fs[c].Fold(r)
		}
		if mask != nil {
			mask.Bind(r)
		}
		rounds[j], point[j] = g, r
	}
	finals := make([]fr.Element, len(fs))
	for c := range fs {
		finals[c] = fs[c][0]
	}
	tr.AppendElements("batch/finals", finals...)
	if mask != nil {
		mp.Value = mask.Value()
		tr.AppendElements("batch/maskvalue", mp.Value)
		var err error
		if mp.Open, err = mask.Open(tr); err != nil {
			return nil, nil, nil, nil, err
		}
	}
	return rounds, point, finals, mp, nil
}

// Mask is a masked reduction's masking polynomial (hiding commitments):
// its commitment, its sum over the cube, its value at ρ and that value's
// opening.
type Mask struct {
	Com        pcs.Commitment
	Sum, Value fr.Element
	Open       pcs.Opening
}

func absorbMask(tr *transcript.Transcript, m *Mask) {
	m.Com.Absorb(tr, "batch/mask")
	tr.AppendElements("batch/masksum", m.Sum)
}

func start(tr *transcript.Transcript, claim fr.Element, n, tables int) {
	tr.AppendUint64("batch/vars", uint64(n))
	tr.AppendUint64("batch/terms", uint64(tables))
	tr.AppendElements("batch/claim", claim)
}

// verifyReduce checks the rounds of a reduction over n variables and returns
// ρ and the last round's claim, which the caller checks against
// Σ_c E_c(ρ)·f_c(ρ) with the stated finals (absorbed here).
//
// Under hiding parameters the group must carry a mask (and must not
// otherwise): ρ·G is added to the claim and ρ·g(ρ) taken off the last one,
// and g(ρ) is checked through its opening. Tables of 0 variables (one
// entry: a 1×1 layer's output, a one-output bias) have no rounds to mask:
// their group never carries one (masked).
//
// d is the rounds' degree (2, or with a vanishing mask the last round's,
// which the mask g has in every variable: vanishing.go).
func verifyReduce(tr *transcript.Transcript, params pcs.Params, claim fr.Element, n, d int, g *Group) ([]fr.Element, fr.Element, error) {
	if len(g.Rounds) != n {
		return nil, fr.Element{}, fmt.Errorf("%d rounds, want %d", len(g.Rounds), n)
	}
	if masked(params, n) != (g.Mask != nil) {
		return nil, fr.Element{}, fmt.Errorf("a masked reduction %v under hiding parameters %v over %d variables", g.Mask != nil, params.Hiding, n)
	}
	start(tr, claim, n, len(g.Finals))
	point := make([]fr.Element, n)
	cur := claim
	var rho fr.Element
	if g.Mask != nil {
		absorbMask(tr, g.Mask)
		rho = tr.Challenge("batch/rho")
		var t fr.Element
		cur.Add(&cur, t.Mul(&rho, &g.Mask.Sum))
	}
	for j, r := range g.Rounds {
		if len(r) != d+1 {
			return nil, fr.Element{}, fmt.Errorf("round %d polynomial has %d values, want %d", j, len(r), d+1)
		}
		var s fr.Element
		if s.Add(&r[0], &r[1]); !s.Equal(&cur) {
			return nil, fr.Element{}, fmt.Errorf("round %d: g(0)+g(1) differs from the claim", j)
		}
		tr.AppendElements("batch/round", r...)
		point[j] = tr.Challenge("batch/r")
		cur = sumcheck.Interpolate(r, point[j])
	}
	tr.AppendElements("batch/finals", g.Finals...)
	if g.Mask != nil {
		var t fr.Element
		cur.Sub(&cur, t.Mul(&rho, &g.Mask.Value))
		tr.AppendElements("batch/maskvalue", g.Mask.Value)
		if err := sumcheck.VerifyMaskOpening(tr, params, g.Mask.Com, point, d, g.Mask.Value, g.Mask.Open); err != nil {
			return nil, fr.Element{}, err
		}
	}
	return point, cur, nil
}

// masked reports whether a reduction over n variables is masked: under
// hiding parameters, when it has rounds.
func masked(p pcs.Params, n int) bool { return p.Hiding && n > 0 }
