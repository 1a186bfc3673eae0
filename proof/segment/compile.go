package segment

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"time"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/internal/atomicfile"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/ops"
	"github.com/zkinfer/zkinfer/proof"
)

// BytesPerConstraint is what --max-memory divides by: the highest peak
// RSS per constraint of the steps a segment goes through, which is
// compile's. Measured at 516cffd (2 shared cores, load 5–11; peak RSS of
// each unsegmented step ÷ its constraints, the process's base included):
//
//	                      constraints  compile          setup            prove
//	cnn_c32                   274,816  1.42 GB, 5.2 KB  0.75 GB, 2.7 KB  0.31 GB, 1.1 KB
//	resnet_c32                406,897  2.10 GB, 5.2 KB  1.18 GB, 2.9 KB  0.50 GB, 1.2 KB
//	multihead_attention       322,812  0.71 GB, 2.2 KB  0.39 GB, 1.2 KB  0.29 GB, 0.9 KB
//
// Compile holds gnark's frontend builder and the circuit it writes; setup
// the constraint system and the keys; the prover streams them
// (proof/pkstream.go). The 2,600 bytes this was before were prove's,
// before the streaming prover, while compile still built the whole
// circuit whatever the bound. Compile's figure varies most between models
// (the convolutional ones above at 5.2 KB, multihead_attention at 2.2,
// nanoGPT 6.25 GB for pieces of 3.3M constraints, 1.9 KB), so it is a
// bound, not an estimate: multihead_attention at --max-memory 0.5GB
// (segments and measuring pieces of at most 94,339 constraints) compiles
// at 0.26 GB and sets up at 0.18 GB. cmd/zkinfer bounds the measuring
// pieces by it too (CompileOptions.MeasureConstraints).
const BytesPerConstraint = 5300

// CompileOptions are a segmented compile's settings: the ordinary compile's
// and the most constraints a segment may have.
type CompileOptions struct {
	proof.CompileOptions
	SegmentConstraints int
	// Segments, when positive, cuts the model into this many segments
	// (fewer when it has fewer allowed cuts) with the largest one, by
	// Costs.Weight (constraints and calldata words: its prover's peak
	// memory), within WeightSlack of the smallest it can be, and the least
	// proving CPU among such plans (PlanK) (--segments: work for that many
	// workers); SegmentConstraints, when set too, still bounds each.
	Segments int
	// Splits, when set, are the blocks to split by output channels
	// instead of those planning would choose (split.go).
	Splits []model.Split
	// MeasureConstraints is the most constraints measuring a model's steps
	// builds at a time (MeasureCosts; 0: SegmentConstraints, at least
	// MinPiece).
	MeasureConstraints int
}

