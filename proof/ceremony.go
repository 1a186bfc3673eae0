package proof

import (
	"errors"
	"fmt"

	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
	cs_bn254 "github.com/consensys/gnark/constraint/bn254"

	"github.com/zkinfer/zkinfer/proof/ceremony"
)

// A compiled directory's side of a Groth16 ceremony (package ceremony): the
// circuit is the directory's, phase 1's sealed result waits in it
// (ceremony.CommonsFile), and the keys land in pk.bin and vk.bin with the
// ceremony's record in settings.json, where `ceremony verify --dir`
// compares them with the chain.

// ceremonyCircuit is the directory's circuit, for a ceremony.
func (c *Compiled) ceremonyCircuit() (*ceremony.Circuit, error) {
	if err := c.ceremonyBackend(); err != nil {
		return nil, err
	}
	r, err := c.readR1CS()
	if err != nil {
		return nil, fmt.Errorf("ceremony: %w", err)
	}
	return &ceremony.Circuit{R1CS: r, SHA256: c.Settings.CircuitSHA, Dir: c.Dir}, nil
}

// ceremonyBackend refuses a directory compiled for another backend than
// Groth16.
func (c *Compiled) ceremonyBackend() error {
	if c.Settings.Backend != Groth16 {
		return fmt.Errorf("ceremony: %s is compiled for %s: a ceremony makes groth16 keys (plonk uses a universal SRS: setup --srs)", c.Dir, c.Settings.Backend)
	}
	return nil
}

// CeremonyInit writes phase 1's start for the directory's circuit to out
// (ceremony.Init).
func (c *Compiled) CeremonyInit(out string) (*ceremony.Step, error) {
	circ, err := c.ceremonyCircuit()
	if err != nil {
		return nil, err
	}
	return ceremony.Init(circ, out)
}

// CeremonyPhase2 closes phase 1 at its last state with the random beacon
// and writes phase 2's start for the directory's circuit to out
// (ceremony.Phase2); phase 1's sealed result stays in the directory for
// CeremonyFinalize.
func (c *Compiled) CeremonyPhase2(lastPhase1, out string, beacon []byte, progress Progress) (*ceremony.Step, error) {
	circ, err := c.ceremonyCircuit()
	if err != nil {
		return nil, err
	}
	return ceremony.Phase2(circ, lastPhase1, out, beacon, progress)
}

// CeremonyPhase2Prepared opens phase 2 for the directory's circuit from a
// prepared phase 1 (ceremony.Prepare) and writes its start to out
// (ceremony.Phase2Prepared); digest, when not "", is the prepared file's
// recorded SHA-256, checked.
func (c *Compiled) CeremonyPhase2Prepared(prepared, digest, out string, progress Progress) (*ceremony.Step, error) {
	circ, err := c.ceremonyCircuit()
	if err != nil {
		return nil, err
	}
	circ.Prepared, circ.PreparedSHA256 = prepared, digest
	return ceremony.Phase2Prepared(circ, out, progress)
}

// CeremonyFinalize closes phase 2 at its last state as closing says
// (ceremony.Finalize: with a random beacon, or at its last contribution),
// writes the keys into the directory, where prove,
// verify and export-verifier use them as any others, and records the
// ceremony in settings.json. VerifyCeremony checks the chain and the keys.
func (c *Compiled) CeremonyFinalize(last string, closing ceremony.Closing, progress Progress) error {
	return c.CeremonyFinalizePrepared(last, "", closing, progress)
}

// CeremonyFinalizePrepared is CeremonyFinalize for a phase 2 opened from
// the prepared phase 1 in the file prepared ("" for one opened from phase
// 1's last state).
func (c *Compiled) CeremonyFinalizePrepared(last, prepared string, closing ceremony.Closing, progress Progress) error {
	circ, err := c.ceremonyCircuit()
	if err != nil {
		return err
	}
	circ.Prepared = prepared
	write := func(pk, vk ceremony.Key) error { return c.writeKeys(pk, vk) }
	rec, err := ceremony.Finalize(circ, last, closing, write, progress)
	if err != nil {
		return err
	}
	c.Settings.Setup = &SetupInfo{Kind: SetupCeremony, Ceremony: rec}
	if err := c.writeSettings(); err != nil {
		return fmt.Errorf("ceremony: %w", err)
	}
	return nil
}

