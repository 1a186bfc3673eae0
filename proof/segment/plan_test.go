package segment

import (
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/proof"
	"github.com/zkinfer/zkinfer/quant"
)

// corpusModel is the network.onnx of a model of the EZKL corpus
// (ZKINFER_CORPUS_DIR), or "" when the corpus is not there.
func corpusModel(name string) string {
	dir := os.Getenv("ZKINFER_CORPUS_DIR")
	if dir == "" {
		dir = "../../../shared/corpus"
	}
	p := filepath.Join(dir, "ezkl", name, "network.onnx")
	if _, err := os.Stat(p); err != nil {
		return ""
	}
	return p
}

// TestMeasureInPieces: step costs measured in pieces of a third of the
// model make the plans that the whole circuit's measurement makes, with
// estimates within 25%. Pieces this small are dearer than the whole
// because each pays its own lookup tables, as a segment does (large_mlp:
// 22% in 20k-constraint pieces; 3l_relu_conv_fc and multihead_attention
// within 4%); Compile counts each segment exactly.
func TestMeasureInPieces(t *testing.T) {
	for _, name := range []string{"large_mlp", "lstm_medium", "3l_relu_conv_fc", "multihead_attention"} {
		t.Run(name, func(t *testing.T) {
			path := corpusModel(name)
			if path == "" {
				t.Skip("the EZKL corpus is not there (ZKINFER_CORPUS_DIR)")
			}
			top, _, err := proof.LoadModel(path, quant.Default, circuit.DefaultVisibility, proof.Groth16)
			if err != nil {
				t.Fatal(err)
			}
			m, vis := top.Model, top.Settings.Visibility
			opt := circuit.BuildOptions{RangeCheck: circuit.RangeLookup}
			whole, err := MeasureCosts(m, vis, opt, 0)
			if err != nil {
				t.Fatal(err)
			}
			parts, err := MeasureCosts(m, vis, opt, whole.Total/3)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%d steps: %d constraints whole; in %d pieces about %d", m.NumSteps(), whole.Total, parts.Pieces, parts.Total)
			if whole.Pieces != 1 || parts.Pieces < 2 {
				t.Fatalf("%d and %d pieces, want 1 and at least 2", whole.Pieces, parts.Pieces)
			}
			for k := 2; k <= 4; k++ {
				a, b := whole.PlanK(0, m.NumSteps(), k), parts.PlanK(0, m.NumSteps(), k)
				ea, eb := largest(whole, a), largest(parts, b)
				t.Logf("%d segments: whole %v (largest %.0f), in pieces %v (largest %.0f)", k, a, ea, b, eb)
				if !equalPlans(a, b) {
					t.Errorf("%d segments: %v measured in pieces, %v whole", k, b, a)
				}
				if d := math.Abs(eb-ea) / ea; d > 0.25 {
					t.Errorf("%d segments: the largest estimate is %.0f measured in pieces, %.0f whole (%.0f%% apart)", k, eb, ea, 100*d)
				}
			}
		})
	}
}

func largest(c *Costs, plan []Span) float64 {
	w := 0.0
	for _, sp := range plan {
		w = max(w, c.Estimate(sp.From, sp.To))
	}
	return w
}

func equalPlans(a, b []Span) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestCompileMeasuredInPieces: a model measured in pieces smaller than
// itself compiles into segments each within --segment-constraints.
func TestCompileMeasuredInPieces(t *testing.T) {
	path := corpusModel("multihead_attention")
	if path == "" {
		t.Skip("the EZKL corpus is not there (ZKINFER_CORPUS_DIR)")
	}
	cases := []struct {
		name                string
		segmentConstraints  int
		segments, measuring int
	}{
		{"--segment-constraints 150000, measured 100000 at a time", 150_000, 0, 100_000},
		{"--segments 3, measured 120000 at a time", 0, 3, 120_000},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d, err := Compile(path, filepath.Join(t.TempDir(), "seg"), CompileOptions{
				CompileOptions:     proof.CompileOptions{Quant: quant.Default, Visibility: circuit.DefaultVisibility},
				SegmentConstraints: tc.segmentConstraints, Segments: tc.segments, MeasureConstraints: tc.measuring,
			})
			if err != nil {
				t.Fatal(err)
			}
			if tc.segments > 0 && d.Len() != tc.segments {
				t.Errorf("%d segments, want %d", d.Len(), tc.segments)
			}
			for k, s := range d.Manifest.Segments {
				t.Logf("segment %d: steps [%d, %d), %d constraints", k, s.From, s.To, s.Constraints)
				if tc.segmentConstraints > 0 && s.Constraints > tc.segmentConstraints {
					t.Errorf("segment %d: %d constraints, over %d", k, s.Constraints, tc.segmentConstraints)
				}
			}
		})
	}
}

