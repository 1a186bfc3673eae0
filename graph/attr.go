package graph

import (
	"fmt"
	"strconv"
)

// AttrInt returns the integer attribute name, or def when it is absent.
func (n *Node) AttrInt(name string, def int64) int64 {
	if a, ok := n.Attrs[name]; ok && a.Kind == AttrInt {
		return a.Int
	}
	return def
}

// AttrFloat returns the float attribute name, or def when it is absent.
func (n *Node) AttrFloat(name string, def float64) float64 {
	if a, ok := n.Attrs[name]; ok && a.Kind == AttrFloat {
		return a.Float
	}
	return def
}

// AttrString returns the string attribute name, or def when it is absent.
func (n *Node) AttrString(name string, def string) string {
	if a, ok := n.Attrs[name]; ok && a.Kind == AttrString {
		return a.String
	}
	return def
}

// AttrInts returns the integer-list attribute name, or def when it is absent.
func (n *Node) AttrInts(name string, def []int64) []int64 {
	if a, ok := n.Attrs[name]; ok && a.Kind == AttrInts {
		return a.Ints
	}
	return def
}

// HasAttr reports whether the attribute is present.
func (n *Node) HasAttr(name string) bool {
	_, ok := n.Attrs[name]
	return ok
}

// Input returns the i-th input name, or "" when it is omitted.
func (n *Node) Input(i int) string {
	if i < len(n.Inputs) {
		return n.Inputs[i]
	}
	return ""
}

// Errorf formats an error that names the node and its op.
func (n *Node) Errorf(format string, args ...any) error {
	return fmt.Errorf("node %s: %s", n.Describe(), fmt.Sprintf(format, args...))
}

// Describe names the node and its op for messages, `"name" (Op)`, quoting
// an op type that is not a plain identifier so that a crafted model cannot
// break a message over lines.
func (n *Node) Describe() string {
	op := n.Op
	for _, r := range op {
		if !(r == '_' || r == '.' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			op = strconv.Quote(op)
			break
		}
	}
	return fmt.Sprintf("%q (%s)", n.String(), op)
}
