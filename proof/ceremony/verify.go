package ceremony

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"slices"

	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark/backend/groth16/bn254/mpcsetup"

	meter "github.com/zkinfer/zkinfer/proof/progress"
)

// Report is what Verify checked.
type Report struct {
	Steps          []Step
	Phase1, Phase2 int // contributions verified in each phase
	// Beacon1 is the beacon (hex) that closed phase 1, as phase 2's start
	// names it and as recomputed ("" when the files do not reach it).
	// Closing is how phase 2 was closed before the keys were made, its
	// beacon among it, as their Record says and as they were recomputed
	// (zero in progress). Beacons are public: whoever verifies compares
	// them with the values announced in advance.
	Beacon1 string
	Closing Closing
	// Keys says that the keys were recomputed from the chain and found
	// equal ("" for a ceremony in progress); Keys.Check writes it.
	Keys string
	// StartUnchecked says that phase 2's start, opened from a prepared
	// phase 1, was not checked against it (InProgress without the
	// prepared file): only the contributions after it were.
	StartUnchecked bool
	// FirstUnchecked is the first file when it was a contribution taken
	// as it is (VerifyOptions.FromAny): neither it nor the chain before it
	// was checked, only the contributions after it.
	FirstUnchecked string
	// last is the last state as read and checked (VerifyOptions.KeepLast).
	last *state
}

// VerifyOptions say what Verify requires.
type VerifyOptions struct {
	// Circuit is the circuit the ceremony is for: phase 2's start must be
	// initialized for it. Needed to check a chain that reaches phase 2.
	Circuit *Circuit
	// Keys are the keys the chain must give. Needed unless InProgress.
	Keys Keys
	// MinContributions is the least number of contributions each phase must
	// have; below 1 means 1 (a phase without any has no secret: its
	// parameters follow from the public beacon).
	MinContributions int
	// InProgress checks a ceremony that is not finalized: the chain so far,
	// without the keys, and without a minimum for a phase still open (phase
	// 1 is held to it once phase 2 has started). It never says that keys
	// are this ceremony's.
	InProgress bool
	// Progress, when not nil, is told each state checked.
	Progress func(format string, args ...any)
	// FromAny lets an in-progress chain start at any state (a participant
	// checking what it builds on): the first file, unless it is phase 1's
	// start or a prepared phase 2's (checked as always), is taken as it
	// is, and the contributions after it are checked. Report.FirstUnchecked names
	// it. The cost of a participant's check is then that of the states it
	// is given, not of the whole chain so far (the vectors of its first
	// and last state).
	FromAny bool
	// KeepLast keeps the last state read and checked in the Report, for
	// ContributeVerified to build on without reading it again (InProgress
	// only).
	KeepLast bool
	// Prepared and PreparedSHA256 are the prepared phase 1 a chain's
	// phase 2 was opened from and the digest recorded when it was verified
	// (VerifyPrepared): a chain that starts with such a phase 2 is checked
	// against them. When empty, Circuit's are used.
	Prepared, PreparedSHA256 string
}

// Keys are the keys a finished ceremony is checked against, with the record
// of the ceremony they are said to come from (for a compiled directory,
// pk.bin, vk.bin and settings.json).
type Keys interface {
	// Record returns the record of the ceremony the keys come from, after
	// checking that it names the chain ending with the state file last.
	// Verify calls it as soon as the first state is checked, so that keys
	// from elsewhere fail before the slow checks.
	Record(last string) (*Record, error)
	// Check checks the keys against the verified chain, of which rep is
	// the report and record the keys' Record: seal computes the keys the
	// chain gives with the record's beacon. On success it says in rep.Keys
	// which keys are the ceremony's.
	Check(rep *Report, record *Record, seal func() (pk, vk Key, err error)) error
}

