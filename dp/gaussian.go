package dp

import (
	"fmt"
	"math"
	"math/big"
)

// gaussian is the discrete Gaussian of σ truncated to [−L, L], where the
// mass beyond L is below 2^-(k+40): P(z) = w(z)/W with w(z) =
// exp(−z²/(2σ²)) and W the sum over [−L, L]. The table rounds this
// distribution; the accounting (Table.Delta) is of the table itself, so
// the truncation costs nothing that is not counted.
type gaussian struct {
	L      int64
	prefix []*big.Float // prefix[i] = Σ_{z ≤ i−L} w(z) / W
}

func gaussianCDF(sigma *big.Rat) (*gaussian, error) {
	s, _ := sigma.Float64()
	L := int64(math.Ceil(s*math.Sqrt(2*float64(UniformBits+40)*math.Ln2))) + 1
	if 2*L+2 > MaxTable {
		return nil, fmt.Errorf("dp: σ = %s needs a table of more than %d rows", sigma.FloatString(3), MaxTable)
	}
	// w(z+1) = w(z)·r·q^z with r = exp(−1/(2σ²)), q = exp(−1/σ²), from
	// w(0) = 1; w(−z) = w(z).
	s2 := ratFloat(new(big.Rat).Mul(sigma, sigma))
	r := expBig(neg(quo(newFloat().SetInt64(1), newFloat().Mul(s2, newFloat().SetInt64(2)))))
	q := expBig(neg(quo(newFloat().SetInt64(1), s2)))
	w := make([]*big.Float, L+1)
	w[0] = newFloat().SetInt64(1)
	qz := newFloat().SetInt64(1)
	for z := int64(0); z < L; z++ {
		w[z+1] = newFloat().Mul(newFloat().Mul(w[z], r), qz)
		qz.Mul(qz, q)
	}
	g := &gaussian{L: L, prefix: make([]*big.Float, 2*L+1)}
	acc := newFloat()
	for i := int64(0); i <= 2*L; i++ {
		z := i - L
		acc.Add(acc, w[max(z, -z)])
		g.prefix[i] = newFloat().Set(acc)
	}
	for i := range g.prefix {
		g.prefix[i] = quo(g.prefix[i], acc)
	}
	return g, nil
}

func (g *gaussian) cdf(x int64) *big.Float {
	switch {
	case x < -g.L:
		return newFloat()
	case x >= g.L:
		return newFloat().SetInt64(1)
	}
	return g.prefix[x+g.L]
}

// GaussianFor returns the discrete Gaussian mechanism with the smallest σ
// (in hundredths) whose table is (ε, δ)-DP at sensitivity sens by
// Table.Delta: a bisection on σ, δ(σ) falling as σ grows.
func GaussianFor(eps Decimal, delta float64, sens int64) (Mechanism, error) {
	if !(delta > 0 && delta < 1) {
		return Mechanism{}, fmt.Errorf("dp: δ = %g is outside (0, 1)", delta)
	}
	at := func(c int64) (Mechanism, bool, error) {
		s := Decimal{c, 100}
		if g := new(big.Int).GCD(nil, nil, big.NewInt(c), big.NewInt(100)).Int64(); g > 1 {
			s = Decimal{c / g, 100 / g}
		}
		m := Mechanism{Kind: Gaussian, Epsilon: eps, Sensitivity: sens, Sigma: &s}
		t, err := m.Table()
		if err != nil {
			return m, false, err
		}
		return m, t.Delta(eps, sens) <= delta, nil
	}
	lo, hi := int64(1), int64(100)
	for {
		_, ok, err := at(hi)
		if err != nil {
			return Mechanism{}, fmt.Errorf("dp: no discrete Gaussian within the table limit meets ε = %s, δ = %g at sensitivity %d: raise ε or δ", eps, delta, sens)
		}
		if ok {
			break
		}
		lo, hi = hi, 2*hi
	}
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		if _, ok, err := at(mid); err == nil && ok {
			hi = mid
		} else {
			lo = mid
		}
	}
	m, _, err := at(hi)
	return m, err
}
