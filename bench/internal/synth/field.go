package synth

import "github.com/consensys/gnark-crypto/ecc/bn254/fr"

func newElement(x uint64) fr.Element {
	var e fr.Element
	e.SetUint64(x)
	return e
}

func newElementPtr(x uint64) *fr.Element {
	e := newElement(x)
	return &e
}
