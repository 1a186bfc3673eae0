package ops_test

import (
	"math"
	"math/big"
	"strings"
	"testing"

	"github.com/consensys/gnark/constraint/solver"
	"github.com/consensys/gnark/frontend"

	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/internal/optest"
	"github.com/zkinfer/zkinfer/ops"
)

func TestDivide(t *testing.T) {
	x := optest.Ramp([]int{2, 6}, -3, 3)
	d := optest.T([]int{2, 6}, 0.5, -1.25, 3, -0.01, 7, 0.3, -2, 1, 0.125, 4, -5, 0.77)
	cases := []optest.Case{
		{Name: "div by constant 10", Node: node("Div", []string{"x", "c"}, []string{"y"}, nil),
			Inputs: []optest.Named{{Name: "x", Tensor: x}}, Consts: map[string]*graph.Tensor{"c": optest.T(nil, 10)}, Tol: 3e-4},
		{Name: "div by constant 0.3 broadcast", Node: node("Div", []string{"x", "c"}, []string{"y"}, nil),
			Inputs: []optest.Named{{Name: "x", Tensor: x}}, Consts: map[string]*graph.Tensor{"c": optest.T([]int{6}, 0.3, 2, -4, 10000, 1.4142, 1)}, Tol: 3e-4},
		{Name: "div by computed", Node: node("Div", []string{"x", "d"}, []string{"y"}, nil),
			Inputs: []optest.Named{{Name: "x", Tensor: x}, {Name: "d", Tensor: d}}, Tol: 0.05},
		{Name: "reciprocal", Node: node("Reciprocal", []string{"d"}, []string{"y"}, nil),
			Inputs: []optest.Named{{Name: "d", Tensor: d}}, Tol: 0.05},
		{Name: "sqrt", Node: node("Sqrt", []string{"x"}, []string{"y"}, nil),
			Inputs: []optest.Named{{Name: "x", Tensor: optest.Ramp([]int{9}, 0, 40)}}, Tol: 3e-4},
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) { optest.Run(t, c) })
	}
	// The computed-divisor quotient is exact given the quantized operands:
	// check it against the rounding of their real quotient.
	m, vals, err := cases[2].Compile()
	if err != nil {
		t.Fatal(err)
	}
	q, err := m.Eval(vals)
	if err != nil {
		t.Fatal(err)
	}
	for i := range x.Data {
		xa, da := math.Round(x.Data[i]*4096), math.Round(d.Data[i]*4096)
		if want := math.Floor(xa*4096/da + 0.5); float64(q[0].Data[i]) != want {
			t.Errorf("%g/%g: got %d, want %g", xa, da, q[0].Data[i], want)
		}
	}
}

func TestDivideErrors(t *testing.T) {
	cases := []struct {
		name string
		c    optest.Case
		want string
	}{
		{"div by zero", optest.Case{Node: node("Div", []string{"x", "d"}, []string{"y"}, nil),
			Inputs: []optest.Named{{Name: "x", Tensor: optest.T([]int{2}, 1, 1)}, {Name: "d", Tensor: optest.T([]int{2}, 1, 0)}}}, "divisor"},
		{"quotient overflow", optest.Case{Node: node("Div", []string{"x", "d"}, []string{"y"}, nil),
			Inputs: []optest.Named{{Name: "x", Tensor: optest.T([]int{1}, 1000)}, {Name: "d", Tensor: optest.T([]int{1}, 0.001)}}}, "range"},
		{"sqrt negative", optest.Case{Node: node("Sqrt", []string{"x"}, []string{"y"}, nil),
			Inputs: []optest.Named{{Name: "x", Tensor: optest.T([]int{2}, 1, -1)}}}, "square root"},
	}
	for _, c := range cases {
		m, vals, err := c.c.Compile()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := m.Eval(vals); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one saying %q", c.name, err, c.want)
		}
	}
}

// TestDivSqrtSoundness: a hint that moves the quotient (or root) by one
// while keeping the main equation true is caught by the range checks.
func TestDivSqrtSoundness(t *testing.T) {
	// 100/7 at d bits 4: round(14.28) = 14.
	div := func(a *ops.CircuitArith, x frontend.Variable) frontend.Variable { return a.DivRound(x, 7, 4, 16) }
	divSecret := func(a *ops.CircuitArith, x frontend.Variable) frontend.Variable {
		return a.DivRound(100, a.API.Sub(x, 3), 4, 16) // d = x-3
	}
	sqrt := func(a *ops.CircuitArith, x frontend.Variable) frontend.Variable { return a.Sqrt(x, 10) }
	shiftDiv := func(k int64) solver.Hint {
		return func(f *big.Int, in, out []*big.Int) error {
			if err := ops.DivHint(f, in, out); err != nil {
				return err
			}
			out[0].Add(out[0], big.NewInt(k)).Mod(out[0], f)
			out[1].Sub(out[1], new(big.Int).Mul(big.NewInt(k), in[1])).Mod(out[1], f)
			return nil
		}
	}
	shiftSqrt := func(k int64) solver.Hint {
		return func(f *big.Int, in, out []*big.Int) error {
			if err := ops.SqrtHint(f, in, out); err != nil {
				return err
			}
			out[0].Add(out[0], big.NewInt(k)).Mod(out[0], f)
			return nil
		}
	}
	cases := []struct {
		name     string
		f        func(a *ops.CircuitArith, x frontend.Variable) frontend.Variable
		x, y     int64
		hint     solver.Hint
		bad      solver.Hint
		wantSolv bool
	}{
		{"div honest", div, 100, 14, nil, nil, true},
		{"div negative honest", div, -100, -14, nil, nil, true},
		{"div wrong", div, 100, 15, nil, nil, false},
		{"div quotient+1", div, 100, 15, ops.DivHint, shiftDiv(1), false},
		{"div quotient-1", div, 100, 13, ops.DivHint, shiftDiv(-1), false},
		{"secret divisor honest", divSecret, 10, 14, nil, nil, true},
		{"secret divisor quotient+1", divSecret, 10, 15, ops.DivHint, shiftDiv(1), false},
		{"secret divisor zero", divSecret, 3, 0, ops.DivHint, func(f *big.Int, in, out []*big.Int) error {
			out[0].SetInt64(0)
			out[1].Set(in[0])
			return nil
		}, false},
		{"sqrt honest", sqrt, 50, 7, nil, nil, true},
		{"sqrt +1", sqrt, 50, 8, ops.SqrtHint, shiftSqrt(1), false},
		{"sqrt -1", sqrt, 50, 6, ops.SqrtHint, shiftSqrt(-1), false},
		{"sqrt of negative", sqrt, -4, 0, ops.SqrtHint, func(f *big.Int, in, out []*big.Int) error { out[0].SetInt64(0); return nil }, false},
	}
	for _, c := range cases {
		if got := solves(t, c.f, c.x, c.y, c.hint, c.bad); got != c.wantSolv {
			t.Errorf("%s: solved = %v, want %v", c.name, got, c.wantSolv)
		}
	}
}
