package ops_test

import (
	"testing"

	"github.com/consensys/gnark/frontend"

	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/internal/optest"
	"github.com/zkinfer/zkinfer/ops"
)

// TestConstraintCost measures the marginal R1CS constraints per element
// (the difference between 17 and 1 element, so shared tables cancel) and
// holds each op to a budget (measured plus ~25%), so a regression in a
// gadget shows up here. The counts include the input's range check and
// the output's equality.
func TestConstraintCost(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles R1CS")
	}
	cases := []struct {
		op     string
		consts map[string]*graph.Tensor
		ins    []string
		budget int
	}{
		{"Sigmoid", nil, []string{"x"}, 44},
		{"Exp", nil, []string{"x"}, 35},
		{"Gelu", nil, []string{"x"}, 54},
		{"HardSwish", nil, []string{"x"}, 55},
		{"Abs", nil, []string{"x"}, 20},
		{"Div", map[string]*graph.Tensor{"c": optest.T(nil, 10)}, []string{"x", "c"}, 25},
		{"Div", nil, []string{"x", "d"}, 63},
		{"Sqrt", nil, []string{"x"}, 39},
		{"Round", nil, []string{"x"}, 43},
		{"Softmax", nil, []string{"x"}, 75},
		{"LayerNormalization", map[string]*graph.Tensor{"g": optest.T([]int{1}, 1)}, []string{"x", "g"}, 49},
		{"Mod", nil, []string{"x", "d"}, 53},
		{"Mod", map[string]*graph.Tensor{"c": optest.T(nil, 0.75)}, []string{"x", "c"}, 25},
	}
	for _, c := range cases {
		count := func(n int) int {
			oc := optest.Case{Node: node(c.op, c.ins, []string{"y"}, nil), Consts: c.consts}
			for _, in := range c.ins {
				if _, ok := c.consts[in]; !ok {
					oc.Inputs = append(oc.Inputs, optest.Named{Name: in, Tensor: optest.Ramp([]int{n}, 0.5, 1)})
				}
			}
			m, _, err := oc.Compile()
			if err != nil {
				t.Fatal(err)
			}
			k, err := optest.Constraints(m)
			if err != nil {
				t.Fatal(err)
			}
			return k
		}
		per := (count(17) - count(1)) / 16
		t.Logf("%s: %d constraints per element", c.op, per)
		if per > c.budget {
			t.Errorf("%s: %d constraints per element, budget %d", c.op, per, c.budget)
		}
	}
}

// TestLookupSoundness: the circuit accepts only a table row; an index
// outside the domain has no row, so no claimed value satisfies it.
func TestLookupSoundness(t *testing.T) {
	sq := func(x float64) float64 { return x * x }
	tbl, err := ops.NewTable("test-square", sq, 0, 0, -3, 5)
	if err != nil {
		t.Fatal(err)
	}
	f := func(a *ops.CircuitArith, x frontend.Variable) frontend.Variable { return a.Lookup(tbl, x) }
	for _, c := range []struct {
		x, y int64
		want bool
	}{{-3, 9, true}, {4, 16, true}, {4, 15, false}, {6, 36, false}, {-4, 16, false}} {
		if got := solvesLookup(t, f, c.x, c.y); got != c.want {
			t.Errorf("lookup(%d) = %d: solved %v, want %v", c.x, c.y, got, c.want)
		}
	}
}

// solvesLookup is solves without hint overrides; the lookup's solver may
// fail outright on an index outside the table, which counts as unsolved.
func solvesLookup(t *testing.T, f func(a *ops.CircuitArith, x frontend.Variable) frontend.Variable, x, y int64) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	return solves(t, f, x, y, nil, nil)
}
