package sumcheck

import (
	"fmt"
	"strings"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// topCoef returns the coefficient of X^(len(ys)−1) of the polynomial with
// values ys at 0..len(ys)−1: its (len(ys)−1)-th finite difference over
// (len(ys)−1)!.
func topCoef(ys []fr.Element) fr.Element {
	d := append([]fr.Element(nil), ys...)
	for k := len(d) - 1; k > 0; k-- {
		for i := 0; i < k; i++ {
			d[i].Sub(&d[i+1], &d[i])
		}
	}
	var f, t fr.Element
	f.SetOne()
	for k := 2; k < len(ys); k++ {
		f.Mul(&f, t.SetUint64(uint64(k)))
	}
	return *f.Inverse(&f).Mul(&f, &d[0])
}

// TestMaskDegrees: a mask of per-round degrees (2, 2, 4, 1): each round's
// polynomial ρ·m_j has exactly its round's degree (a nonzero top
// coefficient: the zero-knowledge condition deg g_j ≥ deg h_j of [Mask];
// zero with the mask zeroed, so the check can fail), G and g(r) are the
// sums of its g_i, g(r) opens under the same degrees and is refused under
// others (uniform 4, uniform 2, one round more) and at another value.
func TestMaskDegrees(t *testing.T) {
	degs := []int{2, 2, 4, 1}
	for _, zero := range []bool{false, true} {
		zeroMask = zero
		m, err := NewMaskDegrees(degs, maskParams)
		zeroMask = false
		if err != nil {
			t.Fatal(err)
		}
		if got, want := m.Commitment().NumVars, 4; got != want { // 3+3+5+2 = 13 coefficients
			t.Fatalf("mask row of %d variables, want %d", got, want)
		}
		tr := transcript.New("m")
		var rho fr.Element
		rho.SetUint64(5)
		m.Start(rho)
		var want, sum, one fr.Element
		one.SetOne()
		for i := range degs {
			a, b := m.gi(i, fr.Element{}), m.gi(i, one)
			sum.Add(&sum, &a).Add(&sum, &b)
		}
		if sum.Mul(&sum, ptr(pow2(len(degs)-1))); !sum.Equal(ptr(m.Sum())) {
			t.Fatal("G is not 2^(n−1)·Σ_i (g_i(0) + g_i(1))")
		}
		point := make([]fr.Element, len(degs))
		for j, d := range degs {
			g := make([]fr.Element, d+1)
			m.AddRound(g)
			if top := topCoef(g); top.IsZero() != zero {
				t.Fatalf("mask zero %v: round %d's top coefficient (degree %d) zero %v", zero, j, d, top.IsZero())
			}
			point[j].SetUint64(uint64(7 + j))
			v := m.gi(j, point[j])
			want.Add(&want, &v)
			m.Bind(point[j])
		}
		if v := m.Value(); !v.Equal(&want) {
			t.Fatal("g(r) is not Σ_i g_i(r_i)")
		}
		op, err := m.Open(tr)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name string
			degs []int
			val  fr.Element
			ok   bool
		}{
			{"same degrees", degs, want, true},
			{"uniform 4", []int{4, 4, 4, 4}, want, false},
			{"uniform 2", []int{2, 2, 2, 2}, want, false},
			{"another layout of the same size", []int{4, 2, 2, 1}, want, false},
			{"value plus one", degs, *new(fr.Element).Add(&want, &one), false},
		} {
			err := VerifyMaskOpeningDegrees(transcript.New("m"), maskParams, m.Commitment(), point, c.degs, c.val, op)
			if (err == nil) != c.ok {
				t.Fatalf("mask zero %v, %s: err %v", zero, c.name, err)
			}
		}
		if err := VerifyMaskOpeningDegrees(transcript.New("m"), maskParams, m.Commitment(), point[:3], degs, want, op); err == nil {
			t.Fatal("an opening at a point of 3 coordinates for 4 rounds accepted")
		}
	}
	if _, err := NewMaskDegrees([]int{2, 0}, maskParams); err == nil {
		t.Fatal("a round of degree 0 accepted")
	}
}

