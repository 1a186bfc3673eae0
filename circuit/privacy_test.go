package circuit

import (
	"math/big"
	"slices"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"

	"github.com/zkinfer/zkinfer/internal/testkit"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/onnx"
	"github.com/zkinfer/zkinfer/ops"
	"github.com/zkinfer/zkinfer/quant"
)

// secretMLP compiles 1l_mlp with secret weights and returns it with the
// witness of its corpus input.
func secretMLP(t *testing.T) (*model.Model, *Witness) {
	t.Helper()
	path, vals := testkit.CorpusInput(t, "1l_mlp")
	g, err := onnx.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	m, err := model.CompileSecret(g, quant.Default, model.DefaultParamBits)
	if err != nil {
		t.Fatal(err)
	}
	w := &Witness{Salt: big.NewInt(99), ParamSalt: big.NewInt(5)}
	if w.Inputs, err = m.Quantize(vals); err != nil {
		t.Fatal(err)
	}
	if w.Params, err = m.ParamValues(); err != nil {
		t.Fatal(err)
	}
	if w.Outputs, err = model.Run(m, &ops.IntArith{}, append(slices.Clone(w.Inputs), w.Params...)); err != nil {
		t.Fatal(err)
	}
	return m, w
}

func build(t *testing.T, m *model.Model, vis Visibility, mode ops.RangeCheck) constraint.ConstraintSystem {
	t.Helper()
	c, err := New(m, vis)
	if err != nil {
		t.Fatal(err)
	}
	c.RangeCheck = mode
	cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, c)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

func solved(t *testing.T, cs constraint.ConstraintSystem, a *Circuit) error {
	t.Helper()
	w, err := frontend.NewWitness(a, ecc.BN254.ScalarField())
	if err != nil {
		t.Fatal(err)
	}
	return cs.IsSolved(w)
}

func clone(ts []ops.Tensor[int64]) []ops.Tensor[int64] {
	out := make([]ops.Tensor[int64], len(ts))
	for i, t := range ts {
		out[i] = ops.Tensor[int64]{Shape: t.Shape, Data: slices.Clone(t.Data)}
	}
	return out
}

func commitOf(t *testing.T, m *model.Model, w *Witness, vis Visibility) Commitments {
	t.Helper()
	cm, err := w.Commitments(m, vis)
	if err != nil {
		t.Fatal(err)
	}
	return cm
}

func TestCommitmentsChange(t *testing.T) {
	m, w := secretMLP(t)
	vis := Visibility{Input: Hashed, Params: Hashed, Output: Hashed, ParamCommitment: Poseidon2}
	base := commitOf(t, m, w, vis)
	if base.Input.Cmp(base.Output) == 0 || base.Input.Cmp(base.Params) == 0 {
		t.Fatal("commitments of different tensors coincide")
	}
	w2 := *w
	w2.Params = clone(w.Params)
	w2.Params[0].Data[3]++
	if c := commitOf(t, m, &w2, vis); c.Params.Cmp(base.Params) == 0 {
		t.Fatal("changing one weight kept the model commitment")
	}
	w2 = *w
	w2.ParamSalt = big.NewInt(6)
	if c := commitOf(t, m, &w2, vis); c.Params.Cmp(base.Params) == 0 {
		t.Fatal("changing the weights' salt kept the model commitment")
	}
	w2 = *w
	w2.Salt = big.NewInt(100)
	if c := commitOf(t, m, &w2, vis); c.Input.Cmp(base.Input) == 0 || c.Output.Cmp(base.Output) == 0 || c.Params.Cmp(base.Params) != 0 {
		t.Fatal("the data salt does not change exactly the input and output commitments")
	}
	w2 = *w
	w2.Inputs = clone(w.Inputs)
	w2.Inputs[0].Data[0]--
	if c := commitOf(t, m, &w2, vis); c.Input.Cmp(base.Input) == 0 {
		t.Fatal("changing one input kept the input commitment")
	}
}

// TestCommitmentGadget: the in-circuit hash equals the native one (the
// honest witness solves) and a wrong commitment, weight or salt does not.
func TestCommitmentGadget(t *testing.T) {
	m, w := secretMLP(t)
	vis := Visibility{Input: Hashed, Params: Hashed, Output: Hashed, ParamCommitment: Poseidon2}
	for _, mode := range []ops.RangeCheck{ops.RangeBits, ops.RangeLookup} {
		cs := build(t, m, vis, mode)
		a, err := AssignWitness(m, vis, w)
		if err != nil {
			t.Fatal(err)
		}
		if err := solved(t, cs, a); err != nil {
			t.Fatalf("%s: honest witness: %v", mode, err)
		}
		segs := Layout(m, vis)
		for _, name := range []string{"input_commitment", "param_commitment", "output_commitment"} {
			bad, _ := AssignWitness(m, vis, w)
			bad.Public[segs.Offset(name)] = new(big.Int).Add(bad.Public[segs.Offset(name)].(*big.Int), big.NewInt(1))
			if solved(t, cs, bad) == nil {
				t.Fatalf("%s: a wrong %s solves", mode, name)
			}
		}
		// Weights that differ from the committed ones: same public inputs.
		bad, _ := AssignWitness(m, vis, w)
		nIn := 3
		bad.Private[nIn] = new(big.Int).Add(big.NewInt(w.Params[0].Data[0]), big.NewInt(1))
		if solved(t, cs, bad) == nil {
			t.Fatalf("%s: other weights solve against the commitment", mode)
		}
		bad, _ = AssignWitness(m, vis, w)
		bad.Private[len(bad.Private)-1] = big.NewInt(6)
		if solved(t, cs, bad) == nil {
			t.Fatalf("%s: another weights salt solves", mode)
		}
	}
}

// TestParamRange: a weight beyond ParamBits is rejected even when private.
func TestParamRange(t *testing.T) {
	m, w := secretMLP(t)
	vis := Visibility{Input: Private, Params: Private, Output: Public}
	cs := build(t, m, vis, ops.RangeBits)
	a, err := AssignWitness(m, vis, w)
	if err != nil {
		t.Fatal(err)
	}
	if err := solved(t, cs, a); err != nil {
		t.Fatal(err)
	}
	// Weight 0 of the first tensor (the bias) pushed out of range while
	// the outputs are recomputed so only the range check can object.
	w2 := *w
	w2.Params = clone(w.Params)
	w2.Params[0].Data[0] += 1 << model.DefaultParamBits
	outs, err := model.Run(m, &ops.IntArith{}, append(slices.Clone(w.Inputs), w2.Params...))
	if err != nil {
		t.Fatal(err)
	}
	w2.Outputs = outs
	a, err = AssignWitness(m, vis, &w2)
	if err != nil {
		t.Fatal(err)
	}
	if solved(t, cs, a) == nil {
		t.Fatal("an out-of-range weight solves")
	}
}
