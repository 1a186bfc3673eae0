package segment_test

import (
	"path/filepath"
	"reflect"
	"testing"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/proof"
	"github.com/zkinfer/zkinfer/proof/segment"
	"github.com/zkinfer/zkinfer/quant"
)

const credit = "../../examples/credit/model.onnx"

// compileCredit compiles the credit model into segments of at most n
// constraints under vis and sets it up.
func compileCredit(t *testing.T, vis circuit.Visibility, k int) *segment.Dir {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "seg")
	d, err := segment.Compile(credit, dir, segment.CompileOptions{
		CompileOptions: proof.CompileOptions{Quant: quant.Default, Visibility: vis},
		Segments:       k,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Setup(proof.SetupOptions{}); err != nil {
		t.Fatal(err)
	}
	return d
}

func TestCreditSegments(t *testing.T) {
	d := compileCredit(t, circuit.DefaultVisibility, 3)
	if d.Len() < 2 {
		t.Fatalf("%d segments, want at least 2", d.Len())
	}
	for k, s := range d.Manifest.Segments {
		t.Logf("segment %d: steps [%d, %d), %d constraints, %d boundary values", k, s.From, s.To, s.Constraints, s.BoundaryValues)
	}
	in, err := model.ReadInput("../../examples/credit/input.json")
	if err != nil {
		t.Fatal(err)
	}
	b, err := d.Prove(in, proof.ProveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want, err := d.Model().Eval(in)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(b.Outputs, d.Model().Dequantize(want)) {
		t.Errorf("outputs %v, unsegmented %v", b.Outputs, d.Model().Dequantize(want))
	}
	if err := d.Verify(b, proof.VerifyOptions{}); err != nil {
		t.Fatal(err)
	}
}
