package proof

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"time"

	gnarkio "github.com/consensys/gnark/io"
)

// Where keys come from (SetupInfo.Kind), and so whom a verifier trusts.
const (
	// SetupLocal: groth16.Setup on one machine (`zkinfer setup`). Whoever ran
	// it could have kept the toxic waste and can forge proofs.
	SetupLocal = "local"
	// SetupCeremony: a multi-party Groth16 ceremony (`zkinfer ceremony`). One
	// honest participant is enough.
	SetupCeremony = "ceremony"
	// SetupSRS: PLONK keys from a powers-of-tau file, e.g. a public
	// ceremony's. As trustworthy as that ceremony.
	SetupSRS = "srs"
	// SetupUnsafeSRS: PLONK keys from an SRS generated on this machine
	// (`--unsafe-dev-srs`). For development only.
	SetupUnsafeSRS = "unsafe-dev-srs"
)

// SetupInfo records in settings.json where the directory's keys came from.
type SetupInfo struct {
	Kind string `json:"kind"`
	// SRS describes the SRS file PLONK keys were made from (SetupSRS).
	SRS *SRSInfo `json:"srs,omitempty"`
	// Ceremony identifies the ceremony Groth16 keys came from.
	Ceremony *CeremonyInfo `json:"ceremony,omitempty"`
}

// Warning says in one line why the keys must not be relied on by people
// who did not make them, or "" for keys from a ceremony or a public SRS.
func (s *SetupInfo) Warning() string {
	switch {
	case s == nil:
		return ""
	case s.Kind == SetupLocal:
		return "these keys are only as trustworthy as the machine that ran `zkinfer setup`: whoever ran it could forge proofs (for a public deployment run `zkinfer ceremony`, see docs/SETUP.md)"
	case s.Kind == SetupUnsafeSRS:
		return "UNSAFE: these PLONK keys come from a development SRS generated on one machine (--unsafe-dev-srs): whoever ran setup could forge proofs (use --srs with a public powers-of-tau, see docs/SETUP.md)"
	}
	return ""
}

// SetupOptions choose where a setup's randomness comes from.
type SetupOptions struct {
	Progress Progress
	// SRS is a powers-of-tau file for a PLONK directory: snarkjs's .ptau or
	// gnark-crypto's kzg.SRS encoding (srs.go).
	SRS string
	// UnsafeDevSRS makes PLONK keys from an SRS drawn on this machine
	// (development only: its secret passes through this process).
	UnsafeDevSRS bool
}

// Setup writes the proving and verifying keys of a Groth16 directory with a
// single-party setup: the randomness is drawn here and discarded, so whoever
// runs it must be trusted not to keep it (see SetupInfo.Warning).
func (c *Compiled) Setup(progress Progress) error {
	return c.SetupWith(SetupOptions{Progress: progress})
}

// SetupWith writes the directory's proving and verifying keys and records
// their origin in settings.json: for Groth16 a single-party setup (no SRS
// options), for PLONK from opt.SRS or, with opt.UnsafeDevSRS, a local SRS.
func (c *Compiled) SetupWith(opt SetupOptions) error {
	progress := opt.Progress
	plonk := c.Settings.Backend == Plonk
	switch {
	case !plonk && (opt.SRS != "" || opt.UnsafeDevSRS):
		return errors.New("setup: --srs and --unsafe-dev-srs are for plonk directories; groth16 keys come from setup alone or from a ceremony")
	case plonk && opt.SRS == "" && !opt.UnsafeDevSRS:
		return errors.New("setup: a plonk directory needs an SRS: --srs FILE (a public powers-of-tau, see docs/SETUP.md) or --unsafe-dev-srs (development only)")
	case plonk && opt.SRS != "" && opt.UnsafeDevSRS:
		return errors.New("setup: give --srs or --unsafe-dev-srs, not both")
	}
	cs, err := c.ReadCircuit()
	if err != nil {
		return fmt.Errorf("setup: %w", err)
	}
	progress.log("setup: %d constraints (%s)", cs.GetNbConstraints(), BackendName(c.Settings.Backend))
	start := time.Now()
	if plonk {
		err = c.setupPlonk(cs, opt)
	} else {
		err = c.setupGroth16(cs)
	}
	if err != nil {
		return err
	}
	progress.log("setup: keys written (%.1fs)", time.Since(start).Seconds())
	if err := c.writeSettings(); err != nil {
		return fmt.Errorf("setup: %w", err)
	}
	return nil
}

// writeKeys writes pk.bin (gnark's raw encoding: read back without subgroup
// checks, it is the prover's own file) and vk.bin (compressed, checked on
// read).
func (c *Compiled) writeKeys(pk gnarkio.WriterRawTo, vk io.WriterTo) error {
	// Both keys appear together: an interrupted setup leaves neither new
	// key, never a proving key without its verifying key.
	var files fileSet
	defer files.discard()
	if err := files.add(c.path(ProvingKey), func(w io.Writer) error {
		bw := bufio.NewWriterSize(w, 1<<20)
		if _, err := pk.WriteRawTo(bw); err != nil {
			return err
		}
		return bw.Flush()
	}); err != nil {
		return fmt.Errorf("setup: writing the proving key: %w", err)
	}
	if err := files.add(c.path(VerifyingKey), func(w io.Writer) error {
		_, err := vk.WriteTo(w)
		return err
	}); err != nil {
		return fmt.Errorf("setup: writing the verifying key: %w", err)
	}
	if err := files.commit(); err != nil {
		return fmt.Errorf("setup: %w", err)
	}
	return nil
}
