package calibrate_test

import (
	"fmt"

	"github.com/zkinfer/zkinfer/calibrate"
	"github.com/zkinfer/zkinfer/internal/onnxbuild"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/onnx"
	"github.com/zkinfer/zkinfer/quant"
)

// Calibrating a model on two samples, given back to back as in EZKL's
// calibration files, for the balanced target.
func Example() {
	g, _ := onnx.Parse(onnxbuild.Bytes(onnxbuild.GemmRelu())) // y = Relu(x·W + b), x of shape [1, 4]
	m, _ := model.Compile(g, quant.Default)
	samples, _ := calibrate.Split(m, [][]float64{{0.5, -1, 2, 0.25, 1, 1, 1, 1}})
	res, err := calibrate.Calibrate(g, samples, calibrate.Options{Target: calibrate.Balanced, Headroom: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(samples), "samples; target met:", res.Met)
	fmt.Println("fewer constraints than the defaults:", res.Chosen.Constraints < res.Default.Constraints)
	// Output:
	// 2 samples; target met: true
	// fewer constraints than the defaults: true
}
