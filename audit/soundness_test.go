package audit

import (
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/constraint/solver"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"

	"github.com/zkinfer/zkinfer/ops"
)

// TestTampering changes one value of an honest witness, as a cheating
// prover would, and requires the circuit to reject it: a record, a label
// or a group value changed after the commitment, another dataset or model
// commitment, a weight that is not the committed model's, a revealed count
// or matrix entry moved by one.
func TestTampering(t *testing.T) {
	n := 12
	F := 8
	type edit func(spec *Spec, c *Circuit)
	priv := func(i int, d int64) edit {
		return func(_ *Spec, c *Circuit) { c.Private[i] = new(big.Int).Add(toBig(c.Private[i]), big.NewInt(d)) }
	}
	pub := func(i int, d int64) edit {
		return func(_ *Spec, c *Circuit) { c.Public[i] = new(big.Int).Add(toBig(c.Public[i]), big.NewInt(d)) }
	}
	labels, groups := n*F, n*F+n
	accuracy := Metric{Kind: Accuracy}
	for _, tc := range []struct {
		name   string
		hashed bool
		metric Metric
		edit   edit
	}{
		{"a feature changed after commit", false, accuracy, priv(3, 1)},
		{"a feature of the last record changed", false, accuracy, priv(n*F-1, -1)},
		{"a label changed", false, accuracy, func(_ *Spec, c *Circuit) { c.Private[labels+2] = 1 - toBig(c.Private[labels+2]).Int64() }},
		{"a group value changed", false, accuracy, func(_ *Spec, c *Circuit) { c.Private[groups+5] = 1 - toBig(c.Private[groups+5]).Int64() }},
		{"the salt changed", false, accuracy, priv(groups+n, 1)},
		{"another dataset commitment", false, accuracy, pub(0, 1)},
		{"another model commitment", true, accuracy, pub(1, 1)},
		{"a weight changed", true, accuracy, priv(groups+n+1+3, 1)},
		{"the revealed count moved", false, accuracy, pub(1, 1)},
		{"a confusion entry moved", false, Metric{Kind: Confusion}, pub(2, -1)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec, w := fixture(t, n, tc.hashed, tc.metric)
			asg, _, err := Assign(spec, w)
			if err != nil {
				t.Fatal(err)
			}
			if err := solve(t, spec, asg, false); err != nil {
				t.Fatalf("the honest witness fails: %v", err)
			}
			tc.edit(spec, asg)
			if err := solve(t, spec, asg, false); err == nil {
				t.Fatal("the tampered witness satisfies the circuit")
			}
		})
	}
}

func toBig(v frontend.Variable) *big.Int {
	switch x := v.(type) {
	case *big.Int:
		return x
	case int64:
		return big.NewInt(x)
	case int:
		return big.NewInt(int64(x))
	}
	panic("unexpected witness value")
}

// TestForgedMetric proves a false statement with an honest witness: a
// threshold above the records' accuracy, a fairness bound below their
// difference, a revealed count moved by one. The circuit must reject each,
// and accept it once the metric's assertion is left out (skipMetric), so
// the test shows that assertion, and nothing else, catches the forgery.
func TestForgedMetric(t *testing.T) {
	n := 40
	spec0, w := fixture(t, n, false, Metric{Kind: Accuracy})
	o, err := Evaluate(spec0, w)
	if err != nil {
		t.Fatal(err)
	}
	diff := float64(o.InPos*o.Out-o.OutPos*o.In) / float64(o.In*o.Out)
	t.Logf("accuracy %d/%d; demographic parity difference %.3f", o.Correct, n, diff)
	above := Rat{o.Correct + 1, int64(n)}
	// reversed swaps the group column: the other side is favoured, so the
	// difference changes sign and the other of the two range checks must
	// catch a bound below it.
	reversed := func(w *Witness) {
		for i, g := range w.Records.Groups[0] {
			w.Records.Groups[0][i] = 1 - g
		}
	}
	parity := func(max int64) Metric {
		return Metric{Kind: DemographicParity, Group: "over_40", MaxDiff: &Rat{max, 1}, Positive: 1}
	}
	for _, tc := range []struct {
		name          string
		honest, false Metric
		public        func(c *Circuit)
		data          func(w *Witness)
	}{
		{"demographic parity below the records', group reversed", parity(1), parity(0), nil, reversed},
		{"accuracy above the records'", Metric{Kind: Accuracy, Threshold: &Rat{0, 1}}, Metric{Kind: Accuracy, Threshold: &above}, nil, nil},
		{"revealed count plus one", Metric{Kind: Accuracy}, Metric{Kind: Accuracy},
			func(c *Circuit) { c.Public[1] = new(big.Int).Add(toBig(c.Public[1]), big.NewInt(1)) }, nil},
		{"demographic parity below the records'", Metric{Kind: DemographicParity, Group: "over_40", MaxDiff: &Rat{1, 1}, Positive: 1},
			Metric{Kind: DemographicParity, Group: "over_40", MaxDiff: &Rat{0, 1}, Positive: 1}, nil, nil},
		{"equal opportunity below the records'", Metric{Kind: EqualOpportunity, Group: "over_40", MaxDiff: &Rat{1, 1}, Positive: 1},
			Metric{Kind: EqualOpportunity, Group: "over_40", MaxDiff: &Rat{0, 1}, Positive: 1}, nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec, w := fixture(t, n, false, tc.honest)
			if tc.data != nil {
				tc.data(w)
			}
			asg, _, err := Assign(spec, w)
			if err != nil {
				t.Fatal(err)
			}
			if tc.public != nil {
				tc.public(asg)
			}
			forged := *spec
			forged.Metric = tc.false
			forged.Metric.Cut, forged.Metric.CutText = spec.Metric.Cut, spec.Metric.CutText
			if _, err := Evaluate(&forged, w); err == nil && tc.public == nil {
				t.Fatal("the false statement holds on these records: pick another")
			}
			if err := solve(t, &forged, asg, false); err == nil {
				t.Fatal("a false metric satisfies the circuit")
			}
			if err := solve(t, &forged, asg, true); err != nil {
				t.Fatalf("without the metric's assertion the forgery should pass (the test would not test it): %v", err)
			}
		})
	}
}

