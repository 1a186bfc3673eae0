package ops_test

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"strings"
	"testing"

	"github.com/zkinfer/zkinfer/ops"
)

// extremes are operands at the edges of int64 and of the 2^62 compile
// allows, and around the square root of 2^63.
var extremes = []int64{0, 1, -1, 3, -7, 1 << 31, -(1 << 31), 3037000499, 3037000500,
	1 << 62, -(1 << 62), 1<<62 + 1, math.MaxInt64, math.MinInt64 + 1, math.MinInt64}

// intCase is one IntArith operation and its exact result (nil: an
// intermediate does not fit, so the evaluator must refuse it).
type intCase struct {
	name string
	run  func(a *ops.IntArith) int64
	want *big.Int
}

func bi(v int64) *big.Int { return big.NewInt(v) }

// intCases applies every growing operation to the extremes, with results
// computed exactly in big.Int.
func intCases() []intCase {
	var cs []intCase
	for _, x := range extremes {
		for _, y := range extremes {
			cs = append(cs,
				intCase{fmt.Sprintf("%d+%d", x, y), func(a *ops.IntArith) int64 { return a.Add(x, y) }, new(big.Int).Add(bi(x), bi(y))},
				intCase{fmt.Sprintf("%d-%d", x, y), func(a *ops.IntArith) int64 { return a.Sub(x, y) }, new(big.Int).Sub(bi(x), bi(y))},
				intCase{fmt.Sprintf("%d*%d", x, y), func(a *ops.IntArith) int64 { return a.Mul(x, y) }, new(big.Int).Mul(bi(x), bi(y))},
			)
			lin := new(big.Int).Mul(bi(x), bi(y))
			if fits(lin) {
				lin.Add(lin, bi(y))
			} else {
				lin = nil // the product term itself overflows
			}
			cs = append(cs, intCase{fmt.Sprintf("lin %d*%d+%d", x, y, y), func(a *ops.IntArith) int64 {
				return a.Lin([]ops.Q{{I: x}}, []int64{y}, ops.Q{I: y})
			}, lin})
			if y >= 1 {
				// ⌊(2x + y) / 2y⌋
				want := new(big.Int).Add(new(big.Int).Lsh(bi(x), 1), bi(y))
				want.Div(want, new(big.Int).Lsh(bi(y), 1)) // Euclidean: the floor for a positive divisor
				cs = append(cs, intCase{fmt.Sprintf("divround %d/%d", x, y), func(a *ops.IntArith) int64 { return a.DivRound(x, y, 63, 64) }, want})
			}
		}
		for _, k := range []int{0, 1, 2, 31, 61, 62, 63, 64, 100} {
			cs = append(cs, intCase{fmt.Sprintf("%d<<%d", x, k), func(a *ops.IntArith) int64 { return a.Upscale(x, k) }, new(big.Int).Lsh(bi(x), uint(k))})
			if k > 0 {
				// ⌊(x + 2^(k-1)) / 2^k⌋
				want := new(big.Int).Add(bi(x), new(big.Int).Lsh(bi(1), uint(k-1)))
				want.Div(want, new(big.Int).Lsh(bi(1), uint(k)))
				cs = append(cs, intCase{fmt.Sprintf("rescale %d>>%d", x, k), func(a *ops.IntArith) int64 { return a.Rescale(x, k, 64) }, want})
			}
		}
		if x >= 0 {
			cs = append(cs, intCase{fmt.Sprintf("sqrt %d", x), func(a *ops.IntArith) int64 { return a.Sqrt(x, 63) }, new(big.Int).Sqrt(bi(x))})
		}
	}
	return cs
}

// TestIntArithNeverWraps: every operation on int64 extremes returns the
// exact result when it fits an int64, and otherwise records an overflow
// error whose advice is to lower the settings. Nothing wraps.
func TestIntArithNeverWraps(t *testing.T) {
	for _, c := range intCases() {
		a := &ops.IntArith{}
		got := c.run(a)
		fits := c.want != nil && fits(c.want)
		switch err := a.Err(); {
		case fits && err != nil:
			t.Errorf("%s: error %v, want %v", c.name, err, c.want)
		case fits && got != c.want.Int64():
			t.Errorf("%s = %d, want %v", c.name, got, c.want)
		case !fits:
			var re *ops.RangeError
			if !errors.As(err, &re) || !strings.Contains(re.Error(), "overflows") || !strings.Contains(re.Advice, "lower --scale") {
				t.Errorf("%s = %d (exact %v): error %v, want an overflow that advises lowering the settings", c.name, got, c.want, err)
			}
		}
	}
}

func fits(v *big.Int) bool {
	return v.Cmp(big.NewInt(math.MinInt64)) >= 0 && v.Cmp(big.NewInt(math.MaxInt64)) <= 0
}

// TestIntArithAdvice: each kind of range error says what to change.
func TestIntArithAdvice(t *testing.T) {
	cases := []struct {
		name   string
		run    func(a *ops.IntArith)
		advice string
	}{
		{"divisor 0", func(a *ops.IntArith) { a.DivRound(1000, 0, 8, 16) }, "raise --scale"},
		{"negative divisor", func(a *ops.IntArith) { a.DivRound(1000, -3, 8, 16) }, "raise --scale"},
		{"quotient beyond its bits", func(a *ops.IntArith) { a.DivRound(1000, 1, 8, 8) }, "raise --act-bits"},
		{"rescaled value beyond its bits", func(a *ops.IntArith) { a.Rescale(1<<40, 4, 24) }, "raise --act-bits"},
		{"upscale overflow", func(a *ops.IntArith) { a.Upscale(1000, 60) }, "lower --scale"},
		{"product overflow", func(a *ops.IntArith) { a.Mul(1<<40, 1<<40) }, "lower --scale"},
	}
	for _, c := range cases {
		a := &ops.IntArith{}
		c.run(a)
		var re *ops.RangeError
		if err := a.Err(); !errors.As(err, &re) || !strings.Contains(re.Advice, c.advice) {
			t.Errorf("%s: error %v, want advice %q", c.name, err, c.advice)
		}
	}
}
