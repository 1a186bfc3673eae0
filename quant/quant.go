// Package quant is zkinfer's fixed-point number format: a real x is the
// signed integer round(x·2^scale), with power-of-two scales so that changing
// scale is a shift.
package quant

import (
	"fmt"
	"math"
)

// Settings fix the number format of a compiled model.
type Settings struct {
	// Scale is the exponent of inputs and activations: x ≈ q / 2^Scale.
	Scale int `json:"scale"`
	// ParamScale is the exponent constant weights are quantized at.
	ParamScale int `json:"param_scale"`
	// ActBits bounds every rescaled activation to [-2^(ActBits-1), 2^(ActBits-1)).
	ActBits int `json:"act_bits"`
}

// Default is tuned so the shipped corpus stays within 1% of float outputs.
var Default = Settings{Scale: 12, ParamScale: 12, ActBits: 24}

// Validate reports settings the evaluator cannot honour.
func (s Settings) Validate() error {
	switch {
	case s.Scale < 0 || s.Scale > 30:
		return fmt.Errorf("quant: scale %d is outside [0, 30]", s.Scale)
	case s.ParamScale < 0 || s.ParamScale > 30:
		return fmt.Errorf("quant: param scale %d is outside [0, 30]", s.ParamScale)
	case s.ActBits < 8 || s.ActBits > 48:
		return fmt.Errorf("quant: act bits %d is outside [8, 48]", s.ActBits)
	}
	return nil
}

// MaxBound is the largest magnitude an intermediate may reach: the integer
// evaluator works in int64 and the circuit must stay far below the field.
const MaxBound = float64(1 << 62)

// Quantize returns round(x·2^scale), ties away from zero. A value beyond
// the int64 range saturates at ±(2^63-1) (NaN gives 0) rather than taking
// whatever Go's conversion gives: a bound computed from it then exceeds
// MaxBound, so compile refuses the node that uses it, and an input check
// (|q| < 2^(ActBits-1)) rejects it.
func Quantize(x float64, scale int) int64 {
	v := math.Round(math.Ldexp(x, scale))
	switch {
	case math.IsNaN(v):
		return 0
	case v >= 0x1p63:
		return math.MaxInt64
	case v <= -0x1p63:
		return -math.MaxInt64
	}
	return int64(v)
}

// Dequantize returns q / 2^scale.
func Dequantize(q int64, scale int) float64 {
	return math.Ldexp(float64(q), -scale)
}

// BitsFor returns the least b with max < 2^b.
func BitsFor(max float64) int {
	if math.IsInf(max, 1) || math.IsNaN(max) {
		return 1025 // beyond any float64; the loop below would not end
	}
	b := 0
	for math.Ldexp(1, b) <= max {
		b++
	}
	return b
}
