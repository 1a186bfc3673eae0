package ops

import (
	"fmt"
	"math"
	"math/bits"
)

// IntArith is the fixed-point integer evaluator: exactly what the circuit
// proves.
//
// Overflow is caught twice. Compile bounds every tensor and every
// intermediate a kernel computes by quant.MaxBound = 2^62 (Info.Max,
// Context.CheckBound), and refuses a node whose bound is larger, naming it;
// with those bounds every value fits an int64 and lies far below the field,
// so the evaluator and the circuit compute the same integers. As a second
// line, every operation here that can grow a value (Add, Sub, Upscale, Mul,
// Lin) checks the int64 result: a value that would wrap is recorded as an
// error (Err), which Run reports naming the node. An int64 never wraps
// silently.
type IntArith struct {
	err error
}

// RangeError is a value the evaluator cannot compute or the circuit cannot
// prove under the model's settings, with the setting that fixes it.
type RangeError struct {
	Msg    string
	Advice string // what to change, e.g. "raise --act-bits or lower --scale"
}

func (e *RangeError) Error() string {
	if e.Advice == "" {
		return e.Msg
	}
	return e.Msg + "; " + e.Advice
}

// The advice of each kind of range error.
const (
	// A value is beyond ActBits: more bits hold it, or a coarser scale
	// makes it smaller.
	adviceRange = "raise --act-bits or lower --scale"
	// An intermediate is beyond the evaluator's 64-bit integers (and the
	// 2^62 compile allows): only smaller numbers help.
	adviceOverflow = "lower --scale, --param-scale or --act-bits"
	// A divisor below 1 at its scale: zero, or a small real that rounds
	// to 0, which a finer scale resolves.
	adviceDivisor = "raise --scale, unless the divisor is really 0"
)

func (*IntArith) Const(c Q) int64 { return c.I }
func (e *IntArith) Err() error    { return e.err }

func (e *IntArith) Add(a, b int64) int64 {
	s := a + b
	if (s^a)&(s^b) < 0 { // the result's sign differs from both operands'
		e.overflow("%d + %d", a, b)
	}
	return s
}

func (e *IntArith) Sub(a, b int64) int64 {
	s := a - b
	if (a^b)&(a^s) < 0 { // operands of different signs, result of b's sign
		e.overflow("%d - %d", a, b)
	}
	return s
}

// Upscale returns a·2^k, k ≥ 0.
func (e *IntArith) Upscale(a int64, k int) int64 {
	if k == 0 || a == 0 {
		return a
	}
	if k >= 64 || (a<<k)>>k != a {
		e.overflow("%d·2^%d", a, k)
		return 0
	}
	return a << k
}

func (e *IntArith) Mul(a, b int64) int64 {
	p, ok := mul64(a, b)
	if !ok {
		e.overflow("%d·%d", a, b)
	}
	return p
}

func (e *IntArith) Lin(c []Q, x []int64, bias Q) int64 {
	s := bias.I
	for i, ci := range c {
		p, ok := mul64(ci.I, x[i])
		if !ok {
			e.overflow("%d·%d", ci.I, x[i])
		}
		s = e.Add(s, p)
	}
	return s
}

// mul64 returns a·b and whether it fits an int64: the high word of the
// signed 128-bit product must be the sign extension of the low word.
func mul64(a, b int64) (int64, bool) {
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	if a < 0 {
		hi -= uint64(b)
	}
	if b < 0 {
		hi -= uint64(a)
	}
	return int64(lo), int64(hi) == int64(lo)>>63
}

// shiftConst returns v·2^k for a compile-time constant, saturating at
// ±MaxInt64 when it does not fit: a bound computed from the result then
// exceeds quant.MaxBound, and compile refuses the node.
func shiftConst(v int64, k int) int64 {
	if v == 0 || k == 0 {
		return v
	}
	if k < 63 && (v<<k)>>k == v {
		return v << k
	}
	if v < 0 {
		return -math.MaxInt64
	}
	return math.MaxInt64
}

// fail records the first range violation; later ones add nothing useful.
func (e *IntArith) fail(format string, args ...any) {
	e.failWith(adviceRange, format, args...)
}

// overflow records an int64 overflow of the operation described.
func (e *IntArith) overflow(format string, args ...any) {
	e.failWith(adviceOverflow, "intermediate "+format+" overflows the evaluator's 64-bit integers", args...)
}

func (e *IntArith) failWith(advice, format string, args ...any) {
	if e.err == nil {
		e.err = &RangeError{Msg: fmt.Sprintf(format, args...), Advice: advice}
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
