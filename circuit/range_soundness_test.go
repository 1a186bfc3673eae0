package circuit_test

import (
	"testing"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/internal/optest"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/ops"
	"github.com/zkinfer/zkinfer/quant"
)

// TestInputRangeSoundness: the circuit accepts exactly the inputs and the
// secret weights of its ranges — a number input in ActBits signed bits, a
// boolean input 0 or 1, a weight in ParamBits signed bits — at both ends,
// under both range-check gadgets: every gadget downstream assumes them.
// The model is z = Where(c, x·W, x·W) with the weights W secret; the
// outputs are left free (circuit.LooseOutputs), and x and W are zero
// except for the value tried, so nothing downstream can object.
func TestInputRangeSoundness(t *testing.T) {
	g := &graph.Graph{
		Inputs: []graph.Value{
			{Name: "x", DType: graph.Float, Shape: []int{1, 2}},
			{Name: "c", DType: graph.Bool, Shape: []int{1, 2}},
		},
		Outputs: []graph.Value{{Name: "z"}},
		Consts:  map[string]*graph.Tensor{"w": {DType: graph.Float, Shape: []int{2, 2}, Data: []float64{0.5, -0.25, 1, 0.75}}},
		Nodes: []*graph.Node{
			{Name: "mm", Op: "MatMul", Inputs: []string{"x", "w"}, Outputs: []string{"y"}, Attrs: map[string]graph.Attr{}},
			{Name: "where", Op: "Where", Inputs: []string{"c", "y", "y"}, Outputs: []string{"z"}, Attrs: map[string]graph.Attr{}},
		},
	}
	s := quant.Default
	m, err := model.CompileSecret(g, s, model.DefaultParamBits)
	if err != nil {
		t.Fatal(err)
	}
	act, param := int64(1)<<(s.ActBits-1), int64(1)<<(model.DefaultParamBits-1)
	zero := func() *circuit.Witness {
		w := &circuit.Witness{Inputs: []ops.Tensor[int64]{{Shape: []int{1, 2}, Data: []int64{0, 0}}, {Shape: []int{1, 2}, Data: []int64{0, 1}}}}
		w.Params = []ops.Tensor[int64]{{Shape: []int{2, 2}, Data: make([]int64, 4)}}
		w.Outputs = []ops.Tensor[int64]{{Shape: []int{1, 2}, Data: []int64{0, 0}}}
		return w
	}
	cases := []struct {
		name string
		set  func(w *circuit.Witness)
		ok   bool
	}{
		{"zero", func(*circuit.Witness) {}, true},
		{"x = -2^(act-1)", func(w *circuit.Witness) { w.Inputs[0].Data[1] = -act }, true},
		{"x = 2^(act-1)-1", func(w *circuit.Witness) { w.Inputs[0].Data[1] = act - 1 }, true},
		{"x = 2^(act-1)", func(w *circuit.Witness) { w.Inputs[0].Data[1] = act }, false},
		{"x = -2^(act-1)-1", func(w *circuit.Witness) { w.Inputs[0].Data[1] = -act - 1 }, false},
		{"c = 2", func(w *circuit.Witness) { w.Inputs[1].Data[0] = 2 }, false},
		{"c = -1", func(w *circuit.Witness) { w.Inputs[1].Data[0] = -1 }, false},
		{"w = -2^(param-1)", func(w *circuit.Witness) { w.Params[0].Data[3] = -param }, true},
		{"w = 2^(param-1)-1", func(w *circuit.Witness) { w.Params[0].Data[3] = param - 1 }, true},
		{"w = 2^(param-1)", func(w *circuit.Witness) { w.Params[0].Data[3] = param }, false},
		{"w = -2^(param-1)-1", func(w *circuit.Witness) { w.Params[0].Data[3] = -param - 1 }, false},
	}
	vis := circuit.Visibility{Input: circuit.Private, Params: circuit.Private, Output: circuit.Private}
	for _, mode := range []ops.RangeCheck{ops.RangeBits, ops.RangeLookup} {
		circ, err := circuit.New(m, vis)
		if err != nil {
			t.Fatal(err)
		}
		circ.RangeCheck = mode
		circuit.LooseOutputs(circ)
		cs, err := optest.CompileR1CS(circ)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cases {
			w := zero()
			c.set(w)
			a, err := circuit.AssignWitness(m, vis, w)
			if err != nil {
				t.Fatal(err)
			}
			if err := optest.SolveAssignment(t, cs, a); (err == nil) != c.ok {
				t.Errorf("%s, %s: solved: %v, want %v", mode, c.name, err, c.ok)
			}
		}
	}
}
