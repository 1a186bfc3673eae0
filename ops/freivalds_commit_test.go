package ops_test

import (
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/constraint/solver"
	"github.com/consensys/gnark/frontend"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/internal/optest"
	"github.com/zkinfer/zkinfer/ops"
)

// Freivalds' check is sound only if its challenge r is drawn after the
// prover has fixed W, X and Y: r comes from the commitment, so every wire
// of the three must be committed. These tests check that on the compiled
// circuits, and that a prover who chooses a wire after seeing r — possible
// only if that wire is not committed — is rejected because r moves with it.

// TestFreivaldsCommitsEveryWire: in the compiled circuit, the challenge of
// the commitment Freivalds' check draws from depends on every wire of W, X
// and Y: the wires the matrix-product hint reads and those it writes. Run on
// a bare product and on a model with secret weights under each range check
// and weight commitment (Pedersen weights sit in an earlier commitment,
// which the last one commits to).
func TestFreivaldsCommitsEveryWire(t *testing.T) {
	compileModel := func(vis circuit.Visibility, mode ops.RangeCheck) func(*testing.T) constraint.ConstraintSystem {
		return func(t *testing.T) constraint.ConstraintSystem {
			g, vals := batchedMatMul(8, 48, 16)
			m, _ := secretWitness(t, g, vals)
			c, err := circuit.New(m, vis)
			if err != nil {
				t.Fatal(err)
			}
			c.RangeCheck = mode
			cs, err := optest.CompileR1CS(c)
			if err != nil {
				t.Fatal(err)
			}
			return cs
		}
	}
	private := circuit.Visibility{Input: circuit.Private, Params: circuit.Private, Output: circuit.Public}
	pedersen := circuit.Visibility{Input: circuit.Private, Params: circuit.Hashed, Output: circuit.Public, ParamCommitment: circuit.Pedersen}
	for _, c := range []struct {
		name    string
		compile func(*testing.T) constraint.ConstraintSystem
	}{
		{"product", func(t *testing.T) constraint.ConstraintSystem { return compileProduct(t, 6, 10, 12, false) }},
		{"free product", func(t *testing.T) constraint.ConstraintSystem {
			cs, err := optest.CompileR1CS(newFreeProduct(6, 10, 12))
			if err != nil {
				t.Fatal(err)
			}
			return cs
		}},
		{"model, bits", compileModel(private, ops.RangeBits)},
		{"model, lookup", compileModel(private, ops.RangeLookup)},
		{"model, pedersen weights", compileModel(pedersen, ops.RangeLookup)},
	} {
		t.Run(c.name, func(t *testing.T) {
			cs := c.compile(t)
			calls, err := optest.CallsOf(cs, ops.MatMulHint)
			if err != nil {
				t.Fatal(err)
			}
			if len(calls) == 0 {
				t.Fatal("no Freivalds check in the circuit")
			}
			committed, err := optest.Committed(cs)
			if err != nil {
				t.Fatal(err)
			}
			for i, call := range calls {
				if len(call.In) == 0 || len(call.Out) == 0 {
					t.Fatalf("call %d: %d input and %d output wires", i, len(call.In), len(call.Out))
				}
				for _, side := range []struct {
					name  string
					wires []int
				}{{"W and X", call.In}, {"Y", call.Out}} {
					for _, w := range side.wires {
						if !committed[w] {
							t.Errorf("call %d: wire %d of %s is not committed: a prover can choose it after the challenge", i, w, side.name)
						}
					}
				}
			}
		})
	}
}

// newFreeProduct is the product circuit with the product left free.
func newFreeProduct(m, k, p int) *product {
	c := newProduct(m, k, p, false)
	c.Y, c.free = nil, true
	return c
}

// fieldMats are W, X and Y as field elements.
type fieldMats struct{ w, x, y [][]*big.Int }

func toField(a [][]int64) [][]*big.Int {
	out := make([][]*big.Int, len(a))
	for i, row := range a {
		for _, v := range row {
			out[i] = append(out[i], new(big.Int).Mod(big.NewInt(v), ecc.BN254.ScalarField()))
		}
	}
	return out
}

func (v fieldMats) clone() fieldMats {
	c := func(a [][]*big.Int) [][]*big.Int {
		out := make([][]*big.Int, len(a))
		for i, row := range a {
			for _, e := range row {
				out[i] = append(out[i], new(big.Int).Set(e))
			}
		}
		return out
	}
	return fieldMats{c(v.w), c(v.x), c(v.y)}
}

// isProduct reports whether Y = W·X in the field.
func (v fieldMats) isProduct() bool {
	f := ecc.BN254.ScalarField()
	for i := range v.y {
		for j := range v.y[i] {
			s := new(big.Int)
			for k := range v.x {
				s.Add(s, new(big.Int).Mul(v.w[i][k], v.x[k][j]))
			}
			if s.Mod(s, f).Cmp(new(big.Int).Mod(v.y[i][j], f)) != 0 {
				return false
			}
		}
	}
	return true
}

