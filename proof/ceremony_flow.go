package proof

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"os"
	"strings"
	"time"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/groth16/bn254/mpcsetup"
	"github.com/consensys/gnark/constraint"
	cs_bn254 "github.com/consensys/gnark/constraint/bn254"

	"github.com/zkinfer/zkinfer/internal/atomicfile"
)

// The ceremony's steps. The coordinator runs CeremonyInit, CeremonyPhase2
// and CeremonyFinalize on the compiled directory; each participant runs
// CeremonyContribute on the latest state; anyone runs VerifyCeremony
// (ceremony_verify.go) on the published files.

// CeremonyInfo records in settings.json which ceremony made the keys.
type CeremonyInfo struct {
	Phase1 int `json:"phase1_contributions"`
	Phase2 int `json:"phase2_contributions"`
	// Final is the SHA-256 of the last phase-2 state; Beacon the beacon
	// (hex) that closed phase 2.
	Final  string `json:"final_sha256"`
	Beacon string `json:"beacon"`
}

// CeremonyStep is what a step wrote: the state file and its SHA-256, the
// hash to publish.
type CeremonyStep struct {
	Path, SHA256, Name string
}

// r1cs reads the directory's Groth16 constraint system for a ceremony.
func (c *Compiled) r1cs() (*cs_bn254.R1CS, error) {
	if c.Settings.Backend != Groth16 {
		return nil, fmt.Errorf("ceremony: %s is compiled for %s: a ceremony makes groth16 keys (plonk uses a universal SRS: setup --srs)", c.Dir, BackendName(c.Settings.Backend))
	}
	cs, err := c.ReadCircuit()
	if err != nil {
		return nil, fmt.Errorf("ceremony: %w", err)
	}
	r, ok := cs.(*cs_bn254.R1CS)
	if !ok {
		return nil, fmt.Errorf("ceremony: unexpected constraint system %T", cs)
	}
	return r, nil
}

// ceremonyDomain is the power of two phase 1 is run for.
func ceremonyDomain(cs constraint.ConstraintSystem) uint64 {
	return max(ecc.NextPowerOfTwo(uint64(cs.GetNbConstraints())), 2)
}

// CeremonyInit writes phase 1's start for the directory's circuit to out.
// It holds no secret (every power is the generator).
func (c *Compiled) CeremonyInit(out string) (*CeremonyStep, error) {
	r, err := c.r1cs()
	if err != nil {
		return nil, err
	}
	n := ceremonyDomain(r)
	h := stateHeader{Phase: 1, Domain: n, Circuit: c.Settings.CircuitSHA}
	sum, err := writeState(out, h, mpcsetup.NewPhase1(n))
	if err != nil {
		return nil, err
	}
	return &CeremonyStep{Path: out, SHA256: sum, Name: h.name()}, nil
}

// CeremonyContribute reads the state at in, adds this machine's secret
// randomness (drawn from crypto/rand and forgotten when the process exits)
// with its proof of knowledge, and writes the next state to out. It needs
// neither the circuit nor the earlier states.
func CeremonyContribute(in, out string, progress Progress) (*CeremonyStep, error) {
	s, err := readState(in)
	if err != nil {
		return nil, err
	}
	h := s.Header
	h.Index++
	h.Previous = s.SHA256
	progress.log("ceremony: contributing to phase %d of a 2^%d-sized ceremony (contribution %d)", h.Phase, bits.TrailingZeros64(h.Domain), h.Index)
	start := time.Now()
	var obj io.WriterTo
	if s.P1 != nil {
		s.P1.Contribute()
		obj = s.P1
	} else {
		s.P2.Contribute()
		obj = s.P2
	}
	progress.log("ceremony: contributed (%.1fs)", time.Since(start).Seconds())
	sum, err := writeState(out, h, obj)
	if err != nil {
		return nil, err
	}
	return &CeremonyStep{Path: out, SHA256: sum, Name: h.name()}, nil
}

