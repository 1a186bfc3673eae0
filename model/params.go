package model

import (
	"fmt"
	"maps"
	"math"
	"slices"

	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/ops"
	"github.com/zkinfer/zkinfer/quant"
)

// DefaultParamBits bounds secret weights to [-2^15, 2^15) at the parameter
// scale: |w| < 8 at the default param scale 2^12.
const DefaultParamBits = 16

// CompileSecret compiles g with its weights as secret inputs, each bounded
// to bits signed bits at the settings' parameter scale: what is a weight,
// and how the graph is adapted to them, is described under "Secret
// parameters" in the package documentation.
func CompileSecret(g *graph.Graph, s quant.Settings, bits int) (*Model, error) {
	return CompileSecretWith(g, s, bits, nil)
}

// CompileSecretWith is CompileSecret keeping the plans of the steps keep
// covers only (nil: all); see Plans.
func CompileSecretWith(g *graph.Graph, s quant.Settings, bits int, keep *Plans) (*Model, error) {
	if bits < 2 || bits > s.ActBits {
		return nil, fmt.Errorf("model: param bits %d is outside [2, act bits %d]", bits, s.ActBits)
	}
	g2, names, _ := secretGraph(g)
	if len(names) == 0 {
		return nil, fmt.Errorf("model: the model has no weights that can be kept secret")
	}
	params := map[string]*ops.Info{}
	for _, name := range names {
		t := g2.Consts[name]
		params[name] = &ops.Info{DType: graph.Float, Shape: slices.Clone(t.Shape), Scale: s.ParamScale, Max: math.Ldexp(1, bits-1)}
	}
	m, err := compile(g2, s, params, keep)
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		m.Params = append(m.Params, params[name])
	}
	m.ParamNames = names
	m.ParamBits = bits
	return m, nil
}

// ParamValues quantizes the graph's weights at the parameter scale: the
// witness values of the secret parameters.
func (m *Model) ParamValues() ([]ops.Tensor[int64], error) {
	lim := int64(1) << (m.ParamBits - 1)
	out := make([]ops.Tensor[int64], len(m.ParamNames))
	for i, name := range m.ParamNames {
		t := m.Graph.Consts[name]
		q := ops.Tensor[int64]{Shape: m.Params[i].Shape, Data: make([]int64, len(t.Data))}
		for j, v := range t.Data {
			if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(math.Ldexp(v, m.Settings.ParamScale)) >= 1<<62 {
				return nil, fmt.Errorf("model: weight %s[%d] is %v", name, j, v)
			}
			q.Data[j] = quant.Quantize(v, m.Settings.ParamScale)
			if q.Data[j] < -lim || q.Data[j] >= lim {
				return nil, fmt.Errorf("model: weight %s[%d] = %v is outside the ±%v that %d param bits hold at scale 2^%d: raise --param-bits", name, j, v, quant.Dequantize(lim, m.Settings.ParamScale), m.ParamBits, m.Settings.ParamScale)
			}
		}
		out[i] = q
	}
	return out, nil
}

// FixedConstants lists the float initializers that stay fixed (and public)
// in the circuit of a model compiled with CompileSecret.
func (m *Model) FixedConstants() []string {
	var out []string
	for _, n := range m.Graph.Nodes {
		for _, name := range n.Inputs {
			if t, ok := m.Graph.Consts[name]; ok && t.DType == graph.Float && !slices.Contains(m.ParamNames, name) && !slices.Contains(out, name) {
				out = append(out, name)
			}
		}
	}
	slices.Sort(out)
	return out
}

// SecretInitializers returns the initializers of g whose values become
// CompileSecret's secret weights, sorted: the weights themselves and the
// initializers that a SecretRewrite derived weights from (a bias reshaped,
// a factor folded in), named as in g. They are what must be hidden to hide
// the weights (onnx.StripWeights).
func SecretInitializers(g *graph.Graph) []string {
	_, names, from := secretGraph(g)
	set := map[string]bool{}
	for _, name := range names {
		if orig, ok := from[name]; ok {
			name = orig
		}
		set[name] = true
	}
	return slices.Sorted(maps.Keys(set))
}

type use struct {
	node *graph.Node
	pos  int
}