// Compile compiles the ONNX model at modelPath into the segmented directory
// dir: the model (model.onnx), one compiled directory per segment under
// segments/NNN with at most opt.SegmentConstraints constraints each, and
// the manifest, written last. What each step costs is measured in pieces
// of at most a segment's constraints (MeasureCosts), so that compile never
// holds the whole model's circuit; the planned segments are then built one
// at a time, and one over the limit is cut again.
func Compile(modelPath, dir string, opt CompileOptions) (*Dir, error) {
	progress, n := opt.Progress, opt.SegmentConstraints
	if n < 0 || opt.Segments < 0 || (n == 0 && opt.Segments == 0) {
		return nil, errors.New("compile: --segment-constraints or --segments must be positive")
	}
	top, raw, err := proof.LoadModel(modelPath, opt.Quant, opt.Visibility, opt.Backend)
	if err != nil {
		return nil, err
	}
	m, vis := top.Model, top.Settings.Visibility
	if m.NumSteps() == 0 {
		return nil, errors.New("compile: the model has no step left after folding constants: there is nothing to segment")
	}
	sys := circuit.R1CS
	if top.Settings.Backend == proof.Plonk {
		sys = circuit.SparseR1CS
	}
	policy := opt.RangeCheck
	if policy == circuit.RangeAuto {
		// Bits or lookups per segment would make segments' costs
		// incomparable with the plan's: lookups, what a model worth
		// segmenting gets.
		policy = circuit.RangeLookup
	}
	// Measuring builds pieces of at most a segment's size (MinPiece at
	// least), so that compile holds no more than the largest segment does.
	piece := opt.MeasureConstraints
	if piece <= 0 {
		piece = max(n, MinPiece)
	}
	progress.Log("compile: %d nodes left after folding; measuring each one's constraints, %d at a time at most", m.NumSteps(), piece)
	start := time.Now()
	costs, err := MeasureCosts(m, vis, circuit.BuildOptions{System: sys, RangeCheck: policy}, piece)
	if err != nil {
		return nil, fmt.Errorf("compile: %w", err)
	}
	if costs.Pieces == 1 {
		progress.Log("compile: %d constraints unsegmented (%.1fs); planning segments", costs.Total, time.Since(start).Seconds())
	} else {
		progress.Log("compile: about %d constraints unsegmented, measured in %d pieces (%.1fs); planning segments", costs.Total, costs.Pieces, time.Since(start).Seconds())
	}
	// Any earlier compile stops being a directory first: segments are
	// rewritten in place, and the manifest comes last.
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("compile: %w", err)
	}
	if err := os.Remove(filepath.Join(dir, ManifestFile)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("compile: %w", err)
	}
	// A block that cannot be cut and is over the bound, or the largest of
	// k segments, is split by output channels where it can be (split.go).
	splits, err := chooseModelSplits(m, costs, top, opt, n, opt.Segments)
	if err != nil {
		return nil, fmt.Errorf("compile: %w", err)
	}
	var man Manifest
	for pass := 0; ; pass++ {
		c := *costs
		top2, sc, msg, err := applySplits(m, &c, top, modelPath, raw, splits)
		if err != nil {
			return nil, fmt.Errorf("compile: %w", err)
		}
		if msg != "" {
			progress.Log("compile: %s", msg)
		}
		if man, err = compileSegments(dir, top2, sc, splits, opt, policy, n); err != nil {
			return nil, err
		}
		// Splits for k segments were chosen before any segment was built,
		// with the cost of a segment's own tables unknown (Costs.Fixed):
		// choose again with what the segments cost, and build them again
		// if that changes the splits (cnn_c32: the two segments after the
		// stem just over 2^16 constraints, then under; docs/SCALING.md).
		if pass > 0 || len(splits) == 0 || len(opt.Splits) > 0 || n > 0 {
			break
		}
		costs.Fixed = sc.Fixed
		again, err := chooseModelSplits(m, costs, top, opt, n, opt.Segments)
		if err != nil {
			return nil, fmt.Errorf("compile: %w", err)
		}
		if reflect.DeepEqual(again, splits) {
			break
		}
		progress.Log("compile: each segment costs %.0f constraints beyond its steps: splitting again", sc.Fixed)
		splits = again
	}
	// Segments left from an earlier, longer compile go.
	if err := removeFrom(dir, len(man.Segments)); err != nil {
		return nil, fmt.Errorf("compile: %w", err)
	}
	if err := atomicfile.WriteFile(filepath.Join(dir, proof.ModelFile), raw); err != nil {
		return nil, fmt.Errorf("compile: %w", err)
	}
	for _, f := range []string{proof.SettingsFile, proof.ProvingKey, proof.VerifyingKey, proof.CircuitFile, proof.PlonkCircuitFile} {
		if err := os.Remove(filepath.Join(dir, f)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("compile: %w", err)
		}
	}
	js, _ := json.MarshalIndent(man, "", "  ")
	if err := atomicfile.WriteFile(filepath.Join(dir, ManifestFile), append(js, '\n')); err != nil {
		return nil, fmt.Errorf("compile: %w", err)
	}
	about := ""
	if costs.Pieces > 1 {
		about = "about "
	}
	progress.Log("compile: %d segments, %d constraints in all (%s%d unsegmented)", len(man.Segments), man.Constraints, about, costs.Total)
	return Open(dir)
}

