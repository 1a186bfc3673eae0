package ops

import (
	"fmt"
	"math"
	"math/big"

	"github.com/consensys/gnark/constraint/solver"

	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/quant"
)

// DivRound and Sqrt check a hinted quotient and root (see "Division and
// square roots" in the package documentation).
func init() {
	solver.RegisterHint(DivHint, SqrtHint)
}

func (FloatArith) DivRound(n, d float64, _, _ int) float64 { return n / d }
func (FloatArith) Sqrt(a float64, _ int) float64           { return math.Sqrt(a) }

func (e *IntArith) DivRound(n, d int64, dbits, qbits int) int64 {
	switch {
	case d < 1:
		e.failWith(adviceDivisor, "divisor %d is below 1 at its scale: a division by zero, or by a value that rounds to 0", d)
		return 0
	case dbits < 63 && d >= 1<<dbits:
		e.fail("divisor %d is outside [1, 2^%d)", d, dbits)
		return 0
	}
	q := divRound(n, d)
	e.checkSigned(q, qbits)
	return q
}

// divRound is ⌊(2n + d) / 2d⌋ for d ≥ 1, computed without forming 2n + d
// or 2d (which overflow for n or d beyond 2^62): with n = q·d + r,
// 0 ≤ r < d, it is q plus one when 2r ≥ d, that is r ≥ d - r.
func divRound(n, d int64) int64 {
	q, r := n/d, n%d
	if r < 0 { // Go truncates toward zero: move to the floor
		q, r = q-1, r+d
	}
	if r >= d-r {
		q++
	}
	return q
}

func (e *IntArith) Sqrt(a int64, bits int) int64 {
	if a < 0 || (bits < 63 && a >= 1<<bits) {
		e.fail("square root of %d, outside [0, 2^%d)", a, bits)
		return 0
	}
	return isqrt(a)
}

// isqrt is ⌊√a⌋ for a ≥ 0, exact for every int64. The float estimate is
// within one of the root; the corrections compare y with a/y, so no square
// is formed that could overflow (⌊√(2^63-1)⌋ + 1 squared does).
func isqrt(a int64) int64 {
	y := min(int64(math.Sqrt(float64(a))), 3037000499) // ⌊√(2^63-1)⌋
	for y > 0 && y > a/y {                             // y² > a
		y--
	}
	for y+1 <= a/(y+1) { // (y+1)² ≤ a
		y++
	}
	return y
}

func (c *CircuitArith) DivRound(n, d Variable, dbits, qbits int) Variable {
	// q·2d + r with q of qbits signed bits and r < 2d < 2^(dbits+1) must
	// stay below the field, or the range checks would not pin q and r.
	c.checkShift(dbits+1, qbits)
	num := c.API.Add(c.API.Mul(n, 2), d)
	den := c.API.Mul(d, 2)
	res, err := c.API.Compiler().NewHint(DivHint, 2, num, den)
	if err != nil {
		panic(err)
	}
	q, r := res[0], res[1]
	c.API.AssertIsEqual(num, c.API.Add(c.API.Mul(q, den), r))
	c.Range.Check(r, dbits+1)
	c.Range.Check(c.API.Sub(den, c.API.Add(r, 1)), dbits+1)
	if _, isConst := c.API.Compiler().ConstantValue(d); !isConst {
		c.Range.Check(c.API.Sub(d, 1), dbits)
	}
	c.CheckSigned(q, qbits)
	return q
}

func (c *CircuitArith) Sqrt(a Variable, bits int) Variable {
	res, err := c.API.Compiler().NewHint(SqrtHint, 1, a)
	if err != nil {
		panic(err)
	}
	y := res[0]
	c.Range.Check(y, (bits+1)/2+1)
	y2 := c.API.Mul(y, y)
	c.Range.Check(c.API.Sub(a, y2), bits)
	// (y+1)² - 1 - a = y² + 2y - a
	c.Range.Check(c.API.Sub(c.API.Add(y2, c.API.Mul(y, 2)), a), bits+1)
	return y
}

// DivHint returns (q, r) with num = q·den + r, 0 ≤ r < den, reading num as a
// signed field element. Inputs: num, den (den > 0).
func DivHint(field *big.Int, in, out []*big.Int) error {
	if len(in) != 2 || len(out) != 2 {
		return fmt.Errorf("div hint: want 2 inputs and 2 outputs")
	}
	num, den := Signed(field, in[0]), Signed(field, in[1])
	if den.Sign() <= 0 {
		return fmt.Errorf("div hint: divisor %s is not positive", den)
	}
	q, r := new(big.Int), new(big.Int)
	q.DivMod(num, den, r)
	out[0].Mod(q, field)
	out[1].Set(r)
	return nil
}

