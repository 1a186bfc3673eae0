package segment

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/proof"
	"github.com/zkinfer/zkinfer/quant"
)

// ManifestFile names a segmented directory's manifest; its presence is
// what makes a directory segmented.
const ManifestFile = "segments.json"

// Version is the manifest's format version; VersionSplit that of a
// manifest with Splits (which a reader of Version 1 would not apply), and
// VersionBounds that of one with a split into uneven groups
// (model.Split.Bounds, which a reader of VersionSplit would not apply).
const (
	Version       = 1
	VersionSplit  = 2
	VersionBounds = 3
)

// manifestVersion is the version of a manifest with splits.
func manifestVersion(splits []model.Split) int {
	v := Version
	for _, s := range splits {
		v = max(v, VersionSplit)
		if s.Bounds != nil {
			v = VersionBounds
		}
	}
	return v
}

// Manifest is segments.json: the model's settings as a whole and, in
// order, where each segment's directory is and which steps it runs.
type Manifest struct {
	Version     int                `json:"version"`
	Backend     proof.Backend      `json:"backend"`
	ModelSHA256 string             `json:"model_sha256"`
	Quant       quant.Settings     `json:"quant"`
	Visibility  circuit.Visibility `json:"visibility"`
	Inputs      []proof.TensorSpec `json:"inputs"`
	Outputs     []proof.TensorSpec `json:"outputs"`
	// SegmentConstraints is the most constraints a segment may have.
	SegmentConstraints int `json:"segment_constraints"`
	// Constraints is the segments' total.
	Constraints int   `json:"constraints"`
	Segments    []Ref `json:"segments"`
	// Splits are the blocks split by output channels (model.Split) in
	// the model the segments' steps number: every compile of the model
	// applies them.
	Splits []model.Split `json:"splits,omitempty"`
}

// Ref is one segment of the manifest.
type Ref struct {
	Dir         string `json:"dir"`  // relative to the segmented directory
	From        int    `json:"from"` // the model's steps [From, To)
	To          int    `json:"to"`
	Constraints int    `json:"constraints"`
	// BoundaryValues counts the values handed to the next segment.
	BoundaryValues int `json:"boundary_values"`
}

// IsSegmented reports whether dir is a segmented compiled directory.
func IsSegmented(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, ManifestFile))
	return err == nil
}

// Dir is an opened segmented directory.
type Dir struct {
	Path     string
	Manifest Manifest
	// Top holds the model as a whole (settings and model, no circuit).
	Top *proof.Compiled
}

// Model is the compiled model (without secret weights' values), compiled
// without the steps' plans (model.Plans): it describes every tensor, its
// segments' inputs and outputs and where it may be cut, but runs no step.
// A whole model holds its constant weights expanded in its plans (a
// convolution's per output tap: cnn_c32 150 MB, the segmented prover's
// peak before any proof); SegmentModel and FullModel compile what runs.
func (d *Dir) Model() *model.Model { return d.Top.Model }

// SegmentModel compiles the model again, keeping only segment k's plans:
// its Sub(From, To) runs segment k. (A model with secret weights is
// compiled whole with them, by proof.Compiled.LoadWeights: its
// convolutions' plans index taps, they do not hold the weights.)
func (d *Dir) SegmentModel(k int) (*model.Model, error) {
	r := d.Manifest.Segments[k]
	return d.compileModel(&model.Plans{From: r.From, To: r.To})
}

// FullModel compiles the whole model with every step's plan: what runs it
// unsegmented (a test's reference; Model().Eval refuses).
func (d *Dir) FullModel() (*model.Model, error) { return d.compileModel(nil) }

// compileModel compiles the directory's model keeping the plans keep
// covers.
func (d *Dir) compileModel(keep *model.Plans) (*model.Model, error) {
	raw, err := os.ReadFile(filepath.Join(d.Path, proof.ModelFile))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", d.Path, err)
	}
	c, err := buildModel(filepath.Join(d.Path, proof.ModelFile), raw, d.Manifest, keep)
	if err != nil {
		return nil, err
	}
	return c.Model, nil
}

// buildModel compiles a segmented directory's model keeping the plans keep
// covers, with the garbage collector's target at proveGCPercent and the
// memory returned after: building one step's plan (cnn_c32's second
// convolution, 4.7M taps) is what compiling the model peaks at, dropped
// plan or not, and at Go's default target the plans compile drops pile up
// (cnn_c32, segment.Open: 0.25 GB peak RSS at 100, against 0.14 GB for
// the segments' compiles at 25).
func buildModel(name string, raw []byte, man Manifest, keep *model.Plans) (*proof.Compiled, error) {
	defer release()
	defer debug.SetGCPercent(debug.SetGCPercent(proveGCPercent))
	return proof.BuildModelSplit(name, raw, man.Quant, man.Visibility, man.ModelSHA256, keep, man.Splits)
}

