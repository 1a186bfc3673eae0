package dp

import (
	"math"
	"math/big"
	"testing"
)

// chiSquareCritical is the 0.999 quantile of χ² with df degrees of freedom
// (Wilson–Hilferty; z = 3.0902 is the normal's 0.999 quantile).
func chiSquareCritical(df int) float64 {
	d := float64(df)
	c := 1 - 2/(9*d) + 3.0902*math.Sqrt(2/(9*d))
	return d * c * c * c
}

// chiSquare is Pearson's statistic of the counts seen (n draws) against
// the distribution exact, over the cells whose expected count is at least
// 5 and the two pooled tails, and its degrees of freedom.
func chiSquare(seen map[int64]int, n int, exact func(z int64) float64) (float64, int) {
	N := float64(n)
	lo, hi := int64(0), int64(0)
	for N*exact(lo-1) >= 5 {
		lo--
	}
	for N*exact(hi+1) >= 5 {
		hi++
	}
	var stat, pLeft, pRight float64
	var oLeft, oRight int
	for z, c := range seen {
		switch {
		case z < lo:
			oLeft += c
		case z > hi:
			oRight += c
		}
	}
	for z := lo; z <= hi; z++ {
		e := N * exact(z)
		d := float64(seen[z]) - e
		stat += d * d / e
	}
	for z := lo - 1; z >= lo-400; z-- {
		pLeft += exact(z)
	}
	for z := hi + 1; z <= hi+400; z++ {
		pRight += exact(z)
	}
	for _, c := range []struct {
		o int
		p float64
	}{{oLeft, pLeft}, {oRight, pRight}} {
		e := N * c.p
		stat += (float64(c.o) - e) * (float64(c.o) - e) / e
	}
	return stat, int(hi-lo+1) + 2 - 1
}

func laplacePMF(eps float64) func(z int64) float64 {
	a := math.Exp(-eps)
	return func(z int64) float64 { return (1 - a) / (1 + a) * math.Pow(a, math.Abs(float64(z))) }
}

func gaussianPMF(sigma float64) func(z int64) float64 {
	var w float64
	for y := -200; y <= 200; y++ {
		w += math.Exp(-float64(y*y) / (2 * sigma * sigma))
	}
	return func(z int64) float64 { return math.Exp(-float64(z*z)/(2*sigma*sigma)) / w }
}

// TestChiSquare draws 100,000 noises with the integer reference the
// circuit proves (Noise: Poseidon2 of the key and the draw's index, the
// canonical split, the inverse CDF), draws 0 to 99,999 of one key, and tests
// them against the exact discrete Laplace or Gaussian distribution (not the
// table: the table's rounding is below 2^-64, far below what 10^5 draws can
// see). The same draws against a neighbouring distribution (ε = 0.55
// instead of 0.5, σ = 2.6 instead of 2.5) must fail, so the test has the
// power to see a sampler off by that much.
func TestChiSquare(t *testing.T) {
	const n = 100_000
	sigma := Decimal{5, 2}
	for _, tc := range []struct {
		m           Mechanism
		exact, near func(z int64) float64
	}{
		{laplace("0.5", 1), laplacePMF(0.5), laplacePMF(0.55)},
		{Mechanism{Kind: Gaussian, Epsilon: Decimal{1, 1}, Sensitivity: 1, Sigma: &sigma}, gaussianPMF(2.5), gaussianPMF(2.6)},
	} {
		tab, err := tc.m.Table()
		if err != nil {
			t.Fatal(err)
		}
		seen := map[int64]int{}
		key := Key(big.NewInt(20261130), CoinsValue([]byte("chi-square test coins")), testQuery)
		for i := range n {
			z, err := Noise(tab, key, i)
			if err != nil {
				t.Fatal(err)
			}
			seen[z]++
		}
		stat, df := chiSquare(seen, n, tc.exact)
		crit := chiSquareCritical(df)
		near, ndf := chiSquare(seen, n, tc.near)
		t.Logf("%s: %d draws, %d cells, χ² = %.1f (df %d, 0.999 quantile %.1f); against the neighbouring distribution χ² = %.1f (df %d)", tc.m.Kind, n, df+1, stat, df, crit, near, ndf)
		if stat > crit {
			t.Errorf("%s: χ² = %.1f above the 0.999 quantile %.1f", tc.m.Kind, stat, crit)
		}
		if near <= chiSquareCritical(ndf) {
			t.Errorf("%s: χ² = %.1f against the neighbouring distribution, within its 0.999 quantile: the test cannot tell them apart", tc.m.Kind, near)
		}
	}
}

