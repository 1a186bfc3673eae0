package circuit

import (
	"crypto/rand"
	"fmt"
	"math/big"

	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/constraint/solver"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/std/multicommit"

	"github.com/zkinfer/zkinfer/model"
)

// Pedersen-committed weights: see "Binding hashed weights" in the package
// documentation.

func init() { solver.RegisterHint(hidingMaskHint) }

// hidingMaskHint draws a uniformly random field element.
func hidingMaskHint(mod *big.Int, _ []*big.Int, outs []*big.Int) error {
	for _, o := range outs {
		r, err := rand.Int(rand.Reader, mod)
		if err != nil {
			return err
		}
		o.Set(r)
	}
	return nil
}

// definePedersen commits the weights and the salt in their own Groth16
// commitment. It must be the first Commit of the circuit: gnark replaces a
// wire that an earlier commitment holds by that commitment. Gadgets that
// commit through std/multicommit (lookup range checks, lookup tables) do so
// when the circuit is finished, after it.
func definePedersen(api frontend.API, raw [][]frontend.Variable, salt frontend.Variable) error {
	committer, ok := api.(frontend.Committer)
	if !ok {
		return fmt.Errorf("circuit: the constraint builder cannot make Groth16 commitments (pedersen parameter commitment)")
	}
	// A wire in no constraint gets a zero basis point: the salt must appear
	// in one, or it would hide nothing. The weights are range-checked.
	api.Mul(salt, salt)
	var vars []frontend.Variable
	for _, t := range raw {
		vars = append(vars, t...)
	}
	vars = append(vars, salt)
	if _, err := committer.Commit(vars...); err != nil {
		return fmt.Errorf("circuit: committing to the weights: %w", err)
	}
	return nil
}

// defineHiding adds a fresh random wire to std/multicommit's commitment
// (Circuit.HideOthers), which keeps it hiding although the prover zeroes
// gnark's masks for the weights' and the boundary's commitments (see
// ZeroMaskOption); it is only set when the circuit has that commitment
// anyway, so as not to add one.
func defineHiding(api frontend.API) error {
	r, err := api.NewHint(hidingMaskHint, 1)
	if err != nil {
		return err
	}
	api.Mul(r[0], r[0])
	// Deferred, as every gadget's commitment is (see ops' deferCommitment).
	api.Compiler().Defer(func(api frontend.API) error {
		multicommit.WithCommitment(api, func(frontend.API, frontend.Variable) error { return nil }, r[0])
		return nil
	})
	return nil
}

// gnarkMaskHint is the name of the hint gnark's R1CS builder draws each
// commitment's random mask with.
const gnarkMaskHint = "github.com/consensys/gnark/internal/hints.Randomize"

// ZeroMaskOption is the solver option that sets gnark's commitment masks to
// 0, so that the weights' commitment D is a function of the weights and the
// salt only.
func ZeroMaskOption() (solver.Option, error) {
	for _, h := range solver.GetRegisteredHints() {
		if solver.GetHintName(h) == gnarkMaskHint {
			return solver.OverrideHint(solver.GetHintID(h), func(_ *big.Int, _ []*big.Int, outs []*big.Int) error {
				for _, o := range outs {
					o.SetUint64(0)
				}
				return nil
			}), nil
		}
	}
	return nil, fmt.Errorf("circuit: gnark's commitment mask hint %s is not registered (gnark version changed?)", gnarkMaskHint)
}

// ModelCommitmentIndex finds which of cs's Groth16 commitments is the
// weights' (pk.CommitmentKeys[j], Proof.Commitments[j]): the one whose
// committed wires are exactly the weight wires, then the weights' salt wire,
// then one internal wire (gnark's mask), with no public or commitment wire.
// It fails unless exactly one commitment has that shape, so a commitment that
// mixed in per-proof values is never taken for the model's.
func ModelCommitmentIndex(cs constraint.ConstraintSystem, m *model.Model, vis Visibility) (int, error) {
	if !vis.PedersenParams() {
		return 0, fmt.Errorf("circuit: the weights are not bound by a pedersen commitment")
	}
	c, err := New(m, vis)
	if err != nil {
		return 0, err
	}
	cms, ok := cs.GetCommitments().(constraint.Groth16Commitments)
	if !ok {
		return 0, fmt.Errorf("circuit: the constraint system has no Groth16 commitments")
	}
	nPub, nSecret := cs.GetNbPublicVariables(), cs.GetNbSecretVariables()
	if nSecret != len(c.Private) {
		return 0, fmt.Errorf("circuit: the constraint system has %d secret wires, the circuit %d", nSecret, len(c.Private))
	}
	off := 0 // the weights' position among the secret wires
	if vis.Input != Public {
		for _, in := range m.Inputs {
			off += in.Size()
		}
	}
	nW := 0
	for _, p := range m.Params {
		nW += p.Size()
	}
	want := make([]int, 0, nW+1)
	for k := range nW {
		want = append(want, nPub+off+k)
	}
	want = append(want, nPub+offset(c.wires.Private, SegParamSalt)) // the weights' salt
	found := -1
	for i, cm := range cms {
		if len(cm.PublicAndCommitmentCommitted) != 0 || len(cm.PrivateCommitted) != len(want)+1 {
			continue
		}
		match := cm.PrivateCommitted[len(want)] >= nPub+nSecret // gnark's mask: internal
		for k, w := range want {
			match = match && cm.PrivateCommitted[k] == w
		}
		if !match {
			continue
		}
		if found >= 0 {
			return 0, fmt.Errorf("circuit: commitments %d and %d both hold exactly the weights", found, i)
		}
		found = i
	}
	if found < 0 {
		return 0, fmt.Errorf("circuit: none of the %d Groth16 commitments holds exactly the %d weights and the salt", len(cms), nW)
	}
	return found, nil
}

// PedersenValues are the committed values of the weights' commitment, in
// the commitment key's basis order: the weights (as the witness carries
// them), the salt, and gnark's mask, 0.
func PedersenValues(params [][]int64, salt *big.Int) []*big.Int {
	var out []*big.Int
	for _, t := range params {
		for _, v := range t {
			out = append(out, big.NewInt(v))
		}
	}
	return append(out, saltOrZero(salt), new(big.Int))
}
