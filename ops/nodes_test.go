package ops_test

import (
	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/internal/optest"
)

// The nodes, attributes and constants of the operator tests' cases.

// node is a node named after its operator.
func node(op string, ins, outs []string, attrs map[string]graph.Attr) *graph.Node {
	return &graph.Node{Name: op, Op: op, Inputs: ins, Outputs: outs, Attrs: attrs}
}

// ints, i64 and f64 are attributes of each kind.
func ints(v ...int64) graph.Attr { return graph.Attr{Kind: graph.AttrInts, Ints: v} }
func i64(v int64) graph.Attr     { return graph.Attr{Kind: graph.AttrInt, Int: v} }
func f64(v float64) graph.Attr   { return graph.Attr{Kind: graph.AttrFloat, Float: v} }

// intTensor is an integer tensor literal.
func intTensor(shape []int, data ...float64) *graph.Tensor {
	t := optest.T(shape, data...)
	t.DType = graph.Int
	return t
}

// attrs is a node's attributes from name, value pairs.
func attrs(kv ...any) map[string]graph.Attr {
	m := map[string]graph.Attr{}
	for i := 0; i < len(kv); i += 2 {
		switch v := kv[i+1].(type) {
		case []int64:
			m[kv[i].(string)] = ints(v...)
		case int64:
			m[kv[i].(string)] = i64(v)
		case int:
			m[kv[i].(string)] = i64(int64(v))
		case float64:
			m[kv[i].(string)] = f64(v)
		case string:
			m[kv[i].(string)] = graph.Attr{Kind: graph.AttrString, String: v}
		}
	}
	return m
}

// consts is a case's constant inputs from name, tensor pairs.
func consts(kv ...any) map[string]*graph.Tensor {
	m := map[string]*graph.Tensor{}
	for i := 0; i < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1].(*graph.Tensor)
	}
	return m
}
