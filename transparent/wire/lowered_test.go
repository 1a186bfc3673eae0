package wire

import (
	"math/rand/v2"
	"testing"

	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/onnx"
	"github.com/zkinfer/zkinfer/quant"
	"github.com/zkinfer/zkinfer/transparent/lower"
)

// lowered parses, compiles (quant.Default) and lowers the ONNX model in
// onnxBytes, and quantizes a random input in [−1, 1) drawn from seed: the
// chain and that input, ready to prove.
func lowered(t testing.TB, onnxBytes []byte, seed uint64) (*lower.Chain, []int64) {
	t.Helper()
	g, err := onnx.Parse(onnxBytes)
	if err != nil {
		t.Fatal(err)
	}
	m, err := model.Compile(g, quant.Default)
	if err != nil {
		t.Fatal(err)
	}
	c, err := lower.Lower(m)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(seed, seed))
	x := make([]float64, m.Inputs[0].Size())
	for i := range x {
		x[i] = rng.Float64()*2 - 1
	}
	q, err := m.Quantize([][]float64{x})
	if err != nil {
		t.Fatal(err)
	}
	return c, q[0].Data
}
