package ceremony

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/groth16/bn254/mpcsetup"
	cs_bn254 "github.com/consensys/gnark/constraint/bn254"

	"github.com/zkinfer/zkinfer/internal/atomicfile"
	meter "github.com/zkinfer/zkinfer/proof/progress"
)

// The ceremony's steps. The coordinator runs Init, Phase2 and Finalize for
// the circuit; each participant runs Contribute on the latest state; anyone
// runs Verify (verify.go) on the published files.

// CommonsFile is where Phase2 leaves phase 1's sealed result
// (mpcsetup.SrsCommons) in the coordinator's directory, for Finalize.
const CommonsFile = "ceremony-phase1.bin"

// Circuit is the circuit a ceremony makes keys for.
type Circuit struct {
	// R1CS is the constraint system. Verify may be given a circuit
	// without it, with Constraints and Load instead: a chain of
	// contributions alone is checked against the circuit's SHA256 and size
	// only, and Load is called when phase 2's start or the keys are
	// checked, which need the constraints' terms.
	R1CS        *cs_bn254.R1CS
	Constraints int
	Load        func() (*cs_bn254.R1CS, error)
	// SHA256 identifies the circuit (hex; a compiled directory's
	// circuit_sha256): every state names it, and states of another
	// circuit are refused.
	SHA256 string
	// Dir is the coordinator's directory: Phase2 leaves phase 1's sealed
	// result there (CommonsFile) for Finalize. Errors name it.
	Dir string
	// Prepared is the prepared phase 1 (Prepare) phase 2 opens from, when
	// it does: Finalize reads it, and Verify checks phase 2's start
	// against it if PreparedSHA256, the digest recorded when the file was
	// verified (VerifyPrepared), is its SHA-256.
	Prepared, PreparedSHA256 string
}

// domain is the power of two phase 1 is run for.
func (c *Circuit) domain() uint64 {
	n := c.Constraints
	if c.R1CS != nil {
		n = c.R1CS.GetNbConstraints()
	}
	return max(ecc.NextPowerOfTwo(uint64(n)), 2)
}

// load sets R1CS with Load when it is not set, and checks it has the
// constraints the circuit was checked against until then.
func (c *Circuit) load() error {
	if c.R1CS != nil {
		return nil
	}
	if c.Load == nil {
		return errors.New("ceremony: the circuit's constraint system is needed and was not given")
	}
	r, err := c.Load()
	if err != nil {
		return err
	}
	if c.Constraints != 0 && r.GetNbConstraints() != c.Constraints {
		return fmt.Errorf("ceremony: %s's constraint system has %d constraints, its settings %d", c.Dir, r.GetNbConstraints(), c.Constraints)
	}
	c.R1CS = r
	return nil
}

// check checks that the state at path, with header h, is for this circuit.
func (c *Circuit) check(path string, h *stateHeader) error {
	if h.Circuit != c.SHA256 || h.Domain != c.domain() {
		return fmt.Errorf("ceremony: %s is a ceremony for another circuit than %s's", path, c.Dir)
	}
	return nil
}

// readState reads the state at path, which must be for this circuit.
func (c *Circuit) readState(path string) (*state, error) {
	s, err := readState(path)
	if err != nil {
		return nil, err
	}
	if err := c.check(path, &s.Header); err != nil {
		return nil, err
	}
	return s, nil
}

// Step is what a step wrote: the state file, its SHA-256 (the hash to
// publish) and its name in the chain ("phase 1 contribution 2").
type Step struct {
	Path, SHA256, Name string
}

// Record is what a finished ceremony made the keys from: a compiled
// directory's settings.json keeps it.
type Record struct {
	Phase1 int `json:"phase1_contributions"`
	Phase2 int `json:"phase2_contributions"`
	// Final is the SHA-256 of the last phase-2 state; Close how phase 2
	// was closed, and Beacon the beacon (hex) that closed it with
	// CloseBeacon ("" with CloseLast).
	Final  string `json:"final_sha256"`
	Close  Close  `json:"close"`
	Beacon string `json:"beacon,omitempty"`
}

