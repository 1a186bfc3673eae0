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
