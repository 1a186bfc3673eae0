package ops_test

import (
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/constraint/solver"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/consensys/gnark/std/rangecheck"

	"github.com/zkinfer/zkinfer/ops"
)

// gadget proves Y = f(X) for one gadget f, with both public so a test can
// claim a wrong Y and supply the hint that would justify it.
type gadget struct {
	X, Y frontend.Variable `gnark:",public"`
	f    func(a *ops.CircuitArith, x frontend.Variable) frontend.Variable
}

func (g *gadget) Define(api frontend.API) error {
	a := &ops.CircuitArith{API: api, Range: rangecheck.New(api)}
	api.AssertIsEqual(g.f(a, g.X), g.Y)
	return nil
}

// solves reports whether the gadget accepts Y = y for X = x when hint is
// replaced by bad (nil: the honest hint).
func solves(t *testing.T, f func(a *ops.CircuitArith, x frontend.Variable) frontend.Variable, x, y int64, hint, bad solver.Hint) bool {
	t.Helper()
	cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, &gadget{f: f})
	if err != nil {
		t.Fatal(err)
	}
	w, err := frontend.NewWitness(&gadget{X: x, Y: y}, ecc.BN254.ScalarField())
	if err != nil {
		t.Fatal(err)
	}
	var opts []solver.Option
	if bad != nil {
		opts = append(opts, solver.OverrideHint(solver.GetHintID(hint), bad))
	}
	return cs.IsSolved(w, opts...) == nil
}

// TestHintSoundness: for each hinted gadget, a prover who claims a wrong
// result and supplies the hint that makes the main equation hold is still
// rejected by the gadget's range checks.
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
	for _, h := range honest {
		if !solves(t, h.f, h.x, h.y, nil, nil) {
			t.Errorf("%s: honest result %d rejected", h.name, h.y)
		}
		if solves(t, h.f, h.x, h.y+1, nil, nil) {
			t.Errorf("%s: wrong result accepted with the honest hint", h.name)
		}
	}
	flip := func(f *big.Int, in, out []*big.Int) error {
		ops.SignHint(f, in, out)
		out[0].Sub(big.NewInt(1), out[0])
		return nil
	}
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
		{"rescale+relu sign flipped", rescaleRelu, -100, -6, ops.SignHint, flip},
		{"rescale+relu quotient+1", rescaleRelu, 100, 7, ops.RescaleHint, shiftQuotient(1)},
		{"rescale+relu quotient-1", rescaleRelu, 100, 5, ops.RescaleHint, shiftQuotient(-1)},
	}
	for _, b := range bad {
		if solves(t, b.f, b.x, b.y, b.hint, b.bad) {
			t.Errorf("%s: wrong result %d accepted", b.name, b.y)
		}
	}
}

// shiftQuotient moves the quotient by d and the remainder by -d·2^shift: the
// division equation still holds, only the range checks can catch it.
func shiftQuotient(d int64) solver.Hint {
	return func(f *big.Int, in, out []*big.Int) error {
		if err := ops.RescaleHint(f, in, out); err != nil {
			return err
		}
		step := new(big.Int).Lsh(big.NewInt(d), uint(in[1].Uint64()))
		out[0].Add(out[0], big.NewInt(d)).Mod(out[0], f)
		out[1].Sub(out[1], step).Mod(out[1], f)
		return nil
	}
}
