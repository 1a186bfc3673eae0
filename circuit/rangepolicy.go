package circuit

import (
	"fmt"

	"github.com/zkinfer/zkinfer/ops"
)

// RangePolicy is how Build picks a circuit's range-check gadget
// (compile's --range-check). The zero value is RangeAuto.
type RangePolicy uint8

const (
	// RangeAuto: bit decomposition when that circuit has at most
	// BuildOptions.AutoBitsMax constraints (no commitment: the cheapest
	// on-chain verification), lookups otherwise (see Build).
	RangeAuto RangePolicy = iota
	// RangeLookup: always ops.RangeLookup.
	RangeLookup
	// RangeBits: always ops.RangeBits.
	RangeBits
)

// ParseRangePolicy reads "auto", "lookup" or "bits".
func ParseRangePolicy(s string) (RangePolicy, error) {
	switch s {
	case "auto":
		return RangeAuto, nil
	case "lookup":
		return RangeLookup, nil
	case "bits":
		return RangeBits, nil
	}
	return 0, fmt.Errorf("range check %.20q is not supported (auto, lookup, bits)", s)
}

// String is the policy's name: "auto", "lookup" or "bits".
func (p RangePolicy) String() string {
	switch p {
	case RangeLookup:
		return "lookup"
	case RangeBits:
		return "bits"
	}
	return "auto"
}

// gadget returns the gadget a fixed policy names (ok false for auto).
func (p RangePolicy) gadget() (g ops.RangeCheck, ok bool) {
	switch p {
	case RangeLookup:
		return ops.RangeLookup, true
	case RangeBits:
		return ops.RangeBits, true
	}
	return 0, false
}
