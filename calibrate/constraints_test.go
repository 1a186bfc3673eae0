package calibrate

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zkinfer/zkinfer/internal/testkit"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/onnx"
)

// makeTestModels are the corpus models `make test` proves
// (cmd/zkinfer's proven); ZKINFER_CALIBRATE_COUNT=all counts them all,
// every `make test` the first few.
var makeTestModels = []string{
	"1l_mlp", "1l_linear", "1l_relu", "2l_relu_fc", "1l_flatten", "1l_reshape", "1l_identity",
	"linear_regression", "quantize_dequantize", "accuracy", "large_mlp",
	"1l_conv", "3l_relu_conv_fc", "1l_max_pool", "1l_average", "1l_batch_norm", "layernorm",
	"1l_sigmoid", "1l_softmax", "1l_gelu_noappx", "1l_sqrt", "1l_div", "integer_div",
	"1l_concat", "1l_slice", "1l_pad", "gather_elements", "1l_where", "1l_topk", "reducel2",
	"lstm", "logsumexp", "xgboost",
}

// TestBalancedConstraints checks the balanced target against the defaults
// on the models `make test` proves: where the defaults meet it on the
// model's input, calibration never picks more constraints.
func TestBalancedConstraints(t *testing.T) {
	root := testkit.Corpus(t)
	names := []string{"1l_mlp", "accuracy", "1l_softmax", "3l_relu_conv_fc"}
	if os.Getenv("ZKINFER_CALIBRATE_COUNT") == "all" {
		names = makeTestModels
	}
	var rows []string
	fewer, total, def, cal := 0, 0, 0, 0
	for _, name := range names {
		dir := filepath.Join(root, name)
		g, err := onnx.Load(filepath.Join(dir, "network.onnx"))
		if err != nil {
			t.Fatal(err)
		}
		data, err := model.ReadInput(filepath.Join(dir, "input.json"))
		if err != nil {
			t.Fatal(err)
		}
		m, err := compileFine(g)
		if err != nil {
			t.Fatal(err)
		}
		samples, err := Split(m, data)
		if err != nil {
			t.Fatal(err)
		}
		res, err := Calibrate(g, samples, Options{Headroom: 1})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !res.Met {
			t.Errorf("%s: no settings meet balanced", name)
			continue
		}
		if !Balanced.Met(res.Default.Report) {
			rows = append(rows, fmt.Sprintf("| %s | defaults miss balanced | %d |", name, res.Chosen.Constraints))
			continue
		}
		total++
		def += res.Default.Constraints
		cal += res.Chosen.Constraints
		if res.Chosen.Constraints > res.Default.Constraints {
			t.Errorf("%s: calibrated %s needs %d constraints, the defaults %d", name, Format(res.Chosen.Quant), res.Chosen.Constraints, res.Default.Constraints)
		}
		if res.Chosen.Constraints < res.Default.Constraints {
			fewer++
		}
		rows = append(rows, fmt.Sprintf("| %s | %d | %d (%s, range checks %s) |", name, res.Default.Constraints, res.Chosen.Constraints, Format(res.Chosen.Quant), res.Chosen.RangeCheck))
	}
	t.Logf("balanced vs defaults: fewer constraints on %d of %d models, %d in all against %d\n| model | defaults | balanced |\n|---|---|---|\n%s", fewer, total, cal, def, strings.Join(rows, "\n"))
}
