package proof

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"time"

	gnarkio "github.com/consensys/gnark/io"

	"github.com/zkinfer/zkinfer/proof/ceremony"
	"github.com/zkinfer/zkinfer/proof/srs"

	"github.com/zkinfer/zkinfer/internal/atomicfile"
)

// Where keys come from (SetupInfo.Kind), and so whom a verifier trusts.
const (
	// SetupLocal: groth16.Setup on one machine (`zkinfer setup`). Whoever ran
	// it could have kept the toxic waste and can forge proofs.
	SetupLocal = "local"
	// SetupCeremony: a multi-party Groth16 ceremony (`zkinfer ceremony`).
	// Proofs are sound if at least one participant of each phase was honest
	// (phase 1 makes τ, α, β; phase 2 δ). The weights' Pedersen commitment
	// basis is made from τ, α, β alone, so it binds if at least one phase-1
	// participant was honest (ceremony.Trust).
	SetupCeremony = "ceremony"
	// SetupSRS: PLONK keys from a powers-of-tau file, e.g. a public
	// ceremony's. As trustworthy as that ceremony: a file not on the list of
	// published ones (package srs) is warned about.
	SetupSRS = "srs"
	// SetupUnsafeSRS: PLONK keys from an SRS generated on this machine
	// (`--unsafe-dev-srs`). For development only.
	SetupUnsafeSRS = "unsafe-dev-srs"
)

// SetupInfo records in settings.json where the directory's keys came from.
type SetupInfo struct {
	Kind string `json:"kind"`
	// SRS describes the SRS file PLONK keys were made from (SetupSRS).
	SRS *srs.Info `json:"srs,omitempty"`
	// Ceremony identifies the ceremony Groth16 keys came from.
	Ceremony *ceremony.Record `json:"ceremony,omitempty"`
	// Warnings are the directory's trust warnings when setup ran
	// (Compiled.TrustWarnings), for whoever reads settings.json; verifiers
	// recompute them rather than read them.
	Warnings []string `json:"warnings,omitempty"`
}

// Warning says in one line why the keys must not be relied on by people
// who did not make them, or "" for keys from a ceremony or a published
// powers of tau. Compiled.TrustWarnings adds what depends on the circuit.
func (s *SetupInfo) Warning() string {
	switch {
	case s == nil:
		return ""
	case s.Kind == SetupLocal:
		return "these keys are only as trustworthy as the machine that ran `zkinfer setup`: whoever ran it could forge proofs (for a public deployment run `zkinfer ceremony`, see docs/SETUP.md)"
	case s.Kind == SetupUnsafeSRS:
		return "UNSAFE: these PLONK keys come from a development SRS generated on one machine (--unsafe-dev-srs): whoever ran setup could forge proofs (use --srs with a public powers-of-tau, see docs/SETUP.md)"
	case s.Kind == SetupSRS:
		return s.SRS.Warning()
	}
	return ""
}

// TrustWarnings returns every one-line warning a verifier of this
// directory's proofs should see about where its keys came from, nil when
// there is none (keys from a ceremony, or from a published powers of tau):
//   - keys from a single-party `setup` or a development SRS: whoever ran it
//     could forge proofs (SetupInfo.Warning);
//   - PLONK keys from an SRS file that is not a published powers of tau
//     (package srs): whoever made the file may know its τ;
//   - weights bound by a Pedersen commitment under keys from a single-party
//     setup: the commitment basis comes from the setup's τ, α, β, so whoever
//     ran it knows the discrete logarithms between the basis points and can
//     open the published model commitment to other weights, with a proof
//     that verifies;
//   - settings.json that does not say where the keys came from.
//
// It reads settings.json's record only (not the keys): `ceremony verify`
// is what checks that a ceremony's keys are the ones in the directory.
func (c *Compiled) TrustWarnings() []string {
	s := c.Settings.Setup
	if s == nil {
		return []string{"settings.json does not say where these keys came from: whoever made them could forge proofs (run `zkinfer setup` or a ceremony, see docs/SETUP.md)"}
	}
	var w []string
	if m := s.Warning(); m != "" {
		w = append(w, m)
	}
	if s.Kind == SetupLocal && c.Settings.Visibility.PedersenParams() {
		w = append(w, "the model commitment binds nothing against whoever ran `zkinfer setup`: its Pedersen basis comes from that setup's secrets, so they can open the published commitment to other weights (binding needs keys from a ceremony with at least one honest phase-1 participant, see docs/SETUP.md)")
	}
	return w
}

// SetupOptions choose where a setup's randomness comes from.
type SetupOptions struct {
	Progress Progress
	// SRS is a powers-of-tau file for a PLONK directory: snarkjs's .ptau or
	// gnark-crypto's kzg.SRS encoding (package srs).
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
	progress.Log("setup: %d constraints (%s)", cs.GetNbConstraints(), c.Settings.Backend)
	start := time.Now()
	if plonk {
		err = c.setupPlonk(cs, opt)
	} else {
		err = c.setupGroth16(cs, progress)
	}
	if err != nil {
		return err
	}
	progress.Log("setup: keys written (%.1fs)", time.Since(start).Seconds())
	c.Settings.Setup.Warnings = c.TrustWarnings()
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
	var files atomicfile.Set
	defer files.Discard()
	if err := files.Add(c.path(ProvingKey), func(w io.Writer) error {
		bw := bufio.NewWriterSize(w, 1<<20)
		if _, err := pk.WriteRawTo(bw); err != nil {
			return err
		}
		return bw.Flush()
	}); err != nil {
		return fmt.Errorf("setup: writing the proving key: %w", err)
	}
	if err := files.Add(c.path(VerifyingKey), func(w io.Writer) error {
		_, err := vk.WriteTo(w)
		return err
	}); err != nil {
		return fmt.Errorf("setup: writing the verifying key: %w", err)
	}
	if err := files.Commit(); err != nil {
		return fmt.Errorf("setup: %w", err)
	}
	return nil
}
