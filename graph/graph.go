// Package graph is zkinfer's model IR: a topologically ordered list of nodes
// over named tensors, with constants kept apart from the values an inference
// computes. It knows nothing of ONNX's wire format or of circuits.
package graph

import (
	"fmt"
	"slices"
)

// DType says how a tensor's values are interpreted. Float tensors are real
// numbers that get a fixed-point scale; Int and Bool tensors hold integers
// exactly (scale 0).
type DType uint8

const (
	Float DType = iota
	Int
	Bool
)

func (d DType) String() string {
	switch d {
	case Float:
		return "float"
	case Int:
		return "int"
	case Bool:
		return "bool"
	}
	return fmt.Sprintf("DType(%d)", uint8(d))
}

// Tensor is a dense row-major tensor of real values. It holds constants
// (initializers, folded subgraphs) and float reference results.
type Tensor struct {
	DType DType
	Shape []int
	Data  []float64
}

// NewTensor returns a zero tensor of the given shape.
func NewTensor(dt DType, shape []int) *Tensor {
	return &Tensor{DType: dt, Shape: slices.Clone(shape), Data: make([]float64, NumElements(shape))}
}

// NumElements is the product of the dimensions of shape (1 for a scalar).
func NumElements(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// AttrKind is the type of a node attribute.
type AttrKind uint8

const (
	AttrInt AttrKind = iota + 1
	AttrFloat
	AttrString
	AttrInts
	AttrFloats
	AttrStrings
	AttrTensor
	AttrGraph
)

// Attr is one node attribute; only the field matching Kind is set.
type Attr struct {
	Kind    AttrKind
	Int     int64
	Float   float64
	String  string
	Ints    []int64
	Floats  []float64
	Strings []string
	Tensor  *Tensor
	Graph   *Graph
}

// Node is one operator application.
type Node struct {
	Name    string
	Op      string
	Domain  string
	Inputs  []string // "" marks an omitted optional input
	Outputs []string
	Attrs   map[string]Attr
}

// String names the node for error messages: its name, or its first output.
func (n *Node) String() string {
	if n.Name != "" {
		return n.Name
	}
	if len(n.Outputs) > 0 {
		return n.Outputs[0]
	}
	return n.Op
}

// Value describes a graph input or output.
type Value struct {
	Name  string
	DType DType
	Shape []int
}

// Graph is a model: its dynamic inputs, its outputs, its nodes in
// topological order and its constant tensors by name.
type Graph struct {
	Name    string
	Opset   int64
	Inputs  []Value
	Outputs []Value
	Nodes   []*Node
	Consts  map[string]*Tensor
}

// IsConst reports whether the named tensor is a constant of g.
func (g *Graph) IsConst(name string) bool {
	_, ok := g.Consts[name]
	return ok
}

// Validate checks that every node input is defined before it is used,
// that no tensor is defined twice and that every graph output is produced.
// ONNX lists nodes in topological order, so an input produced only by a
// later node means a cycle (or an unsorted graph); both are errors.
func (g *Graph) Validate() error {
	defined := map[string]bool{"": true}
	for name := range g.Consts {
		defined[name] = true
	}
	for _, in := range g.Inputs {
		if in.Name == "" {
			return fmt.Errorf("graph: an input has no name")
		}
		if defined[in.Name] {
			return fmt.Errorf("graph: input %q is defined twice", in.Name)
		}
		defined[in.Name] = true
	}
	later := map[string]*Node{}
	for _, n := range g.Nodes {
		for _, out := range n.Outputs {
			if _, ok := later[out]; !ok && out != "" {
				later[out] = n
			}
		}
	}
	for _, n := range g.Nodes {
		for _, in := range n.Inputs {
			if defined[in] {
				continue
			}
			if p, ok := later[in]; ok {
				return fmt.Errorf("graph: node %s: input %q is produced by node %s, which comes later: the graph has a cycle or is not topologically sorted", n.Describe(), in, p.Describe())
			}
			return fmt.Errorf("graph: node %s: input %q is not defined before use: no node, initializer or graph input produces it", n.Describe(), in)
		}
		for _, out := range n.Outputs {
			if out != "" && defined[out] {
				return fmt.Errorf("graph: node %s: output %q is already defined", n.Describe(), out)
			}
			defined[out] = true
		}
	}
	for _, out := range g.Outputs {
		if out.Name == "" {
			return fmt.Errorf("graph: an output has no name")
		}
		if !defined[out.Name] {
			return fmt.Errorf("graph: output %q is not produced by any node", out.Name)
		}
	}
	return nil
}
