package ceremony

import (
	"math/big"
	"testing"

	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
)

// TestSum compares the bucket sums with one multiplication per term, in
// both groups, on sums of every shape the circuits give: none, a lone
// ±1, short and long coefficients of either sign, a row repeated, and
// hundreds of terms (wide windows).
func TestSum(t *testing.T) {
	const rows = 64
	_, _, g1, g2 := curve.Generators()
	p1 := make([]curve.G1Affine, rows)
	p2 := make([]curve.G2Affine, rows)
	for i := range rows {
		var s big.Int
		s.SetInt64(int64(3*i + 1))
		p1[i].ScalarMultiplication(&g1, &s)
		p2[i].ScalarMultiplication(&g2, &s)
	}
	p1[7], p2[7] = curve.G1Affine{}, curve.G2Affine{} // a point at infinity
	var long fr.Element
	long.SetUint64(1 << 12)
	long.Inverse(&long)
	values := func(vs ...int64) []fr.Element {
		out := make([]fr.Element, len(vs))
		for i, v := range vs {
			out[i].SetInt64(v)
		}
		return out
	}
	random := func(n int, bits uint) []fr.Element {
		out := make([]fr.Element, n)
		for i := range out {
			v := int64(i*2654435761) & (1<<bits - 1)
			if i%3 == 0 {
				v = -v
			}
			out[i].SetInt64(v)
		}
		return out
	}
	tests := []struct {
		name   string
		coeffs []fr.Element
		// repeat, when above 1, gives the wire that many terms of each
		// coefficient (one coefficient index, as the circuit's table has
		// one entry a value).
		repeat int
	}{
		{"none", nil, 0},
		{"one", values(1), 0},
		{"minus one", values(-1), 0},
		{"short of either sign", values(5, -9, 255, -256, 1<<40, -(1 << 62)), 0},
		{"long", []fr.Element{long}, 0},
		{"long and short", append(values(3, -1, 1), long, *new(fr.Element).Neg(&long)), 0},
		{"max uint64", func() []fr.Element {
			var e fr.Element
			e.SetUint64(^uint64(0))
			return []fr.Element{e, *new(fr.Element).Neg(&e)}
		}(), 0},
		{"wide: 300 terms of 9 bits", random(300, 9), 0},
		{"wide: 1000 terms of 20 bits and a long one", append(random(1000, 20), long), 0},
		{"long ones repeated, of either sign", append(values(3), long, *new(fr.Element).Neg(&long), *new(fr.Element).Double(&long)), 5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cs := newCoeffs(append([]fr.Element(nil), tc.coeffs...))
			terms := make([]term, len(tc.coeffs)*max(tc.repeat, 1))
			var want1 curve.G1Jac
			var want2 curve.G2Jac
			for i := range terms {
				terms[i] = term{row: int32((i * 5) % rows), coeff: uint32(i % len(tc.coeffs))} // rows repeat
				var b big.Int
				tc.coeffs[terms[i].coeff].BigInt(&b)
				var q1 curve.G1Jac
				q1.FromAffine(&p1[terms[i].row])
				want1.AddAssign(q1.ScalarMultiplication(&q1, &b))
				var q2 curve.G2Jac
				q2.FromAffine(&p2[terms[i].row])
				want2.AddAssign(q2.ScalarMultiplication(&q2, &b))
			}
			var got1, bk1 = curve.G1Jac{}, []curve.G1Jac(nil)
			var got2, bk2 = curve.G2Jac{}, []curve.G2Jac(nil)
			sum[curve.G1Jac, curve.G1Affine](&got1, p1, terms, cs, false, &bk1)
			sum[curve.G2Jac, curve.G2Affine](&got2, p2, terms, cs, false, &bk2)
			if !sameG1(&got1, &want1) {
				t.Error("G1: the bucket sum differs from the sum of products")
			}
			// The long terms left out and added by longSums, one scalar at a
			// time, as initialize does; wire 1 has the terms again, so that
			// a coefficient's groups span wires.
			col := column{start: []int32{0, int32(len(terms)), int32(2 * len(terms))}, terms: append(append([]term(nil), terms...), terms...)}
			ls := longSumsOf(&col, &wireTerms{coeffs: cs}, tc.coeffs, p1)
			for wire := range 2 {
				var got curve.G1Jac
				sum[curve.G1Jac, curve.G1Affine](&got, p1, col.of(wire), cs, true, &bk1)
				ls.add(&got, 0, wire)
				if !sameG1(&got, &want1) {
					t.Errorf("G1, wire %d: the bucket sum and longSums differ from the sum of products", wire)
				}
			}
			if !sameG2(&got2, &want2) {
				t.Error("G2: the bucket sum differs from the sum of products")
			}
		})
	}
}

// sameG1 and sameG2 compare Jacobian points, the point at infinity
// included (Z = 0, whatever X and Y).
func sameG1(a, b *curve.G1Jac) bool {
	var x, y curve.G1Affine
	x.FromJacobian(a)
	y.FromJacobian(b)
	return x.Equal(&y)
}

func sameG2(a, b *curve.G2Jac) bool {
	var x, y curve.G2Affine
	x.FromJacobian(a)
	y.FromJacobian(b)
	return x.Equal(&y)
}

// TestRandomScalars checks the batched checks' coefficients: below
// 2^rlcBits, distinct (a repeated or constant r would let two wrong
// points cancel), and zero where use says.
func TestRandomScalars(t *testing.T) {
	r, err := randomScalars(1000, func(k int) bool { return k%10 != 3 })
	if err != nil {
		t.Fatal(err)
	}
	seen := map[fr.Element]bool{}
	bound := new(big.Int).Lsh(big.NewInt(1), rlcBits)
	for k := range r {
		var b big.Int
		r[k].BigInt(&b)
		switch {
		case k%10 == 3 && !r[k].IsZero():
			t.Fatalf("scalar %d is not zero though unused", k)
		case k%10 == 3:
		case b.Cmp(bound) >= 0:
			t.Fatalf("scalar %d has more than %d bits", k, rlcBits)
		case seen[r[k]]:
			t.Fatalf("scalar %d repeats an earlier one", k)
		default:
			seen[r[k]] = true
		}
	}
}
