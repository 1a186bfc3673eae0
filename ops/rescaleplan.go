package ops

import (
	"math"

	"github.com/zkinfer/zkinfer/quant"
)

// Requant is how a product-scale value gets back to the activation scale:
// divide by 2^Shift with a proven rescale, or multiply by 2^Up when the
// product is already coarser than the target.
type Requant struct {
	Shift int // > 0: rescale; 0: none
	Up    int // > 0: upscale
	Bits  int // signed bit width the rescaled value is checked against
	// Relu applies max(·, 0) after the rescale, fused into its gadget.
	Relu bool
}

// ReluFuser is a plan that ends in a Requant and can absorb a following
// ReLU into it (see model.Compile).
type ReluFuser interface {
	// FuseRelu makes the plan apply ReLU to its outputs, and reports
	// whether it could (it can when its outputs are rescaled).
	FuseRelu() bool
}

// FuseRelu fuses a ReLU into a rescaling plan.
func (r *Requant) FuseRelu() bool {
	if r.Shift == 0 {
		return false
	}
	r.Relu = true
	return true
}

// RequantTaker is a plan that ends in a Requant and can hand it to the
// step that reads its outputs (a max pool, see groupMax): the plan's
// outputs are then its values before the rescale, at the product scale,
// and the taker rescales what it keeps. Its readers' Info still describes
// the rescaled values, which is what the taker outputs.
type RequantTaker interface {
	// TakeRequant removes the plan's rescale (and the ReLU fused into it)
	// and returns it; false when the plan does not rescale.
	TakeRequant() (Requant, bool)
}

// TakeRequant hands a rescale over to the step that reads its values.
func (r *Requant) TakeRequant() (Requant, bool) {
	if r.Shift == 0 {
		return Requant{}, false
	}
	rq := *r
	*r = Requant{}
	return rq, true
}

// Requant plans the move of a value bounded by max at scale from to the
// activation scale, and returns the plan and the bound of the result.
//
// Both the value and the result are intermediates bounded by
// quant.MaxBound (CheckBound). A rescale by more than 62 bits is refused
// the same way: its divisor 2^shift is beyond what the evaluator holds, and
// the circuit's remainder check must stay far below the field.
func (c *Context) Requant(max float64, from int) (Requant, float64) {
	c.CheckBound(max)
	to := c.Scale
	if from <= to {
		up := to - from
		c.CheckBound(math.Ldexp(max, up))
		return Requant{Up: up}, math.Ldexp(max, up)
	}
	shift := from - to
	c.CheckBound(math.Ldexp(1, shift))
	out := math.Ceil(math.Ldexp(max, -shift)) + 1
	bits := quant.BitsFor(out) + 1
	if bits > c.ActBits {
		bits = c.ActBits
		out = math.Ldexp(1, c.ActBits-1)
	}
	return Requant{Shift: shift, Bits: bits}, out
}

// Apply runs the plan on one value.
func Apply[T any](a Arith[T], r Requant, v T) T {
	if r.Shift > 0 {
		if r.Relu {
			return a.RescaleRelu(v, r.Shift, r.Bits)
		}
		return a.Rescale(v, r.Shift, r.Bits)
	}
	return a.Upscale(v, r.Up)
}
