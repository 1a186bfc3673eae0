package onnx_test

import (
	"strings"
	"testing"

	"github.com/zkinfer/zkinfer/internal/onnxbuild"
	"github.com/zkinfer/zkinfer/internal/testkit"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/onnx"
	"github.com/zkinfer/zkinfer/quant"
)

// TestBadModels: each malformed model fails to load or compile with an
// error on one line that names what is at fault.
func TestBadModels(t *testing.T) {
	for _, c := range onnxbuild.BadModels() {
		t.Run(c.Name, func(t *testing.T) {
			g, err := onnx.Parse(c.Data)
			if err == nil {
				_, err = model.Compile(g, quant.Default)
			}
			if err == nil {
				t.Fatal("accepted")
			}
			testkit.CheckOneLine(t, err)
			if !strings.Contains(err.Error(), c.Want) {
				t.Fatalf("error %q does not contain %q", err, c.Want)
			}
		})
	}
}

// TestValidModel: the base of the malformed models loads and compiles, so
// each case fails for its own defect.
func TestValidModel(t *testing.T) {
	g, err := onnx.Parse(onnxbuild.Bytes(onnxbuild.GemmRelu()))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := model.Compile(g, quant.Default); err != nil {
		t.Fatal(err)
	}
}
