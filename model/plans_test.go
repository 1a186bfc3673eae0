package model_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/zkinfer/zkinfer/internal/testkit"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/onnx"
	"github.com/zkinfer/zkinfer/ops"
	"github.com/zkinfer/zkinfer/quant"
)

// TestCompileWithPlans runs corpus models segment by segment, each segment
// from a compile that kept its plans only, and checks every boundary
// tensor and output against the whole model's; a model compiled with no
// plans describes the same tensors and refuses to run.
func TestCompileWithPlans(t *testing.T) {
	for _, tc := range []struct {
		name   string
		secret bool
	}{
		{"3l_relu_conv_fc", false},
		{"3l_relu_conv_fc", true},
		{"1l_max_pool", false},
		{"2l_relu_fc", false},
		{"multihead_attention", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path, in := testkit.CorpusInput(t, tc.name)
			g, err := onnx.Load(path)
			if err != nil {
				t.Fatal(err)
			}
			s := quant.Default
			compile := func(keep *model.Plans) *model.Model {
				t.Helper()
				var m *model.Model
				var err error
				if tc.secret {
					m, err = model.CompileSecretWith(g, s, model.DefaultParamBits, keep)
				} else {
					m, err = model.CompileWith(g, s, keep)
				}
				if err != nil {
					t.Fatal(err)
				}
				return m
			}
			whole, shape := compile(nil), compile(model.None)
			if shape.NumSteps() != whole.NumSteps() || !reflect.DeepEqual(shape.Boundaries(), whole.Boundaries()) ||
				!reflect.DeepEqual(shape.Outputs, whole.Outputs) {
				t.Fatal("the model without plans describes other tensors")
			}
			q, err := whole.Quantize(in)
			if err != nil {
				t.Fatal(err)
			}
			var params []ops.Tensor[int64]
			if tc.secret {
				if params, err = whole.ParamValues(); err != nil {
					t.Fatal(err)
				}
			}
			want, err := model.Run(whole, &ops.IntArith{}, append(q, params...))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := model.Run(shape, &ops.IntArith{}, append(q, params...)); err == nil || !strings.Contains(err.Error(), "without what running it needs") {
				t.Fatalf("running a model without plans: %v", err)
			}
			// cut wherever allowed, into spans of about a third
			var cuts []int
			for c := 1; c < whole.NumSteps(); c++ {
				if whole.CutAllowed(c) && (len(cuts) == 0 || c-cuts[len(cuts)-1] >= max(1, whole.NumSteps()/3)) {
					cuts = append(cuts, c)
				}
			}
			cuts = append([]int{0}, append(cuts, whole.NumSteps())...)
			vals := q
			for i := range cuts[:len(cuts)-1] {
				from, to := cuts[i], cuts[i+1]
				m := compile(&model.Plans{From: from, To: to})
				sub, idx, err := m.Sub(from, to)
				if err != nil {
					t.Fatal(err)
				}
				ref, _, err := whole.Sub(from, to)
				if err != nil {
					t.Fatal(err)
				}
				args := append([]ops.Tensor[int64](nil), vals...)
				for _, j := range idx {
					args = append(args, params[j])
				}
				got, err := model.Run(sub, &ops.IntArith{}, args)
				if err != nil {
					t.Fatalf("steps [%d, %d): %v", from, to, err)
				}
				exp, err := model.Run(ref, &ops.IntArith{}, args)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, exp) {
					t.Fatalf("steps [%d, %d): outputs differ from the whole model's", from, to)
				}
				vals = got
			}
			if !reflect.DeepEqual(vals, want) {
				t.Fatal("the segments' outputs differ from the whole model's")
			}
		})
	}
}
