package ops

import (
	"fmt"

	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/std/math/bits"
	"github.com/consensys/gnark/std/rangecheck"
)

// Range-check gadgets a circuit can be compiled with (settings.json
// "range_check").
//
//   - RangeLookup: gnark's std/rangecheck, a log-derivative lookup. About
//     2–4 constraints per check, but it draws its challenge from a Pedersen
//     commitment, and the commitment costs ~123k extra gas in the Solidity
//     verifier (~399k instead of ~276k) plus 128 calldata bytes.
//   - RangeBits: plain bit decomposition (BitRange): bits+1 constraints per
//     check, no commitment, so the cheapest on-chain verifier.
//   - RangeAuto: chosen at compile time: bits when the bit-decomposed
//     circuit has at most AutoBitsMaxConstraints constraints, lookup
//     otherwise (see docs/EVM.md for the measurements behind the rule).
//
// The empty string means RangeLookup: the gadget of directories compiled
// before the setting existed.
const (
	RangeAuto   = "auto"
	RangeLookup = "lookup"
	RangeBits   = "bits"
)

// AutoBitsMaxConstraints is the largest circuit, in constraints with bit
// decomposition, for which "auto" picks RangeBits. Up to it the extra
// constraints cost well under a second of proving (Groth16 proves ~100k
// constraints/s on 2 cores) while saving ~123k gas on every on-chain
// verification; beyond it the prover time and key size grow faster than
// the gas saving is worth.
const AutoBitsMaxConstraints = 1 << 18

// ValidRangeCheck rejects an unknown range-check setting.
func ValidRangeCheck(mode string) error {
	switch mode {
	case "", RangeAuto, RangeLookup, RangeBits:
		return nil
	}
	return fmt.Errorf("range check %q is not supported (auto, lookup, bits)", mode)
}

// NewRangeChecker returns the range checker of a resolved mode: BitRange for
// RangeBits, gnark's std/rangecheck for RangeLookup (or ""). RangeAuto must
// be resolved before the circuit is built; it panics, as frontend.Compile
// reports panics in Define as errors.
func NewRangeChecker(api frontend.API, mode string) RangeChecker {
	switch mode {
	case RangeBits:
		return BitRange{API: api}
	case "", RangeLookup:
		return rangecheck.New(api)
	}
	panic(fmt.Sprintf("range check %q must be resolved to lookup or bits before the circuit is built", mode))
}

// BitRange is a RangeChecker by plain bit decomposition: v is written as
// bits boolean digits whose weighted sum must equal v. As bits is far below
// the field size (~2^254) the sum cannot wrap, so a v outside [0, 2^bits)
// leaves the circuit unsatisfiable. It uses no commitment.
type BitRange struct {
	API frontend.API
}

// Check asserts 0 ≤ v < 2^nbBits.
func (b BitRange) Check(v frontend.Variable, nbBits int) {
	if nbBits <= 0 {
		b.API.AssertIsEqual(v, 0)
		return
	}
	if nbBits >= b.API.Compiler().FieldBitLen() {
		panic(fmt.Sprintf("bit range check of %d bits does not fit the field", nbBits))
	}
	// ToBinary constrains every digit to be boolean and their weighted
	// sum to equal v.
	bits.ToBinary(b.API, v, bits.WithNbDigits(nbBits))
}