// ParseBeacon reads a beacon: hex (an optional 0x), at least 16 bytes.
func ParseBeacon(s string) ([]byte, error) {
	b, err := hex.DecodeString(strings.TrimPrefix(s, "0x"))
	if err != nil || len(b) < 16 {
		return nil, fmt.Errorf("beacon %q: give the beacon's value as hex, at least 16 bytes (e.g. a future block hash or drand round, announced in advance)", s)
	}
	return b, nil
}

// CeremonyPhase2 closes phase 1 at its last state (lastPhase1) with the
// random beacon, writes the sealed result into the directory
// (CeremonyCommonsFile, for finalize) and phase 2's start to out. Phase 1
// needs at least one contribution.
func (c *Compiled) CeremonyPhase2(lastPhase1, out string, beacon []byte, progress Progress) (*CeremonyStep, error) {
	return c.ceremonyPhase2(lastPhase1, out, beacon, 1, progress)
}

// ceremonyPhase2 is CeremonyPhase2 with the least number of phase-1
// contributions it accepts (0 only in tests, to play a cheating coordinator).
func (c *Compiled) ceremonyPhase2(lastPhase1, out string, beacon []byte, min int, progress Progress) (*CeremonyStep, error) {
	r, err := c.r1cs()
	if err != nil {
		return nil, err
	}
	s, err := readState(lastPhase1)
	if err != nil {
		return nil, err
	}
	if err := c.checkStateCircuit(lastPhase1, &s.Header, r); err != nil {
		return nil, err
	}
	if s.P1 == nil {
		return nil, fmt.Errorf("ceremony: %s is a phase-2 state: phase 2 starts from phase 1's last state", lastPhase1)
	}
	if s.Header.Index < min {
		return nil, fmt.Errorf("ceremony: %s is phase 1's start: phase 1 needs at least one contribution", lastPhase1)
	}
	progress.log("ceremony: closing phase 1 after %d contributions; opening phase 2 for %d constraints", s.Header.Index, r.GetNbConstraints())
	start := time.Now()
	commons := s.P1.Seal(beacon)
	var buf bytes.Buffer
	if _, err := commons.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("ceremony: %w", err)
	}
	if err := atomicfile.WriteFile(c.path(CeremonyCommonsFile), buf.Bytes()); err != nil {
		return nil, fmt.Errorf("ceremony: %w", err)
	}
	cm := sha256.Sum256(buf.Bytes())
	var p2 mpcsetup.Phase2
	p2.Initialize(r, &commons)
	h := phase2Header(&s.Header, s.SHA256, beacon, hex.EncodeToString(cm[:]), &p2)
	progress.log("ceremony: phase 2 opened (%.1fs)", time.Since(start).Seconds())
	sum, err := writeState(out, h, &p2)
	if err != nil {
		return nil, err
	}
	return &CeremonyStep{Path: out, SHA256: sum, Name: h.name()}, nil
}

// phase2Header is the header of phase 2's start.
func phase2Header(last *stateHeader, lastSHA string, beacon []byte, commons string, p2 *mpcsetup.Phase2) stateHeader {
	h := stateHeader{Phase: 2, Domain: last.Domain, Circuit: last.Circuit, Previous: lastSHA,
		Beacon: hex.EncodeToString(beacon), Phase1: last.Index, Commons: commons, Wires: len(p2.Parameters.G1.PKK)}
	h.Committed = make([]int, len(p2.Parameters.G1.SigmaCKK))
	for i, k := range p2.Parameters.G1.SigmaCKK {
		h.Committed[i] = len(k)
	}
	return h
}

// checkStateCircuit checks a state is for this directory's circuit.
func (c *Compiled) checkStateCircuit(path string, h *stateHeader, r *cs_bn254.R1CS) error {
	if h.Circuit != c.Settings.CircuitSHA || h.Domain != ceremonyDomain(r) {
		return fmt.Errorf("ceremony: %s is a ceremony for another circuit than %s's", path, c.Dir)
	}
	return nil
}

