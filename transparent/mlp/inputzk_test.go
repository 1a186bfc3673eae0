package mlp

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/batch"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/sumcheck"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// zkCrit is the chi-square bound with 3 degrees of freedom at 10^-6 per
// statistic (a test of ~100 statistics fails by chance with ~10^-4).
const zkCrit = 30.66

// tally counts the low two bits of named field elements over runs.
type tally map[string]*[4]int

func (t tally) add(name string, e fr.Element) {
	if t[name] == nil {
		t[name] = new([4]int)
	}
	t[name][lowBits(e)]++
}

// sumcheck adds every field element of a sumcheck proof the verifier
// receives: the rounds, the finals, the tail's final, the mask's sum and
// value (its opening is package pcs's).
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

// masked adds the vanishing part Z(z)·s̃(z_col) of the value f̂(z) an
// opening of d at z reveals: what separates it from f̃(z), which a verifier
// knowing the candidate input computes. Uniform with the mask, zero
// without it.
func (t tally) masked(name string, d *pcs.ProverData, z []fr.Element) {
	c := d.Commitment()
	s, _ := mle.Table(d.MaskRow()).Eval(z[c.RowVars:])
	zv := pcs.Vanishing(z)
	t.add(name+" vanishing part", *s.Mul(&s, &zv))
}

// worst returns the largest chi-square statistic over runs and its name.
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

// TestInputRangeZeroKnowledge: the input range under
// pcs.Params{Hiding, Vanishing} for two inputs with the same public facts
// (both in range), 48 proofs each: every field element of its zero-check
// (rounds, finals x̂, v̂0, v̂1 at ρ, the Libra mask's sum and value) has
// uniform low bits, and so has each final's vanishing part Z(ρ)·s̃(ρ_col)
// (the value less f̃(ρ)). With the vanishing masks zeroed
// (pcs.SetZeroVanishingForTests) the vanishing parts are 0: the test
// fails, so it can. The lookups are package logup's (its own tests).
func TestInputRangeZeroKnowledge(t *testing.T) {
	p := pcs.Params{RateLog: 1, Queries: 10, Hiding: true, Vanishing: true}
	saved := sumcheck.MaskParams
	sumcheck.MaskParams = pcs.Params{RateLog: 1, Queries: 10, Hiding: true}
	defer func() { sumcheck.MaskParams = saved; openHook = nil; pcs.SetZeroVanishingForTests(false) }()
	rng := rand.New(rand.NewPCG(31, 31))
	x1, x2 := make([]int64, 16), make([]int64, 16)
	for i := range x1 {
		x1[i], x2[i] = rng.Int64N(1<<16)-1<<15, rng.Int64N(1<<16)-1<<15
	}
	m := &Model{InBits: 16}
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
					tl.masked(fmt.Sprint("claim ", k), d, z)
					k++
				}
				xData, err := pcs.Commit(p, mle.FromInt64(x))
				if err != nil {
					t.Fatal(err)
				}
				tr, bp := transcript.New("zk"), batch.NewProver()
				ir, err := m.proveInput(tr, p, xData, x, bp, nil, nil)
				if err != nil {
					t.Fatal(err)
				}
				bproof, err := bp.Prove(tr)
				if err != nil {
					t.Fatal(err)
				}
				tv, bv := transcript.New("zk"), batch.NewVerifier()
				if err := m.verifyInput(tv, p, xData.Commitment(), &ir, bv); err != nil {
					t.Fatal(err)
				}
				if err := bv.Verify(tv, p, bproof); err != nil {
					t.Fatal(err)
				}
				tl.sumcheck("zero-check", &ir.Zero)
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
