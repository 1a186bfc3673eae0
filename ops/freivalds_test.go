package ops_test

import (
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/constraint/solver"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/consensys/gnark/std/rangecheck"

	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/internal/optest"
	"github.com/zkinfer/zkinfer/ops"
)

// product proves Y = W·X with W and X secret and Y public, through
// CircuitArith.MatMul; free, it has no Y and leaves the product as solved
// wires, so that only Freivalds' check can reject a wrong one.
type product struct {
	W, X   [][]frontend.Variable
	Y      [][]frontend.Variable `gnark:",public"`
	direct bool
	free   bool
}

func newProduct(m, k, p int, direct bool) *product {
	mat := func(r, c int) [][]frontend.Variable {
		out := make([][]frontend.Variable, r)
		for i := range out {
			out[i] = make([]frontend.Variable, c)
		}
		return out
	}
	return &product{W: mat(m, k), X: mat(k, p), Y: mat(m, p), direct: direct}
}

func (c *product) Define(api frontend.API) error {
	a := &ops.CircuitArith{API: api, Range: rangecheck.New(api), DirectProducts: c.direct}
	y := a.MatMul(c.W, c.X)
	if c.free {
		return nil
	}
	for i := range y {
		for j := range y[i] {
			api.AssertIsEqual(y[i][j], c.Y[i][j])
		}
	}
	return nil
}

// matrices returns deterministic W (m×k) and X (k×p) of mixed signs and
// their exact product, as the int64 evaluator computes it.
func matrices(m, k, p int) (w, x, y [][]int64) {
	ev := &ops.IntArith{}
	w, x = make([][]int64, m), make([][]int64, k)
	for i := range w {
		w[i] = make([]int64, k)
		for j := range w[i] {
			w[i][j] = int64((i*7+j*3)%19) - 9
		}
	}
	for i := range x {
		x[i] = make([]int64, p)
		for j := range x[i] {
			x[i][j] = int64((i*11+j*5)%23)*1000 - 11000
		}
	}
	return w, x, ev.MatMul(w, x)
}

func assignProduct(w, x, y [][]int64) *product {
	c := newProduct(len(w), len(x), len(x[0]), false)
	set := func(dst [][]frontend.Variable, src [][]int64) {
		for i := range src {
			for j := range src[i] {
				dst[i][j] = src[i][j]
			}
		}
	}
	set(c.W, w)
	set(c.X, x)
	set(c.Y, y)
	return c
}

func compileProduct(t *testing.T, m, k, p int, direct bool) constraint.ConstraintSystem {
	t.Helper()
	cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, newProduct(m, k, p, direct))
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

func productSolves(t *testing.T, cs constraint.ConstraintSystem, w, x, y [][]int64) error {
	t.Helper()
	wit, err := frontend.NewWitness(assignProduct(w, x, y), ecc.BN254.ScalarField())
	if err != nil {
		t.Fatal(err)
	}
	_, err = optest.Solve(cs, wit, optest.Attack{})
	return err
}

// TestFreivaldsCost: the cost formula picks Freivalds' check where it
// saves constraints, and the compiled circuits have the counts it predicts.
func TestFreivaldsCost(t *testing.T) {
	for _, d := range []struct {
		m, k, p       int
		wantFreivalds bool
	}{{4, 25, 144, true}, {16, 32, 20, true}, {1, 64, 10, false}, {3, 2, 2, false}} {
		direct := compileProduct(t, d.m, d.k, d.p, true).GetNbConstraints()
		checked := compileProduct(t, d.m, d.k, d.p, false).GetNbConstraints()
		// Binding Y to the public outputs costs one constraint per entry.
		direct -= d.m * d.p
		checked -= d.m * d.p
		if direct != d.m*d.k*d.p {
			t.Errorf("%d×%d·%d×%d direct: %d constraints, want %d", d.m, d.k, d.k, d.p, direct, d.m*d.k*d.p)
		}
		if d.wantFreivalds {
			bound := d.k*d.p + d.m*d.k + d.m*d.p + d.p + 1
			if checked > bound || checked >= direct {
				t.Errorf("%d×%d·%d×%d Freivalds: %d constraints, want ≤ %d and < direct %d", d.m, d.k, d.k, d.p, checked, bound, direct)
			}
		} else if checked != direct {
			t.Errorf("%d×%d·%d×%d: %d constraints, want the direct %d", d.m, d.k, d.k, d.p, checked, direct)
		}
		t.Logf("%d×%d·%d×%d: direct %d, auto %d", d.m, d.k, d.k, d.p, direct, checked)
	}
}

// TestFreivaldsEquivalence: with and without Freivalds' check the circuit
// accepts exactly the evaluator's product and rejects a changed one.
func TestFreivaldsEquivalence(t *testing.T) {
	w, x, y := matrices(6, 10, 12)
	for _, direct := range []bool{false, true} {
		cs := compileProduct(t, 6, 10, 12, direct)
		if err := productSolves(t, cs, w, x, y); err != nil {
			t.Fatalf("direct=%v: the evaluator's product is rejected: %v", direct, err)
		}
		y2 := cloneMat(y)
		y2[5][11]++
		if productSolves(t, cs, w, x, y2) == nil {
			t.Fatalf("direct=%v: a wrong product is accepted", direct)
		}
	}
}

func cloneMat(a [][]int64) [][]int64 {
	out := make([][]int64, len(a))
	for i := range a {
		out[i] = append([]int64(nil), a[i]...)
	}
	return out
}