// Key is a proving or verifying key as the ceremony makes them (gnark's
// *groth16bn254.ProvingKey and *groth16bn254.VerifyingKey): WriteTo writes
// its compressed encoding, WriteRawTo its raw one.
type Key interface {
	io.WriterTo
	WriteRawTo(io.Writer) (int64, error)
}

// KeyWriter stores the keys Finalize made: both or, on an error, neither.
type KeyWriter func(pk, vk Key) error

// Init writes phase 1's start for the circuit to out. It holds no secret
// (every power is the generator).
func Init(c *Circuit, out string) (*Step, error) {
	n := c.domain()
	h := stateHeader{Phase: 1, Domain: n, Circuit: c.SHA256}
	return writeStep(out, h, newPhase1(n))
}

// Contribute reads the state at in, adds this machine's secret randomness
// (drawn from crypto/rand and forgotten when the process exits) with its
// proof of knowledge, and writes the next state to out. It needs neither
// the circuit nor the earlier states. progress, when not nil, is told what
// happens.
func Contribute(in, out string, progress func(format string, args ...any)) (*Step, error) {
	s, err := readState(in)
	if err != nil {
		return nil, err
	}
	return contribute(s, out, progress)
}

// ContributeVerified is Contribute on the last state of a chain Verify
// checked with VerifyOptions.KeepLast: the state as it was read and
// checked, not read again (nor replaced in between). rep's state is
// updated: it can be built on once.
func ContributeVerified(rep *Report, out string, progress func(format string, args ...any)) (*Step, error) {
	s := rep.last
	if s == nil {
		return nil, errors.New("ceremony: the report keeps no state to build on (verify the chain with KeepLast)")
	}
	rep.last = nil
	return contribute(s, out, progress)
}

// contribute builds on the state s (updated) and writes the next to out.
func contribute(s *state, out string, progress func(format string, args ...any)) (*Step, error) {
	h := s.Header
	h.Index++
	h.Previous = s.SHA256
	logf(progress, "ceremony: contributing to phase %d of a 2^%d-sized ceremony (contribution %d)", h.Phase, bits.TrailingZeros64(h.Domain), h.Index)
	start := time.Now()
	var obj io.WriterTo
	if s.P1 != nil {
		m := meter.New(progress, "ceremony: contributing", updateWork(h.Domain))
		s.P1.contribute(m.Counter(1))
		obj = s.P1
	} else {
		m := meter.New(progress, "ceremony: contributing", update2work(s.P2))
		contribute2(s.P2, m.Counter(1))
		obj = s.P2
	}
	logf(progress, "ceremony: contributed (%.1fs)", time.Since(start).Seconds())
	return writeStep(out, h, obj)
}

// writeStep writes a state and says what was written.
func writeStep(out string, h stateHeader, payload io.WriterTo) (*Step, error) {
	sum, err := writeState(out, h, payload)
	if err != nil {
		return nil, err
	}
	return &Step{Path: out, SHA256: sum, Name: h.name()}, nil
}

// ParseBeacon reads a beacon: hex (an optional 0x), at least 16 bytes.
func ParseBeacon(s string) ([]byte, error) {
	b, err := hex.DecodeString(strings.TrimPrefix(s, "0x"))
	if err != nil || len(b) < 16 {
		return nil, fmt.Errorf("beacon %q: give the beacon's value as hex, at least 16 bytes (e.g. a future block hash or drand round, announced in advance)", s)
	}
	return b, nil
}

// Phase2 closes phase 1 at its last state (lastPhase1) with the random
// beacon, writes the sealed result into the coordinator's directory
// (CommonsFile, for Finalize) and phase 2's start for the circuit to out.
// Phase 1 needs at least one contribution.
func Phase2(c *Circuit, lastPhase1, out string, beacon []byte, progress func(format string, args ...any)) (*Step, error) {
	return phase2(c, lastPhase1, out, beacon, 1, progress)
}

