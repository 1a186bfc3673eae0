package ops_test

import (
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/constraint/solver"
	"github.com/consensys/gnark/frontend"

	"github.com/zkinfer/zkinfer/internal/optest"
	"github.com/zkinfer/zkinfer/ops"
)

// logUpCircuit range-checks V[i] to Bits[i] bits with the circuit's
// LogUpRange, and nothing else.
type logUpCircuit struct {
	V    []frontend.Variable
	bits []int
}

func (c *logUpCircuit) Define(api frontend.API) error {
	r := ops.NewLogUpRange(api)
	for i, v := range c.V {
		r.Check(v, c.bits[i])
	}
	return nil
}

func newLogUpCircuit(hist map[int]int) *logUpCircuit {
	c := &logUpCircuit{}
	for b := 2; b <= 64; b++ {
		for range hist[b] {
			c.bits = append(c.bits, b)
		}
	}
	c.V = make([]frontend.Variable, len(c.bits))
	return c
}

// TestLogUpPlan: the plan's cost is the constraints of a circuit made of
// those checks (plus the commitment's one), and its choices are the
// cheapest: a check of at most L bits is one lookup, a table pays off only
// when enough checks use it.
func TestLogUpPlan(t *testing.T) {
	for _, c := range []struct {
		name  string
		hist  map[int]int
		L     int
		extra []int
	}{
		{"a few wide checks: small tables", map[int]int{40: 3}, 4, nil},
		{"remainders and signs of a layer", map[int]int{12: 20000, 23: 20000}, 12, []int{11}},
		{"one width: one table of that width", map[int]int{10: 5000}, 10, nil},
		{"a width twice the limb's", map[int]int{24: 20000}, 12, nil},
		{"mixed widths: a table for each top", map[int]int{9: 100, 17: 100}, 6, []int{3, 5}},
		{"a top table not worth its rows", map[int]int{13: 3, 12: 5000}, 12, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := ops.PlanLogUp(c.hist)
			if p.L != c.L || len(p.Extra) != len(c.extra) {
				t.Errorf("plan L = %d, extra tables %v; want %d, %v", p.L, p.Extra, c.L, c.extra)
			}
			for _, w := range c.extra {
				if !p.Extra[w] {
					t.Errorf("no %d-bit table in %v", w, p.Extra)
				}
			}
			cs, err := optest.CompileR1CS(newLogUpCircuit(c.hist))
			if err != nil {
				t.Fatal(err)
			}
			// The commitment's mask takes one constraint (gnark's Commit).
			if got := cs.GetNbConstraints(); got != p.Cost+1 {
				t.Errorf("%d constraints, the plan says %d + 1", got, p.Cost)
			}
		})
	}
}

// logUpSolve solves the witness of 40 checks of 4 bits (the plan: one lookup
// of each value in the 4-bit table), with V[0] and the multiplicities the
// prover's.
func logUpSolve(t *testing.T, v []*big.Int, counts []*big.Int, challenges []*big.Int) ([]*big.Int, error) {
	t.Helper()
	hist := map[int]int{4: len(v)}
	cs, err := optest.CompileR1CS(newLogUpCircuit(hist))
	if err != nil {
		t.Fatal(err)
	}
	a := newLogUpCircuit(hist)
	for i := range v {
		a.V[i] = v[i]
	}
	w, err := frontend.NewWitness(a, ecc.BN254.ScalarField())
	if err != nil {
		t.Fatal(err)
	}
	return optest.Solve(cs, w, optest.Attack{
		Hints:      map[solver.HintID]solver.Hint{solver.GetHintID(ops.LogUpCountHint): optest.Constant(counts)},
		Challenges: challenges,
	})
}

// TestLogUpForgery: the log-derivative argument is sound only if the
// challenge is drawn after the queries and the multiplicities are fixed. A
// prover who reads the challenge ch, then changes one query or one
// multiplicity, can balance the sum with a value outside the table:
//
//   - a query after the challenge: multiplicities with one h fewer and two
//     g more, then V[0] = (ch + g)/2, for which 1/(ch − V[0]) = 2/(ch − g);
//   - a multiplicity after the challenge: V[0] = 20 (not 4 bits), then
//     m_15 += (ch − 15)/(ch − 20) (the last row: the last value committed).
//
// Each forgery is accepted when the challenge is held at ch (the attack is
// real) and rejected when the challenge comes from the committed values:
// both the queries and the multiplicities are committed.
func TestLogUpForgery(t *testing.T) {
	f := ecc.BN254.ScalarField()
	const n, h, g = 40, 3, 7
	honest := func() ([]*big.Int, []*big.Int) {
		v, m := make([]*big.Int, n), make([]*big.Int, 16)
		for j := range m {
			m[j] = new(big.Int)
		}
		for i := range v {
			v[i] = big.NewInt(int64(i % 16))
			m[i%16].Add(m[i%16], big.NewInt(1))
		}
		v[0].SetInt64(h)
		m[0].Sub(m[0], big.NewInt(1))
		m[h].Add(m[h], big.NewInt(1))
		return v, m
	}
	v, m := honest()
	if _, err := logUpSolve(t, v, m, nil); err != nil {
		t.Fatalf("honest checks rejected: %v", err)
	}
	inv := func(x *big.Int) *big.Int { return new(big.Int).ModInverse(new(big.Int).Mod(x, f), f) }
	for _, c := range []struct {
		name   string
		before func(v, m []*big.Int)
		after  func(v, m []*big.Int, ch *big.Int)
	}{
		{"a query after the challenge", func(v, m []*big.Int) {
			m[h].Sub(m[h], big.NewInt(1))
			m[g].Add(m[g], big.NewInt(2))
		}, func(v, m []*big.Int, ch *big.Int) {
			v[0].Add(ch, big.NewInt(g)).Mul(v[0], inv(big.NewInt(2))).Mod(v[0], f)
		}},
		{"a multiplicity after the challenge", func(v, m []*big.Int) {
			v[0].SetInt64(20)
			m[h].Sub(m[h], big.NewInt(1))
		}, func(v, m []*big.Int, ch *big.Int) {
			d := new(big.Int).Sub(ch, big.NewInt(15))
			d.Mul(d, inv(new(big.Int).Sub(ch, big.NewInt(20))))
			m[15].Add(m[15], d).Mod(m[15], f)
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			v, m := honest()
			c.before(v, m)
			drawn, _ := logUpSolve(t, v, m, nil)
			if len(drawn) != 1 {
				t.Fatalf("%d challenges drawn, want 1", len(drawn))
			}
			c.after(v, m, drawn[0])
			if v[0].IsInt64() && v[0].Int64() < 16 {
				t.Fatalf("V[0] = %v is in range: no forgery", v[0])
			}
			if _, err := logUpSolve(t, v, m, drawn); err != nil {
				t.Fatalf("the forgery fails even with the challenge held: %v", err)
			}
			if _, err := logUpSolve(t, v, m, nil); err == nil {
				t.Error("the forgery is accepted: the changed value does not move the challenge")
			}
		})
	}
}
