package cnn

import (
	"fmt"
	"slices"

	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/ops"
	"github.com/zkinfer/zkinfer/transparent/mlp"
)

// FromResidual builds a Residual from a compiled model (model.Compile with
// constant weights) whose steps are convolution blocks as FromModel reads
// them, residual Adds each followed by a Relu (ops.ViewAdd, ops.ViewRelu),
// a GlobalAveragePool over a power-of-two plane (ops.ViewLinMap: a free sum
// with one weight per position, then a Rescale), a flatten and a dense
// head: resnet_c32's architecture (bench/genmodels.py). Each step's inputs
// are found by name, so a tensor may be read by several steps. Anything
// else is refused with the step's name.
func FromResidual(mod *model.Model) (*Residual, error) {
	if len(mod.Inputs) != 1 || len(mod.Outputs) != 1 || len(mod.Params) != 0 {
		return nil, fmt.Errorf("cnn: %d inputs, %d outputs, %d secret weights: want one input, one output, constant weights", len(mod.Inputs), len(mod.Outputs), len(mod.Params))
	}
	s := mod.Inputs[0].Shape
	if len(s) != 4 || s[0] != 1 {
		return nil, fmt.Errorf("cnn: input of shape %v, want 1×C×H×W", s)
	}
	ids := map[string]int{mod.Graph.Inputs[0].Name: 0}
	var nodes []Node
	var dense []mlp.Dense
	open, pending, flat := -1, -1, false // a block whose rescale a pool must take; an Add awaiting its Relu
	read := func(name string) (int, error) {
		id, ok := ids[name]
		if !ok {
			return 0, fmt.Errorf("reads %q, which no supported step produced", name)
		}
		if id < 0 {
			return 0, fmt.Errorf("reads the dense layer output %q", name)
		}
		if id == pending+1 && pending >= 0 {
			return 0, fmt.Errorf("reads the Add %q before its Relu", name)
		}
		return id, nil
	}
	for i := 0; i < mod.NumSteps(); i++ {
		st := mod.Step(i)
		name := fmt.Sprintf("step %d (%s %s)", i, st.Op, st.Node.Name)
		in, outName := st.Node.Inputs[0], st.Node.Outputs[0]
		if st.Fused {
			ids[outName] = ids[in] // a ReLU absorbed by the rescale before it
			continue
		}
		if v, ok := ops.ViewMove(st.Plan); ok && v.Index == nil && slices.Equal(st.Inputs[0].Shape, st.Outputs[0].Shape) {
			ids[outName] = ids[in]
			continue
		}
		if open >= 0 && st.Op != "MaxPool" {
			return nil, fmt.Errorf("cnn: %s: node %d's rescale was taken by no pool", name, open)
		}
		if st.Op == "Relu" && pending >= 0 && ids[in] == pending+1 {
			bits, ok := ops.ViewRelu(st.Plan)
			if !ok {
				return nil, fmt.Errorf("cnn: %s: not a plain ReLU", name)
			}
			nodes[pending].Bits = bits
			ids[outName] = pending + 1
			pending = -1
			continue
		}
		if pending >= 0 {
			return nil, fmt.Errorf("cnn: %s: the Add before it is followed by no Relu (a bare Add is not supported)", name)
		}
		if flat && st.Op != "Gemm" && st.Op != "MatMul" {
			return nil, fmt.Errorf("cnn: %s after the flatten", name)
		}
		if st.Op == "Gemm" || st.Op == "MatMul" {
			// Dense outputs are tensors −1, −2, …: each layer reads the
			// flatten (the last node's output) or the layer before.
			want := -len(dense)
			if len(dense) == 0 {
				want = len(nodes)
			}
			if id, ok := ids[in]; !flat || !ok || id != want {
				return nil, fmt.Errorf("cnn: %s: a dense layer not reading the flatten or the dense layer before it", name)
			}
			d, err := denseFrom(st)
			if err != nil {
				return nil, fmt.Errorf("cnn: %s: %v", name, err)
			}
			dense = append(dense, d)
			ids[outName] = -len(dense)
			continue
		}
		x, err := read(in)
		if err != nil {
			return nil, fmt.Errorf("cnn: %s: %v", name, err)
		}
		switch st.Op {
		case "Conv":
			c, err := convFrom(st)
			if err != nil {
				return nil, fmt.Errorf("cnn: %s: %v", name, err)
			}
			nodes = append(nodes, Node{Kind: NodeConv, In: []int{x}, Conv: c})
			if c.Shift == 0 {
				open = len(nodes) - 1
			}
		case "MaxPool":
			k := len(nodes) - 1
			if k < 0 || x != k+1 || nodes[k].Kind != NodeConv || nodes[k].Conv.Pool != 0 {
				return nil, fmt.Errorf("cnn: %s: a max pool not right after a convolution", name)
			}
			if err := poolFrom(st, &nodes[k].Conv, open == k); err != nil {
				return nil, fmt.Errorf("cnn: %s: %v", name, err)
			}
			open = -1
			ids[outName] = x
			continue
		case "Add":
			v, ok := ops.ViewAdd(st.Plan)
			if !ok || len(v.Shape) != 4 {
				return nil, fmt.Errorf("cnn: %s: not an Add of two computed 1×C×H×W tensors of one shape", name)
			}
			y, err := read(st.Node.Inputs[1])
			if err != nil {
				return nil, fmt.Errorf("cnn: %s: %v", name, err)
			}
			nodes = append(nodes, Node{Kind: NodeAddRelu, In: []int{x, y}, UpA: v.UpA, UpB: v.UpB})
			pending = len(nodes) - 1
		case "GlobalAveragePool":
			n, err := avgFrom(st)
			if err != nil {
				return nil, fmt.Errorf("cnn: %s: %v", name, err)
			}
			n.In = []int{x}
			nodes = append(nodes, n)
		case "Flatten", "Reshape":
			v, ok := ops.ViewMove(st.Plan)
			if !ok || v.Index != nil || len(v.Shape) != 2 || v.Shape[0] != 1 || x != len(nodes) {
				return nil, fmt.Errorf("cnn: %s: not a flatten to 1×K of the last node's output", name)
			}
			flat = true
		default:
			return nil, fmt.Errorf("cnn: %s is not a convolution, max pool, Add+Relu, global average pool, flatten or dense layer", name)
		}
		ids[outName] = len(nodes)
	}
	if pending >= 0 || open >= 0 {
		return nil, fmt.Errorf("cnn: the model ends in an Add without its Relu or a convolution without its rescale")
	}
	for i, n := range nodes {
		if n.Kind == NodeConv && n.Conv.Shift == 0 {
			return nil, fmt.Errorf("cnn: node %d has no rescale (an upscale or none): not supported", i)
		}
	}
	return NewResidual(mod.Settings.ActBits, [3]int{s[1], s[2], s[3]}, nodes, dense)
}

