package fl

import (
	"fmt"
	"math/big"

	"github.com/consensys/gnark-crypto/ecc"
	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/backend"
	"github.com/consensys/gnark/backend/groth16"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
	"github.com/consensys/gnark/backend/witness"
	"github.com/consensys/gnark/constraint"
	cs "github.com/consensys/gnark/constraint/bn254"
	"github.com/consensys/gnark/constraint/solver"
	"github.com/consensys/gnark/frontend"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/proof"
	"github.com/zkinfer/zkinfer/proof/groth16setup"
)

// Compile builds the aggregation circuit of shape s.
func Compile(s Shape) (*cs.R1CS, error) {
	if err := s.Check(); err != nil {
		return nil, err
	}
	ccs, err := circuit.CompileR1CS("fl", NewCircuit(s))
	if err != nil {
		return nil, err
	}
	return ccs.(*cs.R1CS), nil
}

// Keys are an aggregation circuit's Groth16 keys and the clients'
// commitment bases.
type Keys struct {
	PK *groth16bn254.ProvingKey
	VK *groth16bn254.VerifyingKey
	// Bases[k] is client k's commitment key basis: the points of its
	// round, salt, N update values and gnark's mask, in that order.
	Bases [][]curve.G1Affine
	// ModelBases are, with public models, the bases of W_old and W_new
	// (N points and the mask each).
	ModelBases [2][]curve.G1Affine
}

// clientWires checks that commitment k of ccs holds exactly client k's
// wires (round, salt, update, in wire order) and gnark's mask, so that
// Bases[k] applies to ClientValues' order.
func clientWires(ccs constraint.ConstraintSystem, s Shape) error {
	cms, ok := ccs.GetCommitments().(constraint.Groth16Commitments)
	if !ok || len(cms) < s.Clients {
		return fmt.Errorf("fl: the circuit has fewer Groth16 commitments than its %d clients: compile again", s.Clients)
	}
	nPub, nSecret := ccs.GetNbPublicVariables(), ccs.GetNbSecretVariables()
	per := s.Params + 2
	for k := range s.Clients {
		pc := cms[k].PrivateCommitted
		if len(cms[k].PublicAndCommitmentCommitted) != 0 || len(pc) != per+1 {
			return fmt.Errorf("fl: commitment %d holds %d wires, want client %d's %d and a mask: compile again", k, len(pc), k, per)
		}
		for i := range per {
			if pc[i] != nPub+k*per+i {
				return fmt.Errorf("fl: commitment %d's wire %d is %d, want client %d's %d: compile again", k, i, pc[i], k, nPub+k*per+i)
			}
		}
		if pc[per] < nPub+nSecret {
			return fmt.Errorf("fl: commitment %d's last wire is not gnark's mask: compile again", k)
		}
	}
	return nil
}

// Setup makes the circuit's keys (proof/groth16setup: a development
// setup whose toxic waste is erased; see docs/FEDERATED.md for what its
// honesty means to the clients' commitments) and extracts the clients'
// bases, each checked to bind: no zero and no repeated point.
func Setup(s Shape, ccs *cs.R1CS, opts ...groth16setup.Option) (*Keys, error) {
	if err := clientWires(ccs, s); err != nil {
		return nil, err
	}
	if s.PublicModels {
		if err := modelWires(ccs, s); err != nil {
			return nil, err
		}
	}
	pk, vk, err := groth16setup.Setup(ccs, opts...)
	if err != nil {
		return nil, fmt.Errorf("fl: setup: %w", err)
	}
	keys := &Keys{PK: pk, VK: vk}
	if err := keys.extractBases(s); err != nil {
		return nil, err
	}
	return keys, nil
}

func (keys *Keys) extractBases(s Shape) error {
	if len(keys.PK.CommitmentKeys) < s.Clients {
		return fmt.Errorf("fl: the proving key has %d commitment keys for %d clients: set up again", len(keys.PK.CommitmentKeys), s.Clients)
	}
	keys.Bases = make([][]curve.G1Affine, s.Clients)
	for k := range keys.Bases {
		b := keys.PK.CommitmentKeys[k].Basis
		if err := checkBasis(b, s, k); err != nil {
			return err
		}
		keys.Bases[k] = b
	}
	if s.PublicModels {
		if len(keys.PK.CommitmentKeys) < s.Clients+2 {
			return fmt.Errorf("fl: the proving key has no commitment keys for the models: set up again")
		}
		for m := range keys.ModelBases {
			b := keys.PK.CommitmentKeys[s.Clients+m].Basis
			if err := checkModelBasis(b, s); err != nil {
				return err
			}
			keys.ModelBases[m] = b
		}
	}
	return nil
}