// TestTables: each table sums to 2^k, is close to symmetric, has the
// variance of its distribution, and its δ at the mechanism's ε is
// negligible; a Laplace table at a lower ε than its own has a large δ.
func TestTables(t *testing.T) {
	sigma := Decimal{3, 1}
	for _, tc := range []struct {
		m        Mechanism
		variance float64
		maxDelta float64
	}{
		{laplace("1", 1), 2 * math.Exp(-1) / math.Pow(1-math.Exp(-1), 2), 1e-15},
		{laplace("0.1", 1), 2 * math.Exp(-0.1) / math.Pow(1-math.Exp(-0.1), 2), 1e-15},
		{laplace("2", 8), 2 * math.Exp(-0.25) / math.Pow(1-math.Exp(-0.25), 2), 1e-15},
		{Mechanism{Kind: Gaussian, Epsilon: Decimal{1, 1}, Sensitivity: 1, Sigma: &sigma}, 9, 1e-3},
	} {
		tab, err := tc.m.Table()
		if err != nil {
			t.Fatal(err)
		}
		if tab.CDF[len(tab.CDF)-1].Cmp(new(big.Int).Lsh(big.NewInt(1), UniformBits)) != 0 {
			t.Fatalf("%s: the table does not end at 2^k", tc.m.key())
		}
		if v := tab.Variance(); math.Abs(v-tc.variance) > 1e-9*tc.variance {
			t.Errorf("%s: variance %.12g, want %.12g", tc.m.key(), v, tc.variance)
		}
		for z := int64(0); z <= tab.Offset; z++ {
			if d := new(big.Int).Sub(tab.Count(z), tab.Count(-z)); d.CmpAbs(big.NewInt(1)) > 0 {
				t.Errorf("%s: counts of %d and %d differ by %v", tc.m.key(), z, -z, d)
			}
		}
		d := tab.Delta(tc.m.Epsilon, tc.m.Sensitivity)
		t.Logf("%s: T = %d, δ = %.3g", tc.m.key(), tab.Offset, d)
		if d > tc.maxDelta || d < 0 {
			t.Errorf("%s: δ = %g, want at most %g", tc.m.key(), d, tc.maxDelta)
		}
		if tc.m.Kind == Laplace {
			half := Decimal{tc.m.Epsilon.Num, 2 * tc.m.Epsilon.Den}
			if d := tab.Delta(half, tc.m.Sensitivity); d < 0.01 {
				t.Errorf("%s: δ at ε/2 is %g: the accounting does not see the ratio e^ε", tc.m.key(), d)
			}
		}
	}
}

