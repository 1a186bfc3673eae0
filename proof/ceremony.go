package proof

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	cs_bn254 "github.com/consensys/gnark/constraint/bn254"

	"github.com/zkinfer/zkinfer/internal/filehash"
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
	cs, err := c.ReadCircuit()
	if err != nil {
		return nil, fmt.Errorf("ceremony: %w", err)
	}
	r, ok := cs.(*cs_bn254.R1CS)
	if !ok {
		return nil, fmt.Errorf("ceremony: unexpected constraint system %T", cs)
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
		opt.Keys = dirKeys{c}
	}
	return ceremony.Verify(files, opt)
}

// dirKeys are a compiled directory's keys, checked against a ceremony.
type dirKeys struct{ c *Compiled }

// Record checks that settings.json says the directory's keys come from the
// ceremony whose last state is the file last, and that the keys exist; it
// returns the record. Keys from a local setup or from another chain are an
// error naming what differs.
func (k dirKeys) Record(last string) (*ceremony.Record, error) {
	c := k.c
	sum, err := fileSHA256(last)
	if err != nil {
		return nil, fmt.Errorf("ceremony: %w", err)
	}
	info := c.Settings.Setup
	switch {
	case info == nil:
		return nil, fmt.Errorf("ceremony: %s has no keys from this ceremony: settings.json records no setup (run `ceremony finalize`)", c.Dir)
	case info.Kind != SetupCeremony || info.Ceremony == nil:
		return nil, fmt.Errorf("ceremony: %s's keys do not come from this ceremony: settings.json records a %q setup", c.Dir, info.Kind)
	case info.Ceremony.Final != sum:
		return nil, fmt.Errorf("ceremony: %s's keys come from another ceremony: settings.json names a chain ending with %.16s…, the last file given (%s) is %.16s…", c.Dir, info.Ceremony.Final, last, sum)
	}
	if _, err := info.Ceremony.Closing(); err != nil {
		return nil, fmt.Errorf("ceremony: %s: settings.json's ceremony record: %v", c.Dir, err)
	}
	for _, f := range []string{VerifyingKey, ProvingKey} {
		if _, err := os.Stat(c.path(f)); err != nil {
			return nil, fmt.Errorf("ceremony: %s's keys cannot be checked: %w", c.Dir, err)
		}
	}
	return info.Ceremony, nil
}

// Check recomputes the keys from the chain closed as the record says (with
// its beacon, or at its last contribution) and checks that they are pk.bin
// and vk.bin byte for byte: keys from another chain, or from this one
// closed otherwise, are an error. A verifier
// who sees success knows these keys hold every participant's randomness.
func (k dirKeys) Check(rep *ceremony.Report, record *ceremony.Record, seal func() (pk, vk ceremony.Key, err error)) error {
	c := k.c
	closing, err := record.Closing()
	if err != nil {
		return fmt.Errorf("ceremony: %s: settings.json's ceremony record: %v", c.Dir, err)
	}
	if record.Phase1 != rep.Phase1 || record.Phase2 != rep.Phase2 {
		return fmt.Errorf("ceremony: %s: settings.json records %d phase-1 and %d phase-2 contributions, the chain has %d and %d", c.Dir, record.Phase1, record.Phase2, rep.Phase1, rep.Phase2)
	}
	pk, vk, err := seal()
	if err != nil {
		return err
	}
	for _, k := range []struct {
		file string
		key  ceremony.Key
		raw  bool
	}{{VerifyingKey, vk, false}, {ProvingKey, pk, true}} {
		got, err := os.ReadFile(c.path(k.file))
		if err != nil {
			return fmt.Errorf("ceremony: %s's keys cannot be checked: %w", c.Dir, err)
		}
		// The key is encoded against the file as it goes, not into a
		// second copy of it (pk.bin is ~100 MB for cnn_c32).
		want := &sameBytes{want: got}
		if k.raw {
			_, err = k.key.WriteRawTo(want)
		} else {
			_, err = k.key.WriteTo(want)
		}
		if err != nil {
			return err
		}
		if !want.equal() {
			return fmt.Errorf("ceremony: %s: %s is not the key this ceremony gives %s: the keys come from elsewhere", c.Dir, k.file, closing)
		}
	}
	rep.Keys = fmt.Sprintf("%s and %s in %s are this ceremony's", ProvingKey, VerifyingKey, c.Dir)
	return nil
}

// ReadKeys reads pk.bin and vk.bin, for Verify to check their evaluation
// vectors against the chain without recomputing them
// (ceremony.KeyReader).
func (k dirKeys) ReadKeys() (*ceremony.KeyFiles, error) {
	pk, err := loadProvingKey(k.c.path(ProvingKey))
	if err != nil {
		return nil, fmt.Errorf("ceremony: %s's keys cannot be checked: %w", k.c.Dir, err)
	}
	vk, err := loadVerifyingKey(k.c.path(VerifyingKey), k.c.Settings.PublicInputs)
	if err != nil {
		return nil, fmt.Errorf("ceremony: %s's keys cannot be checked: %w", k.c.Dir, err)
	}
	return &ceremony.KeyFiles{PK: pk, VK: vk, PKName: ProvingKey, VKName: VerifyingKey}, nil
}

// fileSHA256 is the SHA-256 of a file, hex.
func fileSHA256(path string) (string, error) {
	sum, err := filehash.SHA256(path)
	return hex.EncodeToString(sum), err
}

// CeremonyDir is the folder of a compiled directory where its coordinator
// keeps the ceremony's state files.
const CeremonyDir = "ceremony"

// DefaultStatePath is where the coordinator writes the first state file of
// phase 1 or 2 by default: DIR/ceremony/phaseN-0000.state. It creates the
// folder.
func (c *Compiled) DefaultStatePath(phase int) (string, error) {
	if phase != 1 && phase != 2 {
		return "", fmt.Errorf("ceremony: phase %d: there are phases 1 and 2", phase)
	}
	d := c.path(CeremonyDir)
	if err := os.MkdirAll(d, 0o755); err != nil {
		return "", err
	}
	return filepath.Join(d, fmt.Sprintf("phase%d-0000.state", phase)), nil
}

// sameBytes is a writer that compares what is written to it with want.
type sameBytes struct {
	want    []byte
	off     int
	differs bool
}

func (s *sameBytes) Write(p []byte) (int, error) {
	if !s.differs && (len(p) > len(s.want)-s.off || !bytes.Equal(p, s.want[s.off:s.off+len(p)])) {
		s.differs = true
	}
	s.off += len(p)
	return len(p), nil
}

// equal reports whether everything written was want, to its last byte.
func (s *sameBytes) equal() bool { return !s.differs && s.off == len(s.want) }