// checkBasis refuses a client basis that would not bind: the wrong length,
// or a zero or repeated point among the committed values' (the mask's,
// last, is gnark's).
func checkBasis(b []curve.G1Affine, s Shape, k int) error {
	if len(b) != s.Params+3 {
		return fmt.Errorf("fl: client %d's commitment basis has %d points, the shape needs %d: set up again", k, len(b), s.Params+3)
	}
	seen := make(map[curve.G1Affine]bool, len(b))
	for i := range b[:len(b)-1] {
		if b[i].IsInfinity() || seen[b[i]] {
			return fmt.Errorf("fl: client %d's commitment basis point %d is zero or repeated: the commitment would not bind: compile and set up again", k, i)
		}
		seen[b[i]] = true
	}
	return nil
}

// ClientCommitment is client k's published commitment to its update for
// a round: Σ v_i·B_i over v = (round, salt, u_1 + h … u_N + h, 0), h =
// 2^(updateBits−1) (the circuit's offset update wires, Client.Update), and
// its basis B, the point the aggregation proof's commitment k must equal.
// One multi-scalar multiplication of N+2 terms. An update value outside
// [−h, h) is refused: the round could not be proven with it.
func ClientCommitment(basis []curve.G1Affine, updateBits int, round uint64, salt *big.Int, update []int64) (curve.G1Affine, error) {
	var p curve.G1Affine
	if len(basis) != len(update)+3 {
		return p, fmt.Errorf("fl: the basis has %d points for an update of %d values: is the update of this circuit's model?", len(basis), len(update))
	}
	if updateBits < 2 || updateBits > 62 {
		return p, fmt.Errorf("fl: update bits %d is outside [2, 62]: read it from the circuit's shape", updateBits)
	}
	h := updateOffset(updateBits)
	es := make([]fr.Element, len(basis))
	es[0].SetUint64(round)
	es[1].SetBigInt(orZero(salt))
	for j, v := range update {
		if v < -h || v >= h {
			return p, fmt.Errorf("fl: update value %d = %d is outside the %d-bit range [%d, %d): raise --update-bits or scale the update down", j, v, updateBits, -h, h)
		}
		es[j+2].SetInt64(v + h)
	}
	if _, err := p.MultiExp(basis, es, ecc.MultiExpConfig{}); err != nil {
		return p, fmt.Errorf("fl: %w", err)
	}
	return p, nil
}

// Prove proves round r (its Result computed by Aggregate) with gnark's
// prover and the proving key in memory.
func Prove(s Shape, ccs *cs.R1CS, pk *groth16bn254.ProvingKey, r *Round, res *Result) (*groth16bn254.Proof, error) {
	w, zero, err := roundWitness(s, r, res)
	if err != nil {
		return nil, err
	}
	prf, err := groth16.Prove(ccs, pk, w, backend.WithSolverOptions(zero))
	if err != nil {
		return nil, fmt.Errorf("fl: proving the aggregation: %w", err)
	}
	return prf.(*groth16bn254.Proof), nil
}

// ProveFile proves round r with the proving key at pkPath (a set-up
// directory's PKFile) by package proof's streaming prover
// (proof.ProveR1CS): the same proof as Prove's, with one vector of the
// key in memory at a time and every multi-scalar multiplication on every
// core (on 2 cores gnark's Prove runs its last one on one core: 10 ×
// 100,000 at 2,715,366 constraints, its last 19 s of 66). fl aggregate
// proves with it; progress, if set, reports the prover's steps.
func ProveFile(s Shape, ccs *cs.R1CS, pkPath string, r *Round, res *Result, progress proof.Progress) (*groth16bn254.Proof, error) {
	w, zero, err := roundWitness(s, r, res)
	if err != nil {
		return nil, err
	}
	prf, err := proof.ProveR1CS(ccs, pkPath, w, progress, backend.WithSolverOptions(zero))
	if err != nil {
		return nil, fmt.Errorf("fl: proving the aggregation: %w", err)
	}
	return prf, nil
}

// roundWitness is round r's full witness and the solver option that
// zeroes gnark's commitment masks (the clients compute their points
// without one).
func roundWitness(s Shape, r *Round, res *Result) (witness.Witness, solver.Option, error) {
	if len(r.Updates) != s.Clients || len(r.Salts) != s.Clients || len(r.Weights) != s.Clients || len(res.Factors) != s.Clients ||
		len(r.Old) != s.Params || len(res.New) != s.Params || len(res.Rem) != s.Params {
		return nil, nil, fmt.Errorf("fl: the round does not have the circuit's shape (%d clients × %d parameters): compute it with Aggregate", s.Clients, s.Params)
	}
	for k, u := range r.Updates {
		if len(u) != s.Params {
			return nil, nil, fmt.Errorf("fl: client %d's update has %d values, the circuit %d", k, len(u), s.Params)
		}
	}
	w, err := frontend.NewWitness(assign(s, r, res), ecc.BN254.ScalarField())
	if err != nil {
		return nil, nil, fmt.Errorf("fl: witness: %w", err)
	}
	zero, err := circuit.ZeroMaskOption()
	if err != nil {
		return nil, nil, fmt.Errorf("fl: %w", err)
	}
	return w, zero, nil
}
