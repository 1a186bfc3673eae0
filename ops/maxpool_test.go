package ops_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/consensys/gnark/frontend"

	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/internal/optest"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/ops"
)

// convPoolCase is Conv (2→3 channels, 3×3, pad 1) on a 6×6 input, an
// optional ReLU, then MaxPool 2×2: the pool takes the conv's rescale (and
// ReLU) over when it is the conv's only reader (ops.RequantTaker). With
// barrier, an Identity between them keeps the pool from it: the same
// function, computed unfused.
func convPoolCase(relu, barrier bool) (optest.Case, []*graph.Node) {
	w := optest.Ramp([]int{3, 2, 3, 3}, -0.9, 0.8)
	b := optest.Ramp([]int{3}, -0.2, 0.3)
	before := []*graph.Node{node("Conv", []string{"x", "w", "b"}, []string{"c"},
		attrs("kernel_shape", []int64{3, 3}, "pads", []int64{1, 1, 1, 1}))}
	in := "c"
	if relu {
		before = append(before, node("Relu", []string{in}, []string{"r"}, nil))
		in = "r"
	}
	if barrier {
		before = append(before, node("Identity", []string{in}, []string{"i"}, nil))
		in = "i"
	}
	pool := node("MaxPool", []string{in}, []string{"y"}, attrs("kernel_shape", []int64{2, 2}, "strides", []int64{2, 2}))
	return optest.Case{Node: pool, Inputs: []optest.Named{{Name: "x", Tensor: optest.Ramp([]int{1, 2, 6, 6}, -3, 2.5)}},
		Consts: consts("w", w, "b", b)}, before
}

// TestFusedMaxPool: Conv (→ ReLU) → MaxPool with the rescale moved into the
// pool (MaxRescaled) computes exactly what the unfused layers compute, with
// fewer constraints, and its circuit, outputs free, rejects every moved
// hint under both range checks.
func TestFusedMaxPool(t *testing.T) {
	for _, relu := range []bool{true, false} {
		var outs [2][]int64
		var counts [2]int
		for k, barrier := range []bool{false, true} {
			c, before := convPoolCase(relu, barrier)
			m, vals, err := c.CompileWith(before...)
			if err != nil {
				t.Fatal(err)
			}
			in, err := m.Quantize(vals)
			if err != nil {
				t.Fatal(err)
			}
			res, err := model.Run(m, &ops.IntArith{}, in)
			if err != nil {
				t.Fatalf("relu %v, barrier %v: %v", relu, barrier, err)
			}
			outs[k] = res[0].Data
			cs, err := optest.CompileR1CS(optest.NewFreeCircuit(m, ops.RangeLookup))
			if err != nil {
				t.Fatal(err)
			}
			counts[k] = cs.GetNbConstraints()
			if barrier {
				continue
			}
			for _, mode := range []ops.RangeCheck{ops.RangeBits, ops.RangeLookup} {
				cs, err := optest.CompileR1CS(optest.NewFreeCircuit(m, mode))
				if err != nil {
					t.Fatal(err)
				}
				w, err := optest.FullWitness(optest.AssignFree(m, mode, in))
				if err != nil {
					t.Fatal(err)
				}
				calls, escapes, err := optest.HintSweep(cs, w, optest.Sweep{Calls: 3, Outputs: 4})
				if err != nil {
					t.Fatalf("relu %v, %s: %v", relu, mode, err)
				}
				if names := hintNames(calls); names["ops.MaxHint"] == 0 {
					t.Errorf("relu %v, %s: the pool is not fused: hint calls %v", relu, mode, names)
				}
				for _, e := range escapes {
					t.Errorf("relu %v, %s: %v", relu, mode, e)
				}
			}
		}
		if !slices.Equal(outs[0], outs[1]) {
			t.Errorf("relu %v: fused %v, unfused %v", relu, outs[0], outs[1])
		}
		if counts[0] >= counts[1] {
			t.Errorf("relu %v: fused %d constraints, unfused %d", relu, counts[0], counts[1])
		}
		t.Logf("relu %v: %d constraints fused, %d unfused", relu, counts[0], counts[1])
	}
}

// TestMaxRescaledCost: a window's constraints under bit range checks are
// the gadget table's k·(s + b + 3) + b (docs/SOUNDNESS.md), with and
// without the ReLU, and the constraint budget's RangeBits count agrees; a
// window of one with the ReLU is a rescale and a ReLU, s + b + 3. The
// ReLU as a candidate of the maximum and the zero product's one
// constraint (assertMulZero) are what make it so: a sign bit, or a
// product and its equality, more would fail it.
func TestMaxRescaledCost(t *testing.T) {
	const s, b = 4, 12
	for _, tc := range []struct {
		k    int
		relu bool
		want int
	}{
		{4, true, 4*(s+b+3) + b},
		{4, false, 4*(s+b+3) + b},
		{9, true, 9*(s+b+3) + b},
		{2, false, 2*(s+b+3) + b},
		{1, true, s + b + 3},
	} {
		t.Run(fmt.Sprintf("k=%d relu=%v", tc.k, tc.relu), func(t *testing.T) {
			var budget *ops.ConstraintBudget
			f := func(a ops.Arith[V], x []V) []V {
				budget = a.(*ops.CircuitArith).Budget
				return []V{a.MaxRescaled(x, s, b, tc.relu)}
			}
			cs, err := optest.CompileR1CS(&sweepCircuit{In: make([]frontend.Variable, tc.k), f: f, mode: ops.RangeBits})
			if err != nil {
				t.Fatal(err)
			}
			if n := cs.GetNbConstraints(); n != tc.want {
				t.Errorf("%d constraints, want %d", n, tc.want)
			}
			// The budget is a lower bound: Relu's bit and product are not
			// in it (k = 1), every constraint of the fused window is.
			if tc.k > 1 && budget.BitsCount != tc.want {
				t.Errorf("budget %d, want %d", budget.BitsCount, tc.want)
			}
		})
	}
}