// avgFrom reads a GlobalAveragePool: output c must be Σ_p W_p·x[c·H·W + p]
// with one W per position for every channel, no bias, no division (H·W a
// power of two: ops folds 1/H·W into the weights' scale) and a Rescale.
func avgFrom(st model.Step) (Node, error) {
	in := st.Inputs[0].Shape
	v, ok := ops.ViewLinMap(st.Plan)
	if !ok || len(in) != 4 || in[0] != 1 {
		return Node{}, fmt.Errorf("not a linear map over a 1×C×H×W tensor")
	}
	c, hw := in[1], in[2]*in[3]
	if v.Bias != nil || v.Div != nil {
		return Node{}, fmt.Errorf("a bias or a division by %d (not a power of two): not supported", hw)
	}
	if v.RQ.Shift == 0 || v.RQ.Up != 0 || v.RQ.Relu {
		return Node{}, fmt.Errorf("rescale %+v: want a plain Rescale", v.RQ)
	}
	if len(v.Off) != c+1 || len(v.Src) != c*hw {
		return Node{}, fmt.Errorf("%d outputs of %d terms, want %d of %d", len(v.Off)-1, len(v.Src), c, hw)
	}
	w := slices.Clone(v.W[:hw])
	for ch := 0; ch < c; ch++ {
		if int(v.Off[ch]) != ch*hw {
			return Node{}, fmt.Errorf("output %d starts at term %d, want %d", ch, v.Off[ch], ch*hw)
		}
		for p := 0; p < hw; p++ {
			if k := ch*hw + p; int(v.Src[k]) != k || v.W[k] != w[p] {
				return Node{}, fmt.Errorf("output %d's term %d reads x[%d]·%d, want x[%d]·%d", ch, p, v.Src[k], v.W[k], k, w[p])
			}
		}
	}
	return Node{Kind: NodeAvg, AvgW: w, Shift: v.RQ.Shift, AvgBits: v.RQ.Bits}, nil
}
