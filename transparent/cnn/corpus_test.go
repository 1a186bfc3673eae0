package cnn

import (
	"testing"

	"github.com/zkinfer/zkinfer/internal/testkit"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/onnx"
	"github.com/zkinfer/zkinfer/quant"
)

// TestCorpus proves the corpus's convolutional models on their own inputs
// (skipped without the corpus) and checks the output against the integer
// evaluator's, which is the Groth16 path's (within its ≤ 1% of the float
// reference).
func TestCorpus(t *testing.T) {
	for _, name := range []string{"3l_relu_conv_fc", "1l_conv", "1l_downsample"} {
		t.Run(name, func(t *testing.T) {
			path, in := testkit.CorpusInput(t, name)
			g, err := onnx.Load(path)
			if err != nil {
				t.Fatal(err)
			}
			mod, err := model.Compile(g, quant.Default)
			if err != nil {
				t.Fatal(err)
			}
			m, err := FromModel(mod)
			if err != nil {
				t.Fatal(err)
			}
			proof, y := proveMatches(t, mod, m, in)
			y[0]++
			if err := Verify(testParams, m, y, proof); err == nil {
				t.Fatal("another output accepted")
			}
		})
	}
}
