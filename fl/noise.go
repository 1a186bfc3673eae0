package fl

import (
	"fmt"
	"math"
	"math/big"

	"github.com/consensys/gnark/frontend"

	"github.com/zkinfer/zkinfer/dp"
)

// DPShape makes a round DP-FedAvg [McMahan et al. 2018]: noise from
// package dp's in-circuit sampler is added to the rounded weighted
// average of the parameters [Off, Off+Count) (a layer, or a chosen set of
// contiguous tensors), and every client's update outside that range must
// be zero (those parameters stay as they were: the release outside the
// range does not depend on the clients). The mechanism's table is
// compiled into the circuit, so it is fixed at setup.
//
// Noise is in units of the parameter scale 2^-ParamScale, the lattice the
// rounded average lives on (a coarser noise lattice would not contain the
// average's, and the supports of neighbouring releases would differ).
type DPShape struct {
	Mechanism dp.Mechanism `json:"mechanism"`
	Off       int          `json:"offset"`
	Count     int          `json:"count"`
	// Delta is the δ the Gaussian was calibrated for (GaussianFor); the
	// verifier recomputes the δ it prints (Accounting).
	Delta float64 `json:"delta,omitempty"`
}

// check refuses a DP shape that does not fit the circuit.
func (d *DPShape) check(n int) error {
	if err := d.Mechanism.Check(); err != nil {
		return fmt.Errorf("fl: %w", err)
	}
	if d.Off < 0 || d.Count < 1 || d.Off+d.Count > n {
		return fmt.Errorf("fl: the noised parameters [%d, %d) are not within the model's %d", d.Off, d.Off+d.Count, n)
	}
	if _, err := d.Mechanism.Table(); err != nil {
		return fmt.Errorf("fl: %w", err)
	}
	return nil
}

// offset is the mechanism's T (every noise is in [−T, T]).
func (d *DPShape) offset() int64 {
	t, err := d.Mechanism.Table()
	if err != nil {
		panic(err) // Shape.Check has built it
	}
	return t.Offset
}

func (d *DPShape) noised(j int) bool { return j >= d.Off && j < d.Off+d.Count }

