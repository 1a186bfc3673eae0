package ops_test

import (
	"testing"

	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/internal/optest"
)

// TestWindowOps covers Conv, ConvTranspose, pooling, reductions and Resize
// on small tensors with hand-computed expectations.
func TestWindowOps(t *testing.T) {
	x := optest.T([]int{1, 1, 3, 3}, 1, 2, 3, 4, 5, 6, 7, 8, 9)
	xin := []optest.Named{{Name: "x", Tensor: x}}
	w := optest.T([]int{1, 1, 2, 2}, 0.5, -1, 0.25, 2)
	cases := []optest.Case{
		// 0.5·a - b + 0.25·c + 2·d + 0.1
		{Name: "conv with bias", Node: node("Conv", []string{"x", "w", "b"}, []string{"y"}, nil), Inputs: xin,
			Consts: map[string]*graph.Tensor{"w": w, "b": optest.T([]int{1}, 0.1)}, Want: []float64{9.6, 11.35, 14.85, 16.6}},
		{Name: "conv stride 2 pads 1", Node: node("Conv", []string{"x", "w"}, []string{"y"}, attrs("strides", []int64{2, 2}, "pads", []int64{1, 1, 1, 1})), Inputs: xin,
			Consts: map[string]*graph.Tensor{"w": w}, Want: []float64{2, 6.5, 10, 16.5}},
		{Name: "conv same upper", Node: node("Conv", []string{"x", "w"}, []string{"y"}, attrs("auto_pad", "SAME_UPPER", "strides", []int64{2, 2})), Inputs: xin,
			Consts: map[string]*graph.Tensor{"w": w}, Want: []float64{9.5, 3, -4.5, 4.5}}, // checked against onnx.reference
		{Name: "conv transpose", Node: node("ConvTranspose", []string{"x", "w"}, []string{"y"}, attrs("strides", []int64{3, 3})),
			Inputs: []optest.Named{{Name: "x", Tensor: optest.T([]int{1, 1, 1, 2}, 1, 2)}}, Consts: map[string]*graph.Tensor{"w": w},
			Want: []float64{0.5, -1, 0, 1, -2, 0.25, 2, 0, 0.5, 4}},
		{Name: "max pool", Node: node("MaxPool", []string{"x"}, []string{"y"}, attrs("kernel_shape", []int64{2, 2})), Inputs: xin, Want: []float64{5, 6, 8, 9}},
		{Name: "max pool padded ceil", Node: node("MaxPool", []string{"x"}, []string{"y"}, attrs("kernel_shape", []int64{2, 2}, "strides", []int64{2, 2}, "ceil_mode", int64(1))), Inputs: xin, Want: []float64{5, 6, 8, 9}},
		{Name: "average pool excluding pads", Node: node("AveragePool", []string{"x"}, []string{"y"}, attrs("kernel_shape", []int64{2, 2}, "pads", []int64{1, 1, 0, 0}, "strides", []int64{2, 2})), Inputs: xin,
			Want: []float64{1, 2.5, 5.5, 7}},
		{Name: "average pool count_include_pad", Node: node("AveragePool", []string{"x"}, []string{"y"}, attrs("kernel_shape", []int64{3, 3}, "pads", []int64{1, 1, 1, 1}, "count_include_pad", int64(1), "strides", []int64{2, 2})), Inputs: xin,
			Want: []float64{12.0 / 9, 16.0 / 9, 24.0 / 9, 28.0 / 9}},
		{Name: "global average pool", Node: node("GlobalAveragePool", []string{"x"}, []string{"y"}, nil), Inputs: xin, Want: []float64{5}},
		{Name: "lp pool p=1", Node: node("LpPool", []string{"x"}, []string{"y"}, attrs("kernel_shape", []int64{3, 3}, "p", int64(1))),
			Inputs: []optest.Named{{Name: "x", Tensor: optest.Ramp([]int{1, 1, 3, 3}, -2, 2)}}, Want: []float64{10}},
		{Name: "reduce sum axis 1 keepdims 0", Node: node("ReduceSum", []string{"x", "a"}, []string{"y"}, attrs("keepdims", int64(0))), Inputs: xin,
			Consts: map[string]*graph.Tensor{"a": intTensor([]int{1}, 3)}, Want: []float64{6, 15, 24}},
		{Name: "reduce mean by 3", Node: node("ReduceMean", []string{"x"}, []string{"y"}, attrs("axes", []int64{2})), Inputs: xin, Want: []float64{4, 5, 6}},
		{Name: "reduce max all", Node: node("ReduceMax", []string{"x"}, []string{"y"}, nil), Inputs: xin, Want: []float64{9}},
		{Name: "reduce min", Node: node("ReduceMin", []string{"x"}, []string{"y"}, attrs("axes", []int64{-1})), Inputs: xin, Want: []float64{1, 4, 7}},
		{Name: "reduce l1", Node: node("ReduceL1", []string{"x"}, []string{"y"}, attrs("axes", []int64{3})),
			Inputs: []optest.Named{{Name: "x", Tensor: optest.Ramp([]int{1, 1, 3, 3}, -2, 2)}}, Want: []float64{4.5, 1, 4.5}},
		{Name: "reduce l2", Node: node("ReduceL2", []string{"x"}, []string{"y"}, attrs("axes", []int64{3})),
			Inputs: []optest.Named{{Name: "x", Tensor: optest.T([]int{1, 1, 1, 2}, 3, -4)}}, Want: []float64{5}},
		// log(e^-2 + e^0 + e^2) = 2.1429316284998996, log(e^-1 + e^1 + e^-3) = 1.1429316284998996
		{Name: "reduce log sum exp", Node: node("ReduceLogSumExp", []string{"x"}, []string{"y"}, attrs("axes", []int64{1}, "keepdims", int64(0))),
			Inputs: []optest.Named{{Name: "x", Tensor: optest.T([]int{2, 3}, -2, 0, 2, -1, 1, -3)}}, Want: []float64{2.1429316284998996, 1.1429316284998996}},
		{Name: "reduce log sum exp all, ties", Node: node("ReduceLogSumExp", []string{"x"}, []string{"y"}, nil),
			Inputs: []optest.Named{{Name: "x", Tensor: optest.T([]int{2, 2}, 3, 3, 3, 3)}}, Want: []float64{3 + 1.3862943611198906}},
		// log(1 + 2 + 3.5) = 1.8718021769015913
		{Name: "reduce log sum", Node: node("ReduceLogSum", []string{"x"}, []string{"y"}, attrs("axes", []int64{0})),
			Inputs: []optest.Named{{Name: "x", Tensor: optest.T([]int{3, 1}, 1, 2, 3.5)}}, Want: []float64{1.8718021769015913}},
		{Name: "resize nearest asymmetric floor", Node: node("Resize", []string{"x", "", "s"}, []string{"y"}, attrs("coordinate_transformation_mode", "asymmetric", "nearest_mode", "floor")),
			Inputs: []optest.Named{{Name: "x", Tensor: optest.T([]int{1, 2}, 1, 2)}}, Consts: map[string]*graph.Tensor{"s": optest.T([]int{2}, 1, 2)}, Want: []float64{1, 1, 2, 2}},
		{Name: "resize linear", Node: node("Resize", []string{"x", "", "s"}, []string{"y"}, attrs("mode", "linear")),
			Inputs: []optest.Named{{Name: "x", Tensor: optest.T([]int{1, 2}, 1, 2)}}, Consts: map[string]*graph.Tensor{"s": optest.T([]int{2}, 1, 2)}, Want: []float64{1, 1.25, 1.75, 2}},
	}
	for _, c := range cases {
		c.Tol = 2e-3
		t.Run(c.Name, func(t *testing.T) { optest.Run(t, c) })
	}
}

