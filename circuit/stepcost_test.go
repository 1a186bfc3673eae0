package circuit_test

import (
	"slices"
	"testing"

	cs_bn254 "github.com/consensys/gnark/constraint/bn254"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/onnx"
	"github.com/zkinfer/zkinfer/quant"
)

// TestStepCostsStop: a measurement stopped at a limit ends at a cut the
// model allows, past the limit, and measures its steps as the whole
// circuit's measurement does; an unstopped one accounts for every
// constraint.
func TestStepCostsStop(t *testing.T) {
	m := creditModel(t)
	vis := circuit.DefaultVisibility
	build := circuit.BuildOptions{RangeCheck: circuit.RangeLookup}
	whole, err := circuit.StepCosts(m, vis, circuit.StepCostOptions{BuildOptions: build})
	if err != nil {
		t.Fatal(err)
	}
	own := 0
	for _, n := range whole.Own {
		own += n
	}
	if whole.Steps != m.NumSteps() || whole.Before+own+whole.After != whole.Total || whole.Total == 0 {
		t.Fatalf("whole: %d of %d steps, %d + %d + %d constraints, total %d", whole.Steps, m.NumSteps(), whole.Before, own, whole.After, whole.Total)
	}
	canStop := func(i int) bool { return m.CutAllowed(i + 1) }
	cases := []struct {
		name     string
		stop     int
		perBit   float64
		canStop  func(int) bool
		stopped  bool
		minSteps int
	}{
		{"no limit", 0, 0, canStop, false, m.NumSteps()},
		{"a limit over the whole circuit", 10 * whole.Total, 1, canStop, false, m.NumSteps()},
		{"a limit of 1, at allowed cuts", 1, 0, canStop, true, 1},
		{"a limit of 1, anywhere", 1, 0, nil, true, 1},
		{"deferred work counted", whole.Before + whole.Own[0] + 1, 1, canStop, true, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sc, err := circuit.StepCosts(m, vis, circuit.StepCostOptions{BuildOptions: build, Stop: tc.stop, DeferredPerBit: tc.perBit, CanStop: tc.canStop})
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%d of %d steps, own %v", sc.Steps, m.NumSteps(), sc.Own)
			if stopped := sc.Steps < m.NumSteps(); stopped != tc.stopped || sc.Steps < tc.minSteps {
				t.Fatalf("%d of %d steps measured", sc.Steps, m.NumSteps())
			}
			if tc.stopped && (sc.Total != 0 || sc.After != 0 || (tc.canStop != nil && !m.CutAllowed(sc.Steps))) {
				t.Errorf("stopped after %d steps (cut allowed: %v) with total %d, after %d", sc.Steps, m.CutAllowed(sc.Steps), sc.Total, sc.After)
			}
			if !tc.stopped && sc.Total != whole.Total {
				t.Errorf("total %d, whole %d", sc.Total, whole.Total)
			}
			k := sc.Steps
			if !slices.Equal(sc.Own, whole.Own[:k]) || !slices.Equal(sc.Checks, whole.Checks[:k]) || !slices.Equal(sc.Bits, whole.Bits[:k]) || !slices.Equal(sc.Words, whole.Words[:k]) || sc.Before != whole.Before {
				t.Errorf("steps measured %v %v %v (before %d), whole %v %v %v (before %d)", sc.Own, sc.Checks, sc.Bits, sc.Before, whole.Own[:k], whole.Checks[:k], whole.Bits[:k], whole.Before)
			}
		})
	}
}

// TestStepCostsWords: the calldata words each step adds are counted (the
// dense layers' dot products: more than two words a constraint), and
// with those before the steps and after them they are the built
// circuit's calldata.
func TestStepCostsWords(t *testing.T) {
	m := creditModel(t)
	vis := circuit.DefaultVisibility
	build := circuit.BuildOptions{RangeCheck: circuit.RangeLookup}
	sc, err := circuit.StepCosts(m, vis, circuit.StepCostOptions{BuildOptions: build})
	if err != nil {
		t.Fatal(err)
	}
	b, err := circuit.Build(m, vis, build)
	if err != nil {
		t.Fatal(err)
	}
	all := len(b.CS.(*cs_bn254.R1CS).CallData)
	words, own := 0, 0
	for i, w := range sc.Words {
		words, own = words+w, own+sc.Own[i]
		if sc.Own[i] > 0 && w < 2*sc.Own[i] {
			t.Errorf("step %d: %d constraints in %d calldata words", i, sc.Own[i], w)
		}
	}
	t.Logf("steps: %d constraints, %d calldata words (%d before, %d after); the circuit %d words", own, words, sc.BeforeWords, sc.AfterWords, all)
	if words == 0 || sc.AfterWords == 0 || sc.BeforeWords+words+sc.AfterWords != all {
		t.Errorf("%d calldata words before the steps, %d in them and %d after, against the circuit's %d", sc.BeforeWords, words, sc.AfterWords, all)
	}
}

// creditModel compiles examples/credit's model with the default settings.
func creditModel(t *testing.T) *model.Model {
	t.Helper()
	g, err := onnx.Load("../examples/credit/model.onnx")
	if err != nil {
		t.Fatal(err)
	}
	m, err := model.Compile(g, quant.Default)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
