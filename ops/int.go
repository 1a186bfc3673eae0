package ops

import "fmt"

// IntArith is the fixed-point integer evaluator: exactly what the circuit
// proves. Compile guarantees every intermediate fits in an int64 (see
// MaxBound), so plain int64 arithmetic cannot overflow here.
type IntArith struct {
	err error
}

func (*IntArith) Const(c Q) int64              { return c.I }
func (*IntArith) Add(a, b int64) int64         { return a + b }
func (*IntArith) Sub(a, b int64) int64         { return a - b }
func (*IntArith) Upscale(a int64, k int) int64 { return a << k }
func (*IntArith) Mul(a, b int64) int64         { return a * b }
func (e *IntArith) Err() error                 { return e.err }

func (*IntArith) Lin(c []Q, x []int64, bias Q) int64 {
	s := bias.I
	for i, ci := range c {
		s += ci.I * x[i]
	}
	return s
}

// fail records the first range violation; later ones add nothing useful.
func (e *IntArith) fail(format string, args ...any) {
	if e.err == nil {
		e.err = fmt.Errorf(format, args...)
	}
}

// checkSigned records an error unless -2^(bits-1) ≤ v < 2^(bits-1).
func (e *IntArith) checkSigned(v int64, bits int) {
	if bits >= 64 {
		return
	}
	lim := int64(1) << (bits - 1)
	if v < -lim || v >= lim {
		e.fail("value %d is outside the %d-bit range [-2^%d, 2^%d)", v, bits, bits-1, bits-1)
	}
}
