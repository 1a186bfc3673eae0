package lower

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/zkinfer/zkinfer/internal/testkit"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/onnx"
	"github.com/zkinfer/zkinfer/quant"
)

func compile(t *testing.T, name string) *model.Model {
	t.Helper()
	path, _ := testkit.CorpusModel(t, name)
	g, err := onnx.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	m, err := model.Compile(g, quant.Default)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestSameIntegers: the lowered chain computes exactly the integer
// evaluator's outputs (ops.IntArith, what the Groth16 circuit proves) on
// random inputs.
func TestSameIntegers(t *testing.T) {
	for _, name := range []string{"1l_mlp", "2l_relu_fc", "1l_linear"} {
		t.Run(name, func(t *testing.T) {
			m := compile(t, name)
			c, err := Lower(m)
			if err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(3, 3))
			for range 20 {
				x := make([]float64, m.Inputs[0].Size())
				for i := range x {
					x[i] = rng.Float64()*4 - 2
				}
				outs, err := m.Eval([][]float64{x})
				if err != nil {
					t.Fatal(err)
				}
				q, err := m.Quantize([][]float64{x})
				if err != nil {
					t.Fatal(err)
				}
				_, y, err := c.Model.Run(c.M, q[0].Data)
				if err != nil {
					t.Fatal(err)
				}
				if fmt.Sprint(y) != fmt.Sprint(outs[0].Data) {
					t.Fatalf("chain gives %v, the evaluator %v", y, outs[0].Data)
				}
			}
		})
	}
}

// TestUnsupported: a model with another operator is refused, naming it.
func TestUnsupported(t *testing.T) {
	for _, c := range []struct{ name, op string }{
		{"1l_sigmoid", "Sigmoid"}, {"large_mlp", "Tile"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Lower(compile(t, c.name))
			var u *Unsupported
			if !errors.As(err, &u) || u.Op != c.op || !strings.Contains(err.Error(), "--backend groth16") || strings.Contains(err.Error(), "\n") {
				t.Fatalf("got %v, want a one-line refusal of %s", err, c.op)
			}
		})
	}
}

// TestDigest: the digest changes with any weight, the shift, the ReLU.
func TestDigest(t *testing.T) {
	c, err := Lower(compile(t, "1l_mlp"))
	if err != nil {
		t.Fatal(err)
	}
	d := c.Digest()
	seen := map[[32]byte]string{d: "original"}
	for _, e := range []struct {
		name string
		edit func(*Chain)
	}{
		{"weight", func(c *Chain) { c.Layers[0].W[0]++ }},
		{"shift", func(c *Chain) { c.Layers[0].Shift++ }},
		{"relu", func(c *Chain) { c.Layers[0].ReLU = !c.Layers[0].ReLU }},
		{"rows", func(c *Chain) { c.M++ }},
	} {
		cc := *c
		cc.Layers = append(cc.Layers[:0:0], c.Layers...)
		cc.Layers[0].W = append([]int64(nil), c.Layers[0].W...)
		e.edit(&cc)
		dd := cc.Digest()
		if prev, ok := seen[dd]; ok {
			t.Fatalf("%s: digest equals %s's", e.name, prev)
		}
		seen[dd] = e.name
	}
}

// TestCNN: models that start with a convolution go to transparent/cnn,
// with the evaluator's integers; a pool with no convolution before it is
// refused in one line naming it.
func TestCNN(t *testing.T) {
	for _, name := range []string{"1l_conv", "3l_relu_conv_fc"} {
		t.Run(name, func(t *testing.T) {
			m := compile(t, name)
			c, err := Lower(m)
			if err != nil {
				t.Fatal(err)
			}
			if c.CNN == nil || c.Model != nil {
				t.Fatalf("lowered to %s, want a CNN", c.Describe())
			}
			rng := rand.New(rand.NewPCG(5, 5))
			x := make([]float64, m.Inputs[0].Size())
			for i := range x {
				x[i] = rng.Float64()*2 - 1
			}
			outs, err := m.Eval([][]float64{x})
			if err != nil {
				t.Fatal(err)
			}
			q, _ := m.Quantize([][]float64{x})
			y, err := c.CNN.Run(q[0].Data)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(y) != fmt.Sprint(outs[0].Data) {
				t.Fatalf("CNN gives %v, the evaluator %v", y, outs[0].Data)
			}
		})
	}
	_, err := Lower(compile(t, "1l_max_pool"))
	if err == nil || !strings.Contains(err.Error(), "MaxPool") || !strings.Contains(err.Error(), "--backend groth16") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("1l_max_pool: %v", err)
	}
}
