package ecbatch

import (
	"fmt"
	"math/big"
	"testing"

	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fp"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
)

// BenchmarkMulG1One is a contribution's pass: 256 points times one scalar.
func BenchmarkMulG1One(b *testing.B) {
	_, _, g1, _ := curve.Generators()
	pts := make([]curve.G1Affine, 256)
	for i := range pts {
		pts[i].ScalarMultiplication(&g1, big.NewInt(int64(i+1)))
	}
	var k fr.Element
	k.SetRandom()
	b.ResetTimer()
	for range b.N {
		MulG1(pts, func(_ int, s *fr.Element) { *s = k })
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(pts)), "ns/point")
}

func BenchmarkFpMul(b *testing.B) {
	var x, y fp.Element
	x.SetRandom()
	y.SetRandom()
	for range b.N {
		x.Mul(&x, &y)
	}
}

// BenchmarkMulG1OneChain is MulG1One on batches of 256, 1024 and 4096 points.
func BenchmarkMulG1OneChain(b *testing.B) {
	for _, n := range []int{256, 1024, 4096} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			_, _, g1, _ := curve.Generators()
			pts := make([]curve.G1Affine, n)
			for i := range pts {
				pts[i].ScalarMultiplication(&g1, big.NewInt(int64(i+1)))
			}
			var k fr.Element
			k.SetRandom()
			b.ResetTimer()
			for range b.N {
				MulG1One(pts, &k)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(pts)), "ns/point")
		})
	}
}
