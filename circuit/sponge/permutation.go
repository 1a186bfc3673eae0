package sponge

import (
	"sync"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	p2native "github.com/consensys/gnark-crypto/ecc/bn254/fr/poseidon2"
	"github.com/consensys/gnark/frontend"

	"github.com/zkinfer/zkinfer/internal/linexpr"
)

// The permutation in a circuit: gnark's std/permutation/poseidon2 for
// width 16, the same S-boxes (three products each, 555 constraints), with
// its partial rounds' linear layer computed in field elements here instead
// of in gnark's linear expressions.
//
// Why: in a partial round only s_0 goes through an S-box; the other 15
// elements stay linear combinations of the wires that entered the partial
// rounds and of the S-box outputs so far, up to 16 + 57 terms. gnark's
// gadget multiplies and adds those expressions term by term through the
// builder (16 products by a constant and 31 additions of expressions a
// round, each allocating its result), which made a permutation compile
// slower than as many other constraints. Here each element is a vector of
// coefficients over those wires, updated with field
// arithmetic, and only the expression an S-box needs (s_0, one a round)
// and the 16 that leave the partial rounds are built. The constraints are
// the same products of the same linear combinations: the same state,
// element for element, and the same count as gnark's gadget
// (TestSameAsGnarkGadget), the digest gnark-crypto's (TestCircuitMatchesNative).

// params are the permutation's constants, as gnark-crypto derives them.
var params = sync.OnceValue(func() *p2native.Parameters {
	return p2native.NewParameters(Width, FullRounds, PartialRounds)
})

// permute applies the permutation to s (Width variables) in place.
func permute(api frontend.API, s []frontend.Variable) {
	keys := params().RoundKeys
	external(api, s)
	half := FullRounds / 2
	for r := range half - 1 {
		fullRound(api, s, keys[r])
	}
	// The last full round's S-boxes; its external matrix is folded into
	// the partial rounds' coefficients, so that they start from wires.
	for j := range s {
		s[j] = sbox(api, api.Add(s[j], keys[half-1][j]))
	}
	partialRounds(api, s, half)
	for r := half + PartialRounds; r < FullRounds+PartialRounds; r++ {
		fullRound(api, s, keys[r])
	}
}

// fullRound adds the round's keys, applies the S-box to every element and
// the external matrix.
func fullRound(api frontend.API, s []frontend.Variable, keys []fr.Element) {
	for j := range s {
		s[j] = sbox(api, api.Add(s[j], keys[j]))
	}
	external(api, s)
}

// sbox is x^5 as gnark computes it: x², x⁴, x⁴·x.
func sbox(api frontend.API, x frontend.Variable) frontend.Variable {
	x2 := api.Mul(x, x)
	x4 := api.Mul(x2, x2)
	return api.Mul(x4, x)
}

// external multiplies s by the external matrix circ(2·M4, M4, M4, M4):
// M4 on each block of four ([GKS23] appendix B's addition chain), then
// each element plus the sum of its position over the blocks.
func external(api frontend.API, s []frontend.Variable) {
	for i := 0; i < len(s); i += 4 {
		t0 := api.Add(s[i], s[i+1])
		t1 := api.Add(s[i+2], s[i+3])
		t2 := api.Add(api.Mul(s[i+1], 2), t1)
		t3 := api.Add(api.Mul(s[i+3], 2), t0)
		t4 := api.Add(api.Mul(t1, 4), t3)
		t5 := api.Add(api.Mul(t0, 4), t2)
		s[i], s[i+1], s[i+2], s[i+3] = api.Add(t3, t5), t5, api.Add(t2, t4), t4
	}
	var sums [4]frontend.Variable
	for k := range sums {
		sums[k] = api.Add(s[k], s[4+k], s[8+k], s[12+k])
	}
	for j := range s {
		s[j] = api.Add(s[j], sums[j%4])
	}
}

// externalMatrix is the external matrix's entries, row by row: external
// applied to each unit vector, in field elements.
var externalMatrix = sync.OnceValue(func() [Width][Width]fr.Element {
	var m [Width][Width]fr.Element
	for k := range Width {
		var col [Width]fr.Element
		col[k].SetOne()
		externalNative(col[:])
		for j := range Width {
			m[j][k] = col[j]
		}
	}
	return m
})

// externalNative is external on field elements.
func externalNative(s []fr.Element) {
	var two, four fr.Element
	two.SetUint64(2)
	four.SetUint64(4)
	for i := 0; i < len(s); i += 4 {
		var t0, t1, t2, t3, t4, t5 fr.Element
		t0.Add(&s[i], &s[i+1])
		t1.Add(&s[i+2], &s[i+3])
		t2.Mul(&s[i+1], &two).Add(&t2, &t1)
		t3.Mul(&s[i+3], &two).Add(&t3, &t0)
		t4.Mul(&t1, &four).Add(&t4, &t3)
		t5.Mul(&t0, &four).Add(&t5, &t2)
		s[i].Add(&t3, &t5)
		s[i+1] = t5
		s[i+2].Add(&t2, &t4)
		s[i+3] = t4
	}
	var sums [4]fr.Element
	for j := range s {
		sums[j%4].Add(&sums[j%4], &s[j])
	}
	for j := range s {
		s[j].Add(&s[j], &sums[j%4])
	}
}

// partialRounds applies the external matrix and then the partial rounds,
// from round first on, to s. Each element of the state is a vector of
// coefficients over a basis: the 16 variables of s, then each round's
// S-box output. No element carries a constant: a partial round's key goes
// to s_0 just before its S-box, whose output is a new basis variable.
func partialRounds(api frontend.API, s []frontend.Variable, first int) {
	p := params()
	n := Width + PartialRounds
	basis := make([]frontend.Variable, Width, n)
	copy(basis, s)
	m := externalMatrix()
	state := make([][]fr.Element, Width)
	for j := range state {
		state[j] = make([]fr.Element, n)
		copy(state[j], m[j][:])
	}
	sum := make([]fr.Element, n)
	for r := range PartialRounds {
		// s_0 + key through the S-box: a new wire, the new s_0.
		x := api.Add(build(api, basis, state[0]), p.RoundKeys[first+r][0])
		basis = append(basis, sbox(api, x))
		clear(state[0])
		state[0][len(basis)-1].SetOne()
		// The internal matrix: s_j = diag_j · s_j + Σ s, over the
		// coefficients used so far.
		used := len(basis)
		clear(sum[:used])
		for j := range state {
			for k := range used {
				sum[k].Add(&sum[k], &state[j][k])
			}
		}
		for j := range state {
			for k := range used {
				state[j][k].Mul(&state[j][k], &p.DiagM1[j]).Add(&state[j][k], &sum[k])
			}
		}
	}
	for j := range s {
		s[j] = build(api, basis, state[j])
	}
}

// build is the expression Σ c_k·basis_k.
func build(api frontend.API, basis []frontend.Variable, c []fr.Element) frontend.Variable {
	terms := make([]frontend.Variable, 0, len(basis))
	for k := range basis {
		switch {
		case c[k].IsZero():
		case c[k].IsOne():
			terms = append(terms, basis[k])
		default:
			terms = append(terms, api.Mul(basis[k], c[k]))
		}
	}
	return linexpr.Sum(api, terms)
}
