package ops_test

import (
	"strings"
	"testing"

	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/internal/optest"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/quant"
)

// TestSelectOps covers the gather, scatter, arg and top-k ops with constant
// and computed indices; computed ones go through one-hot selection.
func TestSelectOps(t *testing.T) {
	x := optest.T([]int{2, 4}, 0.5, -1, 3, 2, -2, 4, 0.25, 4)
	xin := []optest.Named{{Name: "x", Tensor: x}}
	idx := intTensor([]int{2}, 3, -4)
	axis := func(a int64) map[string]graph.Attr { return map[string]graph.Attr{"axis": i64(a)} }
	cases := []optest.Case{
		{Name: "gather computed indices from constant table", Node: node("Gather", []string{"d", "i"}, []string{"y"}, nil),
			Inputs: []optest.Named{{Name: "i", Tensor: intTensor([]int{4}, 3, 5, 7, -1)}},
			Consts: map[string]*graph.Tensor{"d": intTensor([]int{8}, 0, 0, 0, 5, 0, 2, 0, 7)}, Want: []float64{5, 2, 7, 7}},
		{Name: "gather lookup, two columns, negative index", Node: node("Gather", []string{"d", "i"}, []string{"y"}, nil),
			Inputs: []optest.Named{{Name: "i", Tensor: intTensor([]int{3}, 2, -1, 0)}},
			Consts: map[string]*graph.Tensor{"d": optest.T([]int{3, 2}, 0.5, -1, 2.25, 3, -4, 8)}, Want: []float64{-4, 8, -4, 8, 0.5, -1}},
		{Name: "gather elements lookup from constant", Node: node("GatherElements", []string{"d", "i"}, []string{"y"}, axis(0)),
			Inputs: []optest.Named{{Name: "i", Tensor: intTensor([]int{2, 2}, 1, 0, 0, 1)}},
			Consts: map[string]*graph.Tensor{"d": optest.T([]int{2, 2}, 1, 2, 3, 4)}, Want: []float64{3, 2, 1, 4}},
		{Name: "gather computed indices axis 1", Node: node("Gather", []string{"x", "i"}, []string{"y"}, axis(1)),
			Inputs: []optest.Named{{Name: "x", Tensor: x}, {Name: "i", Tensor: idx}}, Want: []float64{2, 0.5, 4, -2}},
		{Name: "gather constant indices", Node: node("Gather", []string{"x", "i"}, []string{"y"}, axis(1)),
			Inputs: xin, Consts: map[string]*graph.Tensor{"i": idx}, Want: []float64{2, 0.5, 4, -2}},
		{Name: "gather elements", Node: node("GatherElements", []string{"x", "i"}, []string{"y"}, axis(1)),
			Inputs: []optest.Named{{Name: "x", Tensor: x}, {Name: "i", Tensor: intTensor([]int{2, 2}, 1, 1, 0, 3)}}, Want: []float64{-1, -1, -2, 4}},
		{Name: "gather nd", Node: node("GatherND", []string{"x", "i"}, []string{"y"}, nil),
			Inputs: []optest.Named{{Name: "x", Tensor: x}, {Name: "i", Tensor: intTensor([]int{2, 2}, 1, 2, 0, 3)}}, Want: []float64{0.25, 2}},
		{Name: "scatter elements computed", Node: node("ScatterElements", []string{"x", "i", "u"}, []string{"y"}, axis(1)),
			Inputs: []optest.Named{{Name: "x", Tensor: x}, {Name: "i", Tensor: intTensor([]int{2, 1}, 2, 0)}, {Name: "u", Tensor: optest.T([]int{2, 1}, 9, 8)}},
			Want:   []float64{0.5, -1, 9, 2, 8, 4, 0.25, 4}},
		{Name: "scatter nd constant indices", Node: node("ScatterND", []string{"x", "i", "u"}, []string{"y"}, nil),
			Inputs: []optest.Named{{Name: "x", Tensor: x}, {Name: "u", Tensor: optest.T([]int{1, 4}, 1, 2, 3, 4)}},
			Consts: map[string]*graph.Tensor{"i": intTensor([]int{1, 1}, 0)}, Want: []float64{1, 2, 3, 4, -2, 4, 0.25, 4}},
		{Name: "scatter nd add computed", Node: node("ScatterND", []string{"x", "i", "u"}, []string{"y"}, map[string]graph.Attr{"reduction": {Kind: graph.AttrString, String: "add"}}),
			Inputs: []optest.Named{{Name: "x", Tensor: x}, {Name: "i", Tensor: intTensor([]int{1, 2}, 1, 1)}, {Name: "u", Tensor: optest.T([]int{1}, 1)}},
			Want:   []float64{0.5, -1, 3, 2, -2, 5, 0.25, 4}},
		{Name: "one hot", Node: node("OneHot", []string{"i", "d", "v"}, []string{"y"}, nil),
			Inputs: []optest.Named{{Name: "i", Tensor: intTensor([]int{2}, 2, -1)}},
			Consts: map[string]*graph.Tensor{"d": intTensor(nil, 3), "v": optest.T([]int{2}, -1, 1)}, Want: []float64{-1, -1, 1, -1, -1, 1}},
		{Name: "argmax first of ties", Node: node("ArgMax", []string{"x"}, []string{"y"}, axis(1)), Inputs: xin, Want: []float64{2, 1}},
		{Name: "argmax last of ties", Node: node("ArgMax", []string{"x"}, []string{"y"}, map[string]graph.Attr{"axis": i64(1), "select_last_index": i64(1)}), Inputs: xin, Want: []float64{2, 3}},
		{Name: "argmin axis 0", Node: node("ArgMin", []string{"x"}, []string{"y"}, map[string]graph.Attr{"keepdims": i64(0)}), Inputs: xin, Want: []float64{1, 0, 1, 0}},
		{Name: "topk largest", Node: node("TopK", []string{"x", "k"}, []string{"v", "i"}, nil), Inputs: xin,
			Consts: map[string]*graph.Tensor{"k": intTensor([]int{1}, 2)}, Want: []float64{3, 2, 4, 4}},
		{Name: "topk smallest", Node: node("TopK", []string{"x", "k"}, []string{"v", "i"}, map[string]graph.Attr{"largest": i64(0)}), Inputs: xin,
			Consts: map[string]*graph.Tensor{"k": intTensor([]int{1}, 3)}, Want: []float64{-1, 0.5, 2, -2, 0.25, 4}},
	}
	for _, c := range cases {
		c.Tol = 1e-3
		t.Run(c.Name, func(t *testing.T) { optest.Run(t, c) })
	}
}