// phase2 is Phase2 with the least number of phase-1 contributions it
// accepts (0 only in tests, to play a cheating coordinator).
func phase2(c *Circuit, lastPhase1, out string, beacon []byte, min int, progress func(format string, args ...any)) (*Step, error) {
	s, err := c.readState(lastPhase1)
	if err != nil {
		return nil, err
	}
	if s.P1 == nil {
		return nil, fmt.Errorf("ceremony: %s is a phase-2 state: phase 2 starts from phase 1's last state", lastPhase1)
	}
	if s.Header.Index < min {
		return nil, fmt.Errorf("ceremony: %s is phase 1's start: phase 1 needs at least one contribution", lastPhase1)
	}
	logf(progress, "ceremony: closing phase 1 after %d contributions; opening phase 2 for %d constraints", s.Header.Index, c.R1CS.GetNbConstraints())
	start := time.Now()
	w, err := wireTermsOf(c.R1CS)
	if err != nil {
		return nil, fmt.Errorf("ceremony: %w", err)
	}
	m := meter.New(progress, "ceremony: opening phase 2", updateWork(s.Header.Domain)+initializeWork(int(s.Header.Domain), w))
	commons := s.P1.seal(beacon, m.Counter(1))
	var buf bytes.Buffer
	if _, err := commons.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("ceremony: %w", err)
	}
	if err := atomicfile.WriteFile(filepath.Join(c.Dir, CommonsFile), buf.Bytes()); err != nil {
		return nil, fmt.Errorf("ceremony: %w", err)
	}
	cm := sha256.Sum256(buf.Bytes())
	p2, evals, err := initialize(c.R1CS, &commons, w, m.Counter(1))
	if err != nil {
		return nil, fmt.Errorf("ceremony: %w", err)
	}
	if err := writeEvals(c, hex.EncodeToString(cm[:]), evals); err != nil {
		return nil, fmt.Errorf("ceremony: %w", err)
	}
	h := phase2Header(&s.Header, s.SHA256, beacon, hex.EncodeToString(cm[:]), p2)
	logf(progress, "ceremony: phase 2 opened (%.1fs)", time.Since(start).Seconds())
	return writeStep(out, h, p2)
}

// phase2Header is the header of phase 2's start.
func phase2Header(last *stateHeader, lastSHA string, beacon []byte, commons string, p2 *mpcsetup.Phase2) stateHeader {
	h := stateHeader{Phase: 2, Domain: last.Domain, Circuit: last.Circuit, Previous: lastSHA,
		Beacon: hex.EncodeToString(beacon), Phase1: last.Index, Commons: commons, Wires: len(p2.Parameters.G1.PKK), RawPoints: true}
	h.Committed = make([]int, len(p2.Parameters.G1.SigmaCKK))
	for i, k := range p2.Parameters.G1.SigmaCKK {
		h.Committed[i] = len(k)
	}
	return h
}

// readCommons reads the phase-1 result Phase2 left in the coordinator's
// directory and checks it is the one the state names.
func (c *Circuit) readCommons(h *stateHeader) (*mpcsetup.SrsCommons, error) {
	path := filepath.Join(c.Dir, CommonsFile)
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("ceremony: %s has no phase-1 result (%s): run `ceremony phase2` with this directory: %w", c.Dir, CommonsFile, err)
	}
	if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != h.Commons {
		return nil, fmt.Errorf("ceremony: %s: %s is not the phase-1 result this phase 2 started from", c.Dir, CommonsFile)
	}
	var commons mpcsetup.SrsCommons
	if k, err := decodeCommons(bytes.NewReader(b), &commons); err != nil || int(k) != len(b) {
		if err == nil {
			err = errors.New("unexpected bytes after the parameters")
		}
		return nil, fmt.Errorf("ceremony: %s: %w", path, err)
	}
	return &commons, nil
}