// TestSumRoundLength: the verifier takes each round's length from the
// statement's shape, zk or not: a round sent with one value more or less
// (the same polynomial at one point more, or cut) is refused as of the
// wrong length, before any other check.
func TestSumRoundLength(t *testing.T) {
	c := sumCase{"rescale-like", 4, 4, [][]int{{0, 1}, {0, 2, 2}, {0, 3}}, map[int]int{1: 2, 2: 2, 3: 2}, -1}
	for _, zk := range []bool{false, true} {
		for _, j := range []int{0, 2, 3} {
			for _, delta := range []int{1, -1} {
				t.Run(fmt.Sprintf("zk=%v/round %d/%+d", zk, j, delta), func(t *testing.T) {
					in, claim, _ := c.instance()
					sh := in.Shape()
					proof, _, err := proveSum(transcript.New("l"), claim, in, zk, maskParams)
					if err != nil {
						t.Fatal(err)
					}
					g := proof.Rounds[j]
					if delta > 0 {
						proof.Rounds[j] = Extend(g, len(g))
					} else {
						proof.Rounds[j] = g[:len(g)-1]
					}
					_, _, _, err = verifySum(transcript.New("l"), claim, c.n, sh, maskParams, proof)
					if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("round %d polynomial has %d values, want %d", j, len(g)+delta, len(g))) {
						t.Fatalf("round %d of %d values: %v", j, len(g)+delta, err)
					}
				})
			}
		}
	}
}

// TestSumRoundsZeroKnowledge: ProveSum's rounds under zk, each of its own
// degree, with a masked factor (rounds of degree 2, the last of degree 4):
// A·B with B the indicator of {0, 8} (n = 4, public), A private and masked
// (c = 2): the claim A[0] + A[8] is public, A[0] alone is not. For two
// inputs with the same claim the low bits of values from every round
// (round 0 at 0, round 1 at 2, the last round at 4, its top value) are
// uniform over 200 proofs (chi-square, 3 degrees of freedom, below its
// 10^-4 quantile 21.11); with the Libra mask zeroed, round 0's value at 0
// is A[0] and the statistics fail (the test can fail).
func TestSumRoundsZeroKnowledge(t *testing.T) {
	const n, runs = 4, 200
	b, a1, a2 := hiddenPair(n)
	s := randTables(1, 2)[0]
	one := fr.One()
	for _, zero := range []bool{false, true} {
		for ai, a := range []mle.Table{a1, a2} {
			counts := make([][]int, 3)
			for i := range counts {
				counts[i] = make([]int, 4)
			}
			read := false
			for range runs {
				in := Instance{Tables: clone([]mle.Table{a, b}), Masks: [][]fr.Element{s, nil}, Terms: []Term{{one, []int{0, 1}}}}
				claim := sumOf(in)
				sh := in.Shape()
				zeroMask = zero
				proof, _, err := proveSum(transcript.New("zk"), claim, in, true, maskParams)
				zeroMask = false
				if err != nil {
					t.Fatal(err)
				}
				if _, _, _, err := verifySum(transcript.New("zk"), claim, n, sh, maskParams, proof); err != nil {
					t.Fatal(err)
				}
				if len(proof.Rounds[0]) != 3 || len(proof.Rounds[n-1]) != 5 {
					t.Fatalf("rounds of %d and %d values, want 3 and 5", len(proof.Rounds[0]), len(proof.Rounds[n-1]))
				}
				counts[0][lowBits(proof.Rounds[0][0])]++
				counts[1][lowBits(proof.Rounds[1][2])]++
				counts[2][lowBits(proof.Rounds[n-1][4])]++
				if proof.Rounds[0][0].Equal(&a[0]) {
					read = true
				}
			}
			checkMaskedRounds(t, ai, zero, read, counts, runs)
		}
	}
}
