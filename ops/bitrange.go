package ops

import (
	"fmt"

	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/std/math/bits"
)

// RangeCheck is the range-check gadget a circuit is built with
// (settings.json "range_check"). The zero value is RangeLookup.
//
//   - RangeLookup: LogUpRange, log-derivative lookups of limbs in tables
//     sized to the circuit's checks. About ⌈bits/L⌉ constraints per check
//     (L the limb width, typically 10–14), but it draws its challenge from
//     a Pedersen commitment, and the commitment costs ~123k extra gas in
//     the Solidity verifier (~399k instead of ~276k) plus 128 calldata
//     bytes.
//   - RangeBits: plain bit decomposition (BitRange): bits+1 constraints per
//     check, no commitment, so the cheapest on-chain verifier.
//
// Which one a model gets, "auto" included, is circuit.Build's choice
// (circuit.RangePolicy).
type RangeCheck uint8

const (
	RangeLookup RangeCheck = iota
	RangeBits
)

// String is the gadget's name in settings.json: "lookup" or "bits".
func (r RangeCheck) String() string {
	if r == RangeBits {
		return "bits"
	}
	return "lookup"
}

// MarshalText writes the gadget's name.
func (r RangeCheck) MarshalText() ([]byte, error) {
	if r > RangeBits {
		return nil, fmt.Errorf("range check %d is not a gadget", r)
	}
	return []byte(r.String()), nil
}

// UnmarshalText reads "lookup" or "bits"; anything else is an error.
func (r *RangeCheck) UnmarshalText(b []byte) error {
	switch string(b) {
	case "lookup":
		*r = RangeLookup
	case "bits":
		*r = RangeBits
	default:
		return fmt.Errorf("range check %.20q is not a gadget (lookup, bits)", b)
	}
	return nil
}

// AutoBitsMaxConstraints is the largest circuit, in constraints with bit
// decomposition, for which "auto" picks RangeBits. Up to it the extra
// constraints cost well under a second of proving (Groth16 proves ~100k
// constraints/s on 2 cores) while saving ~123k gas on every on-chain
// verification; beyond it the prover time and key size grow faster than
// the gas saving is worth.
const AutoBitsMaxConstraints = 1 << 18

// NewRangeChecker returns the range checker of a gadget: BitRange for
// RangeBits, the circuit's LogUpRange for RangeLookup.
func NewRangeChecker(api frontend.API, r RangeCheck) RangeChecker {
	if r == RangeBits {
		return BitRange{API: api}
	}
	return NewLogUpRange(api)
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
	b.Digits(v, nbBits)
}

// Digits asserts 0 ≤ v < 2^nbBits as Check does and returns the nbBits
// binary digits it proved, least significant first: nbBits + 1
// constraints. A gadget that reads bits of v (a sign, a quotient) takes
// them from here instead of range-checking the parts separately (see
// CircuitArith.RescaleRelu).
func (b BitRange) Digits(v frontend.Variable, nbBits int) []frontend.Variable {
	if nbBits <= 0 {
		b.API.AssertIsEqual(v, 0)
		return nil
	}
	if nbBits >= b.API.Compiler().FieldBitLen() {
		panic(fmt.Sprintf("bit range check of %d bits does not fit the field", nbBits))
	}
	// ToBinary constrains every digit to be boolean and their weighted
	// sum to equal v.
	return bits.ToBinary(b.API, v, bits.WithNbDigits(nbBits))
}
