package ops_test

import (
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/constraint/solver"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/consensys/gnark/std/math/bits"

	"github.com/zkinfer/zkinfer/internal/optest"
	"github.com/zkinfer/zkinfer/ops"
)

// gadget computes f(X) for one gadget f, built as a model builds it
// (optest.Arith, lookup range checks). Bound, it proves Y = f(X) for a
// public Y, so a test can claim a wrong Y; free, it leaves f(X) a solved
// wire, so that a hint that moves the result is rejected only by the
// gadget's own constraints.
type gadget struct {
	X, Y  frontend.Variable `gnark:",public"`
	f     func(a *ops.CircuitArith, x frontend.Variable) frontend.Variable
	bound bool
	mode  ops.RangeCheck // the zero value: lookups
}

func (g *gadget) Define(api frontend.API) error {
	a := optest.Arith(api, g.mode)
	y := g.f(a, g.X)
	if g.bound {
		api.AssertIsEqual(y, g.Y)
	}
	return nil
}

// solves reports whether the gadget accepts Y = y for X = x when hint is
// replaced by bad (nil: the honest hint), under the suite's solver
// (optest.Solve).
func solves(t *testing.T, f func(a *ops.CircuitArith, x frontend.Variable) frontend.Variable, x, y int64, hint, bad solver.Hint) bool {
	t.Helper()
	return solvesIn(t, ops.RangeLookup, f, x, y, hint, bad)
}

// solvesIn is solves with the range checks of mode.
func solvesIn(t *testing.T, mode ops.RangeCheck, f func(a *ops.CircuitArith, x frontend.Variable) frontend.Variable, x, y int64, hint, bad solver.Hint) bool {
	t.Helper()
	return gadgetSolves(t, &gadget{f: f, bound: true, mode: mode}, &gadget{X: x, Y: y}, hint, bad)
}

// solvesFree reports whether the gadget, its result free, accepts X = x
// when hint is replaced by bad (nil: the honest hint).
func solvesFree(t *testing.T, f func(a *ops.CircuitArith, x frontend.Variable) frontend.Variable, x int64, hint, bad solver.Hint) bool {
	t.Helper()
	return gadgetSolves(t, &gadget{f: f}, &gadget{X: x, Y: 0}, hint, bad)
}

func gadgetSolves(t *testing.T, c, assignment *gadget, hint, bad solver.Hint) bool {
	t.Helper()
	cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, c)
	if err != nil {
		t.Fatal(err)
	}
	w, err := frontend.NewWitness(assignment, ecc.BN254.ScalarField())
	if err != nil {
		t.Fatal(err)
	}
	var a optest.Attack
	if bad != nil {
		a.Hints = map[solver.HintID]solver.Hint{solver.GetHintID(hint): bad}
	}
	_, err = optest.Solve(cs, w, a)
	return err == nil
}