// TestPlanKWeighsWords: planning k segments balances constraints and
// calldata words (Costs.Weight): four steps of equal constraints, the
// last with 30 constraints' worth of words, go into two segments as
// three and one, where constraints alone would put them two and two.
func TestPlanKWeighsWords(t *testing.T) {
	for _, tc := range []struct {
		name  string
		words []float64
		want  []Span
	}{
		{"constraints alone", nil, []Span{{0, 2}, {2, 4}}},
		{"words weighed", []float64{0, 0, 0, 30 * WordsPerConstraint}, []Span{{0, 3}, {3, 4}}},
	} {
		c := &Costs{Step: []float64{10, 10, 10, 10}, Words: tc.words, Live: make([]int, 5), allowed: []bool{true, true, true, true, true}}
		if got := c.PlanK(0, 4, 2); !equalPlans(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestPlanKDomain: among the plans in k segments whose largest is the
// smallest (within WeightSlack), planning takes the least CPU, FFT
// domains counted (Costs.CPU): with a step of 120 that every such plan
// holds alone, the rest [40, 4, 60, 60] goes as 44 · 60 · 60 (domains 64
// each) rather than as 40 · 64 · 60 (64 is over 2^6 with the margin:
// 128), which has 2 fewer constraints (no boundary at the cut before the
// third step, Live 1) and which a planner blind to the domain would take.
func TestPlanKDomain(t *testing.T) {
	c := &Costs{Step: []float64{120, 40, 4, 60, 60}, Live: []int{0, 0, 0, 1, 0, 0}, allowed: []bool{true, true, true, true, true, true}}
	want := []Span{{0, 1}, {1, 3}, {3, 4}, {4, 5}}
	got := c.PlanK(0, 5, 4)
	if !equalPlans(got, want) {
		t.Errorf("%v, want %v", got, want)
	}
	for _, tc := range []struct{ n, domain float64 }{{40, 64}, {61, 64}, {62.7, 64}, {62.8, 128}, {64, 128}, {5.1, 8}} {
		if d := Domain(tc.n); d != tc.domain {
			t.Errorf("Domain(%v) = %v, want %v", tc.n, d, tc.domain)
		}
	}
}

// TestEstimatePassed: a segment that hands on values it was given (live
// across both of its cuts) is estimated at 1.1 constraints a value for
// them, not 2.1 (circuit's sharedFingerprints); a value it reads and one
// it computes cost 1.0 and 1.1.
func TestEstimatePassed(t *testing.T) {
	c := &Costs{Step: []float64{10, 10, 10}, Live: []int{0, 7, 5, 0}, allowed: []bool{true, true, true, true},
		carried: []map[string]int{{}, {"a": 5, "b": 2}, {"a": 5}, {}}}
	if got, want := c.Estimate(1, 2), 10+7*PerBoundaryIn+5*(PerBoundaryValue-PerBoundaryIn)-5*PerBoundaryIn; math.Abs(got-want) > 1e-9 {
		t.Errorf("estimate %v, want %v (a handed on, b read)", got, want)
	}
	if got, want := c.Estimate(0, 1), 10+7*(PerBoundaryValue-PerBoundaryIn); math.Abs(got-want) > 1e-9 {
		t.Errorf("first segment: estimate %v, want %v (the model's inputs are no boundary)", got, want)
	}
}
