package circuit

import (
	"math/big"

	edwards "github.com/consensys/gnark-crypto/ecc/bn254/twistededwards"
	"github.com/consensys/gnark/frontend"
)

// In-circuit arithmetic on BN254's companion twisted Edwards curve
// (Baby Jubjub in reduced form, a·x² + y² = 1 + d·x²·y² with a = −1, over
// BN254's scalar field), for the signed-input gadget.
//
// It is gnark's std/algebra/native/twistededwards (v0.16.3: point.go's
// neg, assertIsOnCurve, add, double and the complete doubleBaseScalarMul),
// constraint for constraint (TestEdwardsMatchesGnark compares the compiled
// systems), kept to the one curve: gnark's package imports every curve
// gnark-crypto has, whose package inits build fixed-base tables, about
// 21 ms at the start of every zkinfer process (GODEBUG=inittrace=1),
// which was most of a small model's `zkinfer verify`.
//
// Soundness: add and double divide with DivUnchecked (one constraint
// res·den = num each), exact only where the denominator is non-zero,
// which holds for points of the curve (1 ± d·x1x2y1y2 ≠ 0 as d is not a
// square, a·x² + y² ≠ 0 and 2 − a·x² − y² ≠ 0 as a = −1 is). Callers
// assert their inputs on the curve first (defineSignature); every point
// computed from points of the curve is then on it.

// edPoint is a point of the curve, as two circuit variables.
type edPoint struct{ X, Y frontend.Variable }

// edParams are the curve's constants, from gnark-crypto.
type edParams struct {
	A, D, Order *big.Int
	Base        edPoint
}

func bn254Edwards() edParams {
	c := edwards.GetEdwardsCurve()
	return edParams{
		A:     c.A.BigInt(new(big.Int)),
		D:     c.D.BigInt(new(big.Int)),
		Order: new(big.Int).Set(&c.Order),
		Base:  edPoint{c.Base.X.BigInt(new(big.Int)), c.Base.Y.BigInt(new(big.Int))},
	}
}

func (e *edParams) neg(api frontend.API, p edPoint) edPoint {
	return edPoint{api.Neg(p.X), p.Y}
}

// assertOnCurve asserts a·x² + y² = 1 + d·x²·y².
func (e *edParams) assertOnCurve(api frontend.API, p edPoint) {
	xx := api.Mul(p.X, p.X)
	yy := api.Mul(p.Y, p.Y)
	lhs := api.Add(api.Mul(xx, e.A), yy)
	rhs := api.Add(api.Mul(api.Mul(xx, e.D), yy), 1)
	api.AssertIsEqual(lhs, rhs)
}

// add is the unified addition law:
//
//	x = (x1·y2 + x2·y1) / (1 + d·x1x2y1y2)
//	y = ((y1 − a·x1)(x2 + y2) + a·x1y2 − x2y1) / (1 − d·x1x2y1y2)
func (e *edParams) add(api frontend.API, p1, p2 edPoint) edPoint {
	u := api.Mul(api.Sub(p1.Y, api.Mul(p1.X, e.A)), api.Add(p2.X, p2.Y))
	v0 := api.Mul(p2.Y, p1.X)
	v1 := api.Mul(p2.X, p1.Y)
	v2 := api.Mul(e.D, v0, v1)
	x := api.DivUnchecked(api.Add(v0, v1), api.Add(1, v2))
	y := api.DivUnchecked(api.Add(api.Sub(api.Mul(e.A, v0), v1), u), api.Sub(1, v2))
	return edPoint{x, y}
}

// double is 2·(x, y) = (2xy / (a·x² + y²), (y² − a·x²) / (2 − a·x² − y²)).
func (e *edParams) double(api frontend.API, p edPoint) edPoint {
	u := api.Mul(p.X, p.Y)
	v := api.Mul(p.X, p.X)
	w := api.Mul(p.Y, p.Y)
	av := api.Mul(v, e.A)
	d1 := api.Add(w, av)
	x := api.DivUnchecked(api.Mul(2, u), d1)
	y := api.DivUnchecked(api.Sub(w, av), api.Sub(2, d1))
	return edPoint{x, y}
}

// doubleBaseScalarMul is [s1]p1 + [s2]p2 by a joint double-and-add from
// the top bit down. The scalars' bits come from api.ToBinary at the
// field's bit length, which asserts the bits below the modulus, so each
// scalar has one decomposition; the two bits of a step select 0 (the
// identity (0, 1)), p1, p2 or p1 + p2 with api.Lookup2, and the complete
// addition law adds the identity exactly.
func (e *edParams) doubleBaseScalarMul(api frontend.API, p1, p2 edPoint, s1, s2 frontend.Variable) edPoint {
	b1 := api.ToBinary(s1)
	b2 := api.ToBinary(s2)
	sum := e.add(api, p1, p2)
	n := len(b1)
	res := edPoint{
		api.Lookup2(b1[n-1], b2[n-1], 0, p1.X, p2.X, sum.X),
		api.Lookup2(b1[n-1], b2[n-1], 1, p1.Y, p2.Y, sum.Y),
	}
	for i := n - 2; i >= 0; i-- {
		res = e.double(api, res)
		tmp := edPoint{
			api.Lookup2(b1[i], b2[i], 0, p1.X, p2.X, sum.X),
			api.Lookup2(b1[i], b2[i], 1, p1.Y, p2.Y, sum.Y),
		}
		res = e.add(api, res, tmp)
	}
	return res
}