// readCommons reads the phase-1 result CeremonyPhase2 left in the directory
// and checks it is the one the state names.
func (c *Compiled) readCommons(h *stateHeader) (*mpcsetup.SrsCommons, error) {
	b, err := os.ReadFile(c.path(CeremonyCommonsFile))
	if err != nil {
		return nil, fmt.Errorf("ceremony: %s has no phase-1 result (%s): run `ceremony phase2` with this directory: %w", c.Dir, CeremonyCommonsFile, err)
	}
	if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != h.Commons {
		return nil, fmt.Errorf("ceremony: %s: %s is not the phase-1 result this phase 2 started from", c.Dir, CeremonyCommonsFile)
	}
	var commons mpcsetup.SrsCommons
	if _, err := commons.ReadFrom(bufio.NewReader(bytes.NewReader(b))); err != nil {
		return nil, fmt.Errorf("ceremony: %s: %w", c.path(CeremonyCommonsFile), err)
	}
	return &commons, nil
}

// CeremonyFinalize closes phase 2 at its last state with the random beacon
// and writes the proving and verifying keys into the directory, where
// prove, verify and export-verifier use them as any others. It checks the
// state belongs to this circuit and has at least one phase-2 contribution;
// the chain itself is checked by VerifyCeremony, which should be run first
// (and can be run by anyone afterwards, against these keys: it does not rely
// on this function's checks, since the coordinator runs it).
func (c *Compiled) CeremonyFinalize(last string, beacon []byte, progress Progress) error {
	return c.ceremonyFinalize(last, beacon, 1, progress)
}

// ceremonyFinalize is CeremonyFinalize with the least number of phase-2
// contributions it accepts (0 only in tests, to play a cheating
// coordinator).
func (c *Compiled) ceremonyFinalize(last string, beacon []byte, min int, progress Progress) error {
	r, err := c.r1cs()
	if err != nil {
		return err
	}
	s, err := readState(last)
	if err != nil {
		return err
	}
	if err := c.checkStateCircuit(last, &s.Header, r); err != nil {
		return err
	}
	if s.P2 == nil {
		return fmt.Errorf("ceremony: %s is a phase-1 state: finalize takes phase 2's last state (run `ceremony phase2` first)", last)
	}
	if s.Header.Index < min {
		return fmt.Errorf("ceremony: %s is phase 2's start: phase 2 needs at least one contribution", last)
	}
	commons, err := c.readCommons(&s.Header)
	if err != nil {
		return err
	}
	progress.log("ceremony: sealing phase 2 after %d contributions", s.Header.Index)
	start := time.Now()
	pk, vk, err := sealPhase2(r, commons, s.P2, beacon)
	if err != nil {
		return err
	}
	if err := c.writeKeys(pk, vk); err != nil {
		return err
	}
	c.Settings.Setup = &SetupInfo{Kind: SetupCeremony, Ceremony: &CeremonyInfo{
		Phase1: s.Header.Phase1, Phase2: s.Header.Index, Final: s.SHA256, Beacon: hex.EncodeToString(beacon)}}
	if err := c.writeSettings(); err != nil {
		return fmt.Errorf("ceremony: %w", err)
	}
	progress.log("ceremony: keys written (%.1fs)", time.Since(start).Seconds())
	return nil
}

// sealPhase2 computes the keys from phase 2's last state: the circuit's
// evaluations at τ, α, β, then the beacon's final contribution.
func sealPhase2(r *cs_bn254.R1CS, commons *mpcsetup.SrsCommons, last *mpcsetup.Phase2, beacon []byte) (pk, vk gnarkKey, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("ceremony: sealing phase 2: %v", p)
		}
	}()
	var start mpcsetup.Phase2
	evals := start.Initialize(r, commons)
	p, v := last.Seal(commons, &evals, beacon)
	pkey, ok1 := p.(gnarkKey)
	vkey, ok2 := v.(gnarkKey)
	if !ok1 || !ok2 {
		return nil, nil, errors.New("ceremony: unexpected key types")
	}
	return pkey, vkey, nil
}

// gnarkKey is a key writeKeys can write.
type gnarkKey interface {
	io.WriterTo
	WriteRawTo(io.Writer) (int64, error)
}