// TestFreivaldsSoundness: a prover whose hint returns a product with wrong
// entries (and who claims that product) is rejected by the check alone,
// wherever the wrong entry is and whatever its error; errors in two entries
// of a row that cancel for a fixed challenge (r = 1, 2 or -1) are rejected
// too, since r comes from the commitment (optest.Solve derives it from the
// committed values, as the prover does).
func TestFreivaldsSoundness(t *testing.T) {
	const m, k, p = 6, 10, 12
	w, x, y := matrices(m, k, p)
	cs := compileProduct(t, m, k, p, false)
	if err := productSolves(t, cs, w, x, y); err != nil {
		t.Fatalf("honest product rejected: %v", err)
	}
	type delta struct {
		i, j int
		d    *big.Int
	}
	f := ecc.BN254.ScalarField()
	fieldMinus1 := new(big.Int).Sub(f, big.NewInt(1))
	for _, errs := range [][]delta{
		{{0, 0, big.NewInt(1)}}, {{5, 11, big.NewInt(-1)}}, {{2, 7, big.NewInt(1 << 40)}}, {{3, 0, fieldMinus1}},
		{{1, 3, big.NewInt(1)}, {1, 4, big.NewInt(-1)}}, // cancels for r = 1
		{{4, 0, big.NewInt(2)}, {4, 1, big.NewInt(-1)}}, // cancels for r = 2
		{{0, 5, big.NewInt(1)}, {0, 6, big.NewInt(1)}},  // cancels for r = -1
	} {
		bad := func(f *big.Int, in, out []*big.Int) error {
			if err := ops.MatMulHint(f, in, out); err != nil {
				return err
			}
			for _, e := range errs {
				o := out[e.i*p+e.j]
				o.Add(o, e.d).Mod(o, f)
			}
			return nil
		}
		c := assignProduct(w, x, y)
		for _, e := range errs {
			claimed := new(big.Int).Add(big.NewInt(y[e.i][e.j]), e.d)
			c.Y[e.i][e.j] = claimed.Mod(claimed, f)
		}
		wit, err := frontend.NewWitness(c, f)
		if err != nil {
			t.Fatal(err)
		}
		attack := optest.Attack{Hints: map[solver.HintID]solver.Hint{solver.GetHintID(ops.MatMulHint): bad}}
		if _, err := optest.Solve(cs, wit, attack); err == nil {
			t.Errorf("errors %v: accepted", errs)
		}
	}
}

// TestMatMulHintRejectsBadShapes: the hint reports malformed inputs instead
// of panicking.
func TestMatMulHintRejectsBadShapes(t *testing.T) {
	f := ecc.BN254.ScalarField()
	ints := func(v ...int64) []*big.Int {
		out := make([]*big.Int, len(v))
		for i, x := range v {
			out[i] = big.NewInt(x)
		}
		return out
	}
	for _, c := range []struct {
		in   []*big.Int
		nOut int
	}{{ints(1, 1), 1}, {ints(2, 1, 1, 5), 2}, {ints(1, 1, 1, 2, 3), 2}, {ints(-1, 1, 1, 2, 3), 1}} {
		if err := ops.MatMulHint(f, c.in, ints(make([]int64, c.nOut)...)); err == nil {
			t.Errorf("inputs %v, %d outputs: no error", c.in, c.nOut)
		}
	}
	// (3, -4)·(5, 6)ᵀ = -9, as a field element.
	out := ints(0)
	if err := ops.MatMulHint(f, ints(1, 2, 1, 3, -4, 5, 6), out); err != nil || ops.Signed(f, out[0]).Int64() != -9 {
		t.Errorf("1×2·2×1: %v, %v", out[0], err)
	}
}

// TestMatMulEvaluators: the float and int evaluators compute the plain
// product.
func TestMatMulEvaluators(t *testing.T) {
	yf := ops.FloatArith{}.MatMul([][]float64{{1, 2}, {-1, 0.5}}, [][]float64{{3, 0, 1}, {-2, 4, 0.25}})
	want := [][]float64{{-1, 8, 1.5}, {-4, 2, -0.875}}
	w, x, yi := matrices(3, 4, 5)
	for i := range want {
		for j := range want[i] {
			if yf[i][j] != want[i][j] {
				t.Fatalf("float product %v, want %v", yf, want)
			}
		}
	}
	for i := range yi {
		for j := range yi[i] {
			var s int64
			for k := range x {
				s += w[i][k] * x[k][j]
			}
			if yi[i][j] != s {
				t.Fatalf("int product (%d,%d) = %d, want %d", i, j, yi[i][j], s)
			}
		}
	}
}

// TestFreivaldsThenLookup: a checked product followed by a lookup-table op
// compiles. Freivalds' commitment used to be requested while the model was
// built, which closed std/multicommit before the table (created after it)
// could join: "called WithCommitment recursively".
func TestFreivaldsThenLookup(t *testing.T) {
	c := optest.Case{
		Node: &graph.Node{Name: "s", Op: "Sigmoid", Inputs: []string{"y"}, Outputs: []string{"z"}, Attrs: map[string]graph.Attr{}},
		Inputs: []optest.Named{
			optest.In("a", optest.Ramp([]int{4, 8}, -1, 1)),
			optest.In("b", optest.Ramp([]int{8, 6}, 0.5, -0.5)),
		},
	}
	m, vals, err := c.CompileWith(&graph.Node{Name: "mm", Op: "MatMul", Inputs: []string{"a", "b"}, Outputs: []string{"y"}, Attrs: map[string]graph.Attr{}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := optest.Constraints(m); err != nil {
		t.Fatalf("compile: %v", err)
	}
	in, _ := m.Quantize(vals)
	out, err := m.Eval(vals)
	if err != nil {
		t.Fatal(err)
	}
	optest.CheckCircuit(t, m, in, out)
}
