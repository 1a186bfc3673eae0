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

// Secret parameters.
//
// CompileSecret compiles a model whose weights are not part of the circuit:
// each weight initializer becomes a dynamic input (Info.Const == nil) that
// the witness supplies, so the constraint system depends on the
// architecture only and anyone can run setup without the weights.
//
// The rule for what is a weight (DefaultParamBits below bounds its values):
//   - a float initializer read as an operand of Gemm, MatMul or Conv (A, B,
//     C, W, bias), whatever its size;
//   - a float initializer with at least 2 elements read as an operand of
//     Add, Sub or Mul (per-channel scales and shifts), or as the data input of
//     a pure data-movement op (Reshape, Transpose, Flatten, Squeeze,
//     Unsqueeze, Identity) whose result is only used as above;
//   - a float initializer qualifies only when every use of it qualifies.
//
// Everything else stays fixed in the circuit and public: integer tensors
// (shapes, axes, indices), scalar constants of element-wise ops, and
// constants read by ops that need compile-time values (e.g. Clip bounds,
// BatchNormalization statistics). FixedConstants lists the float ones so
// that the settings can disclose them.
//
// A Gemm's or Conv's bias that is a weight is moved into an Add after the
// product (Gemm's alpha and beta are folded into the weights), since those
// kernels only take a constant bias.

// DefaultParamBits bounds secret weights to [-2^15, 2^15) at the parameter
// scale: |w| < 8 at the default param scale 2^12.
const DefaultParamBits = 16

var (
	// weightPos lists the operand positions of ops that take any float
	// initializer as a weight.
	weightPos = map[string][]int{"Gemm": {0, 1, 2}, "MatMul": {0, 1}, "Conv": {1, 2}}
	// vectorPos lists positions that take a non-scalar initializer.
	vectorPos = map[string][]int{"Add": {0, 1}, "Sub": {0, 1}, "Mul": {0, 1}}
	// movePos lists data-movement ops through which a weight may pass.
	movePos = map[string][]int{"Reshape": {0}, "Transpose": {0}, "Flatten": {0}, "Squeeze": {0}, "Unsqueeze": {0}, "Identity": {0}}
)

// CompileSecret compiles g with its weights as secret inputs, each bounded
// to bits signed bits at the settings' parameter scale.
func CompileSecret(g *graph.Graph, s quant.Settings, bits int) (*Model, error) {
	if bits < 2 || bits > s.ActBits {
		return nil, fmt.Errorf("model: param bits %d is outside [2, act bits %d]", bits, s.ActBits)
	}
	g2, names := secretGraph(g)
	if len(names) == 0 {
		return nil, fmt.Errorf("model: the model has no weights that can be kept secret")
	}
	params := map[string]*ops.Info{}
	for _, name := range names {
		t := g2.Consts[name]
		params[name] = &ops.Info{DType: graph.Float, Shape: slices.Clone(t.Shape), Scale: s.ParamScale, Max: math.Ldexp(1, bits-1)}
	}
	m, err := compile(g2, s, params)
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

// SecretParamNames returns the initializers of g that CompileSecret turns
// into secret weights, sorted (after the bias and alpha/beta rewriting,
// whose new tensors are named after the original with a suffix).
func SecretParamNames(g *graph.Graph) []string {
	_, names := secretGraph(g)
	return names
}

type use struct {
	node *graph.Node
	pos  int
}

// secretGraph returns a copy of g with biases split out of Gemm and Conv and
// alpha/beta folded into weights, and the names of its secret weights.
func secretGraph(g *graph.Graph) (*graph.Graph, []string) {
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
			switch {
			case u.node == nil:
				return false
			case slices.Contains(weightPos[u.node.Op], u.pos):
			case slices.Contains(vectorPos[u.node.Op], u.pos) && !scalar:
			case slices.Contains(movePos[u.node.Op], u.pos) && len(u.node.Outputs) == 1:
				if !qualifies(u.node.Outputs[0], scalar) {
					return false
				}
			default:
				return false
			}
		}
		return true
	}
	secret := map[string]bool{}
	for name, t := range g.Consts {
		if t.DType == graph.Float && qualifies(name, len(t.Data) < 2) {
			secret[name] = true
		}
	}
	out := &graph.Graph{Name: g.Name, Opset: g.Opset, Inputs: g.Inputs, Outputs: g.Outputs, Consts: maps.Clone(g.Consts)}
	isSecret := func(n *graph.Node, i int) bool { return i < len(n.Inputs) && secret[n.Inputs[i]] }
	derive := func(name, suffix string, shape []int, f float64) string {
		t := g.Consts[name]
		nt := &graph.Tensor{DType: t.DType, Shape: slices.Clone(shape), Data: slices.Clone(t.Data)}
		for i := range nt.Data {
			nt.Data[i] *= f
		}
		nn := name + suffix
		out.Consts[nn] = nt
		secret[nn] = true
		return nn
	}
	used := map[string]bool{}
	for _, n := range g.Nodes {
		var bias string
		var biasShape []int
		switch {
		case n.Op == "Gemm" && (isSecret(n, 0) || isSecret(n, 1) || isSecret(n, 2)):
			n = cloneNode(n)
			if alpha := n.AttrFloat("alpha", 1); alpha != 1 && (isSecret(n, 0) || isSecret(n, 1)) {
				i := 1
				if !isSecret(n, 1) {
					i = 0
				}
				n.Inputs[i] = derive(n.Inputs[i], "·alpha", g.Consts[n.Inputs[i]].Shape, alpha)
				n.Attrs["alpha"] = graph.Attr{Kind: graph.AttrFloat, Float: 1}
			}
			if isSecret(n, 2) {
				bias = n.Inputs[2]
				biasShape = g.Consts[bias].Shape
				if beta := n.AttrFloat("beta", 1); beta != 1 {
					bias = derive(bias, "·beta", biasShape, beta)
				}
				n.Inputs = n.Inputs[:2]
				delete(n.Attrs, "beta")
			}
		case n.Op == "Conv" && isSecret(n, 2) && len(n.Inputs) > 1 && g.Consts[n.Inputs[1]] != nil:
			n = cloneNode(n)
			w := g.Consts[n.Inputs[1]]
			bias = n.Inputs[2]
			biasShape = append([]int{len(g.Consts[bias].Data)}, make([]int, len(w.Shape)-2)...)
			for i := 1; i < len(biasShape); i++ {
				biasShape[i] = 1
			}
			if !slices.Equal(biasShape, g.Consts[bias].Shape) {
				bias = derive(bias, "·bias", biasShape, 1)
			}
			n.Inputs = n.Inputs[:2]
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
	return out, names
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
