package audit_test

import (
	"fmt"
	"math/big"

	"github.com/zkinfer/zkinfer/audit"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/onnx"
	"github.com/zkinfer/zkinfer/ops"
	"github.com/zkinfer/zkinfer/quant"
)

// Example commits to three labelled credit applicants and builds the
// circuit that proves the credit model classifies at least two of them
// correctly, revealing nothing else.
func Example() {
	g, _ := onnx.Load("../examples/credit/model.onnx")
	m, _ := model.Compile(g, quant.Default)
	d := &audit.Data{
		Records: [][]float64{
			{48, 0.28, 9, 0, 0.35, 33, 12, 5},
			{38, 0.45, 4, 1, 0.7, 27, 20, 1.5},
			{90, 0.1, 20, 0, 0.2, 45, 10, 12},
		},
		Labels: []int64{1, 0, 1},
	}
	rs, err := d.Quantize(12, 24, 0, big.NewInt(4242)) // the salt: a secret of the data holder
	if err != nil {
		panic(err)
	}
	threshold, _ := audit.ParseRat("0.6")
	spec := &audit.Spec{Model: m, Schema: rs.Schema, Metric: audit.Metric{
		Kind: audit.Accuracy, Threshold: &threshold, Cut: quant.Quantize(0.5, m.Outputs[0].Scale), CutText: "0.5"}}
	o, err := audit.Evaluate(spec, &audit.Witness{Records: rs})
	if err != nil {
		panic(err)
	}
	cs, err := audit.Compile(spec, ops.RangeLookup)
	if err != nil {
		panic(err)
	}
	fmt.Println(spec.Metric.Describe(&spec.Schema, nil))
	fmt.Println("correct:", o.Correct, "circuit built:", cs.GetNbConstraints() > 0)
	// Output:
	// accuracy ≥ 0.6 (at least 2 of 3 correct)
	// correct: 3 circuit built: true
}
