package ops

import (
	"fmt"
	"math/big"

	"github.com/consensys/gnark/constraint/solver"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/std/multicommit"

	"github.com/zkinfer/zkinfer/internal/linexpr"
)

// MatMulHint gives the product that Freivalds' check verifies (see
// "Products of two secret operands: Freivalds' check" in the package
// documentation).
func init() {
	solver.RegisterHint(MatMulHint)
}

// MatMul computes the products directly.
func (FloatArith) MatMul(w, x [][]float64) [][]float64 { return matMulPlain(FloatArith{}, w, x) }

// MatMul computes the products directly; compile bounds them below 2^62.
func (e *IntArith) MatMul(w, x [][]int64) [][]int64 { return matMulPlain(e, w, x) }

// MatMul returns W·X: term by term, or from a hint checked with Freivalds'
// algorithm when FreivaldsCost says that is cheaper and DirectProducts is
// not set.
func (c *CircuitArith) MatMul(w, x [][]Variable) [][]Variable {
	if len(w) == 0 || len(x) == 0 || len(x[0]) == 0 {
		return matMulPlain(c, w, x)
	}
	isConst := func(v Variable) bool {
		_, ok := c.API.Compiler().ConstantValue(v)
		return ok
	}
	direct, freivalds := FreivaldsCost(w, x, isConst)
	if c.DirectProducts || freivalds >= direct {
		return matMulPlain(c, w, x)
	}
	return c.freivalds(w, x, isConst)
}

// FreivaldsCost returns the multiplication constraints of W·X computed term
// by term (a product with a constant operand is free) and checked with
// Freivalds' algorithm.
func FreivaldsCost[T any](w, x [][]T, isConst func(T) bool) (direct, freivalds int) {
	M, K, P := len(w), len(x), len(x[0])
	nw := make([]int, K) // secret entries of column k of W
	for _, row := range w {
		for k, v := range row {
			if !isConst(v) {
				nw[k]++
			}
		}
	}
	nx := 0
	for k, row := range x {
		n := 0
		for _, v := range row {
			if !isConst(v) {
				n++
			}
		}
		direct += nw[k] * n
		nx += n
	}
	// X·v, W·u, Y·v, the powers of r, and the commitment's own constraint.
	freivalds = nx + M*K + M*P + P + 1
	return direct, freivalds
}

func matMulPlain[T any](a Arith[T], w, x [][]T) [][]T {
	K := len(x)
	P := 0
	if K > 0 {
		P = len(x[0])
	}
	ones := make([]Q, K)
	for k := range ones {
		ones[k] = Q{F: 1, I: 1}
	}
	prods := make([]T, K)
	y := make([][]T, len(w))
	for m, row := range w {
		y[m] = make([]T, P)
		for p := range P {
			for k := range K {
				prods[k] = a.Mul(row[k], x[k][p])
			}
			y[m][p] = a.Lin(ones, prods, Q{})
		}
	}
	return y
}

// freivalds takes Y from MatMulHint and schedules Y·v = W·(X·v) for when the
// commitment to W, X and Y is known.
func (c *CircuitArith) freivalds(w, x [][]Variable, isConst func(Variable) bool) [][]Variable {
	api := c.API
	M, K, P := len(w), len(x), len(x[0])
	in := make([]frontend.Variable, 0, 3+M*K+K*P)
	in = append(in, M, K, P)
	var committed []frontend.Variable
	for _, row := range w {
		in = append(in, row...)
		for _, v := range row {
			if !isConst(v) {
				committed = append(committed, v)
			}
		}
	}
	for _, row := range x {
		in = append(in, row...)
		for _, v := range row {
			if !isConst(v) {
				committed = append(committed, v)
			}
		}
	}
	flat, err := api.Compiler().NewHint(MatMulHint, M*P, in...)
	if err != nil {
		panic(err) // only for a wrong output count: a programming error
	}
	committed = append(committed, flat...)
	y := make([][]Variable, M)
	for m := range y {
		y[m] = flat[m*P : (m+1)*P]
	}
	deferCommitment(api, func(api frontend.API, r frontend.Variable) error {
		FreivaldsAssert(api, w, x, y, r)
		return nil
	}, committed...)
	return y
}

// FreivaldsAssert asserts Y·v = W·(X·v) for v = (1, r, r², …, r^(P−1)),
// Freivalds' check of the claimed product Y = W·X (W: M×K, X: K×P, Y:
// M×P) at the challenge r. It is sound only when r is drawn after W, X and
// Y are fixed, as a Groth16 commitment to all three gives it: a Y ≠ W·X
// then passes with probability at most (P−1)/|F| (a nonzero row of Y − W·X
// is a polynomial of degree < P in r). Cost: M·P + K·P + M·K
// multiplications and P − 1 for the powers, against M·K·P term by term.
func FreivaldsAssert(api frontend.API, w, x, y [][]frontend.Variable, r frontend.Variable) {
	P := len(y[0])
	v := make([]frontend.Variable, P)
	v[0] = 1
	for p := 1; p < P; p++ {
		v[p] = api.Mul(v[p-1], r)
	}
	u := make([]frontend.Variable, len(x))
	for k, row := range x {
		u[k] = dot(api, row, v)
	}
	for m := range w {
		api.AssertIsEqual(dot(api, y[m], v), dot(api, w[m], u))
	}
}

// dot returns Σ a[i]·b[i].
func dot(api frontend.API, a, b []frontend.Variable) frontend.Variable {
	terms := make([]frontend.Variable, len(a))
	for i := range a {
		terms[i] = api.Mul(a[i], b[i])
	}
	return linexpr.Sum(api, terms)
}

// MatMulHint returns the M·P entries of W·X, row by row, computed in the
// field (equal to the integer product under the compile bounds). Inputs: M,
// K, P, then W's M·K and X's K·P entries row by row.
func MatMulHint(field *big.Int, in, out []*big.Int) error {
	if len(in) < 3 || !in[0].IsInt64() || !in[1].IsInt64() || !in[2].IsInt64() {
		return fmt.Errorf("matmul hint: missing dimensions")
	}
	M, K, P := int(in[0].Int64()), int(in[1].Int64()), int(in[2].Int64())
	if M < 0 || K < 0 || P < 0 || len(in) != 3+M*K+K*P || len(out) != M*P {
		return fmt.Errorf("matmul hint: %d inputs and %d outputs do not fit %d×%d·%d×%d", len(in), len(out), M, K, K, P)
	}
	w, x := in[3:3+M*K], in[3+M*K:]
	t := new(big.Int)
	for m := range M {
		for p := range P {
			s := out[m*P+p].SetInt64(0)
			for k := range K {
				s.Add(s, t.Mul(w[m*K+k], x[k*P+p]))
			}
			s.Mod(s, field)
		}
	}
	return nil
}

// deferCommitment schedules multicommit.WithCommitment for when the circuit
// is complete. std/multicommit closes its commitment in the first deferred
// callback it registers, and lookup tables and range checkers register
// theirs as they are created: a gadget that called WithCommitment directly
// while the model is being built would close the commitment before a table
// created later could join it ("called WithCommitment recursively").
// Deferring keeps every gadget's WithCommitment inside the deferred phase,
// before multicommit's own callback.
func deferCommitment(api frontend.API, cb multicommit.WithCommitmentFn, vars ...frontend.Variable) {
	api.Compiler().Defer(func(api frontend.API) error {
		multicommit.WithCommitment(api, cb, vars...)
		return nil
	})
}
