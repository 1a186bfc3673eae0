package groth16setup

import (
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/zkinfer/zkinfer/internal/ecbatch"
)

// Fixed-base scalar multiplication: many scalars times one base point G.
//
// A scalar k < r < 2²⁵⁴ is written in signed base-2^w digits,
// k = Σⱼ dⱼ·2^{wj} with −2^{w−1} < dⱼ ≤ 2^{w−1}, and the table holds
// d·2^{wj}·G for every window j and 1 ≤ d ≤ 2^{w−1} (negating a point is
// free). Then k·G = Σⱼ ±T[j][|dⱼ|]: one addition per window and no
// doubling. This is the fixed-base windowing of Brickell, Gordon, McCurley
// and Wilson ("Fast exponentiation with precomputation", EUROCRYPT '92;
// Menezes, van Oorschot and Vanstone, Handbook of Applied Cryptography
// §14.6.3) with a full table per window, as in libff's windowed_exp used
// by libsnark's Groth16 generator. Scalars go through in batches, window by
// window, so that each window's additions share one inversion (internal/ecbatch)
// and read one row of the table.

// scalarBits is the bit length of BN254's scalar field modulus r.
const scalarBits = 254

// maxWindow bounds the window width: a table of 16-bit windows holds
// 16·2¹⁵ points (32 MiB in G1, 64 MiB in G2).
const maxWindow = 16

// batchSize is the number of scalars a goroutine multiplies together.
const batchSize = 1024

// windows is the number of signed digits of width w a scalar below 2²⁵⁴
// needs: w·windows ≥ 255 keeps the top digit ≤ 2^{w−1} with its carry.
func windows(w uint) int { return (scalarBits + int(w)) / int(w) }

// chooseWindow returns the width that minimizes the number of additions
// for n scalars: n per window, plus the table's 2^{w−1} per window.
func chooseWindow(n int) uint {
	best, bestCost := uint(2), -1
	for w := uint(2); w <= maxWindow; w++ {
		m := windows(w)
		cost := m*n + m<<(w-1)
		if bestCost < 0 || cost < bestCost {
			best, bestCost = w, cost
		}
	}
	return best
}

// recode writes k's signed digits of width w, least significant first.
func recode(k *fr.Element, w uint, digits []int32) {
	b := k.Bits() // regular (non-Montgomery) form, little-endian limbs
	ecbatch.Recode(b[:], w, digits)
	clear(b[:])
}

// table holds d·2^{wj}·G for every window j and 1 ≤ d ≤ 2^{w−1}, at
// rows[j][d−1].
type table[F any, PF field[F]] struct {
	w    uint
	rows [][]affine[F]
}

// newTable precomputes the multiples of base for windows of width w.
// Row j starts from 2^{wj}·G (w doublings of the previous row's start);
// its entries are filled by doubling ranges: entries 2^h+1 … 2^{h+1} are
// entries 1 … 2^h plus entry 2^h, one batch of additions per h.
func newTable[F any, PF field[F]](base affine[F], w uint, workers int, done func(int)) *table[F, PF] {
	m, half := windows(w), 1<<(w-1)
	t := &table[F, PF]{w: w, rows: make([][]affine[F], m)}
	start := base
	for j := range t.rows {
		t.rows[j] = make([]affine[F], half)
		t.rows[j][0] = start
		for range w {
			double[F, PF](&start)
		}
	}
	spread(m, workers, func(_, j int) {
		row := t.rows[j]
		var s adder[F, PF]
		q := make([]affine[F], min(half, batchSize))
		for size := 1; size < half; size *= 2 {
			for i := range q {
				q[i] = row[size-1]
			}
			copy(row[size:2*size], row[:size])
			for lo := size; lo < 2*size; lo += batchSize {
				s.Add(row[lo:min(lo+batchSize, 2*size)], q)
			}
		}
		done(half)
	})
	return t
}

// bytes is the table's size in memory.
func (t *table[F, PF]) bytes() int {
	var p affine[F]
	return len(t.rows) * len(t.rows[0]) * int(unsafe.Sizeof(p))
}

// mulAll multiplies n scalars by the table's base point. fill writes
// scalars lo … lo+len(dst)−1 into dst; store receives their multiples,
// pts[i] = k_{lo+i}·G (it must copy them). Batches run on workers
// goroutines; done is told how many scalars are finished. The scalars'
// copies and digits are cleared before mulAll returns.
func (t *table[F, PF]) mulAll(n, workers int, fill func(dst []fr.Element, lo int), store func(lo int, pts []affine[F]), done func(int)) {
	m := len(t.rows)
	type scratch struct {
		k        []fr.Element
		digits   []int32
		acc, q   []affine[F]
		adder    adder[F, PF]
		prepared bool
	}
	ws := make([]scratch, workers)
	spread((n+batchSize-1)/batchSize, workers, func(wk, b int) {
		s := &ws[wk]
		if !s.prepared {
			s.k = make([]fr.Element, batchSize)
			s.digits = make([]int32, batchSize*m)
			s.acc = make([]affine[F], batchSize)
			s.q = make([]affine[F], batchSize)
			s.prepared = true
		}
		lo := b * batchSize
		cnt := min(batchSize, n-lo)
		k, acc, q := s.k[:cnt], s.acc[:cnt], s.q[:cnt]
		fill(k, lo)
		for i := range k {
			recode(&k[i], t.w, s.digits[i*m:(i+1)*m])
		}
		clear(acc)
		for j, row := range t.rows {
			for i := range q {
				switch d := s.digits[i*m+j]; {
				case d > 0:
					q[i] = row[d-1]
				case d < 0:
					q[i] = row[-d-1]
					negate[F, PF](&q[i])
				default:
					q[i] = affine[F]{}
				}
			}
			s.adder.Add(acc, q)
		}
		store(lo, acc)
		done(cnt)
	})
	for i := range ws {
		clear(ws[i].k)
		clear(ws[i].digits)
	}
}

// spread calls work(worker, i) for every i < n on up to workers goroutines;
// worker < workers identifies the goroutine, for per-goroutine buffers.
func spread(n, workers int, work func(worker, i int)) {
	workers = max(1, min(workers, n))
	var next atomic.Int64
	var wg sync.WaitGroup
	for wk := range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				work(wk, i)
			}
		})
	}
	wg.Wait()
}

// defaultWorkers is the number of goroutines a setup uses.
func defaultWorkers() int { return runtime.GOMAXPROCS(0) }
