package maxpool

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/batch"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/sumcheck"
)

// zkCrit is the chi-square bound with 3 degrees of freedom at 10^-6 per
// statistic (a test of ~100 statistics fails by chance with ~10^-4).
const zkCrit = 30.66

type tally map[string]*[4]int

func (t tally) add(name string, e fr.Element) {
	var b big.Int
	e.BigInt(&b)
	low := 0
	if len(b.Bits()) > 0 {
		low = int(b.Bits()[0] & 3)
	}
	if t[name] == nil {
		t[name] = new([4]int)
	}
	t[name][low]++
}

func (t tally) sumcheck(name string, p *sumcheck.Proof) {
	for j, g := range p.Rounds {
		for k, v := range g {
			t.add(fmt.Sprintf("%s round %d[%d]", name, j, k), v)
		}
	}
	for k, v := range p.Finals {
		t.add(fmt.Sprintf("%s final %d", name, k), v)
	}
	if p.Tail != nil {
		t.add(name+" tail", *p.Tail)
	}
	if p.Mask != nil {
		t.add(name+" mask sum", p.Mask.Sum)
		t.add(name+" mask value", p.Mask.Value)
	}
}

func (t tally) worst(runs int) (float64, string) {
	w, name := 0.0, ""
	for n, c := range t {
		var s float64
		for _, k := range c {
			d := float64(k) - float64(runs)/4
			s += d * d / (float64(runs) / 4)
		}
		if s > w {
			w, name = s, n
		}
	}
	return w, name
}

// TestZeroKnowledge: two inputs with the same maxima (they differ in a
// non-maximal entry of every window), 48 proofs each under vanishing
// masks: every field element of the product, the link and the gather
// (rounds; finals D̂(i, ρ), L̂0, L̂1, Ĝ, Ŷ at σ, X̂(ρ') and the public
// eq/selector values; both tails' finals; the Libra masks' sums and
// values) and the vanishing parts Z(z)·s̃(z_col) of the four claims have
// uniform low bits. With the vanishing masks zeroed
// (pcs.SetZeroVanishingForTests; R's row too) the vanishing parts are 0
// and the test fails, so it can. The lookups are package logup's.
func TestZeroKnowledge(t *testing.T) {
	p := pcs.Params{RateLog: 1, Queries: 10, Hiding: true, Vanishing: true}
	saved := sumcheck.MaskParams
	sumcheck.MaskParams = pcs.Params{RateLog: 1, Queries: 10, Hiding: true}
	defer func() { sumcheck.MaskParams = saved; openHook = nil; pcs.SetZeroVanishingForTests(false) }()
	l, _ := NewLayer(2, 4, 4, 2, 12)
	x1 := input(rand.New(rand.NewPCG(7, 7)), l)
	x2 := append([]int64(nil), x1...)
	y1, _ := l.Run(x1)
	for w, q := range l.idx[:len(y1)] { // slot 0 of each window
		if q >= 0 {
			for s := 0; s < 4; s++ {
				u := l.idx[s*len(y1)+w]
				if x1[u] < y1[w] {
					x2[u] = (x1[u] + y1[w]) / 2 // still not above the maximum
					break
				}
			}
		}
	}
	if y2, _ := l.Run(x2); fmt.Sprint(y1) != fmt.Sprint(y2) {
		t.Fatal("the two inputs' maxima differ: the test's premise is wrong")
	}
	for _, zero := range []bool{false, true} {
		pcs.SetZeroVanishingForTests(zero)
		runs := 48
		if zero {
			runs = 16 // a constant statistic reaches 3·16 = 48 > zkCrit
		}
		for xi, x := range [][]int64{x1, x2} {
			tl := tally{}
			for range runs {
				k := 0
				openHook = func(d *pcs.ProverData, z []fr.Element) {
					c := d.Commitment()
					s, _ := mle.Table(d.MaskRow()).Eval(z[c.RowVars:])
					zv := pcs.Vanishing(z)
					tl.add(fmt.Sprintf("claim %d vanishing part", k), *s.Mul(&s, &zv))
					k++
				}
				xData, err := pcs.Commit(p, mle.FromInt64(x))
				if err != nil {
					t.Fatal(err)
				}
				tr, bp := start(xData), batch.NewProver()
				proof, _, err := l.ProveBatched(tr, p, xData, x, y1, bp)
				if err != nil {
					t.Fatal(err)
				}
				bproof, err := bp.Prove(tr)
				if err != nil {
					t.Fatal(err)
				}
				tv, bv := start(xData), batch.NewVerifier()
				if err := l.VerifyBatched(tv, p, xData.Commitment(), proof, bv); err != nil {
					t.Fatal(err)
				}
				if err := bv.Verify(tv, p, bproof); err != nil {
					t.Fatal(err)
				}
				tl.sumcheck("product", &proof.Zero)
				tl.sumcheck("link", &proof.Link)
				tl.sumcheck("gather", &proof.Gather)
			}
			w, name := tl.worst(runs)
			switch {
			case !zero && w > zkCrit:
				t.Errorf("input %d: %s not uniform (chi-square %.1f > %.2f)", xi, name, w, zkCrit)
			case zero && w <= zkCrit:
				t.Errorf("input %d, vanishing masks zero: every statistic uniform (worst %.1f): the test cannot fail", xi, w)
			}
		}
	}
}