// Sensitivity is the least sensitivity (in units of 2^-ParamScale) the
// mechanism must be calibrated for, for clip bound C_q and weights p
// (Σ p = 2^16), under client-level replace-one neighbours (one client's
// update replaced by any other; the weights are public and fixed):
//
//	a = Σ_k (p_k/2^16)·c_k, c_k = f_k·u_k/2^16 with ‖c_k‖₂ ≤ C_q
//	‖a − a'‖₂ ≤ 2·max_k p_k·C_q/2^16 = A,   ‖a − a'‖₁ ≤ √M·A
//
// over the M noised parameters, and the released ã_j = ⌊a_j + ½⌋ adds
// |e_j − e'_j| < 1 a coordinate: ‖ã − ã'‖₂ < A + √M (Gaussian, L2) and
// ‖ã − ã'‖₁ < √M·A + M (Laplace, L1). The rounding term is why M must
// stay small: at most 64 lattice units (dp.MaxSensitivity) in all.
func (d *DPShape) Sensitivity(clip int64, weights []int64) int64 {
	var pmax int64
	for _, p := range weights {
		pmax = max(pmax, p)
	}
	// A = 2·pmax·C_q/2^16, exactly; the least integer S with S ≥ A + √M
	// (S − A ≥ 0, (S − A)² ≥ M) or S ≥ √M·A + M ((S − M)² ≥ M·A²)
	a := new(big.Rat).SetFrac(new(big.Int).Mul(big.NewInt(2*pmax), big.NewInt(clip)), pow2(WeightBits))
	m := big.NewRat(int64(d.Count), 1)
	ok := func(s int64) bool {
		x, rhs := new(big.Rat).Sub(big.NewRat(s, 1), a), m
		if d.Mechanism.Kind == dp.Laplace {
			x, rhs = new(big.Rat).Sub(big.NewRat(s, 1), m), new(big.Rat).Mul(m, new(big.Rat).Mul(a, a))
		}
		return x.Sign() >= 0 && new(big.Rat).Mul(x, x).Cmp(rhs) >= 0
	}
	af, _ := a.Float64()
	lo, hi := int64(-1), int64(af*math.Sqrt(float64(d.Count)))+int64(af)+int64(d.Count)+2 // !ok(lo), ok(hi)
	for hi-lo > 1 {
		if mid := (lo + hi) / 2; ok(mid) {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi
}

// Accounting is the (ε, δ) of the DP release of a round: for the
// discrete Laplace of scale S/ε a coordinate, ε-DP at L1 sensitivity S
// (the privacy loss of a shift v is Σ_j |v_j|·ε/S ≤ ε); for the discrete
// Gaussian of σ a coordinate, ρ-zCDP with ρ = S²/(2σ²) at L2 sensitivity
// S [CKS20, Theorem 14, the multivariate discrete Gaussian], converted to
// (ε, δ_z) by [CKS20, Corollary 13]. Both then add (1 + e^ε)·M·η for the
// table (each coordinate's tabulated distribution is within total
// variation η = (T+2)·2^-64 of the ideal one: every probability rounded
// to 2^-64, the tails folded into the edge rows).
func (d *DPShape) Accounting() (eps, delta float64) {
	m := d.Mechanism
	eps, _ = m.Epsilon.Rat().Float64()
	eta := float64(d.offset()+2) * math.Ldexp(1, -dp.UniformBits)
	slack := (1 + math.Exp(eps)) * float64(d.Count) * eta
	if m.Kind == dp.Laplace {
		return eps, slack
	}
	sigma, _ := m.Sigma.Rat().Float64()
	rho := float64(m.Sensitivity*m.Sensitivity) / (2 * sigma * sigma)
	return eps, zcdpDelta(rho, eps) + slack
}

// zcdpDelta is the δ of ρ-zCDP at ε [CKS20, Corollary 13]:
// inf over α > 1 of exp((α−1)(αρ−ε))/(α−1)·(1−1/α)^α; each α gives an
// upper bound, so the minimum over a grid is one.
func zcdpDelta(rho, eps float64) float64 {
	best := 1.0
	for a := 1.0001; a < 1e4; a *= 1.01 {
		v := math.Exp((a-1)*(a*rho-eps)+a*math.Log1p(-1/a)) / (a - 1)
		if v < best {
			best = v
		}
	}
	return best
}

// GaussianFor is the discrete Gaussian with the smallest σ (in
// hundredths) whose round release is (ε, δ)-DP by Accounting at
// sensitivity sens over count noised parameters.
func GaussianFor(eps dp.Decimal, delta float64, sens int64, off, count int) (*DPShape, error) {
	if !(delta > 0 && delta < 1) {
		return nil, fmt.Errorf("fl: δ = %g is outside (0, 1)", delta)
	}
	at := func(c int64) (*DPShape, bool) {
		s := dp.Decimal{Num: c, Den: 100}.Reduced()
		d := &DPShape{Mechanism: dp.Mechanism{Kind: dp.Gaussian, Epsilon: eps, Sensitivity: sens, Sigma: &s}, Off: off, Count: count, Delta: delta}
		if _, err := d.Mechanism.Table(); err != nil {
			return nil, false
		}
		_, got := d.Accounting()
		return d, got <= delta
	}
	lo, hi := int64(1), int64(100)
	for {
		d, ok := at(hi)
		if d == nil {
			return nil, fmt.Errorf("fl: no discrete Gaussian within the table limit meets ε = %s, δ = %g at sensitivity %d: raise ε or δ, or lower the sensitivity", eps, delta, sens)
		}
		if ok {
			break
		}
		lo, hi = hi, 2*hi
	}
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		if _, ok := at(mid); ok {
			hi = mid
		} else {
			lo = mid
		}
	}
	d, _ := at(hi)
	return d, nil
}

// Describe is the mechanism in words, as fl verify prints it.
func (d *DPShape) Describe() string {
	eps, delta := d.Accounting()
	m := d.Mechanism
	what := fmt.Sprintf("discrete Laplace of scale %d/%s (L1 sensitivity %d)", m.Sensitivity, m.Epsilon, m.Sensitivity)
	if m.Kind == dp.Gaussian {
		what = fmt.Sprintf("discrete Gaussian of σ = %s (L2 sensitivity %d)", m.Sigma, m.Sensitivity)
	}
	return fmt.Sprintf("%s a parameter, in units of the parameter scale, on parameters [%d, %d) (the others unchanged); the release is (ε = %g, δ = %.3g)-DP for one client's update replaced", what, d.Off, d.Off+d.Count, eps, delta)
}

// drawNoise returns z_j for the noised parameters (nil without DP): the
// seed opens the public seed commitment, the key binds the coins, the
// round and the previous model through model (H_old; with public models
// the value of W_old's Groth16 commitment, ModelKey), so that a seed and
// coins reused in another round, or on another model, give independent
// noise, and
// every client's update (updates[k], the signed u_k) outside the range is
// zero.
func (c *Circuit) drawNoise(api frontend.API, rc dp.RangeChecker, updates [][]frontend.Variable, model frontend.Variable) ([]frontend.Variable, error) {
	d := c.shape.DP
	if d == nil {
		return nil, nil
	}
	com, err := dp.CommitSeed(api, c.Seed[0])
	if err != nil {
		return nil, err
	}
	api.AssertIsEqual(com, c.DPPub[0])
	smp, err := dp.NewSampler(api, rc, d.Mechanism, c.Seed[0], c.DPPub[1], c.Round, model)
	if err != nil {
		return nil, err
	}
	z := make([]frontend.Variable, c.shape.Params)
	for j := range z {
		if d.noised(j) {
			z[j] = smp.Draw(j)
			continue
		}
		z[j] = 0
		for k := range c.Clients {
			api.AssertIsEqual(updates[k][j], 0)
		}
	}
	return z, nil
}

// noiseNative is drawNoise's integer reference.
func noiseNative(s Shape, r *Round, model *big.Int) ([]int64, error) {
	d := s.DP
	if d == nil {
		return nil, nil
	}
	if r.DPSeed == nil || r.DPCoins == nil {
		return nil, fmt.Errorf("fl: the circuit adds DP noise: give the seed (dp commit --seed-out) and the verifier's coins")
	}
	t, err := d.Mechanism.Table()
	if err != nil {
		return nil, fmt.Errorf("fl: %w", err)
	}
	key := dp.Key(r.DPSeed, r.DPCoins, new(big.Int).SetUint64(r.Number), model)
	z := make([]int64, s.Params)
	for j := d.Off; j < d.Off+d.Count; j++ {
		if z[j], err = dp.Noise(t, key, j); err != nil {
			return nil, err
		}
	}
	return z, nil
}
