package cnn

import (
	"fmt"
	"slices"

	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/ops"
	"github.com/zkinfer/zkinfer/transparent/conv"
	"github.com/zkinfer/zkinfer/transparent/mlp"
)

// FromModel builds the chain from a compiled model (model.Compile with
// constant weights) of the form
//
//	(Conv [Relu] [MaxPool])+ [Flatten (Gemm [Relu])*]
//
// with one 1×C×H×W input (steps that move nothing, such as a Reshape to the
// same shape, are skipped): cnn_c32's architecture (bench/genmodels.py), the
// corpus's 3l_relu_conv_fc, 1l_conv and 1l_downsample. The
// integers are the plans' own (ops.View*): each convolution's weights per
// kernel (ops.ViewConv), as the integer evaluator uses them; a pool that took the convolution's rescale over
// (ops.RequantTaker) gives the block its shift, bits and ReLU. Anything else
// — another operator, an upscale, a strided or dilated pool, a Gemm with a
// computed right operand — is refused with the step's name.
func FromModel(mod *model.Model) (*Model, error) {
	if len(mod.Inputs) != 1 || len(mod.Outputs) != 1 || len(mod.Params) != 0 {
		return nil, fmt.Errorf("cnn: %d inputs, %d outputs, %d secret weights: want one input, one output, constant weights", len(mod.Inputs), len(mod.Outputs), len(mod.Params))
	}
	if s := mod.Inputs[0].Shape; len(s) != 4 || s[0] != 1 {
		return nil, fmt.Errorf("cnn: input of shape %v, want 1×C×H×W", s)
	}
	var convs []Conv
	var dense []mlp.Dense
	open := -1 // the block whose rescale a pool may still take
	flat := false
	for i := 0; i < mod.NumSteps(); i++ {
		st := mod.Step(i)
		name := fmt.Sprintf("step %d (%s %s)", i, st.Op, st.Node.Name)
		if st.Fused {
			continue // a ReLU absorbed by the rescale before it
		}
		if v, ok := ops.ViewMove(st.Plan); ok && v.Index == nil && slices.Equal(st.Inputs[0].Shape, st.Outputs[0].Shape) {
			continue // a Reshape or Identity that moves nothing
		}
		switch {
		case st.Op == "Conv" && !flat:
			c, err := convFrom(st)
			if err != nil {
				return nil, fmt.Errorf("cnn: %s: %v", name, err)
			}
			convs = append(convs, c)
			open = -1
			if c.Shift == 0 {
				open = len(convs) - 1
			}
		case st.Op == "MaxPool" && !flat && len(convs) > 0 && convs[len(convs)-1].Pool == 0:
			c := &convs[len(convs)-1]
			if err := poolFrom(st, c, open == len(convs)-1); err != nil {
				return nil, fmt.Errorf("cnn: %s: %v", name, err)
			}
			open = -1
		case (st.Op == "Flatten" || st.Op == "Reshape") && !flat && len(convs) > 0:
			v, ok := ops.ViewMove(st.Plan)
			if !ok || v.Index != nil || len(v.Shape) != 2 || v.Shape[0] != 1 {
				return nil, fmt.Errorf("cnn: %s: not a flatten to 1×K", name)
			}
			flat = true
		case st.Op == "Gemm" || st.Op == "MatMul":
			if !flat {
				return nil, fmt.Errorf("cnn: %s: a dense layer before the flatten", name)
			}
			d, err := denseFrom(st)
			if err != nil {
				return nil, fmt.Errorf("cnn: %s: %v", name, err)
			}
			dense = append(dense, d)
		default:
			return nil, fmt.Errorf("cnn: %s is not part of a (Conv [Relu] [MaxPool])+ Flatten (Gemm [Relu])+ chain", name)
		}
		if open >= 0 && st.Op != "Conv" {
			return nil, fmt.Errorf("cnn: %s: block %d's rescale was taken by no pool", name, open)
		}
	}
	for i, c := range convs {
		if c.Shift == 0 {
			return nil, fmt.Errorf("cnn: block %d has no rescale (an upscale or none): not supported", i)
		}
	}
	return NewModel(mod.Settings.ActBits, convs, dense)
}

func ints(n *graph.Node, name string, def int64, k int) []int {
	v := n.AttrInts(name, nil)
	out := make([]int, k)
	for i := range out {
		out[i] = int(def)
		if i < len(v) {
			out[i] = int(v[i])
		}
	}
	return out
}

