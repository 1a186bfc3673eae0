package ops

import (
	"fmt"
	"slices"

	"github.com/zkinfer/zkinfer/graph"
)

// Broadcast returns the shape numpy-style broadcasting gives a and b.
func Broadcast(a, b []int) ([]int, error) {
	n := max(len(a), len(b))
	out := make([]int, n)
	for i := range n {
		da, db := dimFromEnd(a, n-1-i), dimFromEnd(b, n-1-i)
		switch {
		case da == db || db == 1:
			out[i] = da
		case da == 1:
			out[i] = db
		default:
			return nil, fmt.Errorf("shapes %v and %v do not broadcast", a, b)
		}
	}
	if _, err := graph.CheckShape(out); err != nil {
		return nil, fmt.Errorf("broadcasting %v and %v: %w", a, b, err)
	}
	return out, nil
}

func dimFromEnd(s []int, k int) int {
	if i := len(s) - 1 - k; i >= 0 {
		return s[i]
	}
	return 1
}

// BroadcastIndex maps each element of a tensor of shape out to the element
// of a tensor of shape in that broadcasting reads. It returns nil when the
// shapes are equal (the identity map).
func BroadcastIndex(out, in []int) []int {
	if slices.Equal(out, in) {
		return nil
	}
	strides := make([]int, len(out))
	st := 1
	for i := len(out) - 1; i >= 0; i-- {
		if d := dimFromEnd(in, len(out)-1-i); d != 1 {
			strides[i] = st
			st *= d
		}
	}
	return mapIndex(out, strides, 0)
}

// mapIndex lists base + Σ coord[i]·strides[i] for every coordinate of shape in
// row-major order: the flat source index of a strided view.
func mapIndex(shape, strides []int, base int) []int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	idx := make([]int, n)
	coord := make([]int, len(shape))
	off := base
	for i := range n {
		idx[i] = off
		for d := len(shape) - 1; d >= 0; d-- {
			coord[d]++
			off += strides[d]
			if coord[d] < shape[d] {
				break
			}
			off -= strides[d] * coord[d]
			coord[d] = 0
		}
	}
	return idx
}

// Strides returns the row-major strides of shape.
func Strides(shape []int) []int {
	s := make([]int, len(shape))
	st := 1
	for i := len(shape) - 1; i >= 0; i-- {
		s[i] = st
		st *= shape[i]
	}
	return s
}

// at returns x[idx[i]], or x[i] when idx is the identity (nil).
func at[T any](x []T, idx []int, i int) T {
	if idx == nil {
		return x[i]
	}
	return x[idx[i]]
}
