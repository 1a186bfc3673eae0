package proof

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/consensys/gnark/backend/groth16/bn254/mpcsetup"
	cs_bn254 "github.com/consensys/gnark/constraint/bn254"
)

// CeremonyReport is what VerifyCeremony checked.
type CeremonyReport struct {
	Steps          []CeremonyStep
	Phase1, Phase2 int // contributions verified in each phase
	// Beacon1 is the beacon (hex) that closed phase 1, as phase 2's start
	// names it and as recomputed; Beacon2 the one that closed phase 2, as
	// settings.json records it and the keys were recomputed with. Either is
	// "" when the files (in progress) do not reach it. Both are public:
	// whoever verifies compares them with the values announced in advance.
	Beacon1, Beacon2 string
	// Keys says that the directory's keys were recomputed from the chain and
	// found equal ("" for a ceremony in progress).
	Keys string
}

// CeremonyVerifyOptions say what VerifyCeremony requires.
type CeremonyVerifyOptions struct {
	// Dir is the compiled directory: phase 2's start must be initialized for
	// its circuit, and its keys must be the ones the chain gives. Needed
	// unless InProgress.
	Dir string
	// MinContributions is the least number of contributions each phase must
	// have; below 1 means 1 (a phase without any has no secret: its
	// parameters follow from the public beacon).
	MinContributions int
	// InProgress checks a ceremony that is not finalized: the chain so far,
	// without the keys, and without a minimum for a phase still open (phase
	// 1 is held to it once phase 2 has started). It never says that keys
	// are this ceremony's.
	InProgress bool
	Progress   Progress
}

