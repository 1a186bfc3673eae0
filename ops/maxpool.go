package ops

import (
	"fmt"
	"math"
	"math/big"

	"github.com/consensys/gnark/constraint/solver"
)

// MaxRescaled is the max pool fused with the rescale (and ReLU) of the
// step before it: for a window of values x_i at a product scale,
//
//	y = max_i Rescale(x_i, shift, bits)     (then max(y, 0) when relu)
//
// which equals the max pool of the rescaled (ReLU'd) values exactly: the
// rescale, rounding half up, and the ReLU are both nondecreasing, and a
// nondecreasing f has max f(x_i) = f(max x_i). The circuit rescales every
// value without bounding its quotient, takes the maximum from a hint and
// bounds only that:
//
//	q_i = hinted, num_i − q_i·2^shift ∈ [0, 2^shift)     (divPow2, per value)
//	m   = hinted, m − q_i ∈ [0, 2^bits)                   (per value)
//	Π_i (m − q_i) = 0                                     (k−1 products, the last one the assertion)
//	m ∈ [−2^(bits−1), 2^(bits−1)): CheckSigned
//
// With the ReLU, 0 is one more candidate of the maximum instead of a sign
// check after it: m = max(0, q_1, …, q_k) with
//
//	m ∈ [0, 2^(bits−1))                                   (m − 0, checked as the ReLU's range)
//	m − q_i ∈ [0, 2^bits), m·Π_i (m − q_i) = 0            (k products)
//
// Soundness. m is an integer of bits signed bits, so each q_i = m − d_i
// with d_i ∈ [0, 2^bits) is an integer of |q_i| < 2^(bits+1); then
// num_i = q_i·2^shift + r_i holds over the integers (both sides far below
// p: checkShift), so q_i is the rounded quotient of x_i, the unique one.
// m ≥ every q_i (and ≥ 0 with the ReLU), and the product, zero in a field
// only when a factor is, makes m one of them (or 0): m is their maximum.
// Cost per window of k values: k remainder checks, k difference checks
// and k−1 products (assertMulZero: the last product and its assertion
// one constraint), and with the ReLU one check and one product more —
// against k rescales with their own bounds, k ReLUs and k−1 pairwise
// comparisons unfused. The ReLU as a candidate saves the sign bit and its
// booleanity (ReLU(m) = s·m): a 2×2 window is 4·R(shift) + 4·R(bits) +
// R(bits−1) lookups and 4 constraints more, against 6 before.
func (FloatArith) MaxRescaled(xs []float64, _, _ int, relu bool) float64 {
	m := math.Inf(-1)
	for _, x := range xs {
		m = math.Max(m, x)
	}
	if relu {
		return math.Max(m, 0)
	}
	return m
}

// MaxRescaled rescales every value as Rescale does (each quotient checked
// to bits signed bits: stricter than the circuit, which bounds the maximum
// and the differences to it) and returns the maximum.
func (e *IntArith) MaxRescaled(xs []int64, shift, bits int, relu bool) int64 {
	m := int64(math.MinInt64)
	for _, x := range xs {
		m = max(m, e.Rescale(x, shift, bits))
	}
	if relu {
		return max(m, 0)
	}
	return m
}

func (c *CircuitArith) MaxRescaled(xs []Variable, shift, bits int, relu bool) Variable {
	qs := make([]Variable, len(xs), len(xs)+1)
	for i, x := range xs {
		if shift > 0 {
			qs[i] = c.divPow2(x, shift, bits)
		} else {
			qs[i] = x
		}
	}
	if relu && len(qs) == 1 {
		return c.Relu(qs[0], bits-1) // one check and two constraints: fewer lookups
	}
	if relu {
		// 0 is the last candidate; its difference m − 0 = m is checked
		// to bits−1 bits, the ReLU's output range.
		return c.maxOf(append(qs, 0), bits, bits-1)
	}
	m := c.maxOf(qs, bits, bits)
	c.CheckSigned(m, bits)
	return m
}

// maxOf returns a hinted m with m − x_i ∈ [0, 2^bits) for every i (the
// last one's to 2^lastBits) and Π(m − x_i) = 0: m is the maximum when it
// is bounded (see MaxRescaled).
func (c *CircuitArith) maxOf(xs []Variable, bits, lastBits int) Variable {
	if len(xs) == 1 {
		return xs[0]
	}
	res, err := c.API.Compiler().NewHint(MaxHint, 1, xs...)
	if err != nil {
		panic(err)
	}
	m := res[0]
	var prod Variable
	for i, x := range xs {
		d := c.API.Sub(m, x)
		switch {
		case i == len(xs)-1:
			c.Range.Check(d, lastBits)
		default:
			c.Range.Check(d, bits)
		}
		switch {
		case i == 0:
			prod = d
		case i < len(xs)-1:
			prod = c.Mul(prod, d)
		default:
			c.assertMulZero(prod, d)
		}
	}
	return m
}

func init() {
	solver.RegisterHint(MaxHint)
}

// MaxHint returns the largest of its inputs, read as signed field elements.
func MaxHint(field *big.Int, in, out []*big.Int) error {
	if len(in) == 0 || len(out) != 1 {
		return fmt.Errorf("max hint: want inputs and 1 output")
	}
	m := Signed(field, in[0])
	for _, v := range in[1:] {
		if s := Signed(field, v); s.Cmp(m) > 0 {
			m = s
		}
	}
	out[0].Mod(m, field)
	return nil
}