// Verify checks a ceremony's state files, given in order from phase 1's
// start (or from phase 2's start when it was opened from a prepared phase
// 1, or, with opt.FromAny, from any state, taken as it is): each file names its predecessor's hash, and each contribution
// carries a valid proof of knowledge of its randomness and updates the
// previous parameters consistently (mpcsetup's Verify). Phase 2's start
// must be exactly phase 1's last state sealed with the beacon its header
// names, initialized for opt.Circuit. Each phase must have at least
// opt.MinContributions contributions (at least one): the checks of Phase2
// and Finalize are the coordinator's, and not relied on here. Unless
// opt.InProgress, the chain must end in phase 2 and opt.Keys must be the
// keys it gives: their Record must name a ceremony ending with the last
// file given, and the keys recomputed from it with the record's beacon
// must be theirs (Keys.Check). Any tampered file, reordered or missing
// state, state from another ceremony or keys from elsewhere is a one-line
// error naming what differs.
func Verify(files []string, opt VerifyOptions) (*Report, error) {
	if len(files) == 0 {
		return nil, errors.New("ceremony: no state files")
	}
	if opt.Keys == nil && !opt.InProgress {
		return nil, errors.New("ceremony: a finished ceremony is checked against its keys (VerifyOptions.Keys); InProgress checks a ceremony not yet finalized")
	}
	min := max(opt.MinContributions, 1)
	progress := opt.Progress
	if c := opt.Circuit; c != nil && (opt.Prepared != "" || opt.PreparedSHA256 != "") {
		cc := *c
		cc.Prepared, cc.PreparedSHA256 = opt.Prepared, opt.PreparedSHA256
		opt.Circuit = &cc
	}
	var (
		c       = opt.Circuit
		commons *mpcsetup.SrsCommons
		terms   *wireTerms
		wires   *split
		prev    *state
		record  *Record // the keys', unless InProgress
		rep     = &Report{}
		chain   chain2 // phase 2's vectors over δ and σ, checked end to end
		// chained is the files of phase 2's chain, walked again by blame
		// when its end-to-end check fails.
		chained []string
		// cl holds phase 2's start's claims, checked with the keys' in one
		// equation when the keys can be read (deferred); startFail names
		// the start in an error.
		cl          *claims
		startCKK    [][]curve.G1Affine // phase 2's start's commitment bases, once checked
		_, readable = opt.Keys.(KeyReader)
		deferred    = !opt.InProgress && readable
		startFail   func(format string, args ...any) error
	)
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
		case i == 0 && h.Phase == 2 && h.Index == 0 && h.Prepared != "":
			// Phase 2 opened from a prepared phase 1, checked once per size
			// (VerifyPrepared) and trusted by its recorded digest.
			if c != nil {
				if err := c.check(f, h); err != nil {
					return nil, err
				}
			}
			if err := enoughContributions(1, h.Phase1, min); err != nil {
				return nil, fail("%v", err)
			}
			if !opt.InProgress {
				if record, err = opt.Keys.Record(files[len(files)-1]); err != nil {
					return nil, err
				}
			}
			switch {
			case opt.InProgress && (c == nil || c.Prepared == ""):
				rep.StartUnchecked = true // the contributions only
			case c == nil:
				return nil, fail("checking phase 2's start needs the compiled directory: give --dir DIR")
			default:
				logf(progress, "ceremony: checking phase 2's start against the prepared phase 1")
				if err := c.load(); err != nil {
					return nil, err
				}
				if commons, terms, wires, cl, err = checkPreparedStart(c, s, deferred); err != nil {
					return nil, fail("%v", err)
				}
				startFail, startCKK = fail, s.P2.Parameters.G1.SigmaCKK
			}
			chain.start(s.P2)
			chained = []string{f}
			rep.Phase1, rep.Beacon1 = h.Phase1, h.Beacon
		case i == 0 && opt.FromAny && opt.InProgress && (h.Phase != 1 || h.Index != 0):
			// Any state but phase 1's start (checked below) and a prepared
			// phase 2's start (above): a contribution, or phase 2's start
			// opened from phase 1's chain, taken as it is.
			if c != nil {
				if err := c.check(f, h); err != nil {
					return nil, err
				}
			}
			if s.P2 != nil {
				chain.start(s.P2)
				chained = []string{f}
				rep.Phase1, rep.Beacon1 = h.Phase1, h.Beacon
			}
			rep.FirstUnchecked = f
		case i == 0:
			if h.Phase != 1 || h.Index != 0 {
				return nil, fail("the first state must be phase 1's start, as `ceremony init` wrote it")
			}
			if err := checkPhase1Start(s); err != nil {
				return nil, fail("%v", err)
			}
			if c != nil {
				if err := c.check(f, h); err != nil {
					return nil, err
				}
			}
			if !opt.InProgress { // before the slow part: keys from elsewhere fail at once
				if record, err = opt.Keys.Record(files[len(files)-1]); err != nil {
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
			if err := verifyStep(prev, s, &chain); err != nil {
				return nil, fail("invalid contribution: %v", err)
			}
			if s.P2 != nil {
				chained = append(chained, f)
			}
		case h.Phase == 2 && prev.Header.Phase == 1 && h.Index == 0:
			if err := enoughContributions(1, prev.Header.Index, min); err != nil {
				return nil, fail("%v", err)
			}
			if c == nil {
				return nil, fail("checking phase 2's start needs the compiled directory: give --dir DIR")
			}
			logf(progress, "ceremony: checking phase 2's start against phase 1's last state and the beacon")
			if h.Prepared != "" {
				return nil, fail("it was opened from a prepared phase 1: give the phase-2 files alone, with the prepared file and its recorded digest")
			}
			if err := c.load(); err != nil {
				return nil, err
			}
			if commons, terms, wires, cl, err = checkPhase2Start(c, prev, s, deferred, progress); err != nil {
				return nil, fail("%v", err)
			}
			startFail, startCKK = fail, s.P2.Parameters.G1.SigmaCKK
			chain.start(s.P2)
			chained = []string{f}
			rep.Phase1, rep.Beacon1 = prev.Header.Index, h.Beacon
		default:
			return nil, fail("phase %d index %d cannot follow phase %d index %d", h.Phase, h.Index, prev.Header.Phase, prev.Header.Index)
		}
		logf(progress, "ceremony: %s ok: %s", h.name(), s.SHA256)
		rep.Steps = append(rep.Steps, Step{Path: f, SHA256: s.SHA256, Name: h.name()})
		if h.Phase == 1 {
			rep.Phase1 = h.Index
		} else {
			rep.Phase2 = h.Index
		}
		prev = s
	}
	// finish checks phase 2's vectors from the chain's first state to its
	// last. With keys to read, the keys are compared with the first state
	// instead (chain2.sealedKeys: one MSM of each vector, not the last
	// state's and the keys'), and finish runs only to tell which is wrong
	// when that fails, or when the keys' Check did not seal. A chain
	// finished, compared with the keys, or never stepped has no tail left
	// to check.
	finish := func() error {
		if chain.tail == nil || chain.keysChecked {
			return nil
		}
		logf(progress, "ceremony: checking phase 2's vectors from %s to %s", filepath.Base(chained[0]), filepath.Base(chained[len(chained)-1]))
		if err := chain.finish(); err != nil {
			return blame(chained, err)
		}
		return nil
	}
	if !deferred {
		if err := finish(); err != nil {
			return nil, err
		}
	}
	if opt.InProgress {
		if opt.KeepLast {
			rep.last = prev
		}
		return rep, nil
	}
	last := files[len(files)-1]
	if prev.P2 == nil {
		return nil, fmt.Errorf("ceremony: %s is a phase-1 state: a finished ceremony ends with phase 2's last contribution (--in-progress checks a ceremony not yet finalized)", last)
	}
	if err := enoughContributions(2, rep.Phase2, min); err != nil {
		return nil, fmt.Errorf("ceremony: %s: %v", last, err)
	}
	closing, err := record.Closing()
	if err != nil {
		return nil, fmt.Errorf("ceremony: the keys' record: %v", err)
	}
	sealKeys := func() (Key, Key, error) { return seal(c.R1CS, commons, nil, prev.P2, closing, progress) }
	if kr, ok := opt.Keys.(KeyReader); ok {
		keys, err := kr.ReadKeys()
		if err != nil {
			return nil, err
		}
		logf(progress, "ceremony: checking the keys' evaluations against the chain")
		evals, err := evalsFromKeys(keys, c.R1CS, terms, wires, commons, cl, startCKK)
		if errors.Is(err, errNotStart) {
			return nil, startFail("%v", err)
		}
		if err != nil {
			return nil, fmt.Errorf("ceremony: %v", err)
		}
		sealKeys = func() (Key, Key, error) {
			if closing.Close == CloseLast {
				// The keys' Z, K and bases are the last state's, as it
				// is: finish, below, checks its vectors against the
				// chain's first state.
				return keysOf(prev.P2, commons, evals)
			}
			pk, vk, err := sealChecked(prev.P2, commons, evals, closing.Beacon, keys, &chain)
			if err != nil {
				if ferr := finish(); ferr != nil {
					return nil, nil, ferr // the chain is wrong, not (only) the keys
				}
			}
			return pk, vk, err
		}
	}
	if err := opt.Keys.Check(rep, record, sealKeys); err != nil {
		return nil, err
	}
	if err := finish(); err != nil { // a Check that did not seal
		return nil, err
	}
	rep.Closing = closing
	return rep, nil
}

