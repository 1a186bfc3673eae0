package proof

import (
	"fmt"
	"os"

	"github.com/consensys/gnark/backend"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/backend/witness"
	"github.com/consensys/gnark/constraint"
	cs_bn254 "github.com/consensys/gnark/constraint/bn254"

	"github.com/zkinfer/zkinfer/proof/groth16setup"
)

// Groth16: keys, proving and verification. The keys come from setupGroth16
// (one party) or a ceremony (ceremony.go); both write them with
// writeKeys.

// setupGroth16 runs a single-party Groth16 setup: the toxic waste is drawn
// on this machine and dropped, so whoever runs it must be trusted. The keys
// come from groth16setup (fixed-base multiplication, the same keys gnark's
// groth16.Setup makes, an order of magnitude sooner); ZKINFER_GROTH16_SETUP=gnark
// runs gnark's own instead, for comparison.
func (c *Compiled) setupGroth16(cs constraint.ConstraintSystem, progress Progress) error {
	var pk groth16.ProvingKey
	var vk groth16.VerifyingKey
	var err error
	if r1cs, ok := cs.(*cs_bn254.R1CS); ok && os.Getenv("ZKINFER_GROTH16_SETUP") != "gnark" {
		pk, vk, err = groth16setup.Setup(r1cs, groth16setup.WithProgress(progress))
	} else {
		pk, vk, err = groth16.Setup(cs)
	}
	if err != nil {
		return fmt.Errorf("setup: %w", err)
	}
	if err := c.writeKeys(pk, vk); err != nil {
		return err
	}
	c.Settings.Setup = &SetupInfo{Kind: SetupLocal}
	return nil
}

// readGroth16VerifyingKey reads the Groth16 verifying key of the compiled
// directory.
func (c *Compiled) readGroth16VerifyingKey() (groth16.VerifyingKey, error) {
	if c.Settings.Backend != Groth16 {
		return nil, fmt.Errorf("%s: the keys are %s, not groth16", c.Dir, c.Settings.Backend)
	}
	vk, err := loadVerifyingKey(c.path(VerifyingKey), c.Settings.PublicInputs)
	if err != nil {
		return nil, err
	}
	return vk, nil
}

// ReadAnyVerifyingKey reads the verifying key of the directory's backend: a
// groth16.VerifyingKey or a plonk.VerifyingKey.
func (c *Compiled) ReadAnyVerifyingKey() (any, error) {
	if c.Settings.Backend == Plonk {
		return c.readPlonkVerifyingKey()
	}
	return c.readGroth16VerifyingKey()
}

func (c *Compiled) readProvingKey() (groth16.ProvingKey, error) {
	if c.Settings.Backend != Groth16 {
		return nil, fmt.Errorf("%s: the keys are %s, not groth16", c.Dir, c.Settings.Backend)
	}
	pk, err := loadProvingKey(c.path(ProvingKey))
	if err != nil {
		return nil, err
	}
	return pk, nil
}

// safeProve is groth16.Prove with a panic (a key that passed keyMatches
// but still does not fit the circuit) returned as an error: gnark's own
// prover on a whole key, which the damaged-key tests compare with
// (zkinfer's prover is groth16prove.go).
func safeProve(cs constraint.ConstraintSystem, pk groth16.ProvingKey, w witness.Witness, opts ...backend.ProverOption) (p groth16.Proof, err error) {
	defer func() {
		if r := recover(); r != nil {
			p, err = nil, fmt.Errorf("the proving key does not fit the circuit (%v): run setup again", oneLineErr(fmt.Errorf("%v", r)))
		}
	}()
	return groth16.Prove(cs, pk, w, opts...)
}
