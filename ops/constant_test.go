package ops_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/internal/optest"
)

// TestNonZeroFolds: NonZero of a constant folds to its indices; of a
// computed tensor it is a compile error (its output shape would depend on
// the data).
func TestNonZeroFolds(t *testing.T) {
	c := optest.Case{
		Node:   node("Add", []string{"x", "nzf"}, []string{"y"}, nil),
		Inputs: []optest.Named{optest.In("x", optest.T([]int{2, 2}, 1, 2, 3, 4))},
		Consts: map[string]*graph.Tensor{"c": optest.T([]int{2, 2}, 0, 3, -1, 0)},
	}
	g := []*graph.Node{node("NonZero", []string{"c"}, []string{"nz"}, nil), node("Cast", []string{"nz"}, []string{"nzf"}, map[string]graph.Attr{"to": i64(1)})}
	m, vals, err := c.CompileWith(g...)
	if err != nil {
		t.Fatal(err)
	}
	// Nonzeros at (0,1) and (1,0): indices [[0 1] [1 0]].
	if info, _ := m.Info("nz"); info == nil || info.Const == nil || !slices.Equal(info.Const.Data, []float64{0, 1, 1, 0}) {
		t.Fatalf("NonZero folded to %+v", info)
	}
	if m.NumSteps() != 1 {
		t.Fatalf("%d steps, want only the Add", m.NumSteps())
	}
	q, err := m.Eval(vals)
	if err != nil || !slices.Equal(m.Dequantize(q)[0], []float64{1, 3, 4, 4}) {
		t.Fatalf("y = %v, %v", q, err)
	}
	bad := optest.Case{Node: node("NonZero", []string{"x"}, []string{"y"}, nil), Inputs: c.Inputs}
	if _, _, err := bad.Compile(); err == nil || !strings.Contains(err.Error(), "constant") {
		t.Fatalf("NonZero of a computed tensor: %v", err)
	}
}
