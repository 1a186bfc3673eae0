package proof

import (
	"fmt"
	"math/big"
	"strings"

	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/backend"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/ops"
	"github.com/zkinfer/zkinfer/proof/verifier"
)

// Pedersen model commitments (circuit/pedersen.go): the weights and their
// salt are one Groth16 commitment D of the proof. D depends on the proving
// key's commitment key, so it is computed from a set-up directory
// (PedersenModelCommitment), printed as 0x + x‖y (two 32-byte big-endian
// coordinates, the order the Solidity proof bytes carry them in).

// OnChainNote says why a directory's proofs cannot be verified by the
// exported Solidity verifier, or "" when they can (as far as commitments go).
func (s *Settings) OnChainNote() string {
	if s.Groth16Commitments <= 1 {
		return ""
	}
	return fmt.Sprintf("the circuit has %d Groth16 commitments and gnark's Solidity verifier supports one: on-chain verification is not available (lookup range checks, lookup tables and Freivalds products commit too: use --range-check bits and avoid them)", s.Groth16Commitments)
}

// proverOptions are the Groth16 prover's options for this directory:
// gnark's commitment masks zeroed when the weights' or a segment's
// boundary commitment must be computable outside the prover.
func (c *Compiled) proverOptions() ([]backend.ProverOption, error) {
	if vis := c.Settings.Visibility; !vis.PedersenParams() && !vis.Segmented() {
		return nil, nil
	}
	zero, err := circuit.ZeroMaskOption()
	if err != nil {
		return nil, fmt.Errorf("prove: %w", err)
	}
	return []backend.ProverOption{backend.WithSolverOptions(zero)}, nil
}

func (c *Compiled) modelCommitmentIndex() (int, error) {
	if !c.Settings.Visibility.PedersenParams() {
		return 0, fmt.Errorf("this circuit does not bind its weights with a pedersen commitment")
	}
	if c.Settings.ModelCommitmentIndex == nil {
		return 0, fmt.Errorf("%s: settings.json does not say which commitment is the model's: compile again", c.Dir)
	}
	return *c.Settings.ModelCommitmentIndex, nil
}

// pointHex writes a G1 point as 0x + x‖y (64 bytes).
func pointHex(p *curve.G1Affine) string { return verifier.PointHex(p) }

// ParsePoint reads a model commitment written by pointHex: a point on the
// curve, in the prime-order subgroup.
func ParsePoint(s string) (curve.G1Affine, error) { return verifier.ParsePoint(s) }

// provedModelCommitment is verifier.CommitmentAt for a proof just made (its bytes).
func (c *Compiled) provedModelCommitment(raw []byte) (string, error) {
	idx, err := c.modelCommitmentIndex()
	if err != nil {
		return "", err
	}
	prf, err := DecodeGroth16(raw, AnyCommitments)
	if err != nil {
		return "", fmt.Errorf("prove: %w", err)
	}
	return verifier.CommitmentAt(prf, idx, c.Settings.Groth16Commitments)
}

// PedersenModelCommitment computes the weights' commitment D that every
// proof of this set-up directory made with the model at weightsPath and
// this salt carries: the proving key's commitment key applied to the
// quantized weights (the witness's values), the salt and gnark's mask, 0.
func (c *Compiled) PedersenModelCommitment(weightsPath string, salt *big.Int) (string, error) {
	if _, err := c.modelCommitmentIndex(); err != nil {
		return "", fmt.Errorf("commit: %w", err)
	}
	m, err := c.loadWeights(weightsPath)
	if err != nil {
		return "", fmt.Errorf("commit: %s", strings.TrimPrefix(err.Error(), "prove: "))
	}
	params, err := m.ParamValues()
	if err != nil {
		return "", fmt.Errorf("commit: %w", err)
	}
	return c.PedersenCommit(params, salt)
}

// PedersenCommit is the weights' commitment D of the directory's proofs
// with these secret weight values (the witness's, in the circuit's order)
// and salt: the proving key's commitment key applied to them.
func (c *Compiled) PedersenCommit(params []ops.Tensor[int64], salt *big.Int) (string, error) {
	idx, err := c.modelCommitmentIndex()
	if err != nil {
		return "", fmt.Errorf("commit: %w", err)
	}
	raw := make([][]int64, len(params))
	for i, t := range params {
		raw[i] = t.Data
	}
	pk, err := c.readProvingKey()
	if err != nil {
		return "", fmt.Errorf("commit: %w (run setup first)", err)
	}
	bpk, ok := pk.(*groth16bn254.ProvingKey)
	if !ok || idx >= len(bpk.CommitmentKeys) {
		return "", fmt.Errorf("commit: the proving key has no commitment key %d: compile and set up again", idx)
	}
	key := bpk.CommitmentKeys[idx]
	vals := circuit.PedersenValues(raw, salt)
	if len(vals) != len(key.Basis) {
		return "", fmt.Errorf("commit: the commitment key has %d bases for %d weights, the salt and the mask: the keys are not this directory's", len(key.Basis), len(vals))
	}
	seen := make(map[curve.G1Affine]bool, len(key.Basis))
	for i := range key.Basis[:len(key.Basis)-1] {
		if key.Basis[i].IsInfinity() || seen[key.Basis[i]] {
			return "", fmt.Errorf("commit: the commitment key's basis %d is zero or repeated: the commitment would not bind", i)
		}
		seen[key.Basis[i]] = true
	}
	es := make([]fr.Element, len(vals))
	for i, v := range vals {
		es[i].SetBigInt(v)
	}
	d, err := key.Commit(es)
	if err != nil {
		return "", fmt.Errorf("commit: %w", err)
	}
	return pointHex(&d), nil
}
