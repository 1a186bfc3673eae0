package zktest

import (
	"fmt"
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/sumcheck"
)

// The helpers below serve the per-layer zero-knowledge tests (packages
// cnn, maxpool, mlp, conv, matmul, pcs), which tally named values
// themselves rather than walk a whole proof (Tally).

// LowBits returns e's two low bits (of its integer value in [0, r)): a
// statistic uniform on {0, 1, 2, 3} for a uniform e up to 4/r.
func LowBits(e fr.Element) int {
	var b big.Int
	e.BigInt(&b)
	return int(b.Bit(0) | b.Bit(1)<<1)
}

// ChiSquare is the chi-square statistic of counts against the uniform law
// over len(counts) buckets, the expected count being their sum over
// len(counts). With 4 buckets it has 3 degrees of freedom (Crit).
func ChiSquare(counts []int) float64 {
	n := 0
	for _, c := range counts {
		n += c
	}
	exp := float64(n) / float64(len(counts))
	var s float64
	for _, c := range counts {
		d := float64(c) - exp
		s += d * d / exp
	}
	return s
}

// Counts counts the low two bits (LowBits) of named field elements over
// runs, one element per name and run.
type Counts map[string]*[4]int

// Add counts e under name.
func (c Counts) Add(name string, e fr.Element) {
	if c[name] == nil {
		c[name] = new([4]int)
	}
	c[name][LowBits(e)]++
}

// Sumcheck adds every field element of a sumcheck proof the verifier
// receives: the rounds, the finals, the tail's final, the Libra mask's sum
// and value (its opening is package pcs's to test).
func (c Counts) Sumcheck(name string, p *sumcheck.Proof) {
	for j, g := range p.Rounds {
		for k, v := range g {
			c.Add(fmt.Sprintf("%s round %d[%d]", name, j, k), v)
		}
	}
	for k, v := range p.Finals {
		c.Add(fmt.Sprintf("%s final %d", name, k), v)
	}
	if p.Tail != nil {
		c.Add(name+" tail", *p.Tail)
	}
	if p.Mask != nil {
		c.Add(name+" mask sum", p.Mask.Sum)
		c.Add(name+" mask value", p.Mask.Value)
	}
}

// Vanishing adds the vanishing part Z(z)·s̃(z_col) of the value
// f̂(z) = f̃(z) + Z(z)·s̃(z_col) an opening of d at z reveals: what
// separates it from f̃(z), which a verifier knowing a candidate input
// computes. Uniform with the vanishing mask, zero without it.
func (c Counts) Vanishing(name string, d *pcs.ProverData, z []fr.Element) {
	com := d.Commitment()
	s, _ := mle.Table(d.MaskRow()).Eval(z[com.RowVars:])
	zv := pcs.Vanishing(z)
	c.Add(name+" vanishing part", *s.Mul(&s, &zv))
}

// Stat is the chi-square statistic of name's counts over runs, the
// expected count of each bucket being runs/4 (so a name counted other than
// once a run stands out).
func (c Counts) Stat(name string, runs int) float64 {
	e := float64(runs) / 4
	var s float64
	for _, v := range c[name] {
		d := float64(v) - e
		s += d * d / e
	}
	return s
}

// Worst returns the largest statistic (Stat) over runs and its name.
func (c Counts) Worst(runs int) (float64, string) {
	w, name := 0.0, ""
	for n := range c {
		if s := c.Stat(n, runs); s > w {
			w, name = s, n
		}
	}
	return w, name
}

// OpenHook is a package's test hook on its openings of committed tables
// (the prover calls it with the table's data and the point it opens at).
type OpenHook = func(d *pcs.ProverData, z []fr.Element)

// MaskedRuns proves each of two private inputs (prove(i, c) proves input
// i, checks the proof verifies, and adds its values to c) 48 times with
// the vanishing masks as given and then 16 times with them zeroed
// (pcs.SetZeroVanishingForTests), sumcheck.MaskParams set to maskParams
// and setHook installing a hook that adds every opening's vanishing part
// ("claim k", k its index within the proof). With the masks every
// statistic must be uniform (the worst not Significant among the names
// counted for both inputs); without them some must not (the vanishing
// parts are 0: a constant statistic over 16 runs, chi-square 48, is
// Significant), so the test can fail. Restores both settings and the hook.
func MaskedRuns(t testing.TB, maskParams pcs.Params, setHook func(OpenHook), prove func(input int, c Counts)) {
	t.Helper()
	saved := sumcheck.MaskParams
	sumcheck.MaskParams = maskParams
	defer func() { sumcheck.MaskParams = saved; setHook(nil); pcs.SetZeroVanishingForTests(false) }()
	for _, zero := range []bool{false, true} {
		pcs.SetZeroVanishingForTests(zero)
		runs := 48
		if zero {
			runs = 16
		}
		for input := range 2 {
			c := Counts{}
			for range runs {
				k := 0
				setHook(func(d *pcs.ProverData, z []fr.Element) {
					c.Vanishing(fmt.Sprint("claim ", k), d, z)
					k++
				})
				prove(input, c)
			}
			w, name := c.Worst(runs)
			stats := 2 * len(c) // both inputs' statistics make the family
			p := PValue(runs, w)
			switch sig := Significant(runs, w, stats); {
			case !zero && sig:
				t.Errorf("input %d: %s not uniform (chi-square %.1f, p-value %.2g among %d statistics > family bound %g)", input, name, w, p, stats, Family)
			case zero && !sig:
				t.Errorf("input %d, vanishing masks zero: every statistic uniform (worst %.1f, p-value %.2g): the test cannot fail", input, w, p)
			}
		}
	}
}

// CheckRevealed judges a layer test's tallies of input xi (packages conv
// and matmul): delta counts each revealed value minus the private form it
// would otherwise be (f̃ at its point, 0 for a mask value), raw the revealed
// values themselves. With the vanishing masks (zero false) every statistic
// (ChiSquare) must be at most crit; with them zeroed every delta is 0, and
// a delta statistic at most crit means the test cannot fail.
func CheckRevealed(t testing.TB, xi int, zero bool, crit float64, delta, raw Counts) {
	t.Helper()
	for name, k := range delta {
		c := k[:]
		chi := ChiSquare(c)
		if !zero && chi > crit {
			t.Errorf("X%d: %s − its private form: low bits %v, chi-square %.1f > %.2f", xi, name, c, chi, crit)
		}
		if zero && chi <= crit {
			t.Errorf("X%d, vanishing masks zeroed: %s − its private form still uniform (%v): the test cannot fail", xi, name, c)
		}
	}
	for name, k := range raw {
		c := k[:]
		if chi := ChiSquare(c); !zero && chi > crit {
			t.Errorf("X%d: %s: low bits %v, chi-square %.1f > %.2f", xi, name, c, chi, crit)
		}
	}
}
