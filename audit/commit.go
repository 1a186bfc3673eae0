package audit

import (
	"math/big"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/frontend"

	"github.com/zkinfer/zkinfer/circuit/sponge"
	"github.com/zkinfer/zkinfer/internal/linexpr"
)

// The dataset commitment packs non-negative values of known widths into
// field elements of at most packLimit bits, as package circuit packs a
// tensor, and hashes the header, the packed elements and the salt with
// package sponge (Poseidon2 of width 16 as a sponge), as package circuit
// hashes a tensor.

const packLimit = 253

// packPlan places value i in element elem[i] at bit off[i].
func packPlan(widths []int) (elem, off []int, n int) {
	used := packLimit
	for _, w := range widths {
		if used+w > packLimit {
			n++
			used = 0
		}
		elem, off = append(elem, n-1), append(off, used)
		used += w
	}
	return elem, off, n
}

func packNative(vals []*big.Int, widths []int) []*big.Int {
	elem, off, n := packPlan(widths)
	out := make([]*big.Int, n)
	for i := range out {
		out[i] = new(big.Int)
	}
	for i, v := range vals {
		out[elem[i]].Add(out[elem[i]], new(big.Int).Lsh(v, uint(off[i])))
	}
	return out
}

func hashNative(header, packed []*big.Int, salt *big.Int) fr.Element {
	if salt == nil {
		salt = new(big.Int)
	}
	return sponge.HashInts(append(append(append([]*big.Int{}, header...), packed...), salt)...)
}

// packCircuit is packNative over variables: a linear combination, free in
// R1CS. Injective because every value is range-checked to its width before.
func packCircuit(api frontend.API, vals []frontend.Variable, widths []int) []frontend.Variable {
	elem, off, n := packPlan(widths)
	terms := make([][]frontend.Variable, n)
	for i, v := range vals {
		terms[elem[i]] = append(terms[elem[i]], api.Mul(v, new(big.Int).Lsh(big.NewInt(1), uint(off[i]))))
	}
	out := make([]frontend.Variable, n)
	for i, t := range terms {
		out[i] = linexpr.Sum(api, t)
	}
	return out
}

func hashCircuit(api frontend.API, header []*big.Int, packed []frontend.Variable, salt frontend.Variable) (frontend.Variable, error) {
	msg := make([]frontend.Variable, 0, len(header)+len(packed)+1)
	for _, v := range header {
		msg = append(msg, v)
	}
	return sponge.HashVariables(api, append(append(msg, packed...), salt))
}
