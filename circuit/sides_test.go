package circuit

import (
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/constraint"
	cs_bn254 "github.com/consensys/gnark/constraint/bn254"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
)

// quotients has both shapes putQuotientsLeft moves: a batch inverse's
// checks (ch − xᵢ)·invᵢ = 1 and a division's (ch − y)·res = M, and
// asserts Σ invᵢ + res = Sum. Its last x is a rescale's quotient,
// (q₀ − q₁)·2⁻¹², a long coefficient for shortenR.
type quotients struct {
	X      [3]frontend.Variable
	Q      [2]frontend.Variable
	Y, M   frontend.Variable
	Ch     frontend.Variable
	Sum    frontend.Variable `gnark:",public"`
	single bool              // api.Inverse instead of the batch inverse
}

func (c *quotients) Define(api frontend.API) error {
	d := make([]frontend.Variable, len(c.X))
	for i, x := range c.X {
		d[i] = api.Sub(c.Ch, x)
	}
	d = append(d, api.Sub(c.Ch, api.Mul(api.Sub(c.Q[0], c.Q[1]), inv4096())))
	var inv []frontend.Variable
	if b, ok := api.(frontend.BatchInverter); ok && !c.single {
		inv = b.BatchInvert(d)
	} else {
		for _, v := range d {
			inv = append(inv, api.Inverse(v))
		}
	}
	res := api.DivUnchecked(c.M, api.Sub(c.Ch, c.Y))
	api.AssertIsEqual(api.Add(res, inv[0], inv[1:]...), c.Sum)
	return nil
}

func inv4096() *big.Int {
	var e fr.Element
	e.SetUint64(4096).Inverse(&e)
	return e.BigInt(new(big.Int))
}

func quotientsWitness(sum int64) frontend.Circuit {
	ch, _ := new(big.Int).SetString("123456789123456789123456789", 10)
	w := &quotients{Y: 9, M: 3, Ch: ch, Q: [2]frontend.Variable{5 * 4096, 1}}
	var s, e fr.Element
	for i := range w.X {
		w.X[i] = i + 1
		e.SetBigInt(ch).Sub(&e, new(fr.Element).SetUint64(uint64(i+1))).Inverse(&e)
		s.Add(&s, &e)
	}
	var q fr.Element // (5·4096 − 1)/4096
	q.SetUint64(5*4096-1).Mul(&q, new(fr.Element).SetBigInt(inv4096()))
	e.SetBigInt(ch).Sub(&e, &q).Inverse(&e)
	s.Add(&s, &e)
	e.SetBigInt(ch).Sub(&e, new(fr.Element).SetUint64(9)).Inverse(&e).Mul(&e, new(fr.Element).SetUint64(3))
	s.Add(&s, &e).Add(&s, new(fr.Element).SetInt64(sum))
	w.Sum = s.BigInt(new(big.Int))
	return w
}

// TestPutQuotientsLeft: every constraint CompileR1CS writes is gnark's but
// for L and R swapped in the 4 inverses' and the division's checks, the
// inverses and the quotient then in L (a second pass swaps nothing); gnark's Groth16 setup, prover and
// verifier accept the rewritten system's proofs and a wrong sum fails.
func TestPutQuotientsLeft(t *testing.T) {
	for _, single := range []bool{false, true} {
		before, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, &quotients{single: single})
		if err != nil {
			t.Fatal(err)
		}
		// CompileR1CS (audits, queries, aggregations) and Build share the pass.
		after, err := CompileR1CS("test", &quotients{single: single})
		if err != nil {
			t.Fatal(err)
		}
		if n := putQuotientsLeft(after.(*cs_bn254.R1CS)); n != 0 {
			t.Fatalf("single %v: %d constraints swapped a second time", single, n)
		}
		bs, as := before.(*cs_bn254.R1CS), after.(*cs_bn254.R1CS)
		b, a := bs.GetR1Cs(), as.GetR1Cs()
		swapped, scaled := 0, 0
		for i := range b {
			same := equalScaled(valuesOf(b[i].L, bs), valuesOf(a[i].L, as), nil) && equalScaled(valuesOf(b[i].R, bs), valuesOf(a[i].R, as), nil) &&
				equalScaled(valuesOf(b[i].O, bs), valuesOf(a[i].O, as), nil)
			// crossed: L and R swapped, R and O each times the same s ≠ 0
			var s fr.Element
			crossed := equalScaled(valuesOf(b[i].R, bs), valuesOf(a[i].L, as), nil) && equalScaled(valuesOf(b[i].L, bs), valuesOf(a[i].R, as), &s) &&
				equalScaled(valuesOf(b[i].O, bs), valuesOf(a[i].O, as), &s)
			if !same && !crossed {
				t.Fatalf("constraint %d changed: %s → %s", i, b[i].String(before), a[i].String(after))
			}
			if !same {
				swapped++
				if len(a[i].L) != 1 || len(a[i].R) != 2 && len(a[i].R) != 3 {
					t.Fatalf("constraint %d: the lone quotient wire is not in L: %s", i, a[i].String(after))
				}
				if !s.IsOne() {
					scaled++
				}
				for _, tm := range a[i].R {
					if !isShort(&as.Coefficients[tm.CoeffID()]) {
						t.Fatalf("constraint %d: a long coefficient is left in R: %s", i, a[i].String(after))
					}
				}
			}
		}
		if swapped != 5 || scaled != 1 {
			t.Fatalf("%d constraints differ, %d of them scaled, want 5 and 1", swapped, scaled)
		}
		pk, vk, err := groth16.Setup(after)
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			off int64
			ok  bool
		}{{0, true}, {1, false}} {
			w, _ := frontend.NewWitness(quotientsWitness(tc.off), ecc.BN254.ScalarField())
			proof, err := groth16.Prove(after, pk, w)
			if !tc.ok {
				if err == nil {
					t.Fatal("a wrong sum was proven")
				}
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			pub, _ := w.Public()
			if err := groth16.Verify(proof, vk, pub); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// valuesOf is e as wire → coefficient.
func valuesOf(e constraint.LinearExpression, r *cs_bn254.R1CS) map[int]fr.Element {
	m := make(map[int]fr.Element)
	for _, t := range e {
		v := m[t.WireID()]
		v.Add(&v, &r.Coefficients[t.CoeffID()])
		m[t.WireID()] = v
	}
	return m
}

// equalScaled reports whether y = s·x for one s ≠ 0, s being 1 when it is
// nil and set to the factor found when it is zero (it must then be found
// on every later call with the same s).
func equalScaled(x, y map[int]fr.Element, s *fr.Element) bool {
	var one fr.Element
	one.SetOne()
	if s == nil {
		s = &one
	}
	if len(x) != len(y) {
		return false
	}
	for w, xv := range x {
		yv, ok := y[w]
		if !ok || xv.IsZero() {
			return false
		}
		if s.IsZero() {
			s.Div(&yv, &xv)
		}
		var want fr.Element
		if !want.Mul(&xv, s).Equal(&yv) {
			return false
		}
	}
	return true
}
