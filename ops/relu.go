package ops

import (
	"fmt"
	"math/big"

	"github.com/consensys/gnark/frontend"

	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/quant"
)

// Relu is max(a, 0); the circuit proves a hinted sign bit (see "Signs, ReLU
// and range checks" in the package documentation).
func (*IntArith) Relu(a int64, _ int) int64 { return max(a, 0) }

func (*IntArith) Sign(a int64, _ int) int64 {
	if a >= 0 {
		return 1
	}
	return 0
}

func (c *CircuitArith) Sign(a Variable, bits int) Variable {
	return c.sign(a, bits)
}

func (c *CircuitArith) Relu(a Variable, bits int) Variable {
	return c.API.Mul(c.sign(a, bits), a)
}

// sign returns a constrained bit s that is 1 when a ≥ 0 and 0 when a < 0,
// given -2^bits ≤ a < 2^bits: s is boolean and
//
//	a + (1 − s)·2^bits ∈ [0, 2^bits)
//
// which is a ∈ [0, 2^bits) for s = 1 and a ∈ [−2^bits, 0) for s = 0. A wrong
// s puts it outside: a negative value, which wraps to about p, or one of at
// least 2^bits. The bit is unique at a = 0 too (0 + 2^bits is out of range),
// so Sign is a sound comparison (a ≥ b). ReLU is s·a: one product more.
func (c *CircuitArith) sign(a Variable, bits int) frontend.Variable {
	res, err := c.API.Compiler().NewHint(SignHint, 1, a)
	if err != nil {
		panic(err)
	}
	s := res[0]
	c.API.AssertIsBoolean(s)
	c.Range.Check(c.API.Add(a, c.API.Mul(c.API.Sub(1, s), pow2(bits))), bits)
	return s
}

// SignHint returns 1 when its input, read as a signed field element, is ≥ 0.
func SignHint(field *big.Int, in, out []*big.Int) error {
	if len(in) != 1 || len(out) != 1 {
		return fmt.Errorf("sign hint: want 1 input and 1 output")
	}
	if Signed(field, in[0]).Sign() >= 0 {
		out[0].SetInt64(1)
	} else {
		out[0].SetInt64(0)
	}
	return nil
}

func init() {
	Register("Relu", Op{Infer: inferRelu, Float: relu[float64], Int: relu[int64], Circuit: relu[Variable], FuseInto: fuseRelu})
}

// fuseRelu hands a ReLU to a plan that ends in a rescale (ReluFuser): one
// range check fewer per value.
func fuseRelu(producer any) bool {
	f, ok := producer.(ReluFuser)
	return ok && f.FuseRelu()
}

type reluPlan struct{ Bits int }

func inferRelu(_ *Context, _ *graph.Node, ins []*Info) ([]*Info, any, error) {
	if len(ins) == 0 || ins[0] == nil {
		return nil, nil, fmt.Errorf("missing input")
	}
	out := *ins[0]
	out.Const = nil
	return []*Info{&out}, &reluPlan{Bits: max(1, quant.BitsFor(out.Max))}, nil
}

func relu[T any](a Arith[T], plan any, ins []Tensor[T]) []Tensor[T] {
	bits := plan.(*reluPlan).Bits
	out := make([]T, len(ins[0].Data))
	for i, v := range ins[0].Data {
		out[i] = a.Relu(v, bits)
	}
	return []Tensor[T]{{Shape: ins[0].Shape, Data: out}}
}
