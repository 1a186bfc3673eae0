package ops

import "math"

// FloatArith is the float reference: real-valued semantics with no
// quantization, used for constant folding and as the yardstick for the
// fixed-point error.
type FloatArith struct{}

func (FloatArith) Const(c Q) float64                   { return c.F }
func (FloatArith) Add(a, b float64) float64            { return a + b }
func (FloatArith) Sub(a, b float64) float64            { return a - b }
func (FloatArith) Upscale(a float64, _ int) float64    { return a }
func (FloatArith) Mul(a, b float64) float64            { return a * b }
func (FloatArith) Rescale(a float64, _, _ int) float64 { return a }
func (FloatArith) Relu(a float64, _ int) float64       { return math.Max(a, 0) }

func (FloatArith) RescaleRelu(a float64, _, _ int) float64 { return math.Max(a, 0) }
func (FloatArith) Sign(a float64, _ int) float64 {
	if a >= 0 {
		return 1
	}
	return 0
}

func (FloatArith) Err() error { return nil }

func (FloatArith) Lin(c []Q, x []float64, bias Q) float64 {
	s := bias.F
	for i, ci := range c {
		s += ci.F * x[i]
	}
	return s
}