// SqrtHint returns ⌊√a⌋ for a ≥ 0 read as a signed field element.
func SqrtHint(field *big.Int, in, out []*big.Int) error {
	if len(in) != 1 || len(out) != 1 {
		return fmt.Errorf("sqrt hint: want 1 input and 1 output")
	}
	a := Signed(field, in[0])
	if a.Sign() < 0 {
		return fmt.Errorf("sqrt hint: negative input %s", a)
	}
	out[0].Sqrt(a)
	return nil
}

// divPlan is Div by a computed divisor, or Reciprocal (semantics, error
// and cost: "Division and square roots" in the package documentation).
type divPlan struct {
	Shape  []int
	IA, IB []int
	Num    *Q // Reciprocal: the constant numerator at scale NumScale
	UpA    int
	UpB    int
	SBits  int // bits of |d| before its upscale, for the sign
	DBits  int
	QBits  int
}

func inferDiv(c *Context, n *graph.Node, ins []*Info) ([]*Info, any, error) {
	p, err := binaryShape(ins)
	if err != nil {
		return nil, nil, err
	}
	a, b := ins[0], ins[1]
	if a.Const != nil && b.Const != nil {
		return foldDiv(c, p, a, b)
	}
	if a.DType != graph.Float {
		return inferIntDiv(c, p, a, b)
	}
	if b.Const != nil {
		recip := make([]float64, len(b.Const.Data))
		mc := 0.0
		for i, v := range b.Const.Data {
			if v == 0 {
				return nil, nil, fmt.Errorf("division by a constant 0")
			}
			recip[i], mc = 1/v, max(mc, math.Abs(v))
		}
		t := &graph.Tensor{DType: graph.Float, Shape: b.Const.Shape, Data: recip}
		q, s := c.ExactParams(t)
		if s == c.ParamScale {
			// At most 62 + Scale - scale(a), so that the rescale shifts by
			// at most 62 bits; where that cap bites (|c| ≳ 2^(62-ParamScale))
			// the reciprocal's rounding costs at most a.Max·2^-(63+Scale)
			// ≤ 2^-(Scale+1) in real units, half an output unit.
			s = min(c.ParamScale+max(0, int(math.Ceil(math.Log2(mc)))), 62+c.Scale-a.Scale)
			q = quantizeAt(recip, s)
		}
		p.CB = q
		out := &Info{DType: graph.Float, Shape: p.Shape}
		p.RQ, out.Max = c.Requant(a.Max*maxAbsI(q), a.Scale+s)
		out.Scale = a.Scale + s - p.RQ.Shift + p.RQ.Up
		return []*Info{out}, p, nil
	}
	dp := &divPlan{Shape: p.Shape, IA: p.IA, IB: p.IB}
	return dp.finish(c, a.Max, a.Scale, b), dp, nil
}

// foldDiv divides two constants with ONNX semantics: integer division
// truncates toward zero.
func foldDiv(c *Context, p *binaryPlan, a, b *Info) ([]*Info, any, error) {
	n := graph.NumElements(p.Shape)
	t := &graph.Tensor{DType: a.DType, Shape: p.Shape, Data: make([]float64, n)}
	for i := range n {
		x, y := at(a.Const.Data, p.IA, i), at(b.Const.Data, p.IB, i)
		if y == 0 && a.DType != graph.Float {
			return nil, nil, fmt.Errorf("integer division by 0")
		}
		t.Data[i] = x / y
		if a.DType != graph.Float {
			t.Data[i] = math.Trunc(t.Data[i])
		}
	}
	return []*Info{c.ConstInfo(t)}, nil, nil
}