// TestSampleEdges: the sign–magnitude inverse CDF at every magnitude
// boundary, with either sign, and at 0, 2^(k−1) − 1, 2^(k−1), 2^k − 1.
func TestSampleEdges(t *testing.T) {
	m := laplace("1", 1)
	tab, err := m.Table()
	if err != nil {
		t.Fatal(err)
	}
	sign := magTop()
	for r := 1; r < len(tab.Mag)-1; r++ {
		if tab.Mag[r].Cmp(tab.Mag[r+1]) == 0 {
			continue
		}
		for _, s := range []int64{1, -1} {
			off := new(big.Int)
			if s < 0 {
				off = sign
			}
			z, _ := tab.Sample(new(big.Int).Add(tab.Mag[r], off))
			zb, _ := tab.Sample(new(big.Int).Add(new(big.Int).Sub(tab.Mag[r], big.NewInt(1)), off))
			if z != s*int64(r) || zb != s*int64(r-1) {
				t.Fatalf("row %d, sign %d: Sample(Mag) = %d, Sample(Mag − 1) = %d", r, s, z, zb)
			}
		}
	}
	one := big.NewInt(1)
	top := new(big.Int).Sub(new(big.Int).Lsh(one, UniformBits), one)
	for _, tc := range []struct {
		u *big.Int
		z int64
	}{{new(big.Int), 0}, {new(big.Int).Sub(sign, one), tab.Offset}, {sign, 0}, {top, -tab.Offset}} {
		if z, _ := tab.Sample(tc.u); z != tc.z {
			t.Errorf("Sample(%#x) = %d, want %d", tc.u, z, tc.z)
		}
	}
	if _, err := tab.Sample(new(big.Int).Add(top, one)); err == nil {
		t.Error("Sample(2^k) accepted")
	}
}

// TestGaussianFor: the σ found meets δ, and a hundredth less does not
// (or is the smallest tried).
func TestGaussianFor(t *testing.T) {
	for _, tc := range []struct {
		eps   string
		delta float64
		sens  int64
	}{{"1", 1e-6, 1}, {"0.5", 1e-5, 2}} {
		e, _ := ParseDecimal(tc.eps, MaxEpsilon)
		m, err := GaussianFor(e, tc.delta, tc.sens)
		if err != nil {
			t.Fatal(err)
		}
		tab, _ := m.Table()
		d := tab.Delta(e, tc.sens)
		less := Mechanism{Kind: Gaussian, Epsilon: e, Sensitivity: tc.sens, Sigma: &Decimal{m.Sigma.Num*100/m.Sigma.Den - 1, 100}}
		lt, _ := less.Table()
		t.Logf("ε = %s, δ = %g, Δ = %d: σ = %s (δ %.3g; at σ − 0.01: %.3g)", tc.eps, tc.delta, tc.sens, m.Sigma, d, lt.Delta(e, tc.sens))
		if d > tc.delta || lt.Delta(e, tc.sens) <= tc.delta {
			t.Errorf("σ = %s is not the smallest meeting δ", m.Sigma)
		}
	}
}

// TestDeltaSymmetric: every table is symmetric, and its δ from the shifts
// s > 0 alone is exactly δ over both signs, for both mechanisms; a table
// with one count moved reads as not symmetric (Delta then takes both).
func TestDeltaSymmetric(t *testing.T) {
	sigma := Decimal{3, 1}
	for _, m := range []Mechanism{laplace("1", 3), laplace("0.5", 2), {Kind: Gaussian, Epsilon: Decimal{1, 1}, Sensitivity: 2, Sigma: &sigma}} {
		tab, err := m.Table()
		if err != nil {
			t.Fatal(err)
		}
		if !tab.symmetric() {
			t.Fatalf("%s: the sign–magnitude table is not symmetric", m.key())
		}
		pos, both := tab.deltaFrom(m.Epsilon, m.Sensitivity, 1), tab.deltaFrom(m.Epsilon, m.Sensitivity, -m.Sensitivity)
		if pos != both || tab.delta(m.Epsilon, m.Sensitivity) != both {
			t.Errorf("%s: δ over s > 0 is %g, over both signs %g", m.key(), pos, both)
		}
		skew := &Table{Offset: tab.Offset, CDF: append([]*big.Int{}, tab.CDF...)}
		skew.CDF[1] = new(big.Int).Add(skew.CDF[1], big.NewInt(1))
		if skew.symmetric() {
			t.Errorf("%s: a table with one count moved reads as symmetric", m.key())
		}
	}
}
