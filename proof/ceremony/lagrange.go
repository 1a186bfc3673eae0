package ceremony

import (
	"math/bits"
	"slices"

	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fp"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr/fft"

	"github.com/zkinfer/zkinfer/internal/ecbatch"
)

// Phase 2 starts from phase 1's powers [τʲ]₁, [τʲ]₂, [ατʲ]₁, [βτʲ]₁ and
// needs them in the Lagrange basis of the domain {ωⁱ} of size n:
// [Lᵢ(τ)] = (1/n)·Σⱼ ω^{−ij}·[τʲ], an inverse FFT in the group:
// n/2·log₂ n butterflies (x, y) ↦ (x + y, ω^{−k}·(x − y)). Within a stage
// the butterflies are independent, so each stage runs on all cores, a
// chunk of butterflies at a time: the chunk's sums and differences are two
// batches of affine additions, one inversion each, and its products by the
// twiddles one lockstep multiplication (internal/ecbatch). The points stay
// affine from stage to stage; gnark's lagrangeCoeffsG1 adds and multiplies
// affine points one at a time, an inversion each.

// lagrangeWork is the work of one transform of size n, in scalar
// multiplications of its group.
func lagrangeWork(n int) int64 {
	return int64(n/2)*int64(bits.TrailingZeros(uint(n))) + int64(n)
}

// lagrange returns [Lᵢ(x)] for i < n from the powers [xʲ], j < n; view
// gives the points as ecbatch's, mul multiplies them in lockstep, done is
// told the scalar multiplications done.
func lagrange[P, F any, PF ecbatch.Field[F]](powers []P, n int, view func([]P) []ecbatch.Affine[F], mul func([]P, func(int, *fr.Element)), done func(int)) []P {
	a := slices.Clone(powers[:n])
	domain := fft.NewDomain(uint64(n))
	tw, err := domain.TwiddlesInv()
	if err != nil {
		panic(err) // n is a power of two the field supports
	}
	// Decimation in frequency: in stage s, blocks of 2m = n>>s points,
	// butterflies (a[j], a[j+m]) with a[j+m] multiplied by ω^{−i·2^s},
	// i = j mod 2m.
	for s, m := 0, n/2; m >= 1; s, m = s+1, m/2 {
		w := tw[s]
		parallel(n/2, func(lo, hi int) {
			var add ecbatch.Adder[F, PF]
			x, y, d := make([]P, hi-lo), make([]P, hi-lo), make([]P, hi-lo)
			at := func(t int) int { return (t/m)*2*m + t%m }
			for t := lo; t < hi; t++ {
				x[t-lo], y[t-lo] = a[at(t)], a[at(t)+m]
			}
			xv, yv, dv := view(x), view(y), view(d)
			copy(d, x)
			for k := range yv {
				ecbatch.Negate[F, PF](&yv[k])
			}
			add.Add(dv, yv) // x − y
			for k := range yv {
				ecbatch.Negate[F, PF](&yv[k])
			}
			add.Add(xv, yv) // x + y
			if m > 1 {      // ω⁰ = 1 throughout the last stage
				mul(d, func(k int, s *fr.Element) { *s = w[(lo+k)%m] })
			}
			for t := lo; t < hi; t++ {
				a[at(t)], a[at(t)+m] = x[t-lo], d[t-lo]
			}
		}, done)
	}
	bitReverse(a)
	inv := domain.CardinalityInv
	parallel(n, func(lo, hi int) { mul(a[lo:hi], one(&inv)) }, done)
	return a
}

// lagrangeG1 is lagrange in G1.
func lagrangeG1(powers []curve.G1Affine, n int, done func(int)) []curve.G1Affine {
	return lagrange[curve.G1Affine, fp.Element](powers, n, ecbatch.G1, ecbatch.MulG1, done)
}

// lagrangeG2 is lagrange in G2.
func lagrangeG2(powers []curve.G2Affine, n int, done func(int)) []curve.G2Affine {
	return lagrange[curve.G2Affine, curve.E2](powers, n, ecbatch.G2, ecbatch.MulG2, done)
}

// bitReverse permutes a by reversing the bits of each index, exactly as
// gnark's mpcsetup does (which leaves a slice whose length is not a power
// of two unchanged).
func bitReverse[T any](a []T) {
	n := uint64(len(a))
	nn := uint64(64 - bits.TrailingZeros64(n))
	for i := uint64(0); i < n; i++ {
		irev := bits.Reverse64(i) >> nn
		if irev > i {
			a[i], a[irev] = a[irev], a[i]
		}
	}
}
