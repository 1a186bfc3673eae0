package fl

import (
	"fmt"
	"math/big"

	"github.com/consensys/gnark-crypto/ecc"
	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr/hash_to_field"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/frontend"

	"github.com/zkinfer/zkinfer/proof"
)

// Public models (Shape.PublicModels). In FedAvg every client receives the
// global model, so a client verifying a round can hold both W_old and
// W_new. The circuit then binds them by two more Groth16 commitments,
// K (W_old) and K+1 (W_new), instead of two Poseidon2 commitments (26.6
// constraints a parameter at param_bits 16): the verifier computes the
// points itself, one MSM of N points each over the bases of ModelsKeyFile
// (ModelCommitment), from the two ONNX files, whose `zkinfer commit`
// values it computes natively. Binding is the client commitments'
// argument (docs/FEDERATED.md): each W wire sits in a constraint of its
// own (its range lookup), so its basis point is its own, and the proof's
// point K opens only to the verifier's W_old. The price: a verifier must
// hold both models, so someone who only has the new model's commitment
// (a hashed-weights inference's verifier) cannot check the round.

// commitModels makes commitments K and K+1 of W_old and W_new and returns
// the value gnark gives the circuit for W_old's: a hash of the commitment
// point that the verifier computes from the proof's point (BSB22), which
// it requires to be the commitment of the previous model it holds. A DP
// round binds its noise key to it (ModelKey), as it binds H_old without
// public models.
func (c *Circuit) commitModels(committer frontend.Committer) (frontend.Variable, error) {
	old, err := committer.Commit(c.OldW...)
	if err != nil {
		return nil, fmt.Errorf("fl: committing to the previous model: %w", err)
	}
	if _, err := committer.Commit(c.NewW...); err != nil {
		return nil, fmt.Errorf("fl: committing to the new model: %w", err)
	}
	return old, nil
}

// ModelKey is the value the circuit gets for the commitment of weights w
// under basis (ModelCommitment's point, hashed to the field as gnark's
// Groth16 prover and verifier hash a BSB22 commitment with no public
// part): with public models, the DP noise key's input for the previous
// model.
func ModelKey(basis []curve.G1Affine, w []int64) (*big.Int, error) {
	p, err := ModelCommitment(basis, w)
	if err != nil {
		return nil, err
	}
	e := proof.CommitmentValue(hash_to_field.New([]byte(constraint.CommitmentDst)), &p, nil)
	return e.BigInt(new(big.Int)), nil
}

// pinModelInputs sets the unused public inputs Old and New to 0 (a public
// input in no constraint has a zero verifying-key point, and any value
// would verify: with these, only 0 does).
func (c *Circuit) pinModelInputs(api frontend.API) error {
	api.AssertIsEqual(c.Old, 0)
	api.AssertIsEqual(c.New, 0)
	return nil
}

// modelWires checks that commitments K and K+1 hold exactly W_old's and
// W_new's wires, in order, and gnark's mask.
func modelWires(ccs constraint.ConstraintSystem, s Shape) error {
	cms, ok := ccs.GetCommitments().(constraint.Groth16Commitments)
	if !ok || len(cms) < s.Clients+2 {
		return fmt.Errorf("fl: the circuit has no commitments to the models: compile again")
	}
	nPub, nSecret := ccs.GetNbPublicVariables(), ccs.GetNbSecretVariables()
	first := nPub + s.Clients*(s.Params+2) + s.Clients // after the clients and the factors
	for m := range 2 {
		pc := cms[s.Clients+m].PrivateCommitted
		if len(cms[s.Clients+m].PublicAndCommitmentCommitted) != 0 || len(pc) != s.Params+1 || pc[s.Params] < nPub+nSecret {
			return fmt.Errorf("fl: commitment %d does not hold the %d weights of model %d and a mask: compile again", s.Clients+m, s.Params, m)
		}
		for j := range s.Params {
			if want := first + m*s.Params + j; pc[j] != want {
				return fmt.Errorf("fl: commitment %d's wire %d is %d, want %d: compile again", s.Clients+m, j, pc[j], want)
			}
		}
	}
	return nil
}

// checkModelBasis refuses a model basis with a zero or repeated point.
func checkModelBasis(b []curve.G1Affine, s Shape) error {
	if len(b) != s.Params+1 {
		return fmt.Errorf("fl: a model commitment basis has %d points, the shape needs %d: set up again", len(b), s.Params+1)
	}
	seen := make(map[curve.G1Affine]bool, len(b))
	for i := range b[:len(b)-1] {
		if b[i].IsInfinity() || seen[b[i]] {
			return fmt.Errorf("fl: model commitment basis point %d is zero or repeated: compile and set up again", i)
		}
		seen[b[i]] = true
	}
	return nil
}

// ModelCommitment is the point the proof's commitment K (W_old) or K+1
// (W_new) must equal for the quantized weights w: Σ_j w_j·B_j (the mask's
// scalar 0). One MSM of N points.
func ModelCommitment(basis []curve.G1Affine, w []int64) (curve.G1Affine, error) {
	var p curve.G1Affine
	if len(basis) != len(w)+1 {
		return p, fmt.Errorf("fl: the model basis has %d points for %d weights: is the model of this circuit?", len(basis), len(w))
	}
	es := make([]fr.Element, len(basis))
	for j, v := range w {
		es[j].SetInt64(v)
	}
	if _, err := p.MultiExp(basis, es, ecc.MultiExpConfig{}); err != nil {
		return p, fmt.Errorf("fl: %w", err)
	}
	return p, nil
}

// checkModels compares the proof's model commitments with the verifier's
// models (Statement.OldW, NewW: quantized, in range).
func checkModels(s Shape, prf []curve.G1Affine, st *Statement) error {
	if len(st.ModelBases[0]) == 0 || len(st.OldW) != s.Params || len(st.NewW) != s.Params {
		return fmt.Errorf("fl: the circuit binds public models: give both models' weights (%d each) and the models' bases", s.Params)
	}
	half := int64(1) << (s.ParamBits - 1)
	for m, w := range [2][]int64{st.OldW, st.NewW} {
		for j, v := range w {
			if v < -half || v >= half {
				return fmt.Errorf("%w: weight %d of model %d is outside the %d-bit range", ErrInvalid, j, m, s.ParamBits)
			}
		}
		p, err := ModelCommitment(st.ModelBases[m], w)
		if err != nil {
			return err
		}
		if !prf[s.Clients+m].Equal(&p) {
			return fmt.Errorf("%w: the proof's %s model is not the one given", ErrInvalid, [2]string{"previous", "new"}[m])
		}
	}
	return nil
}
