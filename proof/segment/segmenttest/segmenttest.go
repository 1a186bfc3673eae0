// Package segmenttest holds what the tests of segmented proving share
// (proof/segment, queue, evm): checking a bundle against the unsegmented
// model, and a boundary moved with everything after it recomputed.
package segmenttest

import (
	"reflect"
	"slices"
	"testing"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/ops"
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

// MoveBoundary changes the first value of segment 1's boundary input in the
// witnesses ws of d (m: the model Dir.Witnesses returned), then recomputes
// honestly everything after it: the later segments' outputs from the whole
// model, the boundary commitments and the challenge. Each proof is then
// valid on its own; only the chain of fingerprints can reject the bundle.
func MoveBoundary(t testing.TB, d *segment.Dir, ws []*circuit.Witness, m *model.Model) {
	t.Helper()
	in := slices.Clone(ws[1].Inputs)
	in[0].Data = slices.Clone(in[0].Data)
	in[0].Data[0]++
	ws[1].Inputs = in
	// m describes the segments and runs nothing (Dir.Model): run them with
	// the whole model
	whole, err := d.FullModel()
	if err != nil {
		t.Fatal(err)
	}
	for k := 1; k < len(ws); k++ {
		sub, _, err := whole.Sub(d.Manifest.Segments[k].From, d.Manifest.Segments[k].To)
		if err != nil {
			t.Fatal(err)
		}
		if k > 1 {
			ws[k].Inputs = ws[k-1].Outputs
		}
		if ws[k].Outputs, err = model.Run(sub, &ops.IntArith{}, append(slices.Clone(ws[k].Inputs), ws[k].Params...)); err != nil {
			t.Fatal(err)
		}
	}
	points, err := d.Commitments(ws, m)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range ws {
		w.BoundaryChallenge = circuit.BoundaryChallenge(points)
	}
}
