package model_test

import (
	"strings"
	"testing"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/internal/optest"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/ops"
	"github.com/zkinfer/zkinfer/quant"
)

// TestOverflowEdges: an input, and an intermediate value, at the end of the
// activation range evaluate and satisfy the circuit; one step beyond, the
// evaluator reports the range at witness time, and the circuit rejects the
// true result all the same (so a prover that skips the evaluator cannot
// prove it).
func TestOverflowEdges(t *testing.T) {
	// y = x·x: with 24-bit activations at scale 2^12 the rescaled square
	// must stay below 2^23. x = 185363/2^12 gives 8388536; 185364/2^12
	// gives 8388626.
	square := &graph.Graph{
		Inputs:  []graph.Value{{Name: "x", DType: graph.Float, Shape: []int{1}}},
		Outputs: []graph.Value{{Name: "y"}},
		Consts:  map[string]*graph.Tensor{},
		Nodes:   []*graph.Node{{Name: "square", Op: "Mul", Inputs: []string{"x", "x"}, Outputs: []string{"y"}}},
	}
	// y = x + x reads its input only: the input's own range is the edge.
	double := &graph.Graph{
		Inputs:  []graph.Value{{Name: "x", DType: graph.Float, Shape: []int{1}}},
		Outputs: []graph.Value{{Name: "y"}},
		Consts:  map[string]*graph.Tensor{},
		Nodes:   []*graph.Node{{Name: "double", Op: "Add", Inputs: []string{"x", "x"}, Outputs: []string{"y"}}},
	}
	lim := int64(1) << 23 // 2^(ActBits-1) at scale 2^12
	cases := []struct {
		name   string
		g      *graph.Graph
		x      int64 // the input at scale 2^12
		y      int64 // the true result at its scale
		ok     bool
		errMsg string
	}{
		{"intermediate at the edge", square, 185363, 8388536, true, ""},
		{"intermediate just beyond", square, 185364, 8388626, false, `node "square" (Mul)`},
		{"input at the edge", double, lim - 1, 2 * (lim - 1), true, ""},
		{"input just beyond", double, lim, 2 * lim, false, "outside the range"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := model.Compile(c.g, quant.Default)
			if err != nil {
				t.Fatal(err)
			}
			_, err = m.Eval([][]float64{{quant.Dequantize(c.x, 12)}})
			switch {
			case c.ok && err != nil:
				t.Fatalf("evaluator: %v", err)
			case !c.ok && (err == nil || !strings.Contains(err.Error(), c.errMsg)):
				t.Fatalf("evaluator error %v, want one mentioning %q", err, c.errMsg)
			}
			in := []ops.Tensor[int64]{{Shape: []int{1}, Data: []int64{c.x}}}
			out := []ops.Tensor[int64]{{Shape: []int{1}, Data: []int64{c.y}}}
			for _, mode := range []ops.RangeCheck{ops.RangeBits, ops.RangeLookup} {
				circ, err := circuit.New(m, circuit.DefaultVisibility)
				if err != nil {
					t.Fatal(err)
				}
				circ.RangeCheck = mode
				cs, err := optest.CompileR1CS(circ)
				if err != nil {
					t.Fatal(err)
				}
				a, err := circuit.Assign(m, circuit.DefaultVisibility, in, out)
				if err != nil {
					t.Fatal(err)
				}
				a.RangeCheck = mode
				w, err := optest.FullWitness(a)
				if err != nil {
					t.Fatal(err)
				}
				if got := cs.IsSolved(w) == nil; got != c.ok {
					t.Errorf("%s range checks: circuit accepts y = %d: %v, want %v", mode, c.y, got, c.ok)
				}
			}
		})
	}
}
