package proof_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/proof"
	"github.com/zkinfer/zkinfer/quant"
)

const (
	creditModel = "../examples/credit/model.onnx"
	creditInput = "../examples/credit/input.json"
)

// The whole pipeline from Go: compile a model, run the setup, prove one
// inference and verify the proof.
func Example() {
	dir, _ := os.MkdirTemp("", "zkinfer")
	defer os.RemoveAll(dir)

	c, err := proof.Compile(creditModel, dir, quant.Default, circuit.DefaultVisibility, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := c.Setup(nil); err != nil {
		fmt.Println(err)
		return
	}
	input, _ := model.ReadInput(creditInput)
	p, err := c.Prove(input, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("score:", p.Outputs[0][0])
	fmt.Println("valid:", c.Verify(p) == nil)

	p.Outputs[0][0] = 0.99 // a claimed output the proof does not carry
	fmt.Println("tampered valid:", c.Verify(p) == nil)
	// Output:
	// score: 0.904541015625
	// valid: true
	// tampered valid: false
}

// BenchmarkProve measures one Groth16 proof of the credit model (setup
// excluded).
func BenchmarkProve(b *testing.B) {
	dir := b.TempDir()
	c, err := proof.Compile(creditModel, dir, quant.Default, circuit.DefaultVisibility, nil)
	if err != nil {
		b.Fatal(err)
	}
	if err := c.Setup(nil); err != nil {
		b.Fatal(err)
	}
	input, _ := model.ReadInput(creditInput)
	b.ReportMetric(float64(c.Settings.Constraints), "constraints")
	b.ResetTimer()
	for range b.N {
		if _, err := c.Prove(input, nil); err != nil {
			b.Fatal(err)
		}
	}
}
