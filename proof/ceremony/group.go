package ceremony

import (
	"runtime"
	"sync"

	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fp"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/zkinfer/zkinfer/internal/ecbatch"
)

// Group arithmetic for the ceremony's heavy steps: every vector of points
// is worked on on all cores, a chunk at a time: multiplications in
// lockstep in affine coordinates (internal/ecbatch), sums in Jacobian
// coordinates brought back to affine with one field inversion per chunk
// (Montgomery's trick), where gnark's mpcsetup multiplies one affine point
// at a time on one core and pays an inversion for each.

// chunk is how many points a worker takes at a time: the inversion it
// shares costs about as much as 100 multiplications.
const chunk = 256

// oneChunk is mulG1One's chunk: its vector arithmetic gains up to ~2^10
// lanes (ecbatch.BenchmarkMulG1OneChain).
const oneChunk = 1024

// parallel runs work over [0, n) in chunks on all cores; done, when not
// nil, is told how many items each finished chunk held.
func parallel(n int, work func(lo, hi int), done func(int)) {
	parallelBy(n, chunk, work, done)
}

// parallelBy is parallel with chunks of the given size.
func parallelBy(n, chunk int, work func(lo, hi int), done func(int)) {
	workers := min(runtime.GOMAXPROCS(0), (n+chunk-1)/chunk)
	if workers <= 1 {
		for lo := 0; lo < n; lo += chunk {
			hi := min(lo+chunk, n)
			work(lo, hi)
			if done != nil {
				done(hi - lo)
			}
		}
		return
	}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		next int
	)
	for range workers {
		wg.Go(func() {
			for {
				mu.Lock()
				lo := next
				next += chunk
				mu.Unlock()
				if lo >= n {
					return
				}
				hi := min(lo+chunk, n)
				work(lo, hi)
				if done != nil {
					done(hi - lo)
				}
			}
		})
	}
	wg.Wait()
}

// toAffineG1 sets dst[i] to src[i] in affine coordinates, with one
// inversion for all (src is overwritten).
func toAffineG1(dst []curve.G1Affine, src []curve.G1Jac) {
	acc := fp.One()
	for i := range src {
		if src[i].Z.IsZero() {
			continue
		}
		dst[i].X = acc // the product of the Z before i
		acc.Mul(&acc, &src[i].Z)
	}
	acc.Inverse(&acc)
	for i := len(src) - 1; i >= 0; i-- {
		if src[i].Z.IsZero() {
			dst[i] = curve.G1Affine{}
			continue
		}
		var zInv, zInv2 fp.Element
		zInv.Mul(&dst[i].X, &acc)
		acc.Mul(&acc, &src[i].Z)
		zInv2.Square(&zInv)
		dst[i].X.Mul(&src[i].X, &zInv2)
		dst[i].Y.Mul(&src[i].Y, &zInv2).Mul(&dst[i].Y, &zInv)
	}
}

// toAffineG2 is toAffineG1 in G2.
func toAffineG2(dst []curve.G2Affine, src []curve.G2Jac) {
	if len(src) == 0 {
		return
	}
	acc := src[0].Z // E2, whose package is gnark-crypto's internal one
	acc.SetOne()
	for i := range src {
		if src[i].Z.IsZero() {
			continue
		}
		dst[i].X = acc
		acc.Mul(&acc, &src[i].Z)
	}
	acc.Inverse(&acc)
	for i := len(src) - 1; i >= 0; i-- {
		if src[i].Z.IsZero() {
			dst[i] = curve.G2Affine{}
			continue
		}
		zInv, zInv2 := acc, acc
		zInv.Mul(&dst[i].X, &acc)
		acc.Mul(&acc, &src[i].Z)
		zInv2.Square(&zInv)
		dst[i].X.Mul(&src[i].X, &zInv2)
		dst[i].Y.Mul(&src[i].Y, &zInv2).Mul(&dst[i].Y, &zInv)
	}
}

// scalars gives the scalar of each point of a vector: scalar(i, s) sets s.
type scalars func(i int, s *fr.Element)

// one is the same scalar for every point.
func one(k *fr.Element) scalars {
	return func(_ int, s *fr.Element) { *s = *k }
}

// each is a scalar per point.
func each(k []fr.Element) scalars {
	return func(i int, s *fr.Element) { *s = k[i] }
}

// powersOf returns k·x^i for i < n (x^i when k is nil).
func powersOf(x, k *fr.Element, n int) []fr.Element {
	p := make([]fr.Element, n)
	if n == 0 {
		return p
	}
	p[0].SetOne()
	if k != nil {
		p[0] = *k
	}
	for i := 1; i < n; i++ {
		p[i].Mul(&p[i-1], x)
	}
	return p
}

// mulG1 multiplies each pts[i] by its scalar, in place: batches of
// chunk points in lockstep on all cores (internal/ecbatch: GLV, affine
// additions sharing one inversion per step).
func mulG1(pts []curve.G1Affine, s scalars, done func(int)) {
	parallel(len(pts), func(lo, hi int) {
		ecbatch.MulG1(pts[lo:hi], func(i int, k *fr.Element) { s(lo+i, k) })
	}, done)
}

// mulG1One multiplies every point of pts by the one scalar k, in place:
// batches of oneChunk points on all cores, each walking k's own addition
// chain (internal/ecbatch.MulG1One: GLV, width-6 NAF, affine additions
// sharing one inversion per step, as vector operations), ~3× faster than
// mulG1 with one(k).
func mulG1One(pts []curve.G1Affine, k *fr.Element, done func(int)) {
	parallelBy(len(pts), oneChunk, func(lo, hi int) { ecbatch.MulG1One(pts[lo:hi], k) }, done)
}

// mulG2 is mulG1 in G2 (GLS: four parts of ~64 bits).
func mulG2(pts []curve.G2Affine, s scalars, done func(int)) {
	parallel(len(pts), func(lo, hi int) {
		ecbatch.MulG2(pts[lo:hi], func(i int, k *fr.Element) { s(lo+i, k) })
	}, done)
}
