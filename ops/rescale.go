package ops

import (
	"fmt"
	"math/big"
	"reflect"

	"github.com/consensys/gnark/constraint/solver"
	"github.com/consensys/gnark/frontend"
	mathbits "github.com/consensys/gnark/std/math/bits"
)

// Rescale checks a hinted quotient and remainder (see "Rescaling" in the
// package documentation).
func init() {
	solver.RegisterHint(RescaleHint, SignHint)
}

func (e *IntArith) Rescale(a int64, shift, bits int) int64 {
	q := roundShift(a, shift)
	e.checkSigned(q, bits)
	return q
}

// roundShift is ⌊(a + 2^(shift-1)) / 2^shift⌋ for any shift ≥ 0, computed
// without forming a + 2^(shift-1) (which overflows for a near 2^63): the
// floor a>>shift, plus one when the dropped low bits are at least half.
func roundShift(a int64, shift int) int64 {
	switch {
	case shift <= 0:
		return a
	case shift >= 64:
		return 0 // |a| ≤ 2^63 ≤ 2^(shift-1): a + 2^(shift-1) ∈ [0, 2^shift)
	}
	q := a >> shift // arithmetic shift: floor division
	if low := uint64(a) & (1<<shift - 1); low >= 1<<(shift-1) {
		q++
	}
	return q
}

// checkShift panics when q·2^shift + r, with q of bits signed bits and
// r < 2^shift, could wrap the field: the range checks on q and r would then
// not pin them. Compile keeps shifts within 62 bits (Requant), so this is a
// programming error; frontend.Compile reports a panic in Define as an error.
func (c *CircuitArith) checkShift(shift, bits int) {
	if shift+bits+2 >= c.API.Compiler().FieldBitLen() {
		panic(fmt.Sprintf("rescale by 2^%d of a %d-bit quotient does not fit the field", shift, bits))
	}
}

func (c *CircuitArith) Rescale(a Variable, shift, bits int) Variable {
	if shift == 0 {
		c.CheckSigned(a, bits)
		return a
	}
	q := c.divPow2(a, shift, bits)
	c.CheckSigned(q, bits)
	return q
}

// divPow2 returns the hinted quotient q of a + 2^(shift-1) by 2^shift and
// checks its remainder r = a + 2^(shift-1) − q·2^shift ∈ [0, 2^shift). r is
// that linear combination, not a wire: the range check is the equation and
// the remainder's bound at once. A long a (a layer's weighted sum) is the
// exception: a range check's lookup repeats its query in three places (a
// constraint, a hint's inputs, an inverse's), so r is then a hinted wire
// and the equation one constraint, which keeps a's terms in two. q's own
// bound is the caller's (see "Rescaling" in the package documentation):
// without it q is not pinned.
func (c *CircuitArith) divPow2(a Variable, shift, bits int) Variable {
	c.checkShift(shift, bits)
	num := c.API.Add(a, pow2(shift-1))
	// A bit decomposition's sum is one constraint however long num is:
	// no remainder wire (that is for lookups' repeated queries).
	if lcTerms(num) > maxQueryTerms && c.bitDigits() == nil {
		res, err := c.API.Compiler().NewHint(RescaleHint, 2, num, shift)
		if err != nil {
			panic(err)
		}
		q, r := res[0], res[1]
		c.API.AssertIsEqual(num, c.API.Add(c.API.Mul(q, pow2(shift)), r))
		c.Range.Check(r, shift)
		return q
	}
	res, err := c.API.Compiler().NewHint(RescaleHint, 1, num, shift)
	if err != nil {
		panic(err) // only for a wrong output count: a programming error
	}
	q := res[0]
	c.Range.Check(c.API.Sub(num, c.API.Mul(q, pow2(shift))), shift)
	return q
}

// maxQueryTerms is the longest linear combination divPow2 range-checks as
// it is; a longer one gets a remainder wire.
const maxQueryTerms = 64