// TestEmptyGroup: a fairness bound is a statement about two non-empty
// sides. With nobody in the group (n₁ = 0) both sides of the
// cross-multiplied inequality are 0 and hold for any δ; the circuit must
// reject it (n₁n₀ ≠ 0), and accept the same witness with the metric's
// assertion left out, so that assertion is what rejects it.
func TestEmptyGroup(t *testing.T) {
	for _, kind := range []Kind{DemographicParity, EqualOpportunity} {
		metric := Metric{Kind: kind, Group: "over_40", MaxDiff: &Rat{1, 1}, Positive: 1}
		spec, w := fixture(t, 12, false, metric)
		asg, _, err := Assign(spec, w)
		if err != nil {
			t.Fatal(err)
		}
		sc := &spec.Schema
		for r := range sc.Records { // everyone outside the group
			asg.Private[sc.Records*sc.Features+sc.Records+r] = 0
		}
		asg.Public[0] = datasetCommitment(sc, asg)
		forged := *spec
		forged.Metric.MaxDiff = &Rat{0, 1}
		if err := solve(t, &forged, asg, true); err != nil {
			t.Fatalf("%v: the witness fails without the metric's assertion: %v", kind, err)
		}
		if err := solve(t, &forged, asg, false); err == nil {
			t.Errorf("%v: a bound over an empty group satisfies the circuit", kind)
		}
	}
}

// TestForgedProducts moves one entry of a product of secret matrices (the
// hint behind Freivalds' check across records) and requires the circuit to
// reject it, batched and term by term. The prediction alone would not
// notice: a moved activation rarely changes a class.
func TestForgedProducts(t *testing.T) {
	for _, direct := range []bool{false, true} {
		spec, w := fixture(t, 6, true, Metric{Kind: Accuracy})
		asg, _, err := Assign(spec, w)
		if err != nil {
			t.Fatal(err)
		}
		c, _ := NewCircuit(spec)
		c.DirectProducts = direct
		cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, c)
		if err != nil {
			t.Fatal(err)
		}
		wit, _ := frontend.NewWitness(asg, ecc.BN254.ScalarField())
		if err := cs.IsSolved(wit); err != nil {
			t.Fatalf("direct %v: honest witness fails: %v", direct, err)
		}
		calls := 0
		forge := solver.OverrideHint(solver.GetHintID(ops.MatMulHint), func(f *big.Int, in, out []*big.Int) error {
			if err := ops.MatMulHint(f, in, out); err != nil {
				return err
			}
			if calls++; calls == 4 { // the 4th product: a later record's
				out[0].Add(out[0], big.NewInt(1))
			}
			return nil
		})
		if err := cs.IsSolved(wit, forge); err == nil {
			t.Fatalf("direct %v: a wrong product satisfies the circuit", direct)
		}
	}
}

// TestFreivaldsAcrossRecords: with secret weights the batched check costs
// fewer constraints than products term by term, per record.
func TestFreivaldsAcrossRecords(t *testing.T) {
	count := func(n int, direct bool) int {
		spec, _ := fixture(t, n, true, Metric{Kind: Accuracy})
		c, _ := NewCircuit(spec)
		c.DirectProducts = direct
		cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, c)
		if err != nil {
			t.Fatal(err)
		}
		return cs.GetNbConstraints()
	}
	batched := count(20, false) - count(10, false)
	direct := count(20, true) - count(10, true)
	t.Logf("per record: %d constraints batched, %d term by term", batched/10, direct/10)
	if batched >= direct {
		t.Fatalf("Freivalds across records costs %d per 10 records, term by term %d", batched, direct)
	}
}
