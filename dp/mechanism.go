package dp

import (
	"fmt"
	"math"
	"math/big"
	"strings"
	"sync"
)

// Kind names a noise distribution.
type Kind string

// Mechanisms.
const (
	// Laplace is the discrete Laplace (two-sided geometric) distribution,
	// P(z) ∝ exp(−ε|z|/Δ) [GRS09].
	Laplace Kind = "laplace"
	// Gaussian is the discrete Gaussian, P(z) ∝ exp(−z²/(2σ²)) [CKS20].
	Gaussian Kind = "gaussian"
)

// UniformBits is k, the width of the uniform integer U that the inverse
// CDF reads: every probability of a table is a multiple of 2^-k.
const UniformBits = 64

// Limits: they keep tables small enough to be a circuit's constants and
// the privacy accounting quick.
const (
	MaxSensitivity = 64      // Δ, in units of the noise's lattice
	MaxTable       = 1 << 17 // rows of a table (2T + 2)
	MaxEpsilon     = 20
)

// Decimal is an exact positive decimal such as 0.5 or 1.25: Num/Den.
type Decimal struct {
	Num int64 `json:"num"`
	Den int64 `json:"den"`
}

// ParseDecimal reads a decimal number in (0, max] with at most 6 digits
// after the point.
func ParseDecimal(s string, maxValue int64) (Decimal, error) {
	s = strings.TrimSpace(s)
	r, ok := new(big.Rat).SetString(s)
	if !ok || strings.ContainsAny(s, "/eE") {
		return Decimal{}, fmt.Errorf("%.40q is not a decimal number", s)
	}
	if r.Sign() <= 0 || r.Cmp(big.NewRat(maxValue, 1)) > 0 {
		return Decimal{}, fmt.Errorf("%s is outside (0, %d]", s, maxValue)
	}
	if i := strings.IndexByte(s, '.'); i >= 0 && len(s)-i-1 > 6 {
		return Decimal{}, fmt.Errorf("%s has more than 6 digits after the point", s)
	}
	return Decimal{r.Num().Int64(), r.Denom().Int64()}, nil
}

func (d Decimal) Rat() *big.Rat { return big.NewRat(d.Num, d.Den) }

func (d Decimal) String() string {
	return strings.TrimRight(strings.TrimRight(d.Rat().FloatString(6), "0"), ".")
}

func (d Decimal) valid(maxValue int64) bool {
	return d.Den > 0 && d.Num > 0 && d.Num <= maxValue*d.Den && d.Den <= 10_000_000
}

// Mechanism is an additive noise mechanism on an integer lattice: the
// released value is the exact statistic (in lattice units) plus a noise z
// drawn from the table of Kind. Sensitivity is Δ, the most the statistic
// moves between neighbouring datasets, in lattice units.
type Mechanism struct {
	Kind        Kind    `json:"kind"`
	Epsilon     Decimal `json:"epsilon"`
	Sensitivity int64   `json:"sensitivity"`
	// Sigma is the discrete Gaussian's σ in lattice units (Gaussian only).
	Sigma *Decimal `json:"sigma,omitempty"`
}

// Check validates the mechanism's parameters.
func (m *Mechanism) Check() error {
	switch {
	case m.Kind != Laplace && m.Kind != Gaussian:
		return fmt.Errorf("dp: mechanism %.40q is not laplace or gaussian", m.Kind)
	case !m.Epsilon.valid(MaxEpsilon):
		return fmt.Errorf("dp: ε = %d/%d is outside (0, %d] or has a denominator above 10^7", m.Epsilon.Num, m.Epsilon.Den, MaxEpsilon)
	case m.Sensitivity < 1 || m.Sensitivity > MaxSensitivity:
		return fmt.Errorf("dp: sensitivity %d is outside [1, %d] lattice units", m.Sensitivity, MaxSensitivity)
	case m.Kind == Gaussian && (m.Sigma == nil || !m.Sigma.valid(1<<14)):
		return fmt.Errorf("dp: the gaussian mechanism needs σ in (0, 16384]")
	case m.Kind == Laplace && m.Sigma != nil:
		return fmt.Errorf("dp: σ is for the gaussian mechanism only")
	}
	return nil
}

