package ml

import (
	"fmt"

	"github.com/zkinfer/zkinfer/graph"
)

// floats returns the float-list attribute name, or the tensor attribute
// name+"_as_tensor" that some exporters write instead (doubles), or nil.
func floats(n *graph.Node, name string) []float64 {
	if a, ok := n.Attrs[name]; ok {
		switch a.Kind {
		case graph.AttrFloats:
			return a.Floats
		case graph.AttrFloat:
			return []float64{a.Float}
		case graph.AttrTensor:
			return a.Tensor.Data
		}
	}
	if a, ok := n.Attrs[name+"_as_tensor"]; ok && a.Kind == graph.AttrTensor {
		return a.Tensor.Data
	}
	return nil
}

// ints returns the integer-list attribute name (a tensor attribute too), or nil.
func ints(n *graph.Node, name string) []int64 {
	a, ok := n.Attrs[name]
	if !ok {
		return nil
	}
	switch a.Kind {
	case graph.AttrInts:
		return a.Ints
	case graph.AttrInt:
		return []int64{a.Int}
	case graph.AttrTensor:
		out := make([]int64, len(a.Tensor.Data))
		for i, v := range a.Tensor.Data {
			out[i] = int64(v)
		}
		return out
	}
	return nil
}

// strs returns the string-list attribute name, or nil.
func strs(n *graph.Node, name string) []string {
	if a, ok := n.Attrs[name]; ok && a.Kind == graph.AttrStrings {
		return a.Strings
	}
	return nil
}

// sameLen checks that the named lists all have length want.
func sameLen(want int, lists map[string]int) error {
	for name, l := range lists {
		if l != want {
			return fmt.Errorf("attribute %s has %d values, want %d", name, l, want)
		}
	}
	return nil
}

// intLabels returns the integer class labels of a classifier from the
// first attribute present among names; string labels are refused.
func intLabels(n *graph.Node, names ...string) ([]int64, error) {
	for _, name := range names {
		if l := ints(n, name); l != nil {
			return l, nil
		}
	}
	if strs(n, "classlabels_strings") != nil {
		return nil, fmt.Errorf("string class labels are not supported: train with integer labels (zkinfer proves numeric tensors)")
	}
	return nil, fmt.Errorf("no class labels (%v)", names)
}