// VerifyCeremony checks a ceremony's state files, given in order from phase
// 1's start: each file names its predecessor's hash, and each contribution
// carries a valid proof of knowledge of its randomness and updates the
// previous parameters consistently (mpcsetup's Verify). Phase 2's start
// must be exactly phase 1's last state sealed with the beacon its header
// names, initialized for the circuit of opt.Dir. Each phase must have at
// least opt.MinContributions contributions (at least one): the checks of
// `ceremony phase2` and `finalize` are the coordinator's, and not relied
// on here. Unless opt.InProgress, the chain must end in phase 2 and the
// directory's keys must be the ones it gives: settings.json must name a
// ceremony ending with the last file given, and the keys recomputed from
// it with settings.json's beacon must equal pk.bin and vk.bin byte for
// byte. Any tampered file, reordered or missing state, state from another
// ceremony or keys from elsewhere is a one-line error naming what differs.
func VerifyCeremony(files []string, opt CeremonyVerifyOptions) (*CeremonyReport, error) {
	if len(files) == 0 {
		return nil, errors.New("ceremony: no state files")
	}
	if opt.Dir == "" && !opt.InProgress {
		return nil, errors.New("ceremony: give the compiled directory (--dir DIR): a finished ceremony is checked against its circuit and its keys (--in-progress checks a ceremony not yet finalized)")
	}
	min := max(opt.MinContributions, 1)
	progress := opt.Progress
	var (
		c       *Compiled
		r       *cs_bn254.R1CS
		commons *mpcsetup.SrsCommons
		prev    *state
		record  *CeremonyInfo // settings.json's, unless InProgress
		rep     = &CeremonyReport{}
	)
	if opt.Dir != "" {
		var err error
		if c, err = Open(opt.Dir); err != nil {
			return nil, err
		}
		if r, err = c.r1cs(); err != nil {
			return nil, err
		}
	}
	for i, f := range files {
		s, err := readState(f)
		if err != nil {
			return nil, err
		}
		fail := func(format string, args ...any) error {
			return fmt.Errorf("ceremony: %s (%s): %s", f, s.Header.name(), fmt.Sprintf(format, args...))
		}
		h := &s.Header
		switch {
		case i == 0:
			if h.Phase != 1 || h.Index != 0 {
				return nil, fail("the first state must be phase 1's start, as `ceremony init` wrote it")
			}
			if err := checkPhase1Start(s); err != nil {
				return nil, fail("%v", err)
			}
			if c != nil {
				if err := c.checkStateCircuit(f, h, r); err != nil {
					return nil, err
				}
			}
			if !opt.InProgress { // before the slow part: keys from elsewhere fail at once
				if record, err = c.ceremonyRecord(files[len(files)-1]); err != nil {
					return nil, err
				}
			}
		case h.Previous != prev.SHA256:
			return nil, fail("it was not made from the previous file %s (its previous hash is %.16s…, that file's %.16s…)", files[i-1], h.Previous, prev.SHA256)
		case prev.Header.sameCeremony(h) != nil:
			return nil, fail("%v", prev.Header.sameCeremony(h))
		case h.Phase == prev.Header.Phase:
			if h.Index != prev.Header.Index+1 {
				return nil, fail("index %d follows index %d", h.Index, prev.Header.Index)
			}
			if err := verifyStep(prev, s); err != nil {
				return nil, fail("invalid contribution: %v", err)
			}
		case h.Phase == 2 && prev.Header.Phase == 1 && h.Index == 0:
			if err := enoughContributions(1, prev.Header.Index, min); err != nil {
				return nil, fail("%v", err)
			}
			if r == nil {
				return nil, fail("checking phase 2's start needs the compiled directory: give --dir DIR")
			}
			progress.log("ceremony: recomputing phase 2's start from phase 1's last state and the beacon")
			if commons, err = checkPhase2Start(prev, s, r); err != nil {
				return nil, fail("%v", err)
			}
			rep.Phase1, rep.Beacon1 = prev.Header.Index, h.Beacon
		default:
			return nil, fail("phase %d index %d cannot follow phase %d index %d", h.Phase, h.Index, prev.Header.Phase, prev.Header.Index)
		}
		progress.log("ceremony: %s ok: %s", h.name(), s.SHA256)
		rep.Steps = append(rep.Steps, CeremonyStep{Path: f, SHA256: s.SHA256, Name: h.name()})
		if h.Phase == 1 {
			rep.Phase1 = h.Index
		} else {
			rep.Phase2 = h.Index
		}
		prev = s
	}
	if opt.InProgress {
		return rep, nil
	}
	last := files[len(files)-1]
	if prev.P2 == nil {
		return nil, fmt.Errorf("ceremony: %s is a phase-1 state: a finished ceremony ends with phase 2's last contribution (--in-progress checks a ceremony not yet finalized)", last)
	}
	if err := enoughContributions(2, rep.Phase2, min); err != nil {
		return nil, fmt.Errorf("ceremony: %s: %v", last, err)
	}
	if err := c.checkCeremonyKeys(record, prev, rep, r, commons); err != nil {
		return nil, err
	}
	return rep, nil
}

// enoughContributions checks that a phase had at least min contributions.
// With none, the phase's secrets are derived from the public beacon alone:
// anyone could recompute them (δ, say) and forge proofs.
func enoughContributions(phase, n, min int) error {
	switch {
	case n == 0:
		return fmt.Errorf("phase %d has no contribution: its secrets would follow from the public beacon alone, and anyone could forge proofs", phase)
	case n < min:
		return fmt.Errorf("phase %d has %d contributions, fewer than the %d required (--min-contributions)", phase, n, min)
	}
	return nil
}

// verifyStep checks next's contribution on top of prev (mpcsetup's Verify,
// which never panics on decoded input, guarded all the same).
func verifyStep(prev, next *state) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	if prev.P1 != nil {
		return prev.P1.Verify(next.P1)
	}
	return prev.P2.Verify(next.P2)
}

// checkPhase1Start checks the file is the deterministic start of phase 1.
func checkPhase1Start(s *state) error {
	var want bytes.Buffer
	if _, err := mpcsetup.NewPhase1(s.Header.Domain).WriteTo(&want); err != nil {
		return err
	}
	if !bytes.Equal(want.Bytes(), s.payload) {
		return errors.New("it is not the start of phase 1 (its parameters are not all the generators)")
	}
	return nil
}