// Table is a mechanism's noise distribution as the circuit holds it, in
// sign–magnitude form: a uniform U ∈ [0, 2^k) is split U = v + 2^(k−1)·s
// (s its top bit), the magnitude is the m with Mag[m] ≤ v < Mag[m+1]
// (inverse CDF of |Z|, Mag[0] = 0, Mag[Offset+1] = 2^(k−1)), and the
// noise is z = m for s = 0, −m for s = 1. One table of Offset + 2 rows
// serves both signs, half the rows of a two-sided table.
//
// CDF is the two-sided distribution this draws, over z = i − Offset for i
// in [0, 2·Offset] (CDF[0] = 0, CDF[2·Offset+1] = 2^k): z ≠ 0 has count
// Mag[|z|+1] − Mag[|z|] and z = 0 twice Mag[1] (both signs). Count,
// Delta and Variance read it: the accounting is of what is sampled.
type Table struct {
	Offset int64
	CDF    []*big.Int
	Mag    []*big.Int
}

// deltas caches Delta by table and (ε, Δ): a prove resolves its release
// more than once. (A package map, not a Table field: a Table is walked by
// reflection as part of a circuit.)
var deltas sync.Map

type deltaKey struct {
	t              *Table
	num, den, sens int64
}

// Count is the number of U ∈ [0, 2^k) that give noise z (0 outside the
// support).
func (t *Table) Count(z int64) *big.Int {
	i := z + t.Offset
	if i < 0 || i > 2*t.Offset {
		return new(big.Int)
	}
	return new(big.Int).Sub(t.CDF[i+1], t.CDF[i])
}

// Sample is the sign–magnitude inverse CDF: the noise of a uniform
// u ∈ [0, 2^k), the integer reference the circuit proves.
func (t *Table) Sample(u *big.Int) (int64, error) {
	if u.Sign() < 0 || u.BitLen() > UniformBits {
		return 0, fmt.Errorf("dp: uniform value outside [0, 2^%d)", UniformBits)
	}
	v := new(big.Int).And(u, new(big.Int).Sub(magTop(), big.NewInt(1)))
	m := t.Magnitude(v)
	if u.Bit(UniformBits-1) == 1 {
		return -m, nil
	}
	return m, nil
}

// Magnitude is the m with Mag[m] ≤ v < Mag[m+1], for v ∈ [0, 2^(k−1)).
func (t *Table) Magnitude(v *big.Int) int64 {
	lo, hi := 0, len(t.Mag)-1 // Mag[lo] ≤ v < Mag[hi]
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		if t.Mag[mid].Cmp(v) <= 0 {
			lo = mid
		} else {
			hi = mid
		}
	}
	return int64(lo)
}

// magTop is 2^(k−1), the magnitude table's total.
func magTop() *big.Int { return new(big.Int).Lsh(big.NewInt(1), UniformBits-1) }

const floatPrec = 256

var tables sync.Map // Mechanism key → *Table

