package ops

import (
	"fmt"
	"math"

	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/quant"
)

// modPlan is Mod, fmod 0 or 1 (semantics and gadget: "Division and square
// roots" in the package documentation).
type modPlan struct {
	*naryPlan
	Fmod bool
	// CD: the constant divisor at the common scale, per element of the
	// divisor tensor (nil when d is computed); CS its signs (±1).
	CD, CS       []Q
	XBits, DBits int // |x| < 2^XBits, |d| < 2^DBits
	QBits        int
}

func inferMod(c *Context, n *graph.Node, ins []*Info) ([]*Info, any, error) {
	if len(ins) != 2 {
		return nil, nil, fmt.Errorf("needs two inputs, has %d", len(ins))
	}
	p, scale, m, err := alignNary(ins)
	if err != nil {
		return nil, nil, err
	}
	if err := sameKind(ins[0], ins[1]); err != nil {
		return nil, nil, err
	}
	mp := &modPlan{naryPlan: p, Fmod: n.AttrInt("fmod", 0) != 0}
	xmax, dmax := m[0], m[1]
	if d := ins[1].Const; d != nil && ins[0].Const == nil {
		dmax = 0
		for _, v := range d.Data {
			q := shiftConst(quant.Quantize(v, ins[1].Scale), p.Up[1])
			if q == 0 {
				return nil, nil, fmt.Errorf("divisor %g rounds to 0 at scale %d: a division by zero (raise --scale if it is not 0)", v, scale)
			}
			s := int64(1)
			if q < 0 {
				s = -1
			}
			mp.CD = append(mp.CD, Q{F: v, I: q})
			mp.CS = append(mp.CS, Q{F: float64(s), I: s})
			dmax = max(dmax, float64(abs(q)))
		}
	}
	mp.XBits, mp.DBits = bitsFor(xmax), bitsFor(dmax)
	mp.QBits = bitsFor(xmax+1) + 1
	// The division's numerator and divisor, and d·q = x − r.
	c.CheckBound(2*xmax + 2*dmax)
	out := &Info{DType: ins[0].DType, Shape: p.Shape, Scale: scale, Max: dmax}
	if mp.Fmod {
		out.Max = min(xmax, dmax)
	}
	if ins[1].DType == graph.Float {
		out.DType = graph.Float
	}
	return []*Info{out}, mp, nil
}

func mod[T any](a Arith[T], plan any, ins []Tensor[T]) []Tensor[T] {
	p := plan.(*modPlan)
	n := graph.NumElements(p.Shape)
	out := make([]T, n)
	if f, ok := any(out).([]float64); ok {
		// The float reference has no flooring division: use math.Mod.
		x, d := any(ins[0].Data).([]float64), any(ins[1].Data).([]float64)
		for i := range n {
			f[i] = modFloat(at(x, p.Idx[0], i), at(d, p.Idx[1], i), p.Fmod)
		}
		return []Tensor[T]{{Shape: p.Shape, Data: out}}
	}
	two, minusOne := []Q{{F: 2, I: 2}}, Q{F: -1, I: -1}
	sign := func(v T, bits int) T { return a.Lin(two, []T{a.Sign(v, bits)}, minusOne) }
	for i := range n {
		x := naryAt(a, p.naryPlan, ins, 0, i)
		var d, sd T
		if p.CD != nil {
			cd, cs := at(p.CD, p.Idx[1], i), at(p.CS, p.Idx[1], i)
			d, sd = a.Const(cd), a.Const(cs)
		} else {
			d = naryAt(a, p.naryPlan, ins, 1, i)
			sd = sign(d, p.DBits)
		}
		ad := a.Mul(sd, d)
		den := a.Lin(two, []T{ad}, Q{})
		if !p.Fmod {
			num := a.Lin([]Q{{F: 2, I: 2}, minusOne}, []T{a.Mul(sd, x), ad}, Q{})
			q := a.DivRound(num, den, p.DBits+1, p.QBits)
			out[i] = a.Sub(x, a.Mul(d, q))
			continue
		}
		sx := sign(x, p.XBits)
		ax := a.Mul(sx, x)
		num := a.Lin([]Q{{F: 2, I: 2}, minusOne}, []T{ax, ad}, Q{})
		q := a.DivRound(num, den, p.DBits+1, p.QBits)
		out[i] = a.Mul(sx, a.Sub(ax, a.Mul(ad, q)))
	}
	return []Tensor[T]{{Shape: p.Shape, Data: out}}
}

// modFloat is x mod d with the sign of d (fmod false) or of x (fmod true).
func modFloat(x, d float64, fmod bool) float64 {
	r := math.Mod(x, d)
	if !fmod && r != 0 && (r < 0) != (d < 0) {
		r += d
	}
	return r
}

func init() {
	Register("Mod", Op{Infer: inferMod, Float: mod[float64], Int: mod[int64], Circuit: mod[Variable]})
}