// enoughContributions checks that a phase had at least min contributions.
// With none, the phase's secrets are derived from the public beacon alone:
// anyone could recompute them (δ, say) and forge proofs.
func enoughContributions(phase, n, min int) error {
	switch {
	case n == 0:
		return fmt.Errorf("phase %d has no contribution: its secrets would be public (the start's, or the beacon's), and anyone could forge proofs", phase)
	case n < min:
		return fmt.Errorf("phase %d has %d contributions, fewer than the %d required (--min-contributions)", phase, n, min)
	}
	return nil
}

// blame walks phase 2's chain, files, again state by state, once its
// end-to-end check failed with err: the error names the first
// contribution whose vectors are not its predecessor's over its secrets
// (err itself if none is found, which a failed end-to-end check with
// passing steps cannot give but for a state changed on disk meanwhile).
func blame(files []string, err error) error {
	prev, rerr := readState(files[0])
	if rerr != nil {
		return rerr
	}
	var c chain2 // finished at every step: each state's sums taken once
	c.start(prev.P2)
	for _, f := range files[1:] {
		next, rerr := readState(f)
		if rerr != nil {
			return rerr
		}
		serr := verifyStep(prev, next, &c)
		if serr == nil {
			serr = c.finish()
		}
		if serr != nil {
			return fmt.Errorf("ceremony: %s (%s): invalid contribution: %v", f, next.Header.name(), serr)
		}
		prev = next
	}
	return fmt.Errorf("ceremony: %s: invalid chain: %v", files[len(files)-1], err)
}