// Table returns the mechanism's table, computed once per process. It is a
// deterministic function of the parameters (big.Float arithmetic at 256
// bits, no platform floating point), so prover and verifier build the same
// circuit.
func (m *Mechanism) Table() (*Table, error) {
	if err := m.Check(); err != nil {
		return nil, err
	}
	key := m.key()
	if t, ok := tables.Load(key); ok {
		return t.(*Table), nil
	}
	var tail func(x int64) *big.Float // P(Z ≤ −x) at 256 bits, x ≥ 0
	switch m.Kind {
	case Laplace:
		// α = exp(−ε/Δ); for x ≥ 0, P(Z ≤ −x) = α^x/(1+α) (the two-sided
		// geometric).
		a := expBig(neg(quo(ratFloat(m.Epsilon.Rat()), newFloat().SetInt64(m.Sensitivity))))
		onePlus := newFloat().Add(newFloat().SetInt64(1), a)
		tail = func(x int64) *big.Float { return quo(powBig(a, x), onePlus) }
	case Gaussian:
		g, err := gaussianCDF(m.Sigma.Rat())
		if err != nil {
			return nil, err
		}
		tail = func(x int64) *big.Float { return g.cdf(-x) }
	}
	// The offset T is the first where the tail beyond ±T rounds to no
	// count: 2^(k−1)·P(|Z| > T) = 2^k·P(Z ≤ −T−1) < 1/2. The tails beyond
	// T fold into the last magnitude row; the accounting (Delta) sees them.
	scale := newFloat().SetMantExp(newFloat().SetInt64(1), UniformBits)
	half := big.NewFloat(0.5)
	T := int64(0)
	tails := []*big.Float{nil} // tails[x] = tail(x), kept for Mag below
	for ; ; T++ {
		if 2*T+2 > MaxTable {
			return nil, fmt.Errorf("dp: the noise table would exceed %d rows: raise ε or lower the sensitivity", MaxTable)
		}
		tails = append(tails, tail(T+1))
		if newFloat().Mul(tails[T+1], scale).Cmp(half) < 0 {
			break
		}
	}
	// Mag[m] = round(2^(k−1)·P(|Z| < m)) = round(2^(k−1) − 2^k·P(Z ≤ −m))
	// for 1 ≤ m ≤ T (the distributions are symmetric).
	t := &Table{Offset: T, Mag: make([]*big.Int, T+2)}
	t.Mag[0] = new(big.Int)
	t.Mag[T+1] = magTop()
	top := newFloat().SetInt(magTop())
	for m := int64(1); m <= T; m++ {
		t.Mag[m] = roundFloat(newFloat().Sub(top, newFloat().Mul(tails[m], scale)))
		if t.Mag[m].Cmp(t.Mag[m-1]) < 0 || t.Mag[m].Cmp(t.Mag[T+1]) > 0 {
			return nil, fmt.Errorf("dp: internal: the magnitude table is not monotone at %d", m)
		}
	}
	// The two-sided CDF of what the sign–magnitude draw samples.
	t.CDF = make([]*big.Int, 2*T+2)
	t.CDF[0] = new(big.Int)
	for i := int64(0); i <= 2*T; i++ {
		z := i - T
		a := max(z, -z)
		c := new(big.Int).Sub(t.Mag[a+1], t.Mag[a])
		if z == 0 {
			c.Lsh(c, 1)
		}
		t.CDF[i+1] = new(big.Int).Add(t.CDF[i], c)
	}
	if t.CDF[2*T+1].Cmp(new(big.Int).Lsh(big.NewInt(1), UniformBits)) != 0 {
		return nil, fmt.Errorf("dp: internal: the table does not sum to 2^%d", UniformBits)
	}
	tables.Store(key, t)
	return t, nil
}

func (m *Mechanism) key() string {
	return fmt.Sprintf("%s/%d/%d/%d/%v", m.Kind, m.Epsilon.Num, m.Epsilon.Den, m.Sensitivity, m.Sigma)
}

// Delta is the δ for which the table's mechanism is (ε, δ)-DP at
// sensitivity Δ: the largest hockey-stick divergence
//
//	δ_s = Σ_y max(0, P(y) − e^ε·P(y − s))
//
// over shifts s ∈ [−Δ, Δ] \ {0} of the implemented distribution, exactly
// as tabulated: the truncation (tails folded into the edges) and the
// rounding of every probability to a multiple of 2^-k are all in it. For
// an additive mechanism on an integer statistic of sensitivity Δ this is
// the exact δ(ε) [BW18], computed at 256 bits and
// rounded up.
func (t *Table) Delta(eps Decimal, sens int64) float64 {
	key := deltaKey{t, eps.Num, eps.Den, sens}
	if d, ok := deltas.Load(key); ok {
		return d.(float64)
	}
	d := t.delta(eps, sens)
	deltas.Store(key, d)
	return d
}

// delta is Delta uncached. A symmetric table (every sign–magnitude table
// is: Count(z) = Count(−z)) has δ_−s = δ_s (substitute y → −y in the
// sum), so the shifts s > 0 suffice; a table that is not symmetric gets
// both signs.
func (t *Table) delta(eps Decimal, sens int64) float64 {
	if t.symmetric() {
		return t.deltaFrom(eps, sens, 1)
	}
	return t.deltaFrom(eps, sens, -sens)
}

