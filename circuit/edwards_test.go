package circuit

import (
	"bytes"
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	edwards "github.com/consensys/gnark-crypto/ecc/bn254/twistededwards"
	tedwards "github.com/consensys/gnark-crypto/ecc/twistededwards"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/consensys/gnark/std/algebra/native/twistededwards"
	"github.com/consensys/gnark/test"
)

// edCircuit runs every operation of edwards.go on P and Q, with gnark's
// std gadget (gnark) or ours, and asserts R = [S1]P + [S2](−Q) and
// D = 2·(R + P).
type edCircuit struct {
	P, Q, R, D [2]frontend.Variable
	S1, S2     frontend.Variable

	gnark bool
}

func (c *edCircuit) Define(api frontend.API) error {
	if c.gnark {
		curve, err := twistededwards.NewEdCurve(api, tedwards.BN254)
		if err != nil {
			return err
		}
		p := twistededwards.Point{X: c.P[0], Y: c.P[1]}
		q := twistededwards.Point{X: c.Q[0], Y: c.Q[1]}
		curve.AssertIsOnCurve(p)
		curve.AssertIsOnCurve(q)
		r := curve.DoubleBaseScalarMul(p, curve.Neg(q), c.S1, c.S2)
		d := curve.Double(curve.Add(r, p))
		api.AssertIsEqual(r.X, c.R[0])
		api.AssertIsEqual(r.Y, c.R[1])
		api.AssertIsEqual(d.X, c.D[0])
		api.AssertIsEqual(d.Y, c.D[1])
		return nil
	}
	curve := bn254Edwards()
	p := edPoint{X: c.P[0], Y: c.P[1]}
	q := edPoint{X: c.Q[0], Y: c.Q[1]}
	curve.assertOnCurve(api, p)
	curve.assertOnCurve(api, q)
	r := curve.doubleBaseScalarMul(api, p, curve.neg(api, q), c.S1, c.S2)
	d := curve.double(api, curve.add(api, r, p))
	api.AssertIsEqual(r.X, c.R[0])
	api.AssertIsEqual(r.Y, c.R[1])
	api.AssertIsEqual(d.X, c.D[0])
	api.AssertIsEqual(d.Y, c.D[1])
	return nil
}

// TestEdwardsMatchesGnark: edwards.go compiles to the same constraint
// system, byte for byte, as gnark's std/algebra/native/twistededwards.
func TestEdwardsMatchesGnark(t *testing.T) {
	compile := func(gnark bool) []byte {
		cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, &edCircuit{gnark: gnark})
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if _, err := cs.WriteTo(&b); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	ours, theirs := compile(false), compile(true)
	if len(ours) < 1000 || !bytes.Equal(ours, theirs) {
		t.Fatalf("constraint systems differ: ours %d bytes, gnark's %d", len(ours), len(theirs))
	}
}

// TestEdwardsArithmetic checks the gadget against gnark-crypto's native
// arithmetic, for scalars of every size, and that a wrong result fails.
func TestEdwardsArithmetic(t *testing.T) {
	base := edwards.GetEdwardsCurve().Base
	point := func(k int64) edwards.PointAffine {
		var p edwards.PointAffine
		return *p.ScalarMultiplication(&base, big.NewInt(k))
	}
	big2 := func(p edwards.PointAffine) [2]frontend.Variable {
		return [2]frontend.Variable{p.X.BigInt(new(big.Int)), p.Y.BigInt(new(big.Int))}
	}
	var rnd fr.Element
	rnd.SetRandom()
	for _, tc := range []struct {
		name   string
		s1, s2 *big.Int
	}{
		{"zero scalars", big.NewInt(0), big.NewInt(0)},
		{"small", big.NewInt(5), big.NewInt(3)},
		{"field-size", rnd.BigInt(new(big.Int)), new(big.Int).Sub(fr.Modulus(), big.NewInt(1))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, q := point(7), point(11)
			var r, a, b, d edwards.PointAffine
			a.ScalarMultiplication(&p, tc.s1)
			b.Neg(&q).ScalarMultiplication(&b, tc.s2)
			r.Add(&a, &b)
			d.Add(&r, &p).Double(&d)
			w := &edCircuit{P: big2(p), Q: big2(q), R: big2(r), D: big2(d), S1: tc.s1, S2: tc.s2}
			if err := test.IsSolved(&edCircuit{}, w, ecc.BN254.ScalarField()); err != nil {
				t.Fatal(err)
			}
			w.R = big2(d)
			if test.IsSolved(&edCircuit{}, w, ecc.BN254.ScalarField()) == nil {
				t.Fatal("a wrong [S1]P + [S2](−Q) was accepted")
			}
		})
	}
}
