package proof

import (
	"bufio"
	"bytes"
	"fmt"
	"io"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend"
	"github.com/consensys/gnark/backend/plonk"
	"github.com/consensys/gnark/backend/solidity"
	"github.com/consensys/gnark/backend/witness"
	"github.com/consensys/gnark/constraint"

	"github.com/zkinfer/zkinfer/proof/srs"
)

// PLONK (gnark, BN254, KZG): keys from a universal SRS, proving and
// verification. Fiat-Shamir and the BSB22 commitments of lookups use gnark's
// default hashes, the ones its Solidity verifier hard-codes.

// setupPlonk makes the PLONK keys from the SRS of opt (package srs).
func (c *Compiled) setupPlonk(cs constraint.ConstraintSystem, opt SetupOptions) error {
	var (
		s    *srs.SRS
		info *SetupInfo
		err  error
	)
	if opt.UnsafeDevSRS {
		opt.Progress.Log("setup: generating an UNSAFE development SRS on this machine")
		s, err = srs.UnsafeDev(cs)
		info = &SetupInfo{Kind: SetupUnsafeSRS}
	} else {
		s, err = srs.Load(opt.SRS, cs, opt.Progress)
		if err == nil {
			info = &SetupInfo{Kind: SetupSRS, SRS: &s.Info}
		}
	}
	if err != nil {
		return fmt.Errorf("setup: %w", err)
	}
	pk, vk, err := plonk.Setup(cs, &s.Canonical, &s.Lagrange)
	if err != nil {
		return fmt.Errorf("setup: %w", err)
	}
	if err := c.writeKeys(pk, vk); err != nil {
		return err
	}
	c.Settings.Setup = info
	return nil
}

func (c *Compiled) readPlonkVerifyingKey() (plonk.VerifyingKey, error) {
	vk := plonk.NewVerifyingKey(ecc.BN254)
	err := readFrom(c.path(VerifyingKey), "verifying key", func(r io.Reader) error {
		_, err := vk.ReadFrom(r)
		return err
	})
	return vk, err
}

func (c *Compiled) readPlonkProvingKey() (plonk.ProvingKey, error) {
	pk := plonk.NewProvingKey(ecc.BN254)
	err := readFrom(c.path(ProvingKey), "proving key", func(r io.Reader) error {
		_, err := pk.UnsafeReadFrom(bufio.NewReaderSize(r, 1<<20))
		return err
	})
	return pk, err
}

// provePlonk proves the full witness and returns the proof's bytes (gnark's
// encoding), made for gnark's Solidity verifier too.
func (c *Compiled) provePlonk(cs constraint.ConstraintSystem, wit witness.Witness) ([]byte, error) {
	pk, err := c.readPlonkProvingKey()
	if err != nil {
		return nil, fmt.Errorf("prove: %w (run setup first)", err)
	}
	prf, err := plonk.Prove(cs, pk, wit, solidity.WithProverTargetSolidityVerifier(backend.PLONK))
	if err != nil {
		return nil, fmt.Errorf("prove: %w", err)
	}
	var buf bytes.Buffer
	if _, err := prf.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("prove: %w", err)
	}
	return buf.Bytes(), nil
}