// lcTerms is the number of terms of a circuit value: the length of an
// R1CS linear expression (a slice of terms), 1 for anything else.
func lcTerms(v Variable) int {
	if r := reflect.ValueOf(v); r.Kind() == reflect.Slice {
		return r.Len()
	}
	return 1
}

// RescaleRelu is max(q, 0) for the rescaled q, with |q| < 2^(bits-1) (see
// "Rescaling" in the package documentation).
func (e *IntArith) RescaleRelu(a int64, shift, bits int) int64 {
	q := e.Rescale(a, shift, bits)
	if q == -1<<(bits-1) {
		e.fail("value %d is outside the %d-bit range (-2^%d, 2^%d)", q, bits, bits-1, bits-1)
	}
	return max(q, 0)
}

func (c *CircuitArith) RescaleRelu(a Variable, shift, bits int) Variable {
	if shift == 0 {
		return c.Relu(a, bits)
	}
	if digits := c.bitDigits(); digits != nil {
		return c.rescaleReluBits(a, shift, bits, digits)
	}
	q := c.divPow2(a, shift, bits)
	return c.Relu(q, bits-1)
}

// rescaleReluBits is RescaleRelu with bit decomposition: one decomposition
// proves the remainder, the quotient's range and its sign together. With
// num = a + 2^(shift-1),
//
//	t = num + 2^(shift+bits-1) = Σ_{i<shift+bits} 2^i·d_i,  d_i ∈ {0, 1}
//
// so t ∈ [0, 2^(shift+bits)): r = Σ_{i<shift} 2^i·d_i ∈ [0, 2^shift) and
// q + 2^(bits-1) = Σ_{i≥shift} 2^(i-shift)·d_i ∈ [0, 2^bits), exactly the
// two checks of Rescale (t is far below the field size, checkShift, so
// the digits and (q, r) are unique). The top digit s = d_(shift+bits-1) is
// 1 exactly when q ≥ 0, and with m = Σ_{shift≤i<shift+bits-1}
// 2^(i-shift)·d_i, q = m − (1−s)·2^(bits-1), so max(q, 0) = s·m (s = 0
// makes q = m − 2^(bits-1) < 0): one product. shift+bits+2 constraints,
// against shift+bits+3 for the two checks, the sign bit and the product
// (+1 for a long num's remainder wire).
func (c *CircuitArith) rescaleReluBits(a Variable, shift, bits int, digits func(frontend.Variable, int) []frontend.Variable) Variable {
	c.checkShift(shift, bits)
	top := shift + bits - 1
	d := digits(c.API.Add(a, pow2(shift-1), pow2(top)), top+1)
	// The digits are bits already (ToBinary's constraints): m is their
	// weighted sum alone, a linear combination.
	m := mathbits.FromBinary(c.API, d[shift:top], mathbits.WithUnconstrainedInputs())
	return c.API.Mul(d[top], m)
}

// RescaleHint returns q, and r when asked for two outputs, with
// num = q·2^shift + r and 0 ≤ r < 2^shift, reading num as a signed field
// element. Inputs: num, shift.
func RescaleHint(field *big.Int, in, out []*big.Int) error {
	if len(in) != 2 || len(out) < 1 || len(out) > 2 {
		return fmt.Errorf("rescale hint: want 2 inputs and 1 or 2 outputs")
	}
	num := Signed(field, in[0])
	d := new(big.Int).Lsh(big.NewInt(1), uint(in[1].Uint64()))
	q, r := new(big.Int), new(big.Int)
	q.DivMod(num, d, r) // Euclidean: 0 ≤ r < d
	out[0].Mod(q, field)
	if len(out) == 2 {
		out[1].Set(r)
	}
	return nil
}

// Signed reads a field element as an integer in (-p/2, p/2].
func Signed(field, v *big.Int) *big.Int {
	half := new(big.Int).Rsh(field, 1)
	s := new(big.Int).Mod(v, field)
	if s.Cmp(half) > 0 {
		s.Sub(s, field)
	}
	return s
}
