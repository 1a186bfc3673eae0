package ml_test

import (
	"fmt"
	"math/big"
	"testing"

	"github.com/consensys/gnark/constraint/solver"
	"github.com/consensys/gnark/frontend"

	"github.com/zkinfer/zkinfer/internal/optest"
	"github.com/zkinfer/zkinfer/ops"
	"github.com/zkinfer/zkinfer/ops/ml"
)

// bucketCircuit decomposes Q among fixed boundaries and exposes nothing:
// its results are free wires, so only the gadget's constraints can reject
// a dishonest hint.
type bucketCircuit struct {
	Q    frontend.Variable
	plan *ml.BucketPlan
}

func (c *bucketCircuit) Define(api frontend.API) error {
	a := &ops.CircuitArith{API: api, Range: ops.NewRangeChecker(api, ops.RangeBits)}
	ml.CircuitOneHot(a, c.plan, c.Q)
	return nil
}

// TestBucketAttacks: the coordinated attacks a single-output sweep cannot
// make. For q in every bucket, every other hint vector with entries in
// {0, 1} (the honest bucket moved, two buckets at once, none) and vectors
// with an entry of 2 or -1 are refused; the honest one is accepted.
func TestBucketAttacks(t *testing.T) {
	plan, err := ml.NewBucketPlan([]int64{-5, 0, 3, 7}, 16)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := optest.CompileR1CS(&bucketCircuit{plan: plan})
	if err != nil {
		t.Fatal(err)
	}
	m := len(plan.Bounds)
	id := solver.GetHintID(ml.BucketHint)
	for _, q := range []int64{-16, -5, -4, 0, 1, 3, 4, 7, 8, 16} {
		w, err := optest.FullWitness(&bucketCircuit{Q: q, plan: plan})
		if err != nil {
			t.Fatal(err)
		}
		honest := plan.Bucket(q)
		var attacks [][]int64
		for mask := 0; mask < 1<<m; mask++ { // every 0/1 vector for e_1..e_m
			e := make([]int64, m)
			for i := range m {
				e[i] = int64(mask >> i & 1)
			}
			attacks = append(attacks, e)
		}
		for i := range m {
			for _, v := range []int64{2, -1} {
				e := make([]int64, m)
				e[i] = v
				attacks = append(attacks, e)
			}
		}
		for _, e := range attacks {
			vals := make([]*big.Int, m)
			isHonest := true
			for i, v := range e {
				vals[i] = big.NewInt(v)
				isHonest = isHonest && v == boolI(i+1 == honest)
			}
			_, err := optest.Solve(cs, w, optest.Attack{Hints: map[solver.HintID]solver.Hint{id: optest.Constant(vals)}})
			if isHonest != (err == nil) {
				t.Errorf("q = %d (bucket %d), hint %v: accepted %v", q, honest, e, err == nil)
			}
		}
	}
}

func boolI(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// ExampleBucketHint: the bucket of 4 among the boundaries -5, 0, 3, 7 is
// the fourth (3 < 4 ≤ 7): e_3 = 1.
func ExampleBucketHint() {
	field := big.NewInt(101)
	in := []*big.Int{big.NewInt(4), big.NewInt(101 - 5), big.NewInt(0), big.NewInt(3), big.NewInt(7)}
	out := []*big.Int{new(big.Int), new(big.Int), new(big.Int), new(big.Int)}
	_ = ml.BucketHint(field, in, out)
	fmt.Println(out)
	// Output: [0 0 1 0]
}
