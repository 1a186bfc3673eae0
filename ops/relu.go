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
	s, _ := c.sign(a, bits)
	return s
}

func (c *CircuitArith) Relu(a Variable, bits int) Variable {
	_, y := c.sign(a, bits)
	return y
}

// sign returns a constrained bit s that is 1 when a ≥ 0 and 0 when a < 0,
// given |a| < 2^bits, and s·a.
func (c *CircuitArith) sign(a Variable, bits int) (s, sa frontend.Variable) {
	res, err := c.API.Compiler().NewHint(SignHint, 1, a)
	if err != nil {
		panic(err)
	}
	s = res[0]
	c.API.AssertIsBoolean(s)
	sa = c.API.Mul(s, a)
	// (2s-1)·a + s - 1 = 2·s·a - a + s - 1
	c.Range.Check(c.API.Add(c.API.Sub(c.API.Mul(2, sa), a), s, -1), bits)
	return s, sa
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
