package segment_test

import (
	"encoding/json"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/internal/onnxbuild"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/proof"
	"github.com/zkinfer/zkinfer/proof/segment"
	"github.com/zkinfer/zkinfer/proof/segment/segmenttest"
	"github.com/zkinfer/zkinfer/quant"
)

// convStem writes onnxbuild.ConvStem(8) (Conv 2→8, ReLU, max pool: one
// block that cannot be cut, then Flatten and a Gemm) and returns its path
// and an input.
func convStem(t *testing.T) (string, [][]float64) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "stem.onnx")
	if err := os.WriteFile(path, onnxbuild.Bytes(onnxbuild.ConvStem(8)), 0o644); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	x := make([]float64, 2*6*6)
	for i := range x {
		x[i] = rng.Float64()*6 - 3
	}
	return path, [][]float64{x}
}

func compileStem(t *testing.T, path string, n, k, groups int, bounds ...int) *segment.Dir {
	t.Helper()
	opt := segment.CompileOptions{
		CompileOptions:     proof.CompileOptions{Quant: quant.Default, Visibility: circuit.DefaultVisibility},
		SegmentConstraints: n, Segments: k,
	}
	if groups > 0 {
		opt.Splits = []model.Split{{Conv: "conv1", Last: "pool1", Groups: groups, Bounds: bounds}}
	}
	d, err := segment.Compile(path, filepath.Join(t.TempDir(), "seg"), opt)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Setup(proof.SetupOptions{}); err != nil {
		t.Fatal(err)
	}
	return d
}

// TestSplitSegments: the stem, 2,681 constraints unsegmented, split into
// 2 and into 4 groups of output channels (CompileOptions.Splits) in 2 and
// 4 segments, and as planning splits it at --segment-constraints 2500
// (under the stem's own cost with a segment's tables: before, "cannot be
// cut") and at --segments 4, proves in segments each within the bound,
// and its bundle's outputs are exactly the unsplit, unsegmented model's.
func TestSplitSegments(t *testing.T) {
	path, in := convStem(t)
	unsplit, _, err := proof.LoadModel(path, quant.Default, circuit.DefaultVisibility, proof.Groth16)
	if err != nil {
		t.Fatal(err)
	}
	want, err := unsplit.Model.Eval(in)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name         string
		n, k, groups int   // groups: given, or planned (at least 2) when 0
		bounds       []int // given uneven groups
	}{
		{"2 groups, --segments 2", 0, 2, 2, nil},
		{"4 groups, --segments 4", 0, 4, 4, nil},
		{"uneven groups [0 1 6 8], --segments 3", 0, 3, 3, []int{0, 1, 6, 8}},
		{"planned, --segment-constraints 2500", 2500, 0, 0, nil},
		{"planned, --segments 4", 0, 4, 0, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := compileStem(t, path, tc.n, tc.k, tc.groups, tc.bounds...)
			sp := d.Manifest.Splits
			if len(sp) != 1 || sp[0].Conv != "conv1" || sp[0].Last != "pool1" || sp[0].Groups < 2 || (tc.groups > 0 && sp[0].Groups != tc.groups) {
				t.Fatalf("splits %+v, want the stem in %d groups (0: at least 2)", sp, tc.groups)
			}
			if !slices.Equal(sp[0].Bounds, tc.bounds) && tc.groups > 0 {
				t.Errorf("bounds %v, want %v", sp[0].Bounds, tc.bounds)
			}
			version := segment.VersionSplit
			if sp[0].Bounds != nil {
				version = segment.VersionBounds
			}
			if d.Manifest.Version != version {
				t.Errorf("manifest version %d, want %d", d.Manifest.Version, version)
			}
			for k, s := range d.Manifest.Segments {
				t.Logf("segment %d: steps [%d, %d), %d constraints, %d boundary values", k, s.From, s.To, s.Constraints, s.BoundaryValues)
				if tc.n > 0 && s.Constraints > tc.n {
					t.Errorf("segment %d: %d constraints, over %d", k, s.Constraints, tc.n)
				}
			}
			if tc.k > 0 && d.Len() != tc.k {
				t.Errorf("%d segments, want %d", d.Len(), tc.k)
			}
			b, err := d.Prove(in, proof.ProveOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(b.Outputs, unsplit.Model.Dequantize(want)) {
				t.Errorf("outputs %v, the unsplit model's %v", b.Outputs, unsplit.Model.Dequantize(want))
			}
			segmenttest.Check(t, d, in, b)
		})
	}
}

