package model_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/zkinfer/zkinfer/internal/onnxbuild"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/onnx"
)

// TestSecretInitializers: for every operator with weight operands, the
// initializers behind the secret weights are named as in the model (a
// derived weight's original, never its "·" name), and onnx.StripWeights of
// them leaves the architecture with every weight zero and the fixed
// constants untouched.
func TestSecretInitializers(t *testing.T) {
	for _, c := range weightCases() {
		t.Run(c.name, func(t *testing.T) {
			var want []string
			for _, p := range c.params {
				if orig, _, _ := strings.Cut(p, "·"); !slices.Contains(want, orig) {
					want = append(want, orig)
				}
			}
			slices.Sort(want)
			g := c.graph(t)
			got := model.SecretInitializers(g)
			if !slices.Equal(got, want) {
				t.Fatalf("secret initializers %q, want %q", got, want)
			}
			raw := onnxbuild.Bytes(onnxbuild.Model(c.nodes, c.inits,
				[]*onnx.ValueInfoProto{onnxbuild.Value("x", onnx.TensorProto_FLOAT, c.x...)},
				[]*onnx.ValueInfoProto{onnxbuild.Value("y", onnx.TensorProto_FLOAT)}))
			stripped, err := onnx.StripWeights(raw, got)
			if err != nil {
				t.Fatal(err)
			}
			s, err := onnx.Parse(stripped)
			if err != nil {
				t.Fatal(err)
			}
			for name, tensor := range s.Consts {
				if slices.Contains(got, name) {
					if slices.ContainsFunc(tensor.Data, func(v float64) bool { return v != 0 }) {
						t.Fatalf("weight %s kept values: %v", name, tensor.Data)
					}
				} else if !slices.Equal(tensor.Data, g.Consts[name].Data) {
					t.Fatalf("constant %s changed from %v to %v", name, g.Consts[name].Data, tensor.Data)
				}
			}
		})
	}
}
