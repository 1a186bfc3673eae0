package ceremony

import (
	"math/big"
	"math/bits"

	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr/fft"
)

// Phase 2 starts from phase 1's powers [τʲ]₁, [τʲ]₂, [ατʲ]₁, [βτʲ]₁ and
// needs them in the Lagrange basis of the domain {ωⁱ} of size n:
// [Lᵢ(τ)] = (1/n)·Σⱼ ω^{−ij}·[τʲ], an inverse FFT in the group. Its
// butterflies are independent within a stage, so each stage runs on all
// cores, in Jacobian coordinates (gnark's lagrangeCoeffsG1 adds and
// multiplies affine points, an inversion each).

// jacobian is G1Jac or G2Jac with the methods the FFT needs.
type jacobian[T, A any] interface {
	*T
	AddAssign(*T) *T
	SubAssign(*T) *T
	AddMixed(*A) *T
	ScalarMultiplication(*T, *big.Int) *T
	FromAffine(*A) *T
}

// lagrangeWork is the work of one transform of size n, in scalar
// multiplications of its group.
func lagrangeWork(n int) int64 {
	return int64(n/2)*int64(bits.TrailingZeros(uint(n))) + int64(n)
}

// lagrange returns [Lᵢ(x)] for i < n from the powers [xʲ], j < n, in
// Jacobian coordinates; done is told the scalar multiplications done.
func lagrange[T any, A any, PT jacobian[T, A]](powers []A, n int, done func(int)) []T {
	a := make([]T, n)
	parallel(n, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			PT(&a[i]).FromAffine(&powers[i])
		}
	}, nil)
	domain := fft.NewDomain(uint64(n))
	tw, err := domain.TwiddlesInv()
	if err != nil {
		panic(err) // n is a power of two the field supports
	}
	// Decimation in frequency: in stage s, blocks of 2m = n>>s points,
	// butterflies (a[i], a[i+m]) with a[i+m] multiplied by ω^{−i·2^s}.
	for s, m := 0, n/2; m >= 1; s, m = s+1, m/2 {
		w := make([]big.Int, m)
		for i := range w {
			tw[s][i].BigInt(&w[i])
		}
		parallel(n/2, func(lo, hi int) {
			for t := lo; t < hi; t++ {
				i := t % m
				j := (t/m)*2*m + i
				x, y := PT(&a[j]), PT(&a[j+m])
				d := *x
				x.AddAssign(y)
				PT(&d).SubAssign(y)
				if i != 0 {
					PT(&d).ScalarMultiplication(&d, &w[i])
				}
				a[j+m] = d
			}
		}, done)
	}
	bitReverse(a)
	var inv big.Int
	domain.CardinalityInv.BigInt(&inv)
	parallel(n, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			PT(&a[i]).ScalarMultiplication(&a[i], &inv)
		}
	}, done)
	return a
}

// lagrangeG1 is lagrange in G1, in affine coordinates.
func lagrangeG1(powers []curve.G1Affine, n int, done func(int)) []curve.G1Affine {
	j := lagrange[curve.G1Jac, curve.G1Affine](powers, n, done)
	out := make([]curve.G1Affine, n)
	parallel(n, func(lo, hi int) { toAffineG1(out[lo:hi], j[lo:hi]) }, nil)
	return out
}

// lagrangeG2 is lagrange in G2, in affine coordinates.
func lagrangeG2(powers []curve.G2Affine, n int, done func(int)) []curve.G2Affine {
	j := lagrange[curve.G2Jac, curve.G2Affine](powers, n, done)
	out := make([]curve.G2Affine, n)
	parallel(n, func(lo, hi int) { toAffineG2(out[lo:hi], j[lo:hi]) }, nil)
	return out
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