// secretGraph returns a copy of g adapted to its secret weights by the
// ops' SecretRewrite (biases moved out, factors folded into weights), the
// names of its secret weights, and the initializer of g each derived one
// was made from.
func secretGraph(g *graph.Graph) (*graph.Graph, []string, map[string]string) {
	uses := map[string][]use{}
	for _, n := range g.Nodes {
		for i, in := range n.Inputs {
			uses[in] = append(uses[in], use{n, i})
		}
	}
	for _, out := range g.Outputs {
		uses[out.Name] = append(uses[out.Name], use{nil, -1})
	}
	var qualifies func(name string, scalar bool) bool
	qualifies = func(name string, scalar bool) bool {
		us := uses[name]
		if len(us) == 0 {
			return false
		}
		for _, u := range us {
			if u.node == nil {
				return false
			}
			op, ok, _ := ops.LookupDomain(u.node.Domain, u.node.Op)
			if !ok {
				return false
			}
			switch op.Weight(u.pos) {
			case ops.AnyWeight:
			case ops.VectorWeight:
				if scalar {
					return false
				}
			case ops.PassWeight:
				if len(u.node.Outputs) != 1 || !qualifies(u.node.Outputs[0], scalar) {
					return false
				}
			default:
				return false
			}
		}
		return true
	}
	sg := &secretRewriter{orig: g, secret: map[string]bool{}, from: map[string]string{},
		out: &graph.Graph{Name: g.Name, Opset: g.Opset, Inputs: g.Inputs, Outputs: g.Outputs, Consts: maps.Clone(g.Consts)}}
	for name, t := range g.Consts {
		if t.DType == graph.Float && qualifies(name, len(t.Data) < 2) {
			sg.secret[name] = true
		}
	}
	out, secret := sg.out, sg.secret
	used := map[string]bool{}
	for _, n := range g.Nodes {
		var bias string
		if op, ok, _ := ops.LookupDomain(n.Domain, n.Op); ok && op.SecretRewrite != nil && sg.readsSecret(n) {
			n = cloneNode(n)
			bias = op.SecretRewrite(n, sg)
		}
		if bias == "" {
			out.Nodes = append(out.Nodes, n)
			for _, in := range n.Inputs {
				used[in] = true
			}
			continue
		}
		final := n.Outputs[0]
		n.Outputs = slices.Clone(n.Outputs)
		n.Outputs[0] = final + "·nobias"
		out.Nodes = append(out.Nodes, n, &graph.Node{
			Name: n.String() + "·bias", Op: "Add", Inputs: []string{n.Outputs[0], bias}, Outputs: []string{final},
		})
		for _, in := range append(slices.Clone(n.Inputs), bias) {
			used[in] = true
		}
	}
	var names []string
	for name := range secret {
		if used[name] {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return out, names, sg.from
}

// secretRewriter is the ops.SecretGraph that secretGraph hands to the ops'
// SecretRewrite: the original graph, the copy being made, and the secret
// weights, derived ones included.
type secretRewriter struct {
	orig, out *graph.Graph
	secret    map[string]bool
	from      map[string]string // a derived weight's initializer in orig
}

func (s *secretRewriter) Secret(n *graph.Node, i int) bool {
	return i < len(n.Inputs) && s.secret[n.Inputs[i]]
}

func (s *secretRewriter) Const(name string) *graph.Tensor { return s.orig.Consts[name] }

func (s *secretRewriter) Derive(name, suffix string, shape []int, f float64) string {
	t := s.orig.Consts[name]
	nt := &graph.Tensor{DType: t.DType, Shape: slices.Clone(shape), Data: slices.Clone(t.Data)}
	for i := range nt.Data {
		nt.Data[i] *= f
	}
	nn := name + suffix
	s.out.Consts[nn] = nt
	s.secret[nn] = true
	s.from[nn] = name
	return nn
}

// readsSecret reports whether any input of n is a secret weight.
func (s *secretRewriter) readsSecret(n *graph.Node) bool {
	for i := range n.Inputs {
		if s.Secret(n, i) {
			return true
		}
	}
	return false
}

func cloneNode(n *graph.Node) *graph.Node {
	c := *n
	c.Inputs = slices.Clone(n.Inputs)
	c.Attrs = maps.Clone(n.Attrs)
	if c.Attrs == nil {
		c.Attrs = map[string]graph.Attr{}
	}
	return &c
}
