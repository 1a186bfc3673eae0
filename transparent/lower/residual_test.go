package lower

import (
	"strings"
	"testing"

	"github.com/zkinfer/zkinfer/internal/onnxbuild"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/onnx"
	"github.com/zkinfer/zkinfer/quant"
)

// TestResidual: a model cnn.FromModel refuses at its Add lowers through
// cnn.FromResidual; the digest tells residual networks of other widths
// apart; a model both refuse names both reasons.
func TestResidual(t *testing.T) {
	lowerOf := func(n int) (*Chain, error) {
		g, err := onnx.Parse(onnxbuild.Bytes(onnxbuild.ResNet(n, 8)))
		if err != nil {
			t.Fatal(err)
		}
		m, err := model.Compile(g, quant.Default)
		if err != nil {
			t.Fatal(err)
		}
		return Lower(m)
	}
	a, err := lowerOf(2)
	if err != nil {
		t.Fatal(err)
	}
	if a.Res == nil || a.CNN != nil || a.Model != nil || len(a.Layers) != 1 {
		t.Fatalf("lowered to %s", a.Describe())
	}
	b, err := lowerOf(3)
	if err != nil {
		t.Fatal(err)
	}
	if a.Digest() == b.Digest() {
		t.Fatal("two residual networks of other widths have one digest")
	}
	a2, _ := lowerOf(2)
	a2.Res.Nodes[len(a2.Res.Nodes)-1].AvgW[0]++
	if a.Digest() == a2.Digest() {
		t.Fatal("the average pool's weights are not in the digest")
	}

	// An Add without its Relu: neither a chain nor a residual network.
	m := onnxbuild.ResNet(2, 8)
	for _, n := range m.Graph.Node {
		if n.GetName() == "layer1.relu" {
			n.OpType = func(s string) *string { return &s }("Sigmoid")
		}
	}
	g, err := onnx.Parse(onnxbuild.Bytes(m))
	if err != nil {
		t.Fatal(err)
	}
	mod, err := model.Compile(g, quant.Default)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Lower(mod); err == nil || !strings.Contains(err.Error(), "as a residual network") || !strings.Contains(err.Error(), "groth16") {
		t.Fatalf("an Add without its Relu: %v", err)
	}
}
