package graph

import "fmt"

// Size limits. A model file is untrusted input: a few bytes can declare a
// tensor of 10^18 elements. Every shape that decides an allocation is
// checked against MaxElements first (CheckShape), and the model compiler
// bounds the total it holds (MaxTotalElements), so a crafted model fails
// with an error instead of exhausting memory. Both are far beyond what a
// circuit can prove: a tensor of MaxElements activations alone needs
// hundreds of millions of constraints.
//
// The limits are variables so that tests and fuzzers can lower them: time
// and memory grow with them, and a fuzzer explores the same checks faster
// at a small scale.
var (
	// MaxElements bounds the elements of one tensor.
	MaxElements = 1 << 24
	// MaxTotalElements bounds the elements of all the tensors of a model,
	// constants and computed values together.
	MaxTotalElements = 1 << 26
)

// MaxRank bounds the number of dimensions of a tensor.
const MaxRank = 16

// CheckShape returns the number of elements of shape, or an error when a
// dimension is negative, the rank exceeds MaxRank or the product exceeds
// MaxElements. It never overflows.
func CheckShape(shape []int) (int, error) {
	if len(shape) > MaxRank {
		return 0, fmt.Errorf("shape %v has rank %d, more than the %d supported", shape, len(shape), MaxRank)
	}
	n := 1
	for _, d := range shape {
		if d < 0 {
			return 0, fmt.Errorf("shape %v has a negative dimension", shape)
		}
	}
	for _, d := range shape {
		if d == 0 {
			return 0, nil
		}
	}
	for _, d := range shape {
		if d > MaxElements || n > MaxElements/d {
			return 0, fmt.Errorf("shape %v has more than %d elements", shape, MaxElements)
		}
		n *= d
	}
	return n, nil
}
