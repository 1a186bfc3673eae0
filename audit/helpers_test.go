package audit

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"

	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/onnx"
	"github.com/zkinfer/zkinfer/ops"
	"github.com/zkinfer/zkinfer/quant"
)

const creditModel = "../examples/credit/model.onnx"

// creditData draws n synthetic applicants as examples/credit/train.py
// does, labelled by drawing from its ground-truth repayment probability, with a
// group column "over_40".
func creditData(n int, seed uint64) *Data {
	rng := rand.New(rand.NewPCG(seed, 1))
	d := &Data{Groups: map[string][]int{"over_40": make([]int, n)}}
	for i := range n {
		income := math.Exp(math.Log(55) + 0.45*rng.NormFloat64())
		dti := min(max(0.32+0.12*rng.NormFloat64(), 0), 0.9)
		age := float64(21 + rng.IntN(49))
		history := max(age-18-4*rng.ExpFloat64(), 0)
		late := float64(min(rng.IntN(3), rng.IntN(3)))
		util := rng.Float64() * 0.9
		loan := math.Exp(math.Log(15) + 0.6*rng.NormFloat64())
		employ := min(5*rng.ExpFloat64(), age-18)
		z := 1.2 + 0.025*(income-55) - 4*(dti-0.32) + 0.06*history - 0.9*late - 1.5*(util-0.4) - 0.03*(loan-15) + 0.05*employ
		rec := []float64{income, dti, history, late, util, age, loan, employ}
		for j := range rec {
			rec[j] = math.Round(rec[j]*1000) / 1000
		}
		d.Records = append(d.Records, rec)
		label := int64(0)
		if rng.Float64() < 1/(1+math.Exp(-z)) {
			label = 1
		}
		d.Labels = append(d.Labels, label)
		if age > 40 {
			d.Groups["over_40"][i] = 1
		}
	}
	return d
}

// creditModelFor compiles the credit model with fixed weights, or with
// secret weights (hashed: the model with its weights is returned too).
func creditModelFor(t testing.TB, hashed bool) (*model.Model, []ops.Tensor[int64]) {
	t.Helper()
	g, err := onnx.Load(creditModel)
	if err != nil {
		t.Fatal(err)
	}
	if !hashed {
		m, err := model.Compile(g, quant.Default)
		if err != nil {
			t.Fatal(err)
		}
		return m, nil
	}
	m, err := model.CompileSecret(g, quant.Default, 20)
	if err != nil {
		t.Fatal(err)
	}
	p, err := m.ParamValues()
	if err != nil {
		t.Fatal(err)
	}
	return m, p
}

// fixture is a spec and a witness for n credit records.
func fixture(t testing.TB, n int, hashed bool, metric Metric) (*Spec, *Witness) {
	t.Helper()
	m, params := creditModelFor(t, hashed)
	rs, err := creditData(n, 7).Quantize(quant.Default.Scale, 24, 0, bigInt(12345))
	if err != nil {
		t.Fatal(err)
	}
	if metric.CutText == "" {
		metric.Cut, metric.CutText = quant.Quantize(0.5, m.Outputs[0].Scale), "0.5"
	}
	spec := &Spec{Model: m, Schema: rs.Schema, Metric: metric, HashedParams: hashed}
	return spec, &Witness{Records: rs, Params: params, ParamSalt: bigInt(99)}
}

// solve reports whether the assignment satisfies the circuit's R1CS.
func solve(t testing.TB, spec *Spec, asg *Circuit, skipMetric bool) error {
	t.Helper()
	c, err := NewCircuit(spec)
	if err != nil {
		t.Fatal(err)
	}
	c.skipMetric = skipMetric
	cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, c)
	if err != nil {
		t.Fatal(err)
	}
	wit, err := frontend.NewWitness(asg, ecc.BN254.ScalarField())
	if err != nil {
		t.Fatal(err)
	}
	return cs.IsSolved(wit)
}

var _ constraint.ConstraintSystem