// solve solves the free product circuit with W and X from v and the hint
// returning v's Y, under the suite's solver with the given challenges
// (nil: derived from the commitment).
func (v fieldMats) solve(t *testing.T, cs constraint.ConstraintSystem, challenges []*big.Int) ([]*big.Int, error) {
	t.Helper()
	a := newFreeProduct(len(v.w), len(v.x), len(v.x[0]))
	var y []*big.Int
	for i := range v.w {
		for j := range v.w[i] {
			a.W[i][j] = v.w[i][j]
		}
		y = append(y, v.y[i]...)
	}
	for i := range v.x {
		for j := range v.x[i] {
			a.X[i][j] = v.x[i][j]
		}
	}
	wit, err := frontend.NewWitness(a, ecc.BN254.ScalarField())
	if err != nil {
		t.Fatal(err)
	}
	return optest.Solve(cs, wit, optest.Attack{
		Hints:      map[solver.HintID]solver.Hint{solver.GetHintID(ops.MatMulHint): optest.Constant(y)},
		Challenges: challenges,
	})
}

// TestFreivaldsAdaptiveForgery: a prover commits to W, X and Y, reads the
// challenge r, then changes one of them so that Y·v = W·(X·v) holds for
// that r although Y ≠ W·X. Each forgery is accepted when the challenge is
// held at r (so the attack is real) and rejected when the challenge is
// derived from the committed values, as the prover's is: the changed wire
// is committed, so the challenge moves away from r. With v = (1, r, r², …):
//
//   - Y: Y[0][0] += r, Y[0][1] -= 1 leaves Y·v unchanged;
//   - W: with Y[0][1] += 1 committed first, W[0][0] += r/u[0], u = X·v;
//   - X: with Y[0][1] += 1 committed first and column 0 of W the unit
//     vector e₀, X[0][0] += r adds r·e₀ to W·(X·v).
func TestFreivaldsAdaptiveForgery(t *testing.T) {
	const m, k, p = 6, 10, 12
	f := ecc.BN254.ScalarField()
	cs, err := optest.CompileR1CS(newFreeProduct(m, k, p))
	if err != nil {
		t.Fatal(err)
	}
	add := func(e, d *big.Int) { e.Add(e, d).Mod(e, f) }
	one, minus := big.NewInt(1), big.NewInt(-1)
	for _, c := range []struct {
		name string
		// unitColumn makes column 0 of W the unit vector e₀.
		unitColumn bool
		// before changes the honest values into those committed first.
		before func(v fieldMats)
		// after changes them once the challenge r is known.
		after func(v fieldMats, r *big.Int)
	}{
		{"Y after the challenge", false, func(fieldMats) {}, func(v fieldMats, r *big.Int) {
			add(v.y[0][0], r)
			add(v.y[0][1], minus)
		}},
		{"W after the challenge", false, func(v fieldMats) { add(v.y[0][1], one) }, func(v fieldMats, r *big.Int) {
			u0 := new(big.Int) // u[0] = X[0]·v
			for j := p - 1; j >= 0; j-- {
				u0.Mul(u0, r).Add(u0, v.x[0][j]).Mod(u0, f)
			}
			if u0.Sign() == 0 {
				t.Fatal("u[0] = 0")
			}
			add(v.w[0][0], new(big.Int).Mul(r, new(big.Int).ModInverse(u0, f)))
		}},
		{"X after the challenge", true, func(v fieldMats) { add(v.y[0][1], one) }, func(v fieldMats, r *big.Int) {
			add(v.x[0][0], r)
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			w, x, _ := matrices(m, k, p)
			if c.unitColumn {
				for i := range w {
					w[i][0] = 0
				}
				w[0][0] = 1
			}
			honest := fieldMats{w: toField(w), x: toField(x), y: toField((&ops.IntArith{}).MatMul(w, x))}
			if _, err := honest.solve(t, cs, nil); err != nil {
				t.Fatalf("honest product rejected: %v", err)
			}
			v := honest.clone()
			c.before(v)
			drawn, _ := v.solve(t, cs, nil)
			if len(drawn) != 1 {
				t.Fatalf("%d challenges drawn, want 1", len(drawn))
			}
			r := drawn[0]
			c.after(v, r)
			if v.isProduct() {
				t.Fatal("the attack gives the true product")
			}
			if _, err := v.solve(t, cs, []*big.Int{r}); err != nil {
				t.Fatalf("the forgery fails even with the challenge held at r: %v", err)
			}
			if _, err := v.solve(t, cs, nil); err == nil {
				t.Error("the forgery is accepted: the changed wire does not move the challenge")
			}
		})
	}
}