// Len is the number of segments.
func (d *Dir) Len() int { return len(d.Manifest.Segments) }

// SegmentDir is the path of segment k's directory.
func (d *Dir) SegmentDir(k int) string {
	return filepath.Join(d.Path, filepath.FromSlash(d.Manifest.Segments[k].Dir))
}

// segmentName is the directory of segment k within a segmented directory.
func segmentName(k int) string { return fmt.Sprintf("segments/%03d", k) }

// Open reads a segmented directory and recompiles its model without the
// steps' plans (Model; no circuit is built).
func Open(dir string) (*Dir, error) {
	b, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s is not a segmented directory: compile with --segment-constraints", dir)
	}
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %s is corrupt: %v", dir, ManifestFile, err)
	}
	if m.Version != manifestVersion(m.Splits) {
		return nil, fmt.Errorf("%s: %s has version %d, this zkinfer reads %d: compile again", dir, ManifestFile, m.Version, Version)
	}
	raw, err := os.ReadFile(filepath.Join(dir, proof.ModelFile))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	top, err := buildModel(filepath.Join(dir, proof.ModelFile), raw, m, model.None)
	if err != nil {
		return nil, err
	}
	top.Dir = dir
	top.Settings.Backend = m.Backend
	d := &Dir{Path: dir, Manifest: m, Top: top}
	if err := d.check(); err != nil {
		return nil, fmt.Errorf("%s: %s is corrupt: %v", dir, ManifestFile, err)
	}
	return d, nil
}

// check rejects a manifest whose segments do not cover the model's steps
// in order at allowed cuts.
func (d *Dir) check() error {
	if err := d.Manifest.Backend.Valid(); err != nil {
		return err
	}
	segs := d.Manifest.Segments
	if len(segs) == 0 {
		return errors.New("it lists no segments")
	}
	n := d.Model().NumSteps()
	at := 0
	for k, s := range segs {
		if s.From != at || s.To <= s.From || s.To > n {
			return fmt.Errorf("segment %d runs steps [%d, %d), not from %d within the model's %d", k, s.From, s.To, at, n)
		}
		if s.Dir != segmentName(k) {
			return fmt.Errorf("segment %d is in %q, not %q", k, s.Dir, segmentName(k))
		}
		at = s.To
	}
	if at != n {
		return fmt.Errorf("the segments end at step %d of %d", at, n)
	}
	return nil
}

// Segment opens segment k: its directory as a proof.Compiled whose model
// is the sub-model of m (the directory's model, or the same architecture
// with its weights), and the indices of its secret weights among m's.
func (d *Dir) Segment(k int, m *model.Model) (*proof.Compiled, []int, error) {
	if m == nil {
		m = d.Model()
	}
	r := d.Manifest.Segments[k]
	sub, idx, err := m.Sub(r.From, r.To)
	if err != nil {
		return nil, nil, err
	}
	c, err := proof.OpenSub(d.SegmentDir(k), sub)
	if err != nil {
		return nil, nil, err
	}
	if c.Settings.Backend != d.Manifest.Backend || c.Settings.ModelSHA256 != d.Manifest.ModelSHA256 {
		return nil, nil, fmt.Errorf("%s is not a segment of this directory's model: compile again", c.Dir)
	}
	want, err := segmentVisibility(d.Manifest.Visibility, k, d.Len(), len(sub.Params) > 0)
	if err != nil {
		return nil, nil, err
	}
	if c.Settings.Visibility != want {
		return nil, nil, fmt.Errorf("%s: its visibility is not segment %d's of this model: compile again", c.Dir, k)
	}
	return c, idx, nil
}

// segmentVisibility is segment k's visibility (of n) in a model under
// vis: the first keeps the model's input visibility, the last its output
// visibility and claim; boundaries between them are Boundary; a segment
// that reads no secret weight has its weights fixed.
func segmentVisibility(vis circuit.Visibility, k, n int, params bool) (circuit.Visibility, error) {
	v := vis
	if k > 0 {
		v.Input = circuit.Boundary
	}
	if k < n-1 {
		v.Output, v.Claim = circuit.Boundary, ""
	}
	if !params {
		v.Params, v.ParamCommitment, v.ParamBits = circuit.Fixed, "", 0
	}
	return v, v.Validate()
}
