package ops_test

import (
	"slices"
	"testing"

	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/internal/optest"
	"github.com/zkinfer/zkinfer/ops"
	"github.com/zkinfer/zkinfer/quant"
)

// The operator half of the soundness suite (docs/SOUNDNESS.md): one small
// case per registered operator, compiled into a free-output circuit
// (optest.FreeCircuit: inputs range-checked, outputs solved wires that
// nothing compares), whose every hint — the gadgets' and the range
// checks' — is perturbed by HintSweep. The sweep is sampled to keep it
// fast: the first, middle and last call of each hint, and up to four
// outputs of each call, each moved by +1 and -1; the gadget half perturbs
// every call and output.

var opSweep = optest.Sweep{Calls: 3, Outputs: 4}

// foldedOps have no circuit: their outputs are constants folded at compile
// time (TestOpHintSoundness checks they have no circuit kernel).
var foldedOps = []string{"Constant", "ConstantOfShape", "NonZero", "Range", "Shape"}

// hintFree are the operators whose circuits of boolean inputs make no hint
// call at all: inputs are asserted boolean, the results are products.
var hintFree = []string{"And", "Or", "Xor", "Not"}

// opCases returns one case per operator with a circuit.
func opCases() []optest.Case {
	x := optest.Ramp([]int{1, 2, 3}, -2, 2)
	pos := optest.Ramp([]int{1, 2, 3}, 0.25, 3)
	unit := optest.Ramp([]int{1, 2, 3}, -0.9, 0.9)
	z := optest.Ramp([]int{1, 2, 3}, 1.5, -1)
	img := optest.Ramp([]int{1, 1, 3, 3}, -2, 2)
	b := boolTensor([]int{1, 2, 3}, 1, 0, 1, 1, 0, 0)
	c := boolTensor([]int{1, 2, 3}, 0, 0, 1, 0, 1, 1)
	in := func(ts ...any) []optest.Named {
		var out []optest.Named
		for i := 0; i < len(ts); i += 2 {
			out = append(out, optest.In(ts[i].(string), ts[i+1].(*graph.Tensor)))
		}
		return out
	}
	un := func(op string, t *graph.Tensor, a map[string]graph.Attr) optest.Case {
		return optest.Case{Node: node(op, []string{"x"}, []string{"y"}, a), Inputs: in("x", t)}
	}
	bin := func(op string, a, b *graph.Tensor) optest.Case {
		return optest.Case{Node: node(op, []string{"a", "b"}, []string{"y"}, nil), Inputs: in("a", a, "b", b)}
	}
	w := optest.T([]int{1, 1, 2, 2}, 0.5, -1, 0.25, 2)
	ch := optest.T([]int{1}, 0.75)
	cases := []optest.Case{
		un("Abs", x, nil), un("Acos", unit, nil), un("Asin", unit, nil), un("Atan", x, nil),
		un("Ceil", x, nil), un("Celu", x, nil), un("Cos", x, nil), un("Elu", x, nil),
		un("Erf", x, nil), un("Exp", x, nil), un("Floor", x, nil), un("Gelu", x, nil),
		un("HardSigmoid", x, nil), un("HardSwish", x, nil), un("Identity", x, nil),
		un("LeakyRelu", x, nil), un("Log", pos, nil), un("Mish", x, nil), un("Neg", x, nil),
		un("Reciprocal", pos, nil), un("Relu", x, nil), un("Round", x, nil), un("Selu", x, nil),
		un("Sigmoid", x, nil), un("Sign", x, nil), un("Sin", x, nil), un("Softplus", x, nil),
		un("Sqrt", pos, nil), un("Tan", unit, nil), un("Tanh", x, nil),
		un("Cast", x, attrs("to", 1)), un("Flatten", x, nil),
		un("Softmax", x, attrs("axis", -1)), un("LogSoftmax", x, attrs("axis", -1)),
		un("ReduceL1", x, attrs("axes", []int64{2})), un("ReduceL2", x, attrs("axes", []int64{2})),
		un("ReduceLogSum", pos, attrs("axes", []int64{2})), un("ReduceLogSumExp", x, attrs("axes", []int64{2})),
		un("ReduceMax", x, attrs("axes", []int64{2})), un("ReduceMin", x, attrs("axes", []int64{2})),
		un("ReduceMean", x, attrs("axes", []int64{2})), un("ReduceSumSquare", x, attrs("axes", []int64{2})),
		{Node: node("ReduceSum", []string{"x", "a"}, []string{"y"}, nil), Inputs: in("x", x), Consts: consts("a", intTensor([]int{1}, 2))},
		un("Clip", x, attrs("min", -1.0, "max", 1.5)),
		un("Squeeze", x, attrs("axes", []int64{0})), un("Unsqueeze", x, attrs("axes", []int64{0})),
		un("Transpose", x, nil), un("Trilu", optest.Ramp([]int{3, 3}, -2, 2), nil),
		un("ArgMax", x, attrs("axis", 2)), un("ArgMin", x, attrs("axis", 2)),
		bin("Add", x, z), bin("Sub", x, z), bin("Mul", x, z), bin("Div", x, pos), bin("Max", x, z), bin("Min", x, z),
		bin("Equal", x, z), bin("Greater", x, z), bin("GreaterOrEqual", x, z), bin("Less", x, z), bin("LessOrEqual", x, z),
		bin("And", b, c), bin("Or", b, c), bin("Xor", b, c), un("Not", b, nil),
		{Name: "integer Div", Node: node("Div", []string{"a", "b"}, []string{"y"}, nil),
			Inputs: in("a", intTensor([]int{4}, 7, -7, 9, 100), "b", intTensor([]int{4}, 2, 3, -4, 7))},
		{Node: node("Pow", []string{"x", "e"}, []string{"y"}, nil), Inputs: in("x", x), Consts: consts("e", optest.T(nil, 2))},
		{Node: node("Where", []string{"c", "a", "b"}, []string{"y"}, nil), Inputs: in("c", b, "a", x, "b", z)},
		{Node: node("PRelu", []string{"x", "s"}, []string{"y"}, nil), Inputs: in("x", x), Consts: consts("s", optest.T([]int{3}, 0.1, 0.25, -0.5))},
		{Node: node("MatMul", []string{"a", "b"}, []string{"y"}, nil), Inputs: in("a", optest.Ramp([]int{2, 3}, -1, 1), "b", optest.Ramp([]int{3, 2}, 1, -0.5))},
		{Node: node("Gemm", []string{"x", "w", "c"}, []string{"y"}, nil), Inputs: in("x", optest.Ramp([]int{1, 3}, -1, 1)),
			Consts: consts("w", optest.Ramp([]int{3, 2}, 0.5, -0.75), "c", optest.T([]int{2}, 0.1, -0.2))},
		{Node: node("Conv", []string{"x", "w"}, []string{"y"}, nil), Inputs: in("x", img), Consts: consts("w", w)},
		{Node: node("ConvTranspose", []string{"x", "w"}, []string{"y"}, attrs("strides", []int64{2, 2})), Inputs: in("x", optest.Ramp([]int{1, 1, 1, 2}, -1, 1)), Consts: consts("w", w)},
		un("MaxPool", img, attrs("kernel_shape", []int64{2, 2})),
		un("AveragePool", img, attrs("kernel_shape", []int64{2, 2})),
		un("LpPool", img, attrs("kernel_shape", []int64{2, 2}, "p", 2)),
		un("GlobalMaxPool", img, nil), un("GlobalAveragePool", img, nil), un("GlobalLpPool", img, nil),
		{Node: node("BatchNormalization", []string{"x", "g", "b", "m", "v"}, []string{"y"}, nil), Inputs: in("x", img),
			Consts: consts("g", ch, "b", optest.T([]int{1}, 0.1), "m", optest.T([]int{1}, 0.2), "v", optest.T([]int{1}, 1.5))},
		{Node: node("InstanceNormalization", []string{"x", "g", "b"}, []string{"y"}, nil), Inputs: in("x", img),
			Consts: consts("g", ch, "b", optest.T([]int{1}, 0.1))},
		{Node: node("LayerNormalization", []string{"x", "g"}, []string{"y"}, attrs("axis", -1)), Inputs: in("x", x),
			Consts: consts("g", optest.T([]int{3}, 1, 0.5, 2))},
		{Name: "LayerNormalization of wide values (deviations rescaled)", Node: node("LayerNormalization", []string{"x", "g"}, []string{"y"}, attrs("axis", -1)),
			Inputs: in("x", optest.Ramp([]int{1, 2, 3}, -3e7, 2e7)), Consts: consts("g", optest.T([]int{3}, 1, 0.5, 2)),
			Settings: &quant.Settings{Scale: 12, ParamScale: 12, ActBits: 40}},
		bin("Sum", x, z),
		{Name: "Mod of integers", Node: node("Mod", []string{"a", "b"}, []string{"y"}, nil),
			Inputs: in("a", intTensor([]int{4}, 7, -7, 9, 0), "b", intTensor([]int{4}, 3, 3, -4, 5))},
		{Name: "Mod fmod of reals", Node: node("Mod", []string{"a", "b"}, []string{"y"}, attrs("fmod", 1)), Inputs: in("a", x, "b", pos)},
		{Node: node("TopK", []string{"x", "k"}, []string{"v", "i"}, nil), Inputs: in("x", x), Consts: consts("k", intTensor([]int{1}, 2))},
		{Node: node("Concat", []string{"a", "b"}, []string{"y"}, attrs("axis", 1)), Inputs: in("a", x, "b", z)},
		{Node: node("Expand", []string{"x", "s"}, []string{"y"}, nil), Inputs: in("x", optest.Ramp([]int{1, 3}, -1, 1)), Consts: consts("s", intTensor([]int{2}, 2, 3))},
		{Node: node("Gather", []string{"x", "i"}, []string{"y"}, attrs("axis", 2)), Inputs: in("x", x, "i", intTensor([]int{2}, 2, -3))},
		{Node: node("GatherElements", []string{"x", "i"}, []string{"y"}, attrs("axis", 2)), Inputs: in("x", x, "i", intTensor([]int{1, 2, 1}, 1, 0))},
		{Node: node("GatherND", []string{"x", "i"}, []string{"y"}, nil), Inputs: in("x", optest.Ramp([]int{2, 3}, -1, 1), "i", intTensor([]int{2, 2}, 1, 2, 0, 1))},
		{Node: node("ScatterElements", []string{"x", "i", "u"}, []string{"y"}, attrs("axis", 1)),
			Inputs: in("x", optest.Ramp([]int{2, 3}, -1, 1), "i", intTensor([]int{2, 1}, 2, 0), "u", optest.T([]int{2, 1}, 0.5, 1.5))},
		{Node: node("ScatterND", []string{"x", "i", "u"}, []string{"y"}, nil),
			Inputs: in("x", optest.Ramp([]int{2, 3}, -1, 1), "i", intTensor([]int{1, 2}, 1, 1), "u", optest.T([]int{1}, 1))},
		{Node: node("OneHot", []string{"i", "d", "v"}, []string{"y"}, nil), Inputs: in("i", intTensor([]int{2}, 2, -1)),
			Consts: consts("d", intTensor(nil, 3), "v", optest.T([]int{2}, -1, 1))},
		{Node: node("Pad", []string{"x", "p"}, []string{"y"}, nil), Inputs: in("x", x), Consts: consts("p", intTensor([]int{6}, 0, 0, 1, 0, 0, 1))},
		{Node: node("Reshape", []string{"x", "s"}, []string{"y"}, nil), Inputs: in("x", x), Consts: consts("s", intTensor([]int{2}, 3, 2))},
		{Node: node("Resize", []string{"x", "", "s"}, []string{"y"}, attrs("mode", "linear")), Inputs: in("x", optest.Ramp([]int{1, 2}, -1, 1)),
			Consts: consts("s", optest.T([]int{2}, 1, 2))},
		{Node: node("Upsample", []string{"x", "s"}, []string{"y"}, nil), Inputs: in("x", optest.Ramp([]int{1, 2}, -1, 1)), Consts: consts("s", optest.T([]int{2}, 1, 2))},
		{Node: node("Slice", []string{"x", "s", "e"}, []string{"y"}, nil), Inputs: in("x", x), Consts: consts("s", intTensor([]int{1}, 1), "e", intTensor([]int{1}, 3))},
		{Node: node("Split", []string{"x", "s"}, []string{"y", "w"}, attrs("axis", 2)), Inputs: in("x", x), Consts: consts("s", intTensor([]int{2}, 1, 2))},
		{Node: node("Tile", []string{"x", "r"}, []string{"y"}, nil), Inputs: in("x", x), Consts: consts("r", intTensor([]int{3}, 1, 2, 1))},
	}
	for _, rc := range []rnnCase{
		{name: "rnn", kind: "RNN", dir: "forward", T: 2, B: 1, I: 2, H: 2},
		{name: "gru", kind: "GRU", dir: "forward", T: 2, B: 1, I: 2, H: 2},
		{name: "lstm", kind: "LSTM", dir: "forward", T: 2, B: 1, I: 2, H: 2},
	} {
		oc, _, _ := rc.build()
		cases = append(cases, oc)
	}
	return cases
}

// TestOpHintSoundness: for every operator, no sampled single-output hint
// perturbation satisfies its circuit; every registered operator with a
// circuit has a case here.
func TestOpHintSoundness(t *testing.T) {
	covered := map[string]bool{}
	for _, c := range opCases() {
		name := c.Node.Op
		if c.Name != "" {
			name = c.Name
		}
		covered[c.Node.Op] = true
		t.Run(name, func(t *testing.T) {
			calls := optest.SweepCase(t, c, ops.RangeBits, opSweep)
			if none := slices.Contains(hintFree, c.Node.Op); none != (len(calls) == 0) {
				t.Fatalf("%d hint calls; listed as hint-free: %v", len(calls), none)
			}
		})
	}
	for _, name := range ops.Supported() {
		op, _ := ops.Lookup(name)
		switch {
		case slices.Contains(foldedOps, name):
			if op.Circuit != nil {
				t.Errorf("%s has a circuit kernel: give it a soundness case", name)
			}
		case !covered[name]:
			t.Errorf("%s has no case in the soundness suite", name)
		}
	}
}