// checkPhase2Start seals phase 1 (the last state, mutated) with the beacon
// of next's header, checks next is that result initialized for the circuit,
// and returns the sealed phase-1 result.
func checkPhase2Start(last, next *state, r *cs_bn254.R1CS) (commons *mpcsetup.SrsCommons, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%v", p)
		}
	}()
	h := &next.Header
	if h.Phase1 != last.Header.Index {
		return nil, fmt.Errorf("it says phase 1 had %d contributions, the chain has %d", h.Phase1, last.Header.Index)
	}
	beacon, err := hex.DecodeString(h.Beacon)
	if err != nil {
		return nil, errors.New("its beacon is not hex")
	}
	sealed := last.P1.Seal(beacon)
	var buf bytes.Buffer
	if _, err := sealed.WriteTo(&buf); err != nil {
		return nil, err
	}
	if sum := sha256.Sum256(buf.Bytes()); hex.EncodeToString(sum[:]) != h.Commons {
		return nil, errors.New("its phase-1 result hash is not that of phase 1 sealed with its beacon")
	}
	var p2 mpcsetup.Phase2
	p2.Initialize(r, &sealed)
	buf.Reset()
	if _, err := p2.WriteTo(&buf); err != nil {
		return nil, err
	}
	if !bytes.Equal(buf.Bytes(), next.payload) {
		return nil, errors.New("it is not phase 1's result initialized for this circuit")
	}
	return &sealed, nil
}

// ceremonyRecord checks that settings.json says the directory's keys come
// from the ceremony whose last state is the file last, and that the keys
// exist; it returns the record. Keys from a local setup or from another
// chain are an error naming what differs.
func (c *Compiled) ceremonyRecord(last string) (*CeremonyInfo, error) {
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
	if b, err := hex.DecodeString(info.Ceremony.Beacon); err != nil || len(b) == 0 {
		return nil, fmt.Errorf("ceremony: %s: settings.json's beacon %q is not hex", c.Dir, info.Ceremony.Beacon)
	}
	for _, f := range []string{VerifyingKey, ProvingKey} {
		if _, err := os.Stat(c.path(f)); err != nil {
			return nil, fmt.Errorf("ceremony: %s's keys cannot be checked: %w", c.Dir, err)
		}
	}
	return info.Ceremony, nil
}

// checkCeremonyKeys recomputes the keys from the chain's last state with
// the beacon of record (ceremonyRecord) and checks that they are pk.bin and
// vk.bin byte for byte: keys from another chain, or from this one with
// another beacon, are an error. A verifier who sees success knows these
// keys hold every participant's randomness.
func (c *Compiled) checkCeremonyKeys(record *CeremonyInfo, last *state, rep *CeremonyReport, r *cs_bn254.R1CS, commons *mpcsetup.SrsCommons) error {
	if record.Phase1 != rep.Phase1 || record.Phase2 != rep.Phase2 {
		return fmt.Errorf("ceremony: %s: settings.json records %d phase-1 and %d phase-2 contributions, the chain has %d and %d", c.Dir, record.Phase1, record.Phase2, rep.Phase1, rep.Phase2)
	}
	beacon, _ := hex.DecodeString(record.Beacon) // checked by ceremonyRecord
	pk, vk, err := sealPhase2(r, commons, last.P2, beacon)
	if err != nil {
		return err
	}
	for _, k := range []struct {
		file string
		key  gnarkKey
		raw  bool
	}{{VerifyingKey, vk, false}, {ProvingKey, pk, true}} {
		var want bytes.Buffer
		if k.raw {
			_, err = k.key.WriteRawTo(&want)
		} else {
			_, err = k.key.WriteTo(&want)
		}
		if err != nil {
			return err
		}
		got, err := os.ReadFile(c.path(k.file))
		if err != nil {
			return fmt.Errorf("ceremony: %s's keys cannot be checked: %w", c.Dir, err)
		}
		if !bytes.Equal(got, want.Bytes()) {
			return fmt.Errorf("ceremony: %s: %s is not the key this ceremony gives with beacon %s: the keys come from elsewhere", c.Dir, k.file, record.Beacon)
		}
	}
	rep.Beacon2 = record.Beacon
	rep.Keys = fmt.Sprintf("%s and %s in %s are this ceremony's", ProvingKey, VerifyingKey, c.Dir)
	return nil
}

// fileSHA256 is the SHA-256 of a file, hex.
func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
