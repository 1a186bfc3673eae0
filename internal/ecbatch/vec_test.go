package ecbatch

import (
	"fmt"
	"math/big"
	"testing"

	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fp"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
)

// randomG1 returns n random points of G1 (random multiples of the
// generator).
func randomG1(t *testing.T, n int) []curve.G1Affine {
	t.Helper()
	_, _, g1, _ := curve.Generators()
	pts := make([]curve.G1Affine, n)
	for i := range pts {
		var k fr.Element
		if _, err := k.SetRandom(); err != nil {
			t.Fatal(err)
		}
		var b big.Int
		pts[i].ScalarMultiplication(&g1, k.BigInt(&b))
	}
	return pts
}

func coords(p []curve.G1Affine) (x, y fp.Vector) {
	x, y = make(fp.Vector, len(p)), make(fp.Vector, len(p))
	for i := range p {
		x[i], y[i] = p[i].X, p[i].Y
	}
	return x, y
}

// TestLanes checks the vector additions and doublings against
// gnark-crypto's, lane by lane, for batch lengths on either side of the
// product tree's threshold (odd ones split unevenly), with exceptional
// lanes among random ones: a point at infinity on either side or both,
// equal points (a doubling) and opposite points (a sum at infinity).
func TestLanes(t *testing.T) {
	for _, n := range []int{1, 2, 7, vecMin - 1, vecMin, vecMin + 1, 300, 1031} {
		for _, neg := range []bool{false, true} {
			t.Run(fmt.Sprint(n, neg), func(t *testing.T) {
				p, q := randomG1(t, n), randomG1(t, n)
				for i := range n {
					switch i % 7 {
					case 1:
						p[i] = curve.G1Affine{}
					case 2:
						q[i] = curve.G1Affine{}
					case 3:
						p[i], q[i] = curve.G1Affine{}, curve.G1Affine{}
					case 4: // p + (±q) = 2p
						q[i] = p[i]
						if neg {
							q[i].Neg(&q[i])
						}
					case 5: // p + (±q) = 0
						q[i] = p[i]
						if !neg {
							q[i].Neg(&q[i])
						}
					}
				}
				var s Lanes
				x, y := coords(p)
				qx, qy := coords(q)
				s.Add(x, y, qx, qy, neg)
				for i := range n {
					want := q[i]
					if neg {
						want.Neg(&want)
					}
					want.Add(&want, &p[i])
					if got := (curve.G1Affine{X: x[i], Y: y[i]}); !got.Equal(&want) {
						t.Fatalf("lane %d (case %d): sum differs from gnark-crypto's", i, i%7)
					}
				}
				x, y = coords(p)
				s.Double(x, y)
				for i := range n {
					var want curve.G1Affine
					want.Double(&p[i])
					if got := (curve.G1Affine{X: x[i], Y: y[i]}); !got.Equal(&want) {
						t.Fatalf("lane %d (case %d): double differs from gnark-crypto's", i, i%7)
					}
				}
			})
		}
	}
}

// TestMulOneRandom checks MulG1One on random points, batch lengths on
// either side of the product tree's threshold, a point at infinity and a
// point with its opposite in each batch, against gnark-crypto's
// ScalarMultiplication for the edge scalars (0, 1, r−1, ±λ, …) and random
// ones.
func TestMulOneRandom(t *testing.T) {
	ks := scalarCases(t, 8)
	for _, n := range []int{1, 3, vecMin - 1, vecMin + 1, 513} {
		pts := randomG1(t, n)
		if n > 2 {
			pts[0] = curve.G1Affine{}
			pts[2].Neg(&pts[1])
		}
		checkMulOne(t, fmt.Sprintf("n = %d: ", n), pts, ks)
	}
}
