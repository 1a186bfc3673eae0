package sumcheck

import (
	"fmt"
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

var maskParams = pcs.Params{RateLog: 1, Queries: 8, Hiding: true}

func TestMaskedHonest(t *testing.T) {
	for _, c := range [][2]int{{1, 1}, {2, 1}, {2, 5}, {3, 4}, {5, 3}} {
		d, n := c[0], c[1]
		t.Run(fmt.Sprintf("d%d_n%d", d, n), func(t *testing.T) {
			ts := randTables(d, n)
			claim := sumProd(ts)
			orig := clone(ts)
			proof, r, err := proveMasked(transcript.New("m"), claim, ts, maskParams)
			if err != nil {
				t.Fatal(err)
			}
			r2, fin, err := verifyMasked(transcript.New("m"), claim, n, d, maskParams, proof)
			if err != nil {
				t.Fatalf("honest masked proof rejected: %v", err)
			}
			for k := range orig {
				if v, _ := orig[k].Eval(r); !v.Equal(&fin[k]) || !r2[k%n].Equal(&r[k%n]) {
					t.Fatalf("final %d is not the factor at r", k)
				}
			}
			// Under MaskParams, through ProveZK and the plain Verify.
			ts = clone(orig)
			pz, _, _, err := ProveZK(transcript.New("z"), claim, ts, true)
			if err != nil || pz.Mask == nil {
				t.Fatalf("ProveZK: %v (mask %v)", err, pz.Mask != nil)
			}
			if _, _, err := Verify(transcript.New("z"), claim, n, d, pz); err != nil {
				t.Fatalf("Verify rejects an honest masked proof: %v", err)
			}
			pz.Mask.Value.Add(&pz.Mask.Value, ptr(fr.One()))
			if _, _, err := Verify(transcript.New("z"), claim, n, d, pz); err == nil {
				t.Fatal("Verify accepts a masked proof with g(r) changed")
			}
		})
	}
}

func TestMaskedRejected(t *testing.T) {
	const d, n = 2, 4
	one := fr.One()
	for name, edit := range map[string]func(claim *fr.Element, p *Proof){
		"claim off by one":       func(c *fr.Element, p *Proof) { c.Add(c, &one) },
		"mask sum off by one":    func(c *fr.Element, p *Proof) { p.Mask.Sum.Add(&p.Mask.Sum, &one) },
		"mask value off by one":  func(c *fr.Element, p *Proof) { p.Mask.Value.Add(&p.Mask.Value, &one) },
		"round 2 tampered":       func(c *fr.Element, p *Proof) { p.Rounds[2][2].Add(&p.Rounds[2][2], &one) },
		"final tampered":         func(c *fr.Element, p *Proof) { p.Finals[1].Add(&p.Finals[1], &one) },
		"mask opening's u":       func(c *fr.Element, p *Proof) { p.Mask.Open.U[0].Add(&p.Mask.Open.U[0], &one) },
		"mask commitment's root": func(c *fr.Element, p *Proof) { p.Mask.Com.Root[0] ^= 1 },
		// g(r) and a final shifted together keep the last check: the mask's opening catches it.
		"mask value and final shifted together": func(c *fr.Element, p *Proof) {
			p.Mask.Value.Add(&p.Mask.Value, &one)
			// Π finals must drop by ρ; unknown here, so shift the final by a guess: caught either way.
			p.Finals[0].Sub(&p.Finals[0], &one)
		},
	} {
		ts := randTables(d, n)
		claim := sumProd(ts)
		proof, _, err := proveMasked(transcript.New("m"), claim, ts, maskParams)
		if err != nil {
			t.Fatal(err)
		}
		edit(&claim, &proof)
		if _, _, err := verifyMasked(transcript.New("m"), claim, n, d, maskParams, proof); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func lowBits(e fr.Element) int {
	var b big.Int
	e.BigInt(&b)
	if len(b.Bits()) == 0 {
		return 0
	}
	return int(b.Bits()[0] & 3)
}

func chi2(counts []int, n int) float64 {
	exp := float64(n) / float64(len(counts))
	var s float64
	for _, c := range counts {
		s += (float64(c) - exp) * (float64(c) - exp) / exp
	}
	return s
}

// hiddenPair returns B, 1 at entries 0 and 8 (n ≥ 4 variables), and two
// random tables A1, A2 that differ only there (A2[0] = A1[0] + 1,
// A2[8] = A1[8] − 1), so that Σ A·B is the same for both: the public claim
// does not tell them apart.
func hiddenPair(n int) (b, a1, a2 mle.Table) {
	b = make(mle.Table, 1<<n)
	b[0].SetOne()
	b[8].SetOne()
	a1 = randTables(1, n)[0]
	a2 = append(mle.Table(nil), a1...)
	one := fr.One()
	a2[0].Add(&a2[0], &one)
	a2[8].Sub(&a2[8], &one)
	return b, a1, a2
}

// checkMaskedRounds judges input ai's masked-round statistics: counts[i]
// holds the low bits of one round value over runs proofs, read whether any
// proof's first round value equalled A[0]. With the mask (zero false) every
// statistic must be at most 30.66 (chi-square, 3 degrees of freedom, about
// 10^-6 a statistic) and A[0] never read; with the mask zeroed A[0] must be
// read and some statistic above, or the test could not fail.
func checkMaskedRounds(t *testing.T, ai int, zero, read bool, counts [][]int, runs int) {
	t.Helper()
	worst := 0.0
	for i := range counts {
		worst = max(worst, chi2(counts[i], runs))
	}
	switch {
	case !zero && worst > 30.66:
		t.Errorf("input %d: masked rounds not uniform (chi-square %.1f)", ai, worst)
	case !zero && read:
		t.Errorf("input %d: A[0] read off the masked rounds", ai)
	case zero && (!read || worst <= 30.66):
		t.Errorf("input %d, mask zero: read %v, chi-square %.1f: the test cannot fail", ai, read, worst)
	}
}

// TestMaskedZeroKnowledge: f = A·B with B the indicator of {0, 8} (n = 4,
// public) and A private: the claim A[0] + A[8] is public, A[0] alone is not.
// Two inputs with the same claim give rounds whose low bits are uniform over
// 200 proofs (chi-square, 3 degrees of freedom, at most 30.66, about
// 10^-6 a statistic); with the mask forced to zero the first round's value at 0 is A[0]
// (a private entry read off the proof) and the statistics fail.
func TestMaskedZeroKnowledge(t *testing.T) {
	const n, runs = 4, 200
	b, a1, a2 := hiddenPair(n)
	for _, zero := range []bool{false, true} {
		for ai, a := range []mle.Table{a1, a2} {
			zeroMask = zero
			claim := sumProd([]mle.Table{a, b})
			counts := make([][]int, 3)
			for i := range counts {
				counts[i] = make([]int, 4)
			}
			read := false
			for range runs {
				ts := []mle.Table{append(mle.Table(nil), a...), append(mle.Table(nil), b...)}
				proof, _, err := proveMasked(transcript.New("zk"), claim, ts, maskParams)
				if err != nil {
					t.Fatal(err)
				}
				if _, _, err := verifyMasked(transcript.New("zk"), claim, n, 2, maskParams, proof); err != nil {
					t.Fatal(err)
				}
				counts[0][lowBits(proof.Rounds[0][0])]++
				counts[1][lowBits(proof.Rounds[1][2])]++
				counts[2][lowBits(proof.Rounds[3][1])]++
				if proof.Rounds[0][0].Equal(&a[0]) {
					read = true
				}
			}
			zeroMask = false
			checkMaskedRounds(t, ai, zero, read, counts, runs)
		}
	}
}
