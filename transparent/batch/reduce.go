package batch

import (
	"fmt"
	"sync"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/internal/par"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/sumcheck"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// reduce is the sumcheck of claim = Σ_x Σ_c es[c](x)·fs[c](x) (the tables
// are consumed): each round's polynomial of degree 2 by its values at 0, 1,
// 2, then the challenge; it returns the rounds, the point ρ and the stated
// fs[c](ρ), all absorbed. The prover's work is 2^n·(5 + 3) per table
// (Thaler's linear-time prover, as in package sumcheck).
func reduce(tr *transcript.Transcript, claim fr.Element, es, fs []mle.Table) ([][]fr.Element, []fr.Element, []fr.Element) {
	n := es[0].NumVars()
	start(tr, claim, n, len(es))
	rounds := make([][]fr.Element, n)
	point := make([]fr.Element, n)
	for j := 0; j < n; j++ {
		h := len(es[0]) / 2
		g := make([]fr.Element, 3)
		var mu sync.Mutex
		for c := range es {
			e, f := es[c], fs[c]
			par.For(h, 1<<11, func(lo, hi int) {
				var local [3]fr.Element
				var de, df, ve, vf, p fr.Element
				for i := lo; i < hi; i++ {
					de.Sub(&e[i+h], &e[i])
					df.Sub(&f[i+h], &f[i])
					ve, vf = e[i], f[i]
					for t := 0; t < 3; t++ {
						if t > 0 {
							ve.Add(&ve, &de)
							vf.Add(&vf, &df)
						}
						p.Mul(&ve, &vf)
						local[t].Add(&local[t], &p)
					}
				}
				mu.Lock()
				for t := range g {
					g[t].Add(&g[t], &local[t])
				}
				mu.Unlock()
			})
		}
		tr.AppendElements("batch/round", g...)
		r := tr.Challenge("batch/r")
		for c := range es {
			es[c], fs[c] = es[c].Fold(r), fs[c].Fold(r)
		}
		rounds[j], point[j] = g, r
	}
	finals := make([]fr.Element, len(fs))
	for c := range fs {
		finals[c] = fs[c][0]
	}
	tr.AppendElements("batch/finals", finals...)
	return rounds, point, finals
}

func start(tr *transcript.Transcript, claim fr.Element, n, tables int) {
	tr.AppendUint64("batch/vars", uint64(n))
	tr.AppendUint64("batch/terms", uint64(tables))
	tr.AppendElements("batch/claim", claim)
}

// verifyReduce checks the rounds of a reduction over n variables and returns
// ρ and the last round's claim, which the caller checks against
// Σ_c E_c(ρ)·f_c(ρ) with the stated finals (absorbed here).
func verifyReduce(tr *transcript.Transcript, claim fr.Element, n int, g *Group) ([]fr.Element, fr.Element, error) {
	if len(g.Rounds) != n {
		return nil, fr.Element{}, fmt.Errorf("%d rounds, want %d", len(g.Rounds), n)
	}
	start(tr, claim, n, len(g.Finals))
	point := make([]fr.Element, n)
	cur := claim
	for j, r := range g.Rounds {
		if len(r) != 3 {
			return nil, fr.Element{}, fmt.Errorf("round %d polynomial has %d values, want 3", j, len(r))
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
	return point, cur, nil
}
