package circuit

import (
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/backend/groth16"
	cs_bn254 "github.com/consensys/gnark/constraint/bn254"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
)

// quotients has both shapes putQuotientsLeft moves: a batch inverse's
// checks (ch − xᵢ)·invᵢ = 1 and a division's (ch − y)·res = M, and
// asserts Σ invᵢ + res = Sum.
type quotients struct {
	X      [4]frontend.Variable
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

func quotientsWitness(sum int64) frontend.Circuit {
	ch, _ := new(big.Int).SetString("123456789123456789123456789", 10)
	w := &quotients{Y: 9, M: 3, Ch: ch}
	var s, e fr.Element
	for i := range w.X {
		w.X[i] = i + 1
		e.SetBigInt(ch).Sub(&e, new(fr.Element).SetUint64(uint64(i+1))).Inverse(&e)
		s.Add(&s, &e)
	}
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
		b, a := before.(*cs_bn254.R1CS).GetR1Cs(), after.(*cs_bn254.R1CS).GetR1Cs()
		swapped := 0
		for i := range b {
			same := b[i].L.String(before) == a[i].L.String(after) && b[i].R.String(before) == a[i].R.String(after)
			crossed := b[i].L.String(before) == a[i].R.String(after) && b[i].R.String(before) == a[i].L.String(after)
			if b[i].O.String(before) != a[i].O.String(after) || !same && !crossed {
				t.Fatalf("constraint %d changed: %s → %s", i, b[i].String(before), a[i].String(after))
			}
			if !same {
				swapped++
				if len(a[i].L) != 1 || len(a[i].R) != 2 {
					t.Fatalf("constraint %d: the lone quotient wire is not in L: %s", i, a[i].String(after))
				}
			}
		}
		if swapped != 5 {
			t.Fatalf("%d constraints differ, want 5", swapped)
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
