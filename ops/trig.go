package ops

import "math"

// Trigonometric functions, each a table (see activation_table.go) on a
// bounded domain with hard edges: an input outside is an error.
//
//	Sin, Cos    [-8, 8]       grid 2^-8: error ≤ 2^-9 + 2^-(Scale+1)
//	Tan         [-1.5, 1.5]   grid 2^-11: error ≤ 2^-12·(1+tan²x) + 2^-(Scale+1)
//	Asin, Acos  [-1, 1]       grid 2^-11: error ≤ 2^-12/√(1-x²) (steep at ±1)
//	Atan        [-16, 16]     grid 2^-7 (table budget): error ≤ 2^-8 + 2^-(Scale+1)
//
// Each costs a rescale and a lookup per element.

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