// deltaFrom is the largest δ_s over the shifts s ∈ [from, sens] \ {0}.
func (t *Table) deltaFrom(eps Decimal, sens, from int64) float64 {
	e := expBig(ratFloat(eps.Rat()))
	worst := newFloat()
	n := int64(len(t.CDF) - 1)
	// counts[i] and e^ε·counts[i], computed once; the loop allocates
	// nothing (a table of 2^17 rows at Δ = 64 is 2^24 terms).
	counts, scaled := make([]*big.Float, n), make([]*big.Float, n)
	for i := range n {
		counts[i] = newFloat().SetInt(new(big.Int).Sub(t.CDF[i+1], t.CDF[i]))
		scaled[i] = newFloat().Mul(e, counts[i])
	}
	zero := newFloat()
	at := func(v []*big.Float, i int64) *big.Float {
		if i < 0 || i >= n {
			return zero
		}
		return v[i]
	}
	d := newFloat()
	for s := from; s <= sens; s++ {
		if s == 0 {
			continue
		}
		sum := newFloat()
		lo, hi := min(0, s), n+max(0, s)
		for y := lo; y < hi; y++ {
			d.Sub(at(counts, y), at(scaled, y-s))
			if d.Sign() > 0 {
				sum.Add(sum, d)
			}
		}
		if sum.Cmp(worst) > 0 {
			worst = sum
		}
	}
	worst.SetMantExp(worst, -UniformBits)
	worst.SetMode(big.ToPositiveInf)
	f, _ := newFloat().SetMode(big.ToPositiveInf).Set(worst).Float64()
	return f
}

// symmetric reports whether Count(z) = Count(−z) for every z.
func (t *Table) symmetric() bool {
	for z := int64(1); z <= t.Offset; z++ {
		if t.Count(z).Cmp(t.Count(-z)) != 0 {
			return false
		}
	}
	return true
}

// Variance is the variance of the tabulated noise.
func (t *Table) Variance() float64 {
	sum := newFloat()
	for z := -t.Offset; z <= t.Offset; z++ {
		c := newFloat().SetInt(t.Count(z))
		sum.Add(sum, newFloat().Mul(c, newFloat().SetInt64(z*z)))
	}
	sum.SetMantExp(sum, -UniformBits)
	f, _ := sum.Float64()
	return f
}

// P is the probability of noise z as a float64 (for tests and reports).
func (t *Table) P(z int64) float64 {
	f, _ := newFloat().SetMantExp(newFloat().SetInt(t.Count(z)), -UniformBits).Float64()
	return f
}

func newFloat() *big.Float { return new(big.Float).SetPrec(floatPrec) }

func ratFloat(r *big.Rat) *big.Float { return newFloat().SetRat(r) }

func quo(a, b *big.Float) *big.Float { return newFloat().Quo(a, b) }

func neg(a *big.Float) *big.Float { return newFloat().Neg(a) }

func roundFloat(f *big.Float) *big.Int {
	r := newFloat().Add(f, big.NewFloat(0.5))
	i, _ := r.Int(nil) // floor for non-negative values
	return i
}

// powBig is a^n for n ≥ 0 by squaring.
func powBig(a *big.Float, n int64) *big.Float {
	r, b := newFloat().SetInt64(1), newFloat().Set(a)
	for ; n > 0; n >>= 1 {
		if n&1 == 1 {
			r.Mul(r, b)
		}
		b.Mul(b, b)
	}
	return r
}

// expBig is e^x at 256 bits: x/2^m with |x/2^m| < 2^-8 by its Taylor
// series to 2^-300, then squared m times. Deterministic on every platform.
func expBig(x *big.Float) *big.Float {
	m := 0
	y := newFloat().Set(x)
	lim := big.NewFloat(math.Ldexp(1, -8))
	for newFloat().Abs(y).Cmp(lim) > 0 {
		y.SetMantExp(y, -1)
		m++
	}
	sum, term := newFloat().SetInt64(1), newFloat().SetInt64(1)
	eps := newFloat().SetMantExp(newFloat().SetInt64(1), -300)
	for n := int64(1); n < 200; n++ {
		term.Mul(term, y)
		term.Quo(term, newFloat().SetInt64(n))
		sum.Add(sum, term)
		if newFloat().Abs(term).Cmp(eps) < 0 {
			break
		}
	}
	for range m {
		sum.Mul(sum, sum)
	}
	return sum
}

// Reduced is d in lowest terms.
func (d Decimal) Reduced() Decimal {
	if g := new(big.Int).GCD(nil, nil, big.NewInt(d.Num), big.NewInt(d.Den)).Int64(); g > 1 {
		return Decimal{d.Num / g, d.Den / g}
	}
	return d
}