// TestSplitBundleTamper: with the stem split into 4 groups in 4
// segments, a bundle with two groups' segments swapped, one dropped, one
// from another input, or a group's boundary input moved (everything after
// it recomputed honestly) fails verification.
func TestSplitBundleTamper(t *testing.T) {
	path, in := convStem(t)
	d := compileStem(t, path, 0, 4, 4)
	if d.Len() != 4 || len(d.Manifest.Splits) != 1 {
		t.Fatalf("%d segments, splits %+v: want 4 and the stem split", d.Len(), d.Manifest.Splits)
	}
	good, err := d.Prove(in, proof.ProveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Verify(good, proof.VerifyOptions{}); err != nil {
		t.Fatalf("the honest bundle: %v", err)
	}
	in2 := [][]float64{slices.Clone(in[0])}
	in2[0][0] += 1
	other, err := d.Prove(in2, proof.ProveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ws, m, err := d.Witnesses(in, proof.ProveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	segmenttest.MoveBoundary(t, d, ws, m)
	moved := proveAll(t, d, m, ws)
	clone := func(b *segment.Bundle) *segment.Bundle {
		c := *b
		c.Segments = slices.Clone(b.Segments)
		return &c
	}
	for _, tc := range []struct {
		name  string
		b     *segment.Bundle
		chain bool // valid proofs that only the chain check rejects
	}{
		{"groups 1 and 2 swapped", func() *segment.Bundle {
			b := clone(good)
			b.Segments[1], b.Segments[2] = b.Segments[2], b.Segments[1]
			return b
		}(), false},
		{"group 1 dropped", func() *segment.Bundle {
			b := clone(good)
			b.Segments = slices.Delete(b.Segments, 1, 2)
			return b
		}(), false},
		{"group 2 from another input", func() *segment.Bundle {
			b := clone(good)
			b.Segments[2] = other.Segments[2]
			return b
		}(), true},
		{"group 1's boundary input moved", moved, true},
	} {
		err := d.Verify(tc.b, proof.VerifyOptions{})
		switch {
		case err == nil:
			t.Errorf("%s: verified", tc.name)
		case tc.chain && !errors.Is(err, segment.ErrChain):
			t.Errorf("%s: %v, want the chain check's error", tc.name, err)
		default:
			t.Logf("%s: %v", tc.name, err)
		}
	}
}

// TestSplitManifest: a directory whose blocks were split opens only with
// its splits: the manifest without them, or a reader of version 1, is
// refused.
func TestSplitManifest(t *testing.T) {
	path, _ := convStem(t)
	d, err := segment.Compile(path, filepath.Join(t.TempDir(), "seg"), segment.CompileOptions{
		CompileOptions: proof.CompileOptions{Quant: quant.Default, Visibility: circuit.DefaultVisibility},
		Segments:       4,
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := segment.Open(d.Path); err != nil {
		t.Fatal(err)
	}
	man := d.Manifest
	man.Splits = nil
	if err := writeManifest(d.Path, man); err != nil {
		t.Fatal(err)
	}
	if _, err := segment.Open(d.Path); err == nil {
		t.Error("a manifest of version 2 without its splits opened")
	}
	man.Version = segment.Version
	if err := writeManifest(d.Path, man); err != nil {
		t.Fatal(err)
	}
	if _, err := segment.Open(d.Path); err == nil {
		t.Error("the manifest without its splits opened: its steps are not the model's")
	}
	// Uneven groups need version 3: a reader of version 2 would split
	// evenly and build other circuits.
	u := compileStem(t, path, 0, 3, 3, 0, 1, 6, 8)
	man = u.Manifest
	if man.Version != segment.VersionBounds {
		t.Fatalf("uneven groups: manifest version %d, want %d", man.Version, segment.VersionBounds)
	}
	man.Version = segment.VersionSplit
	if err := writeManifest(u.Path, man); err != nil {
		t.Fatal(err)
	}
	if _, err := segment.Open(u.Path); err == nil {
		t.Error("a manifest of version 2 with uneven groups opened")
	}
}

func writeManifest(dir string, m segment.Manifest) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, segment.ManifestFile), b, 0o644)
}
