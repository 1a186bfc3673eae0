package sponge_test

import (
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/zkinfer/zkinfer/circuit/sponge"
)

// The digest of a message of field elements; a circuit computes the same
// value with sponge.HashVariables.
func ExampleHash() {
	msg := make([]fr.Element, 20)
	for i := range msg {
		msg[i].SetUint64(uint64(i))
	}
	d := sponge.Hash(msg)
	fmt.Println(d.IsZero(), len(msg)/sponge.Rate+1, "permutations")
	// Output: false 2 permutations
}
