package ops

import (
	"math"

	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/quant"
)

// intDivPlan is Div of integers, truncated toward zero (see "Division and
// square roots" in the package documentation).
type intDivPlan struct {
	Shape        []int
	IA, IB       []int
	UpA, UpB     int // align the operands' scales
	NBits, DBits int // magnitude bits of the aligned operands
	QBits        int
}

func inferIntDiv(c *Context, p *binaryPlan, a, b *Info) ([]*Info, any, error) {
	ip := &intDivPlan{Shape: p.Shape, IA: p.IA, IB: p.IB}
	s := max(a.Scale, b.Scale)
	ip.UpA, ip.UpB = s-a.Scale, s-b.Scale
	nmax, dmax := math.Ldexp(a.Max, ip.UpA), math.Ldexp(b.Max, ip.UpB)
	ip.NBits, ip.DBits = max(1, quant.BitsFor(nmax)), max(1, quant.BitsFor(dmax))
	ip.QBits = ip.NBits + 1
	// The gadget's numerator 2|n| - |d| and divisor 2|d| are intermediates.
	c.CheckBound(2*nmax + dmax)
	out := &Info{DType: graph.Int, Shape: p.Shape, Scale: 0, Max: nmax}
	return []*Info{out}, ip, nil
}

func intDiv[T any](a Arith[T], p *intDivPlan, ins []Tensor[T]) []Tensor[T] {
	n := graph.NumElements(p.Shape)
	out := make([]T, n)
	if f, ok := any(out).([]float64); ok {
		// The float reference has no rounding division: truncate directly.
		x, d := any(ins[0].Data).([]float64), any(ins[1].Data).([]float64)
		for i := range n {
			f[i] = math.Trunc(at(x, p.IA, i) / at(d, p.IB, i))
		}
		return []Tensor[T]{{Shape: p.Shape, Data: out}}
	}
	two := []Q{{F: 2, I: 2}}
	minusOne := Q{F: -1, I: -1}
	for i := range n {
		x := a.Upscale(at(ins[0].Data, p.IA, i), p.UpA)
		d := a.Upscale(at(ins[1].Data, p.IB, i), p.UpB)
		sx := a.Lin(two, []T{a.Sign(x, p.NBits)}, minusOne) // ±1
		sd := a.Lin(two, []T{a.Sign(d, p.DBits)}, minusOne)
		ax, ad := a.Mul(sx, x), a.Mul(sd, d)
		num := a.Lin([]Q{{F: 2, I: 2}, {F: -1, I: -1}}, []T{ax, ad}, Q{})
		q := a.DivRound(num, a.Lin(two, []T{ad}, Q{}), p.DBits+1, p.QBits)
		out[i] = a.Mul(a.Mul(sx, sd), q)
	}
	return []Tensor[T]{{Shape: p.Shape, Data: out}}
}
