package par

import (
	"sync/atomic"
	"testing"
)

func TestForCoversOnce(t *testing.T) {
	for _, c := range []struct{ n, grain int }{{0, 1}, {1, 1}, {7, 2}, {1000, 10}, {1 << 16, 1 << 10}, {5, 100}} {
		hits := make([]int32, c.n)
		For(c.n, c.grain, func(lo, hi int) {
			if hi-lo < min(c.grain, c.n) {
				t.Errorf("n=%d grain=%d: chunk [%d, %d) below the grain", c.n, c.grain, lo, hi)
			}
			for i := lo; i < hi; i++ {
				atomic.AddInt32(&hits[i], 1)
			}
		})
		for i, h := range hits {
			if h != 1 {
				t.Fatalf("n=%d grain=%d: index %d visited %d times", c.n, c.grain, i, h)
			}
		}
	}
}
