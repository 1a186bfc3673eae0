package ml

import (
	"fmt"
	"math"
	"math/big"
	"sort"

	"github.com/consensys/gnark/constraint/solver"
	"github.com/consensys/gnark/frontend"

	"github.com/zkinfer/zkinfer/internal/linexpr"
	"github.com/zkinfer/zkinfer/ops"
	"github.com/zkinfer/zkinfer/quant"
)

// bucketPlan is one feature's boundaries, which the bucket decomposition
// proves the feature's place among (see "Bucket decomposition" in the package documentation).
type bucketPlan struct {
	Bounds []int64 // sorted, distinct, each in [-Max, Max)
	Max    int64   // |q| ≤ Max
	Bits   int     // 2·Max < 2^Bits
}

func newBucketPlan(bounds []int64, maxQ float64) (*bucketPlan, error) {
	if maxQ >= math.Ldexp(1, 61) {
		return nil, fmt.Errorf("feature bound 2^%.0f is too wide to compare", math.Log2(maxQ))
	}
	p := &bucketPlan{Max: int64(maxQ)}
	p.Bits = quant.BitsFor(2 * float64(p.Max))
	sort.Slice(bounds, func(i, j int) bool { return bounds[i] < bounds[j] })
	for _, b := range bounds {
		if b < -p.Max || b >= p.Max || (len(p.Bounds) > 0 && p.Bounds[len(p.Bounds)-1] == b) {
			continue
		}
		p.Bounds = append(p.Bounds, b)
	}
	return p, nil
}

// bucket returns the bucket of q: the number of boundaries below q.
func (p *bucketPlan) bucket(q int64) int {
	return sort.Search(len(p.Bounds), func(i int) bool { return p.Bounds[i] >= q })
}

// rep returns a value of bucket i.
func (p *bucketPlan) rep(i int) int64 {
	if i < len(p.Bounds) {
		return p.Bounds[i]
	}
	return p.Max
}

// bounds returns the lower and upper bound of bucket i.
func (p *bucketPlan) bounds(i int) (lo, hi int64) {
	lo, hi = -p.Max, p.Max
	if i > 0 {
		lo = p.Bounds[i-1] + 1
	}
	if i < len(p.Bounds) {
		hi = p.Bounds[i]
	}
	return lo, hi
}

// oneHot returns the bucket vector e of q (the evaluator's and the
// circuit's); the float reference never decomposes (see decide).
func oneHot[T any](a ops.Arith[T], p *bucketPlan, q T) []T {
	switch a := any(a).(type) {
	case *ops.CircuitArith:
		return any(circuitOneHot(a, p, any(q).(frontend.Variable))).([]T)
	case *ops.IntArith:
		e := make([]int64, len(p.Bounds)+1)
		qi := any(q).(int64)
		if qi < -p.Max || qi > p.Max {
			// Unreachable: compile bounds |q| ≤ Max. The circuit has no
			// bucket for it either.
			return any(e).([]T)
		}
		e[p.bucket(qi)] = 1
		return any(e).([]T)
	}
	panic(fmt.Sprintf("ml: bucket decomposition has no %T implementation", a))
}

func circuitOneHot(c *ops.CircuitArith, p *bucketPlan, q frontend.Variable) []frontend.Variable {
	api := c.API
	m := len(p.Bounds)
	in := make([]frontend.Variable, 0, m+1)
	in = append(in, q)
	for _, b := range p.Bounds {
		in = append(in, b)
	}
	hint, err := api.Compiler().NewHint(BucketHint, m, in...)
	if err != nil {
		panic(err) // a wrong output count: a programming error
	}
	e := make([]frontend.Variable, m+1)
	var rest []frontend.Variable
	for i, v := range hint {
		api.AssertIsBoolean(v)
		e[i+1] = v
		rest = append(rest, v)
	}
	e[0] = api.Sub(1, linexpr.Sum(api, rest)) // boolean by the range checks (see above)
	var lo, hi []frontend.Variable
	for i := range e {
		l, h := p.bounds(i)
		lo = append(lo, api.Mul(e[i], l))
		hi = append(hi, api.Mul(e[i], h))
	}
	c.Range.Check(api.Sub(q, linexpr.Sum(api, lo)), p.Bits)
	c.Range.Check(api.Sub(linexpr.Sum(api, hi), q), p.Bits)
	return e
}

// BucketHint returns e_1..e_m of the bucket of in[0] among the sorted
// boundaries in[1:] (all read as signed field elements): e_k = 1 for the
// bucket k ≥ 1 that holds it, all 0 for bucket 0.
func BucketHint(field *big.Int, in, out []*big.Int) error {
	if len(in) != len(out)+1 {
		return fmt.Errorf("bucket hint: %d inputs for %d outputs", len(in), len(out))
	}
	q := ops.Signed(field, in[0])
	k := 0
	for _, b := range in[1:] {
		if ops.Signed(field, b).Cmp(q) < 0 {
			k++
		}
	}
	for i := range out {
		out[i].SetInt64(0)
	}
	if k > 0 {
		out[k-1].SetInt64(1)
	}
	return nil
}

func init() {
	solver.RegisterHint(BucketHint)
}
