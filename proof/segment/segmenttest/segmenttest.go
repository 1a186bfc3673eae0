// Package segmenttest holds what the tests of segmented proving share
// (proof/segment, queue): checking a bundle against the unsegmented model.
package segmenttest

import (
	"reflect"
	"testing"

	"github.com/zkinfer/zkinfer/proof"
	"github.com/zkinfer/zkinfer/proof/segment"
)

// Check verifies bundle b against d and fails the test unless its outputs
// are exactly the unsegmented model's on in.
func Check(t testing.TB, d *segment.Dir, in [][]float64, b *segment.Bundle) {
	t.Helper()
	whole, err := d.FullModel()
	if err != nil {
		t.Fatal(err)
	}
	want, err := whole.Eval(in)
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