// TestGatherLookup: a gather from a constant by computed indices is a table
// lookup, cheaper than the one-hot's Sign per entry; its table spans only
// the indices Info.Max allows (an ArgMax output here); an index outside the
// axis is an evaluator error, not a clamped value.
func TestGatherLookup(t *testing.T) {
	const n = 64
	table := optest.Ramp([]int{n}, -3, 5)
	build := func(viaArgMax bool) *model.Model {
		g := &graph.Graph{Consts: map[string]*graph.Tensor{"d": table}}
		if viaArgMax {
			g.Inputs = []graph.Value{{Name: "x", DType: graph.Float, Shape: []int{8, 4}}}
			g.Nodes = append(g.Nodes, node("ArgMax", []string{"x"}, []string{"i"}, map[string]graph.Attr{"axis": i64(1), "keepdims": i64(0)}))
		} else {
			g.Inputs = []graph.Value{{Name: "i", DType: graph.Int, Shape: []int{8}}}
		}
		g.Nodes = append(g.Nodes, node("Gather", []string{"d", "i"}, []string{"y"}, nil))
		g.Outputs = []graph.Value{{Name: "y"}}
		m, err := model.Compile(g, quant.Default)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	direct, err := optest.Constraints(build(false))
	if err != nil {
		t.Fatal(err)
	}
	// The one-hot spends n-1 Signs (≥ 2 constraints each) per index.
	if oneHot := 8 * (n - 1) * 2; direct >= oneHot {
		t.Errorf("gather by lookup: %d constraints, not below the one-hot's %d", direct, oneHot)
	}
	viaArgMax, err := optest.Constraints(build(true))
	if err != nil {
		t.Fatal(err)
	}
	argmaxAlone := func() int {
		g := &graph.Graph{Inputs: []graph.Value{{Name: "x", DType: graph.Float, Shape: []int{8, 4}}},
			Nodes:   []*graph.Node{node("ArgMax", []string{"x"}, []string{"y"}, map[string]graph.Attr{"axis": i64(1), "keepdims": i64(0)})},
			Outputs: []graph.Value{{Name: "y"}}}
		m, err := model.Compile(g, quant.Default)
		if err != nil {
			t.Fatal(err)
		}
		c, err := optest.Constraints(m)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}()
	// Indices in [0, 3]: a table of 4 rows (plus the 3 negative ones)
	// instead of 2n, each row at least a constraint.
	if got, want := viaArgMax-argmaxAlone, direct-(2*n-7); got > want {
		t.Errorf("gather after ArgMax costs %d constraints, want ≤ %d (table bounded by Info.Max)", got, want)
	}
	m := build(false)
	if _, err := m.Eval([][]float64{{0, 1, 2, 3, 4, 5, 6, n}}); err == nil || !strings.Contains(err.Error(), "outside") {
		t.Errorf("index %d on an axis of %d: err = %v, want an out-of-domain error", n, n, err)
	}
	if _, err := m.Eval([][]float64{{0, 1, 2, 3, 4, 5, 6, -n - 1}}); err == nil {
		t.Errorf("index %d on an axis of %d: no error", -n-1, n)
	}
}

// TestGatherLookupScaledIndex: an integer index at a nonzero scale (an
// integer product requantized, as tree ensembles compute node indices) is
// rescaled to an integer before the lookup.
func TestGatherLookupScaledIndex(t *testing.T) {
	g := &graph.Graph{
		Consts: map[string]*graph.Tensor{"d": optest.Ramp([]int{10}, -1, 8), "two": intTensor(nil, 2)},
		Inputs: []graph.Value{{Name: "i", DType: graph.Int, Shape: []int{4}}},
		Nodes: []*graph.Node{
			node("Mul", []string{"i", "two"}, []string{"j"}, nil),
			node("Gather", []string{"d", "j"}, []string{"y"}, nil),
		},
		Outputs: []graph.Value{{Name: "y"}},
	}
	m, err := model.Compile(g, quant.Default)
	if err != nil {
		t.Fatal(err)
	}
	if j, _ := m.Info("j"); j.Scale == 0 {
		t.Logf("index at scale 0: the rescale is not exercised")
	}
	vals := [][]float64{{0, 4, -2, 1}}
	q, err := m.Eval(vals)
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{-1, 7, 5, 1} // d[k] = k - 1 at 0, 8, -4 (wraps to 6), 2
	if got := m.Dequantize(q)[0]; optest.RelErr(got, want) > 1e-3 {
		t.Fatalf("got %v, want %v", got, want)
	}
	in, _ := m.Quantize(vals)
	optest.CheckCircuit(t, m, in, q)
}