// convFrom reads a Conv step: its geometry from the node and the infos, its
// integers from the plan.
func convFrom(st model.Step) (Conv, error) {
	in, out := st.Inputs[0].Shape, st.Outputs[0].Shape
	if len(in) != 4 || len(out) != 4 || in[0] != 1 {
		return Conv{}, fmt.Errorf("shapes %v → %v, want 1×C×H×W", in, out)
	}
	n := st.Node
	k := ints(n, "kernel_shape", 0, 2)
	if k[0] == 0 && len(n.Inputs) > 1 {
		return Conv{}, fmt.Errorf("no kernel_shape attribute")
	}
	strides, dil, pads := ints(n, "strides", 1, 2), ints(n, "dilations", 1, 2), ints(n, "pads", 0, 4)
	if n.AttrInt("group", 1) != 1 || dil[0] != 1 || dil[1] != 1 || strides[0] != strides[1] ||
		slices.Min(pads) != slices.Max(pads) || n.AttrString("auto_pad", "NOTSET") != "NOTSET" {
		return Conv{}, fmt.Errorf("groups, dilations, unequal strides or pads, auto_pad: not supported")
	}
	s := conv.Shape{C: in[1], H: in[2], W: in[3], O: out[1], KH: k[0], KW: k[1], Stride: strides[0], Pad: pads[0]}
	if oh, ow := s.Out(); oh != out[2] || ow != out[3] {
		return Conv{}, fmt.Errorf("output %v, the geometry gives %dx%d", out, oh, ow)
	}
	var rq ops.Requant
	c := Conv{Shape: s}
	if v, ok := ops.ViewConv(st.Plan); ok {
		// Weights per kernel: the integers are Σ W·x over the in-bounds taps.
		if len(v.W) != s.O*s.C*s.KH*s.KW || (v.Bias != nil && len(v.Bias) != s.O) {
			return Conv{}, fmt.Errorf("%d weights and %d biases for a %dx%dx%dx%d kernel", len(v.W), len(v.Bias), s.O, s.C, s.KH, s.KW)
		}
		c.W, c.B, rq = v.W, v.Bias, v.RQ
	} else {
		return Conv{}, fmt.Errorf("not a constant-weight convolution")
	}
	if rq.Up != 0 {
		return Conv{}, fmt.Errorf("an upscale after the convolution: not supported")
	}
	c.Shift, c.Bits, c.ReLU = rq.Shift, rq.Bits, rq.Relu
	return c, nil
}

// poolFrom reads a MaxPool step after block c: K×K windows of stride K
// without padding, each window's sources checked; took says whether the
// pool must hold the block's rescale (the block has none of its own).
func poolFrom(st model.Step, c *Conv, took bool) error {
	v, ok := ops.ViewGroup(st.Plan)
	if !ok || v.Min {
		return fmt.Errorf("not a max pool")
	}
	n := st.Node
	k, strides, pads, dil := ints(n, "kernel_shape", 0, 2), ints(n, "strides", 1, 2), ints(n, "pads", 0, 4), ints(n, "dilations", 1, 2)
	if k[0] != k[1] || strides[0] != k[0] || strides[1] != k[0] || slices.Max(pads) != 0 || dil[0] != 1 || dil[1] != 1 || k[0] < 1 {
		return fmt.Errorf("kernel %v, strides %v, pads %v: only K×K windows of stride K without padding", k, strides, pads)
	}
	K := k[0]
	oh, ow := c.Shape.Out()
	ph, pw := oh/K, ow/K
	if len(v.Off) != c.Shape.O*ph*pw+1 {
		return fmt.Errorf("%d windows, want %d", len(v.Off)-1, c.Shape.O*ph*pw)
	}
	for i := 0; i < len(v.Off)-1; i++ {
		ch, p := i/(ph*pw), i%(ph*pw)
		y, x := p/pw, p%pw
		var want []int32
		for a := 0; a < K; a++ {
			for b := 0; b < K; b++ {
				want = append(want, int32(ch*oh*ow+(y*K+a)*ow+x*K+b))
			}
		}
		got := slices.Clone(v.Src[v.Off[i]:v.Off[i+1]])
		slices.Sort(got)
		if !slices.Equal(got, want) {
			return fmt.Errorf("window %d reads %v, want %v", i, got, want)
		}
	}
	switch {
	case took && v.RQ != nil && v.RQ.Shift > 0 && v.RQ.Up == 0:
		c.Shift, c.Bits, c.ReLU = v.RQ.Shift, v.RQ.Bits, v.RQ.Relu
	case took:
		return fmt.Errorf("the block before has no rescale and the pool does not take it")
	case v.RQ != nil:
		return fmt.Errorf("a pool rescaling a block that rescaled already")
	}
	c.Pool = K
	return nil
}

// denseFrom reads a Gemm or MatMul step with a constant right operand.
func denseFrom(st model.Step) (mlp.Dense, error) {
	v, ok := ops.ViewMatMul(st.Plan)
	if !ok || v.M != 1 || v.SAk != 1 {
		return mlp.Dense{}, fmt.Errorf("not a 1×K product with a constant K×N operand")
	}
	if v.RQ.Shift == 0 {
		return mlp.Dense{}, fmt.Errorf("no rescale after the product: not supported")
	}
	return mlp.Dense{K: v.K, N: v.N, W: v.W, B: v.Bias, Shift: v.RQ.Shift, Bits: v.RQ.Bits, ReLU: v.RQ.Relu}, nil
}
