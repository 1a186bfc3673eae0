package segment

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"slices"
	"time"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/ops"
	"github.com/zkinfer/zkinfer/proof"
)

// Setup writes every segment's keys, one segment at a time: only one
// segment's constraint system and keys are in memory at once; and, from
// them, each segment's BoundaryKeyFile.
func (d *Dir) Setup(opt proof.SetupOptions) error {
	for k := range d.Manifest.Segments {
		c, _, err := d.Segment(k, nil)
		if err != nil {
			return err
		}
		opt.Progress.Log("setup: segment %d of %d", k+1, d.Len())
		if err := c.SetupWith(opt); err != nil {
			return fmt.Errorf("segment %d: %w", k, err)
		}
		release()
		if d.Len() > 1 {
			if err := d.WriteBoundaryKey(k); err != nil {
				return err
			}
			release()
		}
	}
	return nil
}

// TrustWarnings are the segments' trust warnings, each once.
func (d *Dir) TrustWarnings() ([]string, error) {
	var out []string
	for k := range d.Manifest.Segments {
		c, err := proof.OpenSub(d.SegmentDir(k), nil)
		if err != nil {
			return nil, err
		}
		for _, w := range c.TrustWarnings() {
			if !slices.Contains(out, w) {
				out = append(out, w)
			}
		}
	}
	return out, nil
}

// shapeOnly is what proving a witness reads of a (sub-)model: its
// settings and the descriptions of its inputs, weights and outputs,
// without the compiled steps (and the weights they hold).
func shapeOnly(m *model.Model) *model.Model {
	return &model.Model{Settings: m.Settings, Inputs: m.Inputs, Outputs: m.Outputs, Params: m.Params,
		ParamNames: m.ParamNames, ParamBits: m.ParamBits}
}

// proveGCPercent is the garbage collector's target while the witnesses
// are computed and the model compiled (25; cnn_c32's largest segment,
// proven at it before segmentGCPercent: peak RSS 715 MB at Go's default
// 100).
const proveGCPercent = 25

// segmentGCPercent is the collector's target while a segment's prover
// runs: proof.ProveOptions.Release's for a whole model (10). cnn_c32 in
// 4 segments (the largest 106,034 constraints, its prover the process's
// peak): 0.166 GB at 25, 0.153 GB at 10.
const segmentGCPercent = 10

// release returns the memory of the segment just done to the system
// before the next one is loaded: a proving key is most of a process's
// peak.
func release() {
	runtime.GC()
	debug.FreeOSMemory()
}

// Witnesses runs the model on inputs with the integer evaluator, segment
// by segment, and returns each segment's witness: the values it reads and
// computes, its secret weights, the salts and the context of opt. The
// boundary salts and blinds are drawn here, once for the bundle (nobody
// needs them again), and the boundary challenge is computed from the
// segments' boundary commitments (boundary.go): the witnesses are ready to
// prove in any order, on any machine. The model returned describes the
// segments (Segment, ProveSegment); it runs nothing.
//
// Each segment runs from a model compiled with its own steps' plans only
// (SegmentModel), dropped before the next: the whole model's plans hold
// its constant weights expanded (a convolution's per output tap), which
// made computing the witnesses the segmented prover's peak (cnn_c32: 0.29
// GB, the whole model's 150 MB of plans among it, against 0.05–0.20 GB for
// proving any one segment). Only the boundary tensors between segments are
// kept. Compiling once per segment costs a compile of the model each
// (cnn_c32: about 0.1 s) and gives the same plans, so the same values, as
// compiling once (TestWitnessesMatchWholeModel).
func (d *Dir) Witnesses(inputs [][]float64, opt proof.ProveOptions) ([]*circuit.Witness, *model.Model, error) {
	if len(opt.Context) > circuit.MaxContextBytes {
		return nil, nil, fmt.Errorf("prove: the context has %d bytes, more than %d: pass a hash of it", len(opt.Context), circuit.MaxContextBytes)
	}
	m := d.Model()
	// whole runs every segment when the weights are secret: the model
	// compiled with them (their convolutions' plans index taps and hold
	// no weights).
	var whole *model.Model
	var params []ops.Tensor[int64]
	if d.Manifest.Visibility.SecretParams() {
		var err error
		if whole, err = d.Top.LoadWeights(opt.Weights); err != nil {
			return nil, nil, err
		}
		if params, err = whole.ParamValues(); err != nil {
			return nil, nil, fmt.Errorf("prove: %w", err)
		}
	} else if opt.Weights != "" {
		return nil, nil, fmt.Errorf("prove: this circuit has its weights fixed in it: --model is not needed")
	}
	in, err := m.Quantize(inputs)
	if err != nil {
		return nil, nil, err
	}
	// Building a step's plan is the phase's peak (cnn_c32's second
	// convolution: 4.7M taps, about 0.1 GB of plan and as much again of
	// the builder's while it is built): collect the plans dropped (those
	// of the steps outside the segment, and the last segment's) before
	// they pile up.
	defer debug.SetGCPercent(debug.SetGCPercent(proveGCPercent))
	ws := make([]*circuit.Witness, d.Len())
	for k, r := range d.Manifest.Segments {
		opt.Progress.Log("prove: witness of segment %d of %d", k+1, d.Len())
		run := whole
		if run == nil {
			if run, err = d.SegmentModel(k); err != nil {
				return nil, nil, err
			}
		}
		sub, idx, err := run.Sub(r.From, r.To)
		if err != nil {
			return nil, nil, err
		}
		w := &circuit.Witness{Inputs: in, Salt: opt.Salt, ParamSalt: opt.ParamSalt, Context: opt.Context}
		for _, i := range idx {
			w.Params = append(w.Params, params[i])
		}
		if w.Outputs, err = model.Run(sub, &ops.IntArith{}, append(slices.Clone(in), w.Params...)); err != nil {
			return nil, nil, err
		}
		ws[k], in = w, w.Outputs
		if whole == nil {
			release()
		}
	}
	whole, params = nil, nil
	if err := drawBoundary(ws); err != nil {
		return nil, nil, err
	}
	opt.Progress.Log("prove: boundary commitments")
	if err := d.setChallenge(ws, m); err != nil {
		return nil, nil, err
	}
	return ws, m, nil
}