// TestHintSoundness: for each hinted gadget, a prover who supplies a hint
// that keeps the main equation but moves the result (a quotient moved with
// its remainder, a flipped sign) is rejected by the gadget's range checks
// alone: the result is left free, so no comparison with an honest output
// can catch it. Bound to its honest result, each gadget accepts it and
// rejects the result one off.
func TestHintSoundness(t *testing.T) {
	rescale := func(a *ops.CircuitArith, x frontend.Variable) frontend.Variable { return a.Rescale(x, 4, 16) }
	relu := func(a *ops.CircuitArith, x frontend.Variable) frontend.Variable { return a.Relu(x, 10) }
	sign := func(a *ops.CircuitArith, x frontend.Variable) frontend.Variable { return a.Sign(x, 10) }
	rescaleRelu := func(a *ops.CircuitArith, x frontend.Variable) frontend.Variable { return a.RescaleRelu(x, 4, 16) }
	// Honest results: rescale(100) = round(100/16) = 6 (108 = 6·16 + 12).
	honest := []struct {
		name string
		f    func(a *ops.CircuitArith, x frontend.Variable) frontend.Variable
		x, y int64
	}{
		{"rescale", rescale, 100, 6}, {"rescale negative", rescale, -100, -6},
		{"relu negative", relu, -5, 0}, {"relu positive", relu, 5, 5},
		{"rescale+relu", rescaleRelu, 100, 6}, {"rescale+relu negative", rescaleRelu, -100, 0},
		{"sign negative", sign, -5, 0}, {"sign positive", sign, 5, 1}, {"sign zero", sign, 0, 1},
	}
	// Under both gadgets: with bit decomposition RescaleRelu reads its
	// result off one decomposition (rescaleReluBits), its own path.
	for _, h := range honest {
		if !solvesFree(t, h.f, h.x, nil, nil) {
			t.Errorf("%s: honest solve rejected", h.name)
		}
		for _, mode := range []ops.RangeCheck{ops.RangeLookup, ops.RangeBits} {
			if !solvesIn(t, mode, h.f, h.x, h.y, nil, nil) {
				t.Errorf("%s, %s: honest result %d rejected", h.name, mode, h.y)
			}
			if solvesIn(t, mode, h.f, h.x, h.y+1, nil, nil) {
				t.Errorf("%s, %s: wrong result accepted with the honest hint", h.name, mode)
			}
		}
	}
	flip := func(f *big.Int, in, out []*big.Int) error {
		ops.SignHint(f, in, out)
		out[0].Sub(big.NewInt(1), out[0])
		return nil
	}
	// notABit makes the sign check's value a + (1−s)·2^10 zero with
	// s = 1 + a·2^-10, not a bit: only the bit's own constraint rejects it.
	notABit := func(f *big.Int, in, out []*big.Int) error {
		inv := new(big.Int).ModInverse(big.NewInt(1<<10), f)
		out[0].Mul(ops.Signed(f, in[0]), inv).Add(out[0], big.NewInt(1)).Mod(out[0], f)
		return nil
	}
	// y is the wrong result each attack would make the gadget compute.
	bad := []struct {
		name string
		f    func(a *ops.CircuitArith, x frontend.Variable) frontend.Variable
		x, y int64
		hint solver.Hint
		bad  solver.Hint
	}{
		{"rescale quotient+1 remainder-16", rescale, 100, 7, ops.RescaleHint, shiftQuotient(1)},
		{"rescale quotient-1 remainder+16", rescale, 100, 5, ops.RescaleHint, shiftQuotient(-1)},
		{"relu sign flipped on negative", relu, -5, -5, ops.SignHint, flip},
		{"relu sign flipped on positive", relu, 5, 0, ops.SignHint, flip},
		{"sign flipped", sign, -5, 1, ops.SignHint, flip},
		{"sign flipped at zero", sign, 0, 0, ops.SignHint, flip},
		{"sign not a bit", sign, 5, 0, ops.SignHint, notABit},
		{"relu sign not a bit", relu, -5, 0, ops.SignHint, notABit},
		{"rescale+relu sign flipped", rescaleRelu, -100, -6, ops.SignHint, flip},
		{"rescale+relu quotient+1", rescaleRelu, 100, 7, ops.RescaleHint, shiftQuotient(1)},
		{"rescale+relu quotient-1", rescaleRelu, 100, 5, ops.RescaleHint, shiftQuotient(-1)},
	}
	for _, b := range bad {
		if solvesFree(t, b.f, b.x, b.hint, b.bad) {
			t.Errorf("%s: the gadget computes %d and is satisfied", b.name, b.y)
		}
	}
	// A rescale of a long sum hints its remainder too: the attack moves
	// both, keeping the division equation. With bit decomposition a
	// rescale's ReLU reads its quotient off one decomposition
	// (rescaleReluBits, no quotient hint): the attack moves the quotient's
	// lowest digit and the remainder's digits the other way, keeping the
	// sum, so only the digits' booleanity can reject it.
	for _, mode := range []ops.RangeCheck{ops.RangeBits, ops.RangeLookup} {
		for k, f := range []func(ops.Arith[V], []V) []V{rescaleLong[V], rescaleReluLong[V]} {
			for _, d := range []int64{1, -1} {
				in := make([]frontend.Variable, 70)
				a := &sweepCircuit{f: f, mode: mode}
				for i := range in {
					a.In = append(a.In, int64(i%5))
				}
				cs, err := optest.CompileR1CS(&sweepCircuit{In: in, f: f, mode: mode})
				if err != nil {
					t.Fatal(err)
				}
				w, err := optest.FullWitness(a)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := optest.Solve(cs, w, optest.Attack{}); err != nil {
					t.Fatalf("long sum, %s: honest solve rejected: %v", mode, err)
				}
				attack := optest.Attack{Hints: map[solver.HintID]solver.Hint{solver.GetHintID(ops.RescaleHint): shiftQuotient(d)}}
				if mode == ops.RangeBits && k == 1 {
					attack = optest.Attack{Hints: map[solver.HintID]solver.Hint{solver.GetHintID(bits.GetHints()[1]): shiftDigit(4, d)}}
				}
				if _, err := optest.Solve(cs, w, attack); err == nil {
					t.Errorf("long sum, %s: quotient moved by %d with its remainder accepted", mode, d)
				}
			}
		}
	}
}

// shiftDigit is gnark's bit decomposition hint (bits.ToBinary's) with
// digit shift moved by d and digit 0 by −d·2^shift: the same weighted sum,
// the quotient of a decomposition read as remainder and quotient moved by
// d and its remainder by −d·2^shift, and digits that are no longer bits.
func shiftDigit(shift int, d int64) solver.Hint {
	return func(f *big.Int, in, out []*big.Int) error {
		if err := bits.GetHints()[1](f, in, out); err != nil {
			return err
		}
		out[shift].Add(out[shift], big.NewInt(d)).Mod(out[shift], f)
		out[0].Sub(out[0], new(big.Int).Lsh(big.NewInt(d), uint(shift))).Mod(out[0], f)
		return nil
	}
}

// shiftQuotient moves the quotient by d and the remainder by −d·2^shift:
// the hinted remainder of a long sum, or the linear combination
// num − q·2^shift, which moves with q. The division equation still holds
// and only the range checks can catch it.
func shiftQuotient(d int64) solver.Hint {
	return func(f *big.Int, in, out []*big.Int) error {
		if err := ops.RescaleHint(f, in, out); err != nil {
			return err
		}
		out[0].Add(out[0], big.NewInt(d)).Mod(out[0], f)
		if len(out) == 2 {
			step := new(big.Int).Lsh(big.NewInt(d), uint(in[1].Uint64()))
			out[1].Sub(out[1], step).Mod(out[1], f)
		}
		return nil
	}
}
