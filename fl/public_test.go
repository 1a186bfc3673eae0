package fl

import (
	"errors"
	"slices"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/frontend"
)

// TestPublicModels: a round set up with public models proves and
// verifies against the two models' weights, and fails for another
// previous model, another new model (one weight off, with the proof
// unchanged or made for it), or a model out of range.
func TestPublicModels(t *testing.T) {
	s := testShape
	s.PublicModels = true
	ccs, keys := setUp(t, s)
	r := testRound(1)
	res, err := Aggregate(s, r)
	if err != nil {
		t.Fatal(err)
	}
	prf, err := Prove(s, ccs, keys.PK, r, res)
	if err != nil {
		t.Fatal(err)
	}
	st := statement(t, keys, r, res)
	st.OldW, st.NewW, st.ModelBases = slices.Clone(r.Old), slices.Clone(res.New), keys.ModelBases
	if err := Verify(s, keys.VK, prf, st); err != nil {
		t.Fatalf("the honest round fails: %v", err)
	}
	plain, _ := Compile(testShape)
	t.Logf("%d constraints (%d with Poseidon2 commitments)", ccs.GetNbConstraints(), plain.GetNbConstraints())
	cases := map[string]func(st *Statement){
		"another previous model":      func(st *Statement) { st.OldW[4]++ },
		"another new model":           func(st *Statement) { st.NewW[4]-- },
		"a model weight out of range": func(st *Statement) { st.NewW[0] = 1 << 20 },
		"the models swapped":          func(st *Statement) { st.OldW, st.NewW = st.NewW, st.OldW },
	}
	for name, change := range cases {
		t.Run(name, func(t *testing.T) {
			c := *st
			c.OldW, c.NewW = slices.Clone(st.OldW), slices.Clone(st.NewW)
			change(&c)
			if err := Verify(s, keys.VK, prf, &c); !errors.Is(err, ErrInvalid) {
				t.Fatalf("want invalid, got %v", err)
			}
		})
	}
	// Old and New are pinned to 0: a proof does not verify for another
	// value (without the pin their verifying-key points would be zero).
	pub := NewCircuit(s)
	pub.Round, pub.Clip, pub.Old, pub.New = r.Number, r.Clip, 5, 0
	for k, p := range r.Weights {
		pub.Weights[k] = p
	}
	w, err := frontend.NewWitness(pub, ecc.BN254.ScalarField(), frontend.PublicOnly())
	if err != nil {
		t.Fatal(err)
	}
	if err := groth16.Verify(prf, keys.VK, w); err == nil {
		t.Fatal("the proof verifies with Old = 5")
	}
	pub.Old, pub.New = 0, 5
	if w, err = frontend.NewWitness(pub, ecc.BN254.ScalarField(), frontend.PublicOnly()); err != nil {
		t.Fatal(err)
	}
	if err := groth16.Verify(prf, keys.VK, w); err == nil {
		t.Fatal("the proof verifies with New = 5")
	}
	// A prover who averages wrongly and proves for its own new model: the
	// verifier's new model is the honest one.
	res2 := cloneResult(res)
	res2.New[5]++
	if _, err := Prove(s, ccs, keys.PK, r, res2); err == nil {
		t.Fatal("a wrong average proved")
	}
}
