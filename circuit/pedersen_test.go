package circuit

import (
	"strings"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"

	"github.com/zkinfer/zkinfer/ops"
)

// committing has the model circuit's witness layout and commits the wires
// Define picks, to test what ModelCommitmentIndex accepts.
type committing struct {
	Public  []frontend.Variable `gnark:",public"`
	Private []frontend.Variable
	pick    func(priv []frontend.Variable) []frontend.Variable
}

func (c *committing) Define(api frontend.API) error {
	for _, v := range append(c.Public, c.Private...) {
		api.Mul(v, v)
	}
	_, err := api.(frontend.Committer).Commit(c.pick(c.Private)...)
	return err
}

// TestPedersenCommittedSet: the model's commitment holds exactly the weights
// and the salt (plus gnark's mask), with either range checker; a commitment
// that also holds an input, or misses the salt, is not taken for it.
func TestPedersenCommittedSet(t *testing.T) {
	m, _ := secretMLP(t)
	vis := Visibility{Input: Private, Params: Hashed, Output: Public, ParamCommitment: Pedersen}
	nIn, nW := m.Inputs[0].Size(), 0
	for _, p := range m.Params {
		nW += p.Size()
	}
	for _, mode := range []ops.RangeCheck{ops.RangeBits, ops.RangeLookup} {
		cs := build(t, m, vis, mode)
		idx, err := ModelCommitmentIndex(cs, m, vis)
		if err != nil {
			t.Fatalf("%s: %v", mode, err)
		}
		cms := cs.GetCommitments().(constraint.Groth16Commitments)
		if want := map[ops.RangeCheck]int{ops.RangeBits: 1, ops.RangeLookup: 2}[mode]; len(cms) != want || idx != 0 {
			t.Fatalf("%s: %d commitments, the model's is %d", mode, len(cms), idx)
		}
		if got := len(cms[idx].PrivateCommitted); got != nW+2 {
			t.Fatalf("%s: the model's commitment holds %d wires, want %d weights + salt + mask", mode, got, nW)
		}
	}
	if l := Layout(m, vis); len(l.Public) != 2 { // the outputs and the context: D is not a public input
		t.Fatalf("layout %v", l)
	}
	base, err := New(m, vis)
	if err != nil {
		t.Fatal(err)
	}
	weights := func(p []frontend.Variable) []frontend.Variable {
		return append([]frontend.Variable{}, p[nIn:nIn+nW]...)
	}
	salt := func(p []frontend.Variable) frontend.Variable { return p[len(p)-1] }
	for name, pick := range map[string]func([]frontend.Variable) []frontend.Variable{
		"exact":      func(p []frontend.Variable) []frontend.Variable { return append(weights(p), salt(p)) },
		"with input": func(p []frontend.Variable) []frontend.Variable { return append(weights(p), p[0], salt(p)) },
		"no salt":    weights,
		"one less":   func(p []frontend.Variable) []frontend.Variable { return append(weights(p)[1:], salt(p)) },
	} {
		c := &committing{Public: make([]frontend.Variable, len(base.Public)), Private: make([]frontend.Variable, len(base.Private)), pick: pick}
		cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, c)
		if err != nil {
			t.Fatal(err)
		}
		_, err = ModelCommitmentIndex(cs, m, vis)
		if (err == nil) != (name == "exact") {
			t.Fatalf("%s: %v", name, err)
		}
		if err != nil && !strings.Contains(err.Error(), "exactly") {
			t.Fatalf("%s: %v", name, err)
		}
	}
}