// pseudo returns n deterministic values in [-1, 1).
func pseudo(n int, seed uint64) []float64 {
	out := make([]float64, n)
	for i := range out {
		seed = seed*6364136223846793005 + 1442695040888963407
		out[i] = float64(seed>>40)/float64(1<<23) - 1
	}
	return out
}

// TestConvComputedWeights runs Conv and ConvTranspose with the weights (and
// a bias) as computed inputs: the float reference against hand-computed
// values and against the same node with constant weights, the evaluator
// against the float reference and the circuit against the evaluator.
func TestConvComputedWeights(t *testing.T) {
	x := optest.T([]int{1, 1, 3, 3}, 1, 2, 3, 4, 5, 6, 7, 8, 9)
	w := optest.T([]int{1, 1, 2, 2}, 0.5, -1, 0.25, 2)
	hand := []optest.Case{
		{Name: "conv constant bias", Node: node("Conv", []string{"x", "w", "b"}, []string{"y"}, nil),
			Inputs: []optest.Named{optest.In("x", x), optest.In("w", w)}, Consts: map[string]*graph.Tensor{"b": optest.T([]int{1}, 0.1)},
			Want: []float64{9.6, 11.35, 14.85, 16.6}},
		{Name: "conv computed bias", Node: node("Conv", []string{"x", "w", "b"}, []string{"y"}, nil),
			Inputs: []optest.Named{optest.In("x", x), optest.In("w", w), optest.In("b", optest.T([]int{1}, 0.1))},
			Want:   []float64{9.6, 11.35, 14.85, 16.6}},
		{Name: "conv stride 2 pads 1", Node: node("Conv", []string{"x", "w"}, []string{"y"}, map[string]graph.Attr{"strides": ints(2, 2), "pads": ints(1, 1, 1, 1)}),
			Inputs: []optest.Named{optest.In("x", x), optest.In("w", w)}, Want: []float64{2, 6.5, 10, 16.5}},
		{Name: "conv transpose", Node: node("ConvTranspose", []string{"x", "w"}, []string{"y"}, map[string]graph.Attr{"strides": ints(3, 3)}),
			Inputs: []optest.Named{optest.In("x", optest.T([]int{1, 1, 1, 2}, 1, 2)), optest.In("w", w)},
			Want:   []float64{0.5, -1, 0, 1, -2, 0.25, 2, 0, 0.5, 4}},
	}
	for _, c := range hand {
		c.Tol = 2e-3
		t.Run(c.Name, func(t *testing.T) { optest.Run(t, c) })
	}

	geoms := []struct {
		name    string
		op      string
		x, w    []int
		attrs   map[string]graph.Attr
		hasBias int // bias length, 0 for none
	}{
		{"conv 3x3 two images", "Conv", []int{2, 2, 6, 6}, []int{3, 2, 3, 3}, nil, 3},
		{"conv group 2 stride 2 pads dilation", "Conv", []int{1, 4, 7, 6}, []int{4, 2, 2, 3},
			map[string]graph.Attr{"group": i64(2), "strides": ints(2, 1), "pads": ints(1, 0, 2, 1), "dilations": ints(2, 1)}, 4},
		{"conv 1d same lower", "Conv", []int{1, 2, 9}, []int{2, 2, 4}, map[string]graph.Attr{"auto_pad": {Kind: graph.AttrString, String: "SAME_LOWER"}, "strides": ints(2)}, 0},
		{"conv transpose stride 2 pads output_padding", "ConvTranspose", []int{1, 2, 3, 4}, []int{2, 3, 3, 2},
			map[string]graph.Attr{"strides": ints(2, 2), "pads": ints(1, 0, 0, 1), "output_padding": ints(1, 0)}, 3},
		{"conv transpose group 2 dilation", "ConvTranspose", []int{2, 4, 3, 3}, []int{4, 1, 2, 2},
			map[string]graph.Attr{"group": i64(2), "dilations": ints(2, 1)}, 2},
	}
	for i, g := range geoms {
		t.Run(g.name, func(t *testing.T) {
			xt := optest.T(g.x, pseudo(graph.NumElements(g.x), uint64(3*i+1))...)
			wt := optest.T(g.w, pseudo(graph.NumElements(g.w), uint64(3*i+2))...)
			ins := []string{"x", "w"}
			var bt *graph.Tensor
			if g.hasBias > 0 {
				bt = optest.T([]int{g.hasBias}, pseudo(g.hasBias, uint64(3*i+3))...)
				ins = append(ins, "b")
			}
			// Reference: the constant-weight linear map.
			consts := map[string]*graph.Tensor{"w": wt}
			if bt != nil {
				consts["b"] = bt
			}
			ref := optest.Case{Node: node(g.op, ins, []string{"y"}, g.attrs), Inputs: []optest.Named{optest.In("x", xt)}, Consts: consts}
			mr, vals, err := ref.Compile()
			if err != nil {
				t.Fatal(err)
			}
			want, err := mr.EvalFloat(vals)
			if err != nil {
				t.Fatal(err)
			}
			dyn := optest.Case{Node: node(g.op, ins, []string{"y"}, g.attrs), Inputs: []optest.Named{optest.In("x", xt), optest.In("w", wt)}, Tol: 2e-3}
			if bt != nil {
				dyn.Inputs = append(dyn.Inputs, optest.In("b", bt))
			}
			dyn.Want = want[0]
			optest.Run(t, dyn)
		})
	}
}

