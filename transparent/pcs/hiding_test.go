package pcs

import (
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// lowBits returns e's two low bits (of its integer value): a statistic whose
// distribution is uniform for a uniform element up to 4/r.
func lowBits(e fr.Element) int {
	var b big.Int
	e.BigInt(&b)
	if len(b.Bits()) == 0 {
		return 0
	}
	return int(b.Bits()[0] & 3)
}

// chi2 is the chi-square statistic of counts against the uniform law.
func chi2(counts []int, n int) float64 {
	exp := float64(n) / float64(len(counts))
	var s float64
	for _, c := range counts {
		d := float64(c) - exp
		s += d * d / exp
	}
	return s
}

// chi2Crit is the 10^-6 quantile of chi-square with 3 degrees of freedom:
// an honest hiding opening fails one statistic with probability about
// 10^-6, so TestHidingUniform's 24 statistics fail by chance about once in
// 40,000 runs (at the 10^-4 quantile, 21.11, it was once in 400). With the
// masks zeroed its statistics are constant: chi-square 3·200 = 600.
const chi2Crit = 30.66

// revealed opens a fresh hiding (or, with zeroMasks, unmasked) commitment
// to tab at z and returns the values a verifier sees.
func revealed(t *testing.T, p Params, tab mle.Table, rv int, z []fr.Element) Opening {
	t.Helper()
	pd, err := CommitShape(p, tab, rv)
	if err != nil {
		t.Fatal(err)
	}
	val, op, _, err := pd.Open(transcript.New("zk"), z)
	if err != nil {
		t.Fatal(err)
	}
	if err := Verify(transcript.New("zk"), p, pd.Commitment(), z, val, op); err != nil {
		t.Fatal(err)
	}
	return op
}

// TestHidingUniform: two tables with the same value at z (the public
// statement) give openings whose revealed u, v, column entries and mask
// value have uniform low bits over 200 fresh commitments each; with the
// masks forced to zero the same statistics fail, and a private entry is read
// off v (one row: v is the table itself) and off an opened column.
func TestHidingUniform(t *testing.T) {
	const n, runs = 5, 200
	zkParams := Params{RateLog: 1, Queries: 8, Hiding: true} // small, for 1,600 commitments
	z := randPoint(n)
	a := randTable(n)
	b := randTable(n)
	// b := a + δ with δ̃(z) = 0: δ = e_0 − (eq(z)_0/eq(z)_1)·e_1.
	eq := mle.EqTable(z)
	b = append(mle.Table(nil), a...)
	var d fr.Element
	d.Inverse(&eq[1]).Mul(&d, &eq[0])
	one := fr.One()
	b[0].Add(&b[0], &one)
	b[1].Sub(&b[1], &d)
	if ya, _ := a.Eval(z); true {
		if yb, _ := b.Eval(z); !ya.Equal(&yb) {
			t.Fatal("test tables differ at z")
		}
	}
	type stat struct {
		name string
		get  func(op Opening) fr.Element
	}
	stats := []stat{
		{"u[0]", func(op Opening) fr.Element { return op.U[0] }},
		{"v[0]", func(op Opening) fr.Element { return op.V[0] }},
		{"v[1]", func(op Opening) fr.Element { return op.V[1] }},
		{"column[0][0]", func(op Opening) fr.Element { return op.Columns[0][0] }},
		{"column[1][1]", func(op Opening) fr.Element { return op.Columns[1][1] }},
	}
	for _, zero := range []bool{false, true} {
		for ti, tab := range []mle.Table{a, b} {
			for _, rv := range []int{0, 2} {
				zeroMasks = zero
				counts := make([][]int, len(stats)+1)
				for i := range counts {
					counts[i] = make([]int, 4)
				}
				read := false
				for range runs {
					op := revealed(t, zkParams, tab, rv, z)
					for i, s := range stats {
						counts[i][lowBits(s.get(op))]++
					}
					counts[len(stats)][lowBits(op.Mask[0])]++
					if rv == 0 && op.V[0].Equal(&tab[0]) && op.V[5].Equal(&tab[5]) {
						read = true
					}
				}
				zeroMasks = false
				worst := 0.0
				for i := range stats {
					worst = max(worst, chi2(counts[i], runs))
				}
				mask := chi2(counts[len(stats)], runs)
				switch {
				case !zero && (worst > chi2Crit || mask > chi2Crit):
					t.Errorf("table %d, rv %d: revealed values not uniform (chi-square %.1f, mask %.1f > %.1f)", ti, rv, worst, mask, chi2Crit)
				case !zero && read:
					t.Errorf("table %d, rv %d: a private entry read off v despite the masks", ti, rv)
				case zero && worst <= chi2Crit:
					t.Errorf("table %d, rv %d, masks zero: statistics still uniform (%.1f): the test cannot fail", ti, rv, worst)
				case zero && rv == 0 && !read:
					t.Errorf("table %d, masks zero: v is not the table: the reconstruction test cannot fail", ti)
				}
			}
		}
	}
}

// TestHidingOneOpening: a hiding commitment refuses a second opening (its
// masks are one-time pads); a binding one does not.
func TestHidingOneOpening(t *testing.T) {
	for _, p := range bothModes {
		pd, err := Commit(p, randTable(5))
		if err != nil {
			t.Fatal(err)
		}
		if _, _, _, err := pd.Open(transcript.New("t"), randPoint(5)); err != nil {
			t.Fatal(err)
		}
		_, _, _, err = pd.Open(transcript.New("t"), randPoint(5))
		if p.Hiding != (err != nil) {
			t.Errorf("hiding %v: second opening: %v", p.Hiding, err)
		}
	}
}

// TestRNGUniform: the field sampler's low bits are uniform and it never
// returns a non-canonical element.
func TestRNGUniform(t *testing.T) {
	g := newRNG()
	buf := make([]fr.Element, 4000)
	g.fill(buf)
	counts := make([]int, 4)
	for _, e := range buf {
		if !less([4]uint64(e), modWords) {
			t.Fatal("sampled element not below r")
		}
		counts[lowBits(e)]++
	}
	if c := chi2(counts, len(buf)); c > chi2Crit {
		t.Errorf("sampler's low bits not uniform: chi-square %.1f", c)
	}
}
