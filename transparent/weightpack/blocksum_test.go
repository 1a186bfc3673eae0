package weightpack

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/sumcheck"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// materialize returns the statement's tables at 2^P entries each, as
// sumcheck.ProveSum takes them: a coefficient c on its block, zero
// elsewhere; a data or public table repeated; H as it is.
func materialize(s *stmt, tabs []ptab) []mle.Table {
	out := make([]mle.Table, len(tabs))
	for i, t := range tabs {
		full := make(mle.Table, 1<<s.P)
		switch t.kind {
		case coefKind:
			copy(full[t.off:], t.tab)
		default:
			for x := 0; x < len(full); x += len(t.tab) {
				copy(full[x:], t.tab)
			}
		}
		out[i] = full
	}
	return out
}

// TestBlockProverMatches: the block prover's proof is sumcheck.ProveSum's
// on the materialized tables, round for round and final for final, with
// and without vanishing masks on the committed tables (no Libra mask: it
// is random), for layouts whose blocks have prefixes of every length,
// wide tables and a space wider than V (P = b > N).
func TestBlockProverMatches(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	randEls := func(n int) []fr.Element {
		out := make([]fr.Element, n)
		for i := range out {
			out[i].SetUint64(rng.Uint64())
		}
		return out
	}
	for _, c := range []struct {
		vars  []int
		wide  []bool
		valid []Valid
		bits  int
	}{
		{[]int{6, 3, 0, 2}, nil, nil, 4},
		{[]int{5, 2, 4, 0}, []bool{false, true, false, true}, nil, testBits},
		{[]int{3}, []bool{true}, nil, 12},
		{validShapes[0].vars, nil, validShapes[0].valid, testBits},
		{validShapes[1].vars, validShapes[1].wide, validShapes[1].valid, testBits},
	} {
		for _, masked := range []bool{false, true} {
			t.Run(fmt.Sprintf("%v/%v/%v/b=%d/masked=%v", c.vars, c.wide, c.valid, c.bits, masked), func(t *testing.T) {
				l, err := NewLayoutValid(c.vars, c.wide, c.valid, c.bits)
				if err != nil {
					t.Fatal(err)
				}
				P := l.space()
				ch := chal{r: randEls(P), rt: randEls(l.Bits), rho: randEls(l.LeafVars), z: make([][]fr.Element, l.Inputs())}
				ch.alpha, ch.lambda = randEls(1)[0], randEls(1)[0]
				for i, w := range l.Wide {
					if w {
						ch.z[i] = randEls(l.In[i])
					}
				}
				s := statement(l, ch)
				build := func() ([]ptab, sumcheck.Shape) {
					r := rand.New(rand.NewPCG(5, 6))
					tabs := make([]ptab, len(s.tabs))
					sh := sumcheck.Shape{Tables: len(s.tabs), Terms: s.terms}
					if masked {
						sh.Masked, sh.Spans = make([]int, len(s.tabs)), make([]int, len(s.tabs))
					}
					for i, it := range s.tabs {
						tabs[i].itab = it
						if it.kind == coefKind {
							tabs[i].tab = l.block(it, ch)
						} else {
							tabs[i].tab = make(mle.Table, 1<<it.vars)
							for y := range tabs[i].tab {
								tabs[i].tab[y].SetUint64(r.Uint64())
							}
						}
						if masked {
							sh.Masked[i] = -1
							if (it.kind == dataKind || it.kind == fullKind) && it.vars > 0 {
								c := min(it.vars, 1+i%3)
								tabs[i].mask, tabs[i].span = make([]fr.Element, 1<<c), it.vars
								for y := range tabs[i].mask {
									tabs[i].mask[y].SetUint64(r.Uint64())
								}
								sh.Masked[i], sh.Spans[i] = c, it.vars
							}
						}
					}
					return tabs, sh
				}
				// The statement's claim is the materialized sum.
				tabs, sh := build()
				mat := materialize(s, tabs)
				var total fr.Element
				for _, term := range s.terms {
					for x := range 1 << P {
						v := term.Coef
						for _, k := range term.Factors {
							v.Mul(&v, &mat[k][x])
						}
						total.Add(&total, &v)
					}
				}
				s.claim = total
				in := sumcheck.Instance{Tables: mat, Terms: s.terms}
				if masked {
					in.Masks, in.Spans = make([][]fr.Element, len(tabs)), sh.Spans
					for i := range tabs {
						in.Masks[i] = tabs[i].mask
					}
				}
				want, wp, err := sumcheck.ProveSum(transcript.New("m"), total, in, false)
				if err != nil {
					t.Fatal(err)
				}
				got, gp, err := proveBlocks(transcript.New("m"), s, tabs, sh, false)
				if err != nil {
					t.Fatal(err)
				}
				if fmt.Sprint(got.Rounds, got.Finals, gp) != fmt.Sprint(want.Rounds, want.Finals, wp) {
					t.Fatal("the block prover's proof differs from ProveSum's")
				}
				if _, _, _, err := sumcheck.VerifySum(transcript.New("m"), total, P, sh, got); err != nil {
					t.Fatal(err)
				}
				// The verifier's coefficient finals are the prover's.
				for i, it := range s.tabs {
					if it.kind == coefKind {
						if want := l.coefFinal(it, ch, gp); !got.Finals[i].Equal(&want) {
							t.Fatalf("coefficient %d (%d): final is not coefFinal", i, it.coef)
						}
					}
				}
			})
		}
	}
}
