package ops

import (
	"github.com/consensys/gnark/frontend"
)

// Q is a constant in both forms an Arith may need: the real value F for the
// float reference, and its fixed-point integer I for the evaluator and the
// circuit.
type Q struct {
	F float64
	I int64
}

// Tensor is a dense row-major tensor of elements of one Arith.
type Tensor[T any] struct {
	Shape []int
	Data  []T
}

// Arith is the arithmetic operators are written against. Values carry a
// fixed-point scale that the compile step tracks (Info.Scale); Arith itself
// only sees integers (or reals, for the float reference).
type Arith[T any] interface {
	// Const returns a constant.
	Const(c Q) T
	// Add returns a+b.
	Add(a, b T) T
	// Sub returns a-b.
	Sub(a, b T) T
	// Upscale multiplies a by 2^k (k ≥ 0) to move it to a finer scale. It
	// changes the representation, not the real value: the float reference
	// returns a unchanged.
	Upscale(a T, k int) T
	// Lin returns Σ c[i]·x[i] + bias. Constant coefficients cost no
	// multiplication constraints.
	Lin(c []Q, x []T, bias Q) T
	// Mul returns a·b for two values that may both be secret.
	Mul(a, b T) T
	// MatMul returns the exact product Y = W·X of an M×K and a K×P matrix
	// whose entries may all be secret (see freivalds.go: the circuit checks
	// it with Freivalds' algorithm when that is cheaper).
	MatMul(w, x [][]T) [][]T
	// Rescale divides a by 2^shift, rounding half up, and checks that the
	// result fits in bits signed bits. The float reference returns a.
	Rescale(a T, shift, bits int) T
	// Relu returns max(a, 0); |a| < 2^bits.
	Relu(a T, bits int) T
	// RescaleRelu is Relu(Rescale(a, shift, bits)) in one gadget: the sign
	// check also bounds the quotient, which saves a range check.
	RescaleRelu(a T, shift, bits int) T
	// MaxRescaled is the maximum of Rescale(xs[i], shift, bits), and its
	// ReLU when relu is set: a max pool fused with the rescale before it
	// (see maxpool.go). The float reference returns max xs (and its ReLU).
	MaxRescaled(xs []T, shift, bits int, relu bool) T
	// Sign returns 1 when a ≥ 0 and 0 when a < 0; |a| < 2^bits. It is the
	// comparison primitive: a ≥ b is Sign(a-b).
	Sign(a T, bits int) T
	// Lookup returns t's value at x, a value at t.InScale (see lookup.go). The
	// float reference evaluates t's real function instead.
	Lookup(t *Table, x T) T
	// DivRound returns n/d rounded to the nearest integer, ties up, for
	// 1 ≤ d < 2^dbits; the quotient is checked to fit qbits signed bits
	// (see divide.go). The float reference returns n/d.
	DivRound(n, d T, dbits, qbits int) T
	// Sqrt returns floor(√a) for 0 ≤ a < 2^bits (see divide.go). The float
	// reference returns √a.
	Sqrt(a T, bits int) T
	// Err reports the first value that left its range, if any.
	Err() error
}

// Variable is the element type of the circuit Arith.
type Variable = frontend.Variable