// ProveSegment proves segment k's witness w with m, the directory's model
// or the same with its weights loaded (Witnesses returns it).
func (d *Dir) ProveSegment(k int, m *model.Model, w *circuit.Witness, progress proof.Progress) (*proof.Proof, error) {
	c, _, err := d.Segment(k, m)
	if err != nil {
		return nil, err
	}
	return d.proveSegment(k, c, w, progress)
}

// proveSegment proves segment k, opened as c, with the witness w.
func (d *Dir) proveSegment(k int, c *proof.Compiled, w *circuit.Witness, progress proof.Progress) (*proof.Proof, error) {
	defer release()
	// The segment's proving key and constraint system are live from before
	// the prover starts to its end: collect garbage more often while it
	// runs, as proof.ProveOptions.Release does for a whole model.
	defer debug.SetGCPercent(debug.SetGCPercent(segmentGCPercent))
	p, err := c.ProveWitness(c.Model, w, progress)
	if err != nil {
		return nil, fmt.Errorf("segment %d: %w", k, err)
	}
	return p, nil
}

// Prove proves an inference segment by segment in this process, one
// segment's keys in memory at a time, and returns the bundle. The
// witnesses are computed one segment's model at a time (Witnesses), and
// the segments are proven with their models' shapes only (shapeOnly):
// the directory's model describes the tensors and runs nothing
// (Dir.Model), so no step's expanded weights are held while a segment is
// proven. opt.Release also drops the directory's model (d.Model() is nil
// afterwards).
func (d *Dir) Prove(inputs [][]float64, opt proof.ProveOptions) (*Bundle, error) {
	ws, m, err := d.Witnesses(inputs, opt)
	if err != nil {
		return nil, err
	}
	segs := make([]*proof.Compiled, d.Len())
	for k := range segs {
		if segs[k], _, err = d.Segment(k, m); err != nil {
			return nil, err
		}
		segs[k].Model = shapeOnly(segs[k].Model)
	}
	m = nil
	if opt.Release {
		d.Top.Model = nil
	}
	proofs := make([]*proof.Proof, d.Len())
	start := time.Now()
	for k := range ws {
		t := time.Now()
		opt.Progress.Log("prove: segment %d of %d (%d constraints)", k+1, d.Len(), d.Manifest.Segments[k].Constraints)
		if proofs[k], err = d.proveSegment(k, segs[k], ws[k], opt.Progress); err != nil {
			return nil, err
		}
		segs[k] = nil
		ws[k] = nil
		opt.Progress.Log("prove: segment %d of %d done (%.1fs; %.1fs in all)", k+1, d.Len(), time.Since(t).Seconds(), time.Since(start).Seconds())
	}
	return d.Assemble(proofs)
}