// TestConvComputedWeightsRejects: malformed computed-weight convolutions are
// compile errors, not panics.
func TestConvComputedWeightsRejects(t *testing.T) {
	x := optest.T([]int{1, 2, 3, 3}, pseudo(18, 1)...)
	cases := []struct {
		name string
		n    *graph.Node
		ins  []optest.Named
	}{
		{"channels disagree", node("Conv", []string{"x", "w"}, []string{"y"}, nil), []optest.Named{optest.In("x", x), optest.In("w", optest.T([]int{1, 3, 2, 2}, pseudo(12, 2)...))}},
		{"bias length", node("Conv", []string{"x", "w", "b"}, []string{"y"}, nil), []optest.Named{optest.In("x", x), optest.In("w", optest.T([]int{1, 2, 2, 2}, pseudo(8, 2)...)), optest.In("b", optest.T([]int{2}, 1, 2))}},
		{"transpose channels", node("ConvTranspose", []string{"x", "w"}, []string{"y"}, nil), []optest.Named{optest.In("x", x), optest.In("w", optest.T([]int{3, 1, 2, 2}, pseudo(12, 2)...))}},
	}
	for _, c := range cases {
		oc := optest.Case{Node: c.n, Inputs: c.ins}
		if _, _, err := oc.Compile(); err == nil {
			t.Errorf("%s: compiled", c.name)
		}
	}
}
