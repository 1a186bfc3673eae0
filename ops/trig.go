package ops

import "math"

// The trigonometric functions are tables on bounded domains with hard
// edges (see "Table activations" in the package documentation).
func init() {
	for _, f := range []struct {
		op     string
		g      func(float64) float64
		lo, hi float64
	}{
		{"Sin", math.Sin, -8, 8}, {"Cos", math.Cos, -8, 8}, {"Tan", math.Tan, -1.5, 1.5},
		{"Asin", math.Asin, -1, 1}, {"Acos", math.Acos, -1, 1}, {"Atan", math.Atan, -16, 16},
	} {
		Register(f.op, fixed(tableFn{name: f.op, g: f.g, lo: f.lo, hi: f.hi}))
	}
}
