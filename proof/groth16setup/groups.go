package groth16setup

import (
	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fp"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
)

// The two groups' instances of the fixed-base machinery.

type (
	g1Table = table[fp.Element, *fp.Element]
	g2Table = table[curve.E2, *curve.E2]
	g1Point = affine[fp.Element]
	g2Point = affine[curve.E2]
)

// newG1Table and newG2Table precompute the multiples of the groups'
// standard generators (those of gnark-crypto's curve.Generators, which
// gnark's setup and verifier use) for multiplying n scalars.
func newG1Table(n, workers int, done func(int)) *g1Table {
	return newTable[fp.Element, *fp.Element](g1Base(), chooseWindow(n), workers, done)
}

func newG2Table(n, workers int, done func(int)) *g2Table {
	return newTable[curve.E2, *curve.E2](g2Base(), chooseWindow(n), workers, done)
}

func g1Base() g1Point {
	_, _, g1, _ := curve.Generators()
	return g1Point(g1)
}

func g2Base() g2Point {
	_, _, _, g2 := curve.Generators()
	return g2Point(g2)
}

// toG1 and toG2 store multiples into dst[lo:].
func toG1(dst []curve.G1Affine) func(lo int, pts []g1Point) {
	return func(lo int, pts []g1Point) {
		for i := range pts {
			dst[lo+i] = curve.G1Affine(pts[i])
		}
	}
}

func toG2(dst []curve.G2Affine) func(lo int, pts []g2Point) {
	return func(lo int, pts []g2Point) {
		for i := range pts {
			dst[lo+i] = curve.G2Affine(pts[i])
		}
	}
}

// from reads scalars from src.
func from(src []fr.Element) func(dst []fr.Element, lo int) {
	return func(dst []fr.Element, lo int) { copy(dst, src[lo:]) }
}