// VerifyCeremony checks a ceremony's state files (ceremony.Verify) against
// the compiled directory dir: phase 2 must be for its circuit and, unless
// opt.InProgress, its keys must be the ones the chain gives. settings.json
// must name a ceremony ending with the last file given, and the keys
// recomputed from it with settings.json's beacon must equal pk.bin and
// vk.bin byte for byte. opt.Circuit and opt.Keys are the directory's.
func VerifyCeremony(dir string, files []string, opt ceremony.VerifyOptions) (*ceremony.Report, error) {
	if dir == "" || len(files) == 0 {
		if len(files) > 0 && !opt.InProgress {
			return nil, errors.New("ceremony: give the compiled directory (--dir DIR): a finished ceremony is checked against its circuit and its keys (--in-progress checks a ceremony not yet finalized)")
		}
		return ceremony.Verify(files, opt)
	}
	c, err := Open(dir)
	if err != nil {
		return nil, err
	}
	if err := c.ceremonyBackend(); err != nil {
		return nil, err
	}
	// The constraint system is read only if the chain reaches phase 2's
	// start or the keys (tens of MB: most of the time a participant's
	// check of the previous contribution would take otherwise). Settings
	// without the constraint count (older ones) give no size: read it now.
	load := func() (*cs_bn254.R1CS, error) {
		circ, err := c.ceremonyCircuit()
		if err != nil {
			return nil, err
		}
		return circ.R1CS, nil
	}
	opt.Circuit = &ceremony.Circuit{SHA256: c.Settings.CircuitSHA, Dir: c.Dir, Constraints: c.Settings.Constraints, Load: load}
	if c.Settings.Constraints <= 0 {
		if opt.Circuit.R1CS, err = load(); err != nil {
			return nil, err
		}
	}
	opt.Keys = nil
	if !opt.InProgress {
		opt.Keys = c.ceremonyKeys()
	}
	return ceremony.Verify(files, opt)
}

// ceremonyKeys are a compiled directory's keys (pk.bin, vk.bin) and the
// ceremony record in its settings.json, as Verify checks them.
func (c *Compiled) ceremonyKeys() ceremony.StoredKeys {
	return ceremony.StoredKeys{
		Dir: c.Dir, RecordFile: SettingsFile,
		PKPath: c.path(ProvingKey), VKPath: c.path(VerifyingKey),
		Recorded: func() (*ceremony.Record, error) {
			switch info := c.Settings.Setup; {
			case info == nil:
				return nil, fmt.Errorf("ceremony: %s has no keys from this ceremony: settings.json records no setup (run `ceremony finalize`)", c.Dir)
			case info.Kind != SetupCeremony || info.Ceremony == nil:
				return nil, fmt.Errorf("ceremony: %s's keys do not come from this ceremony: settings.json records a %q setup", c.Dir, info.Kind)
			default:
				return info.Ceremony, nil
			}
		},
		Read: func() (*groth16bn254.ProvingKey, *groth16bn254.VerifyingKey, error) {
			pk, err := loadProvingKey(c.path(ProvingKey))
			if err != nil {
				return nil, nil, err
			}
			vk, err := loadVerifyingKey(c.path(VerifyingKey), c.Settings.PublicInputs)
			return pk, vk, err
		},
	}
}

// CeremonyDir is the folder of a compiled directory where its coordinator
// keeps the ceremony's state files.
const CeremonyDir = ceremony.StateDir

// DefaultStatePath is where the coordinator writes the first state file of
// phase 1 or 2 by default: DIR/ceremony/phaseN-0000.state. It creates the
// folder.
func (c *Compiled) DefaultStatePath(phase int) (string, error) {
	return ceremony.StatePath(c.Dir, phase)
}