// Finalize closes phase 2 at its last state as closing says (closing.go),
// gives the proving and verifying keys to write, and returns the record of
// the ceremony that made them. It checks the state belongs to the circuit and
// has at least one phase-2 contribution; the chain itself is checked by
// Verify, which should be run first (and can be run by anyone afterwards,
// against these keys: it does not rely on this function's checks, since
// the coordinator runs it).
func Finalize(c *Circuit, last string, closing Closing, write KeyWriter, progress func(format string, args ...any)) (*Record, error) {
	return finalize(c, last, closing, write, 1, progress)
}

// finalize is Finalize with the least number of phase-2 contributions it
// accepts (0 only in tests, to play a cheating coordinator).
func finalize(c *Circuit, last string, closing Closing, write KeyWriter, min int, progress func(format string, args ...any)) (*Record, error) {
	if err := closing.check(); err != nil {
		return nil, fmt.Errorf("ceremony: %w", err)
	}
	s, err := c.readState(last)
	if err != nil {
		return nil, err
	}
	if s.P2 == nil {
		return nil, fmt.Errorf("ceremony: %s is a phase-1 state: finalize takes phase 2's last state (run `ceremony phase2` first)", last)
	}
	if s.Header.Index < min {
		return nil, fmt.Errorf("ceremony: %s is phase 2's start: phase 2 needs at least one contribution", last)
	}
	var commons *mpcsetup.SrsCommons
	if s.Header.Prepared != "" {
		if c.Prepared == "" {
			return nil, fmt.Errorf("ceremony: %s was opened from a prepared phase 1 (sha256 %.16s…): give the prepared file (--prepared FILE)", last, s.Header.Prepared)
		}
		p, err := ReadPrepared(c.Prepared, s.Header.Prepared, false, false)
		if err != nil {
			return nil, err
		}
		commons = &p.commons
	} else if commons, err = c.readCommons(&s.Header); err != nil {
		return nil, err
	}
	logf(progress, "ceremony: sealing phase 2 after %d contributions, %s", s.Header.Index, closing)
	start := time.Now()
	evals, _ := readEvals(c, s.Header.Commons) // nil: recomputed
	pk, vk, err := seal(c.R1CS, commons, evals, s.P2, closing, progress)
	if err != nil {
		return nil, err
	}
	if err := write(pk, vk); err != nil {
		return nil, err
	}
	logf(progress, "ceremony: keys written (%.1fs)", time.Since(start).Seconds())
	return closing.record(s.Header.Phase1, s.Header.Index, s.SHA256), nil
}

// seal computes the keys from phase 2's last state (which it updates):
// the circuit's evaluations at τ, α, β (recomputed when evals is nil),
// then, closing with a beacon, the beacon's final contribution.
func seal(r *cs_bn254.R1CS, commons *mpcsetup.SrsCommons, evals *mpcsetup.Phase2Evaluations, last *mpcsetup.Phase2, closing Closing, log func(format string, args ...any)) (pk, vk Key, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("ceremony: sealing phase 2: %v", p)
		}
	}()
	var work int64
	if closing.Close == CloseBeacon {
		work = update2work(last)
	}
	var w *wireTerms
	if evals == nil {
		if w, err = wireTermsOf(r); err != nil {
			return nil, nil, fmt.Errorf("ceremony: %w", err)
		}
		work += initializeWork(len(commons.G1.AlphaTau), w)
	}
	m := meter.New(log, "ceremony: sealing phase 2", work)
	if evals == nil {
		if _, evals, err = initialize(r, commons, w, m.Counter(1)); err != nil {
			return nil, nil, fmt.Errorf("ceremony: %w", err)
		}
	}
	if closing.Close == CloseBeacon {
		k := beaconScalars(last, closing.Beacon)
		update2(last, &k[0], k[1:], m.Counter(1))
	}
	p, v, err := keysOf(last, commons, evals)
	if err != nil {
		return nil, nil, fmt.Errorf("ceremony: sealing phase 2: %w", err)
	}
	return p, v, nil
}

func logf(progress func(format string, args ...any), format string, args ...any) {
	if progress != nil {
		progress(format, args...)
	}
}
