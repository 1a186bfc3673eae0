package ceremony

import (
	"math/bits"
	"slices"

	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fp"

	"github.com/zkinfer/zkinfer/internal/ecbatch"
)

// The bucket sums of sums.go in G1, for a chunk of wires at once, with
// the bucket additions in lockstep across wires: each wire's buckets are
// its own, so a round that adds one term into one bucket of every wire
// has no two additions on the same point, and the round is one batch of
// affine additions (ecbatch.Lanes: vector operations, one shared
// inversion) where sum pays a Jacobian mixed addition per term. Wires
// take their additions in order of decreasing count, so a round's wires
// are a prefix of that order; once fewer than lockstepMin remain, their
// last additions are Jacobian, as in sum. The buckets' weighted sums
// (running sums) and the windows' doublings are sum's. Only the short
// coefficients are summed (the long ones are longsums.go's), and the
// result is sum's exactly: the same group elements, whatever the order of
// the additions (TestSumsG1).

// lockstepMin is the fewest wires a lockstep round is worth: below it the
// shared inversion and short vector calls cost more than Jacobian
// additions.
const lockstepMin = 32

// bucketOp adds ±pts[row] into bucket.
type bucketOp struct {
	bucket, row int32
	neg         bool
}

// sumsG1 is the lockstep sums' scratch, one per goroutine.
type sumsG1 struct {
	lanes        ecbatch.Lanes
	ops          []bucketOp
	start        []int32 // wire j's additions are ops[start[j]:start[j+1]]
	base         []int32 // wire j's buckets are bk[base[j]:base[j+1]]
	width        []uint8 // wire j's window width b (0: no short term)
	order        []int32 // the chunk's wires by decreasing count of additions
	bk           []curve.G1Affine
	bj           []curve.G1Jac
	x, y, qx, qy fp.Vector
	digits       [65]int32
}

// prepare lays out the additions of the short terms of wires
// [lo, lo+m) of side, for run.
func (s *sumsG1) prepare(side *column, lo, m int, cs []coeff) {
	s.ops = s.ops[:0]
	s.start, s.base, s.width = grow(s.start, m+1), grow(s.base, m+1), grow(s.width, m)
	s.start[0], s.base[0] = 0, 0
	for j := range m {
		terms := side.of(lo + j)
		k, short := 0, 0
		for _, t := range terms {
			if c := &cs[t.coeff]; c.short {
				k, short = max(k, bits.Len64(c.small)), short+1
			}
		}
		s.width[j] = 0
		s.base[j+1] = s.base[j]
		if short > 0 {
			b := bucketWidth(short, k)
			half, windows := 1<<(b-1), k/int(b)+1
			s.width[j] = uint8(b)
			s.base[j+1] += int32(windows * half)
			for _, t := range terms {
				c := &cs[t.coeff]
				if !c.short {
					continue
				}
				ecbatch.Recode([]uint64{c.small}, b, s.digits[:windows])
				for w, d := range s.digits[:windows] {
					if d == 0 {
						continue
					}
					neg := c.neg != (d < 0)
					d = max(d, -d)
					s.ops = append(s.ops, bucketOp{bucket: s.base[j] + int32(w*half) + d - 1, row: t.row, neg: neg})
				}
			}
		}
		s.start[j+1] = int32(len(s.ops))
	}
	s.order = grow(s.order, m)
	for j := range s.order {
		s.order[j] = int32(j)
	}
	count := func(j int32) int32 { return s.start[j+1] - s.start[j] }
	slices.SortStableFunc(s.order, func(a, b int32) int { return int(count(b) - count(a)) })
}

// run adds to acc[j] wire lo+j's short terms' sum Σₜ cₜ·pts[rowₜ], for
// the wires prepare laid out.
func (s *sumsG1) run(acc []curve.G1Jac, pts []curve.G1Affine) {
	m := len(s.order)
	if m == 0 {
		return
	}
	nb := int(s.base[m])
	s.bk = grow(s.bk, nb)
	clear(s.bk) // (0, 0): the point at infinity
	count := func(j int32) int { return int(s.start[j+1] - s.start[j]) }
	active, r := m, 0
	s.x, s.y, s.qx, s.qy = grow(s.x, m), grow(s.y, m), grow(s.qx, m), grow(s.qy, m)
	for ; ; r++ {
		for active > 0 && count(s.order[active-1]) <= r {
			active--
		}
		if active < lockstepMin {
			break
		}
		for l, j := range s.order[:active] {
			op := &s.ops[int(s.start[j])+r]
			b, p := &s.bk[op.bucket], &pts[op.row]
			s.x[l], s.y[l], s.qx[l], s.qy[l] = b.X, b.Y, p.X, p.Y
			if op.neg {
				s.qy[l].Neg(&s.qy[l])
			}
		}
		s.lanes.Add(s.x[:active], s.y[:active], s.qx[:active], s.qy[:active], false)
		for l, j := range s.order[:active] {
			b := &s.bk[s.ops[int(s.start[j])+r].bucket]
			b.X, b.Y = s.x[l], s.y[l]
		}
	}
	// The rest of the additions in Jacobian coordinates.
	s.bj = grow(s.bj, nb)
	for i := range s.bj {
		s.bj[i].FromAffine(&s.bk[i])
	}
	for _, j := range s.order[:active] {
		for _, op := range s.ops[int(s.start[j])+r : s.start[j+1]] {
			if op.neg {
				var n curve.G1Affine
				s.bj[op.bucket].AddMixed(n.Neg(&pts[op.row]))
			} else {
				s.bj[op.bucket].AddMixed(&pts[op.row])
			}
		}
	}
	for j := range m {
		if s.width[j] > 0 {
			reduceBuckets(&acc[j], s.bj[s.base[j]:s.base[j+1]], uint(s.width[j]))
		}
	}
}

// reduceBuckets adds Σ_windows 2^{b·w}·Σ_d d·bucket[w][d] to acc: the
// buckets' weighted sums by running sums, the windows by b doublings each
// (sum's last step).
func reduceBuckets(acc *curve.G1Jac, bk []curve.G1Jac, b uint) {
	half := 1 << (b - 1)
	var total curve.G1Jac
	for w := len(bk)/half - 1; w >= 0; w-- {
		for range b {
			total.DoubleAssign()
		}
		var run curve.G1Jac
		win := bk[w*half : (w+1)*half]
		for d := half - 1; d >= 0; d-- {
			run.AddAssign(&win[d])
			total.AddAssign(&run)
		}
	}
	acc.AddAssign(&total)
}