// verifyStep checks next's contribution on top of prev (mpcsetup's Verify
// in phase 1, chain2's in phase 2; guarded against a panic all the same).
func verifyStep(prev, next *state, chain *chain2) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	if prev.P1 != nil {
		return prev.P1.verify(next.P1)
	}
	return chain.step(prev.P2, next.P2)
}

// sealChecked is the keys the chain gives with the beacon, its last state
// last sealed (updated) with the keys' Z and K and commitment bases taken
// after checking them against the chain (chain2.sealedKeys) instead of
// multiplying every point by δ⁻¹ or σᵢ;
// everything else is computed, for Keys.Check to compare byte for byte.
func sealChecked(last *mpcsetup.Phase2, commons *mpcsetup.SrsCommons, evals *mpcsetup.Phase2Evaluations, beacon []byte, k *KeyFiles, chain *chain2) (pk, vk Key, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("ceremony: sealing phase 2: %v", p)
		}
	}()
	z, kk := k.PK.G1.Z, k.PK.G1.K
	if len(z) != len(last.Parameters.G1.Z) || len(kk) != len(last.Parameters.G1.PKK) {
		return nil, nil, fmt.Errorf("ceremony: %s is not the key this ceremony gives: its Z or K has another length", k.PKName)
	}
	d := beaconScalars(last, beacon)
	bases := make([][]curve.G1Affine, len(k.PK.CommitmentKeys))
	if len(bases) != len(last.Parameters.G1.SigmaCKK) {
		return nil, nil, fmt.Errorf("ceremony: %s is not the key this ceremony gives: it has another number of commitments", k.PKName)
	}
	for i := range bases {
		bases[i] = k.PK.CommitmentKeys[i].BasisExpSigma
		if len(bases[i]) != len(last.Parameters.G1.SigmaCKK[i]) {
			return nil, nil, fmt.Errorf("ceremony: %s is not the key this ceremony gives: its commitment basis %d has another length", k.PKName, i)
		}
	}
	if err := chain.sealedKeys(z, kk, bases, d); err != nil {
		return nil, nil, fmt.Errorf("ceremony: %s is not the key this ceremony gives with beacon %x: %v", k.PKName, beacon, err)
	}
	updatePoints(last, &d[0], d[1:])
	last.Parameters.G1.Z, last.Parameters.G1.PKK = slices.Clone(z), slices.Clone(kk)
	for i := range bases {
		last.Parameters.G1.SigmaCKK[i] = slices.Clone(bases[i])
	}
	p, v, err := keysOf(last, commons, evals)
	if err != nil {
		return nil, nil, fmt.Errorf("ceremony: sealing phase 2: %w", err)
	}
	return p, v, nil
}

