package audit

import (
	"fmt"
	"math/big"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend"
	"github.com/consensys/gnark/backend/groth16"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
	"github.com/consensys/gnark/backend/solidity"
	"github.com/consensys/gnark/backend/witness"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/frontend"

	"github.com/zkinfer/zkinfer/proof/verifier"
)

// The Groth16 calls of the statement circuits over a committed dataset (an
// audit here, a DP query in package query): proofs in the proof-file
// encoding of proof/verifier, with the Solidity verifier's hash to the
// field, as the model's own proofs are made.

// ProveGroth16 proves the assignment of cs with pk and returns the proof's
// bytes. pkg names the package in errors; a key that does not fit the
// circuit (gnark panics) is an error asking to delete pkg's directory.
func ProveGroth16(pkg string, cs constraint.ConstraintSystem, pk groth16.ProvingKey, assign frontend.Circuit) ([]byte, error) {
	wit, err := frontend.NewWitness(assign, ecc.BN254.ScalarField())
	if err != nil {
		return nil, fmt.Errorf("%s: witness: %w", pkg, err)
	}
	prf, err := safeProve(pkg, cs, pk, wit)
	if err != nil {
		return nil, fmt.Errorf("%s: prove: %w", pkg, verifier.OneLine(err))
	}
	bn, ok := prf.(*groth16bn254.Proof)
	if !ok {
		return nil, fmt.Errorf("%s: unexpected proof type %T", pkg, prf)
	}
	return verifier.EncodeGroth16(bn), nil
}

// VerifyGroth16 checks a proof's bytes against vk and the public values: a
// proof that does not hold is invalid (wrapped with the reason when the
// bytes do not decode), other errors are not verdicts.
func VerifyGroth16(pkg string, vk *groth16bn254.VerifyingKey, commitments int, raw []byte, values []*big.Int, invalid error) error {
	prf, err := verifier.DecodeGroth16(raw, commitments)
	if err != nil {
		return fmt.Errorf("%w: %v", invalid, err)
	}
	var asg publicOnly
	for _, v := range values {
		asg.Public = append(asg.Public, v)
	}
	wit, err := frontend.NewWitness(&asg, ecc.BN254.ScalarField(), frontend.PublicOnly())
	if err != nil {
		return fmt.Errorf("%s: public inputs: %w", pkg, err)
	}
	if err := groth16.Verify(prf, vk, wit, solidity.WithVerifierTargetSolidityVerifier(backend.GROTH16)); err != nil {
		return invalid
	}
	return nil
}

// publicOnly is a circuit shape whose public inputs are a statement's.
type publicOnly struct {
	Public []frontend.Variable `gnark:",public"`
}

func (*publicOnly) Define(frontend.API) error { return nil }

// safeProve is groth16.Prove with a panic (a key that does not fit the
// circuit) returned as an error.
func safeProve(pkg string, cs constraint.ConstraintSystem, pk groth16.ProvingKey, w witness.Witness) (p groth16.Proof, err error) {
	defer func() {
		if r := recover(); r != nil {
			p, err = nil, fmt.Errorf("the proving key does not fit the circuit (%v): delete the %s directory and run again", r, pkg)
		}
	}()
	return groth16.Prove(cs, pk, w, solidity.WithProverTargetSolidityVerifier(backend.GROTH16))
}
