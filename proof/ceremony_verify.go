package proof

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"

	"github.com/consensys/gnark/backend/groth16/bn254/mpcsetup"
	cs_bn254 "github.com/consensys/gnark/constraint/bn254"
)

// CeremonyReport is what VerifyCeremony checked.
type CeremonyReport struct {
	Steps          []CeremonyStep
	Phase1, Phase2 int // contributions verified in each phase
	// Keys says whether the directory's keys were recomputed from the chain
	// and found equal ("" when they were not checked, and why not).
	Keys string
}

// VerifyCeremony checks a ceremony's state files, given in order from phase
// 1's start: each file names its predecessor's hash, and each contribution
// carries a valid proof of knowledge of its randomness and updates the
// previous parameters consistently (mpcsetup's Verify). Phase 2's start
// must be exactly phase 1's last state sealed with the beacon its header
// names, initialized for the circuit of dir (needed as soon as the chain
// reaches phase 2; "" otherwise). When dir's keys say they come from a
// ceremony that ends with the last file given, they are recomputed from it
// and must be equal. Any tampered file, reordered or missing state, or
// state from another ceremony is an error naming the file.
func VerifyCeremony(files []string, dir string, progress Progress) (*CeremonyReport, error) {
	if len(files) == 0 {
		return nil, errors.New("ceremony: no state files")
	}
	var (
		c       *Compiled
		r       *cs_bn254.R1CS
		commons *mpcsetup.SrsCommons
		prev    *state
		rep     = &CeremonyReport{}
	)
	if dir != "" {
		var err error
		if c, err = Open(dir); err != nil {
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
			if r == nil {
				return nil, fail("checking phase 2's start needs the compiled directory: give --dir DIR")
			}
			progress.log("ceremony: recomputing phase 2's start from phase 1's last state and the beacon")
			if commons, err = checkPhase2Start(prev, s, r); err != nil {
				return nil, fail("%v", err)
			}
			rep.Phase1 = prev.Header.Index
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
	if c != nil {
		keys, err := c.checkCeremonyKeys(prev, r, commons)
		if err != nil {
			return nil, err
		}
		rep.Keys = keys
	}
	return rep, nil
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
	if last.Header.Index < 1 {
		return nil, errors.New("phase 1 has no contribution: its keys would hold no secret")
	}
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

// checkCeremonyKeys recomputes the directory's keys from the last state
// when settings.json says they come from a ceremony ending there.
func (c *Compiled) checkCeremonyKeys(last *state, r *cs_bn254.R1CS, commons *mpcsetup.SrsCommons) (string, error) {
	info := c.Settings.Setup
	switch {
	case info == nil || info.Kind != SetupCeremony || info.Ceremony == nil:
		return fmt.Sprintf("not checked: %s's keys do not come from a ceremony", c.Dir), nil
	case info.Ceremony.Final != last.SHA256:
		return fmt.Sprintf("not checked: %s's keys come from a ceremony ending with %.16s…, not with the last file given", c.Dir, info.Ceremony.Final), nil
	case commons == nil:
		return "not checked: the files do not reach phase 2", nil
	}
	beacon, err := hex.DecodeString(info.Ceremony.Beacon)
	if err != nil {
		return "", fmt.Errorf("ceremony: %s: settings.json's beacon is not hex", c.Dir)
	}
	pk, vk, err := sealPhase2(r, commons, last.P2, beacon)
	if err != nil {
		return "", err
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
			return "", err
		}
		got, err := os.ReadFile(c.path(k.file))
		if err != nil {
			return "", fmt.Errorf("ceremony: %w", err)
		}
		if !bytes.Equal(got, want.Bytes()) {
			return "", fmt.Errorf("ceremony: %s: %s is not the key this ceremony gives with beacon %s", c.Dir, k.file, info.Ceremony.Beacon)
		}
	}
	return fmt.Sprintf("%s and %s in %s are this ceremony's (beacon %s)", ProvingKey, VerifyingKey, c.Dir, info.Ceremony.Beacon), nil
}