// finish plans n/d for a numerator bounded by nmax at scale ns.
func (p *divPlan) finish(c *Context, nmax float64, ns int, d *Info) []*Info {
	e := c.Scale + d.Scale - ns
	p.UpA, p.UpB = max(e, 0), max(-e, 0)
	// The upscaled numerator and divisor are intermediates: both must stay
	// within quant.MaxBound (DivRound itself never forms 2n + d).
	c.CheckBound(math.Ldexp(nmax, p.UpA))
	c.CheckBound(math.Ldexp(d.Max, p.UpB))
	p.SBits = max(1, quant.BitsFor(d.Max))
	p.DBits = max(1, quant.BitsFor(math.Ldexp(d.Max, p.UpB)))
	// The quotient is checked to ActBits at most, and Max must bound what
	// that check lets through (as in Requant).
	qmax := math.Ldexp(nmax, p.UpA) + 1
	if p.QBits = quant.BitsFor(qmax) + 1; p.QBits > c.ActBits {
		p.QBits, qmax = c.ActBits, math.Ldexp(1, c.ActBits-1)
	}
	return []*Info{{DType: graph.Float, Shape: p.Shape, Scale: c.Scale, Max: qmax}}
}

func div[T any](a Arith[T], plan any, ins []Tensor[T]) []Tensor[T] {
	if ip, ok := plan.(*intDivPlan); ok {
		return intDiv(a, ip, ins)
	}
	p, ok := plan.(*divPlan)
	if !ok {
		return mul(a, plan, ins)
	}
	n := graph.NumElements(p.Shape)
	out := make([]T, n)
	for i := range n {
		var num T
		d := at(ins[len(ins)-1].Data, p.IB, i)
		if p.Num != nil {
			num = a.Const(*p.Num)
		} else {
			num = a.Upscale(at(ins[0].Data, p.IA, i), p.UpA)
		}
		sgn := a.Lin([]Q{{F: 2, I: 2}}, []T{a.Sign(d, p.SBits)}, Q{F: -1, I: -1})
		dAbs := a.Upscale(a.Mul(sgn, d), p.UpB)
		out[i] = a.DivRound(a.Mul(sgn, num), dAbs, p.DBits, p.QBits)
	}
	return []Tensor[T]{{Shape: p.Shape, Data: out}}
}

func inferReciprocal(c *Context, _ *graph.Node, ins []*Info) ([]*Info, any, error) {
	if len(ins) == 0 || ins[0] == nil {
		return nil, nil, fmt.Errorf("missing input")
	}
	// 1 at scale 0: the quotient is then at Scale + scale(d) - 0 ≥ Scale.
	p := &divPlan{Shape: ins[0].Shape, Num: &Q{F: 1, I: 1}}
	outs := p.finish(c, 1, 0, ins[0])
	p.Num.I = shiftConst(p.Num.I, p.UpA) // finish bounded 2^UpA
	p.UpA = 0
	return outs, p, nil
}

type sqrtPlan struct {
	Shape    []int
	Up, Bits int
}

func inferSqrt(c *Context, _ *graph.Node, ins []*Info) ([]*Info, any, error) {
	if len(ins) == 0 || ins[0] == nil {
		return nil, nil, fmt.Errorf("missing input")
	}
	in := ins[0]
	up := 2*c.Scale - in.Scale
	if up < 0 {
		return nil, nil, fmt.Errorf("input scale %d is finer than twice the activation scale", in.Scale)
	}
	m := math.Ldexp(in.Max, up)
	if m > quant.MaxBound {
		return nil, nil, fmt.Errorf("input bound 2^%.0f is beyond the 2^62 the evaluator holds for a square root: lower --scale or --act-bits", math.Log2(m))
	}
	p := &sqrtPlan{Shape: in.Shape, Up: up, Bits: quant.BitsFor(m)}
	return []*Info{{DType: graph.Float, Shape: in.Shape, Scale: c.Scale, Max: math.Ceil(math.Sqrt(m))}}, p, nil
}

func sqrtKernel[T any](a Arith[T], plan any, ins []Tensor[T]) []Tensor[T] {
	p := plan.(*sqrtPlan)
	out := make([]T, len(ins[0].Data))
	for i, x := range ins[0].Data {
		out[i] = a.Sqrt(a.Upscale(x, p.Up), p.Bits)
	}
	return []Tensor[T]{{Shape: p.Shape, Data: out}}
}

func init() {
	Register("Div", Op{Infer: inferDiv, Float: div[float64], Int: div[int64], Circuit: div[Variable]})
	Register("Reciprocal", Op{Infer: inferReciprocal, Float: div[float64], Int: div[int64], Circuit: div[Variable]})
	Register("Sqrt", Op{Infer: inferSqrt, Float: sqrtKernel[float64], Int: sqrtKernel[int64], Circuit: sqrtKernel[Variable]})
}
