package sponge

import (
	"math/big"
	"sync"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	p2native "github.com/consensys/gnark-crypto/ecc/bn254/fr/poseidon2"
	"github.com/consensys/gnark/frontend"
)

// The permutation's parameters (package documentation).
const (
	Width         = 16
	Rate          = Width - 1
	FullRounds    = 8
	PartialRounds = 57
)

// permutation is the native permutation, its constants made once; it only
// reads them, so it is safe for concurrent use.
var permutation = sync.OnceValue(func() *p2native.Permutation {
	return p2native.NewPermutation(Width, FullRounds, PartialRounds)
})

// Hash returns the digest of msg.
func Hash(msg []fr.Element) fr.Element {
	perm := permutation()
	var s [Width]fr.Element
	s[0].SetUint64(uint64(len(msg)))
	for start := 0; start == 0 || start < len(msg); start += Rate {
		for i, m := range msg[start:min(start+Rate, len(msg))] {
			s[1+i].Add(&s[1+i], &m)
		}
		if err := perm.Permutation(s[:]); err != nil {
			panic(err) // the state has the permutation's width
		}
	}
	return s[1]
}

// HashVariables is Hash in a circuit: the digest of msg as a variable.
func HashVariables(api frontend.API, msg []frontend.Variable) (frontend.Variable, error) {
	s := make([]frontend.Variable, Width)
	s[0] = len(msg)
	for i := 1; i < Width; i++ {
		s[i] = 0
	}
	for start := 0; start == 0 || start < len(msg); start += Rate {
		for i, m := range msg[start:min(start+Rate, len(msg))] {
			s[1+i] = api.Add(s[1+i], m)
		}
		permute(api, s)
	}
	return s[1], nil
}

// HashInts is Hash of integers, each reduced modulo the field's order.
func HashInts(msg ...*big.Int) fr.Element {
	m := make([]fr.Element, len(msg))
	for i, v := range msg {
		m[i].SetBigInt(v)
	}
	return Hash(m)
}