// compileSegments plans the segments of the (split) model of top by its
// costs and compiles them into dir one at a time, learning from each
// one's exact count (Costs.learn) and planning the rest again; it returns
// the manifest, not yet written.
func compileSegments(dir string, top *proof.Compiled, costs *Costs, splits []model.Split, opt CompileOptions, policy circuit.RangePolicy, n int) (Manifest, error) {
	progress, m, vis := opt.Progress, top.Model, top.Settings.Visibility
	// next plans the steps from on and returns the first span: within n,
	// or the first of the segments left when a count is asked for.
	next := func(from, done int, scale float64) Span {
		if opt.Segments > 0 {
			sp := costs.PlanK(from, m.NumSteps(), max(opt.Segments-done, 1))[0]
			if n == 0 || scale < 1 || costs.Estimate(sp.From, sp.To) <= float64(n) {
				if scale < 1 { // cut shorter after an overflow
					return costs.Plan(from, m.NumSteps(), costs.Estimate(sp.From, sp.To)*scale)[0]
				}
				return sp
			}
		}
		return costs.Plan(from, m.NumSteps(), float64(n)*scale)[0]
	}
	man := Manifest{Backend: top.Settings.Backend, ModelSHA256: top.Settings.ModelSHA256,
		Quant: opt.Quant, Visibility: vis, Inputs: top.Settings.Inputs, Outputs: top.Settings.Outputs,
		SegmentConstraints: n, Splits: splits, Version: manifestVersion(splits)}
	// Plan from the first step not yet in a segment, build the plan's
	// first segment, learn from its exact count, and plan again.
	scale := 1.0
	shorter := 0 // when set, the next span ends at this cut (see below)
	for from := 0; from < m.NumSteps(); {
		sp := next(from, len(man.Segments), scale)
		if shorter > 0 {
			sp, shorter = Span{from, shorter}, 0
		}
		k := len(man.Segments)
		last := sp.To == m.NumSteps()
		sub, _, err := m.Sub(sp.From, sp.To)
		if err != nil {
			return Manifest{}, fmt.Errorf("compile: %w", err)
		}
		total := k + 2 // not the last: at least one more
		if last {
			total = k + 1
		}
		sv, err := segmentVisibility(vis, k, total, len(sub.Params) > 0)
		if err != nil {
			return Manifest{}, fmt.Errorf("compile: %w", err)
		}
		s := top.Settings
		s.Visibility = sv
		s.SecretWeights, s.FixedConstants = 0, nil
		for _, p := range sub.Params {
			s.SecretWeights += p.Size()
		}
		s.Inputs = proof.Specs(inputNames(sub), sub.Inputs)
		s.Outputs = proof.Specs(outputNames(sub), sub.Outputs)
		t := time.Now()
		c, err := proof.CompileSub(sub, filepath.Join(dir, segmentName(k)), s, policy, n)
		var be *ops.BudgetError
		if errors.As(err, &be) {
			if !splittable(m, sp) {
				return Manifest{}, fmt.Errorf("compile: steps %s (from %s) cannot be cut and need more than --segment-constraints %d: raise it", sp, m.StepName(sp.From), n)
			}
			costs.learn(sp, be.Count)
			for scale *= 0.9; next(from, len(man.Segments), scale) == sp && scale > minScale; scale *= 0.9 {
			}
			if next(from, len(man.Segments), scale) == sp {
				// Every way to cut sp has a span over the budget (a step
				// that cannot be cut, over it), and the plan prefers one
				// such span to two: end the span at its first cut, so
				// that the step over the budget is compiled on its own
				// and reported. (Before, this loop never ended: cnn_c32
				// at --segment-constraints 60000.)
				for c := sp.From + 1; c < sp.To; c++ {
					if m.CutAllowed(c) {
						shorter = c
						break
					}
				}
			}
			progress.Log("compile: steps %s have more than %d constraints: cutting them shorter", sp, n)
			continue
		}
		if err != nil {
			return Manifest{}, fmt.Errorf("compile: segment %d (steps %s): %w", k, sp, err)
		}
		costs.learn(sp, c.Settings.Constraints)
		scale = 1
		bv := 0
		if !last {
			for _, o := range sub.Outputs {
				bv += o.Size()
			}
		}
		man.Segments = append(man.Segments, Ref{Dir: segmentName(k), From: sp.From, To: sp.To, Constraints: c.Settings.Constraints, BoundaryValues: bv})
		man.Constraints += c.Settings.Constraints
		progress.Log("compile: segment %d: steps %s, %d constraints, %d boundary values out (%.1fs)", k, sp, c.Settings.Constraints, bv, time.Since(t).Seconds())
		from = sp.To
	}
	return man, nil
}

// minScale is how far Compile shrinks a plan's budget to cut a span
// shorter before it cuts it at its first allowed cut instead.
const minScale = 1e-3

// splittable reports whether the model may be cut inside span sp.
func splittable(m *model.Model, sp Span) bool {
	for c := sp.From + 1; c < sp.To; c++ {
		if m.CutAllowed(c) {
			return true
		}
	}
	return false
}

func inputNames(m *model.Model) []string {
	out := make([]string, len(m.Graph.Inputs))
	for i, v := range m.Graph.Inputs {
		out[i] = v.Name
	}
	return out
}

func outputNames(m *model.Model) []string {
	out := make([]string, len(m.Graph.Outputs))
	for i, v := range m.Graph.Outputs {
		out[i] = v.Name
	}
	return out
}

// removeFrom deletes segment directories k and above.
func removeFrom(dir string, k int) error {
	for ; ; k++ {
		p := filepath.Join(dir, segmentName(k))
		if _, err := os.Stat(p); err != nil {
			return nil
		}
		if err := os.RemoveAll(p); err != nil {
			return err
		}
	}
}
