// Package par splits a loop over [0, n) across the machine's cores: the
// transparent prover's hot loops (row encodings, column hashes, sumcheck
// rounds) are independent per index.
package par

import (
	"runtime"
	"sync"
)

// For calls f(lo, hi) on disjoint chunks covering [0, n), concurrently
// when n is at least 2·grain and more than one core is available (each
// chunk then has at least grain indices), else once on [0, n) in the
// caller's goroutine. f must only write what its chunk owns.
func For(n, grain int, f func(lo, hi int)) {
	workers := runtime.GOMAXPROCS(0)
	if grain < 1 {
		grain = 1
	}
	if w := n / grain; w < workers {
		workers = w
	}
	if workers < 2 {
		if n > 0 {
			f(0, n)
		}
		return
	}
	var wg sync.WaitGroup
	for k := 0; k < workers; k++ {
		lo, hi := k*n/workers, (k+1)*n/workers
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(lo, hi)
		}()
	}
	wg.Wait()
}
