package fl

import (
	"math"
	"testing"

	"github.com/zkinfer/zkinfer/dp"
)

// TestComposed: one round composes to the round's own accounting; R
// Gaussian rounds cost more than one and less than R (zCDP composes
// sublinearly in ε); R Laplace rounds cost R·ε₀ without a δ and less than
// that with one, once R is large; impossible targets are errors.
func TestComposed(t *testing.T) {
	g := dpShape(t).DP
	eps0, delta0 := g.Accounting()
	e1, d1, err := g.Composed(1, 0)
	if err != nil || e1 > eps0+1e-6 || e1 < 0.9*eps0 || d1 != delta0 {
		t.Fatalf("one Gaussian round: (ε, δ) = (%g, %g), %v; its accounting (%g, %g)", e1, d1, err, eps0, delta0)
	}
	e4, _, err := g.Composed(4, 1e-5)
	if err != nil || !(e4 > e1 && e4 < 4*e1) {
		t.Fatalf("four Gaussian rounds: ε = %g (one: %g), %v", e4, e1, err)
	}
	e16, _, _ := g.Composed(16, 1e-5)
	if !(e16 > e4 && e16 < 4*e4) {
		t.Fatalf("sixteen Gaussian rounds: ε = %g (four: %g)", e16, e4)
	}

	l := &DPShape{Mechanism: dp.Mechanism{Kind: dp.Laplace, Epsilon: dp.Decimal{Num: 1, Den: 10}, Sensitivity: 20}, Off: 0, Count: 8}
	if e, d, err := l.Composed(3, 0); err != nil || math.Abs(e-0.3) > 1e-12 || d <= 0 || d > 1e-9 {
		t.Fatalf("three Laplace rounds, basic composition: (ε, δ) = (%g, %g), %v", e, d, err)
	}
	if e, _, err := l.Composed(400, 1e-5); err != nil || !(e < 40 && e > 0.1) {
		t.Fatalf("400 Laplace rounds at δ = 1e-5: ε = %g (basic: 40), %v", e, err)
	}
	for _, tc := range []struct {
		rounds int
		delta  float64
	}{{0, 1e-5}, {3, 1}, {3, -1}, {3, 1e-30}} {
		if _, _, err := g.Composed(tc.rounds, tc.delta); err == nil {
			t.Errorf("%d rounds at δ = %g: no error", tc.rounds, tc.delta)
		}
	}
}