// checkPhase1Start checks the file is the deterministic start of phase 1.
func checkPhase1Start(s *state) error {
	var want bytes.Buffer
	if _, err := newPhase1(s.Header.Domain).WriteTo(&want); err != nil {
		return err
	}
	if !bytes.Equal(want.Bytes(), s.payload) {
		return errors.New("it is not the start of phase 1 (its parameters are not all the generators)")
	}
	return nil
}

// checkPhase2Start seals phase 1 (the last state, mutated) with the beacon
// of next's header and checks next is that result initialized for the
// circuit (checkStart); it returns the sealed phase-1 result, with the
// circuit's terms and wire split for the keys' check.
func checkPhase2Start(c *Circuit, last, next *state, deferred bool, log func(format string, args ...any)) (commons *mpcsetup.SrsCommons, w *wireTerms, sp *split, cl *claims, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%v", p)
		}
	}()
	h := &next.Header
	if h.Phase1 != last.Header.Index {
		return nil, nil, nil, nil, fmt.Errorf("it says phase 1 had %d contributions, the chain has %d", h.Phase1, last.Header.Index)
	}
	beacon, err := hex.DecodeString(h.Beacon)
	if err != nil {
		return nil, nil, nil, nil, errors.New("its beacon is not hex")
	}
	if w, err = wireTermsOf(c.R1CS); err != nil {
		return nil, nil, nil, nil, err
	}
	if sp, err = splitWires(c.R1CS); err != nil {
		return nil, nil, nil, nil, err
	}
	// Phase 1's result as the coordinator left it in the directory, checked
	// to be phase 1 sealed with the beacon; without it, sealed again.
	sealed, err := c.readCommons(h)
	if err == nil {
		if err := checkSeal(last.P1, sealed, beacon); err != nil {
			return nil, nil, nil, nil, fmt.Errorf("its phase-1 result (%s) is not that of phase 1 sealed with its beacon: %v", CommonsFile, err)
		}
	} else {
		m := meter.New(log, "ceremony: sealing phase 1", updateWork(h.Domain))
		s := last.P1.seal(beacon, m.Counter(1))
		sealed = &s
		var buf bytes.Buffer
		if _, err := sealed.WriteTo(&buf); err != nil {
			return nil, nil, nil, nil, err
		}
		if sum := sha256.Sum256(buf.Bytes()); hex.EncodeToString(sum[:]) != h.Commons {
			return nil, nil, nil, nil, errors.New("its phase-1 result hash is not that of phase 1 sealed with its beacon")
		}
	}
	if deferred {
		cl = newClaims(w, c.R1CS.Coefficients, int(h.Domain))
	}
	if err := checkStart(next, sealed, c.R1CS, w, sp, cl); err != nil {
		return nil, nil, nil, nil, err
	}
	return sealed, w, sp, cl, nil
}
