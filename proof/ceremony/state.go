package ceremony

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"os"

	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark/backend/groth16/bn254/mpcsetup"

	"github.com/zkinfer/zkinfer/internal/atomicfile"
)

// State files: the format is in the package documentation.

const magic = "zkinfer-ceremony\n"

// maxDomain bounds the domain a state may claim (2^26 constraints),
// so a corrupt header cannot make a reader allocate without bound.
const maxDomain = 1 << 26

// stateHeader describes a state file.
type stateHeader struct {
	Version int    `json:"version"` // 1
	Phase   int    `json:"phase"`   // 1 or 2
	Index   int    `json:"index"`   // 0 at the start of a phase, k after its k-th contribution
	Domain  uint64 `json:"domain"`  // N: the power of two ≥ the circuit's constraints
	Circuit string `json:"circuit_sha256"`
	// Previous is the SHA-256 of the state this one was made from ("" for
	// phase 1's start).
	Previous string `json:"previous_sha256,omitempty"`
	// Phase 2 only: the beacon that closed phase 1, the number of phase-1
	// contributions, the SHA-256 of phase 1's sealed result, and the
	// payload's shape (private wires, and committed wires per commitment).
	Beacon    string `json:"phase1_beacon,omitempty"`
	Phase1    int    `json:"phase1_contributions,omitempty"`
	Commons   string `json:"commons_sha256,omitempty"`
	Wires     int    `json:"private_wires,omitempty"`
	Committed []int  `json:"committed_wires,omitempty"`
	// Prepared is the SHA-256 of the prepared phase 1 (Prepare) phase 2
	// was opened from; "" when it was opened from phase 1's last state.
	Prepared string `json:"prepared_sha256,omitempty"`
	// RawPoints says that a phase-2 payload's points are uncompressed
	// (rawPhase2); false for gnark's compressed encoding.
	RawPoints bool `json:"raw_points,omitempty"`
}

// state is a read state file.
type state struct {
	Header stateHeader
	P1     *phase1          // phase 1
	P2     *mpcsetup.Phase2 // phase 2
	SHA256 string           // of the whole file
	// payload is the encoding of P1 or P2 as read.
	payload []byte
}

func (h *stateHeader) name() string {
	if h.Index == 0 {
		return fmt.Sprintf("phase %d start", h.Phase)
	}
	return fmt.Sprintf("phase %d contribution %d", h.Phase, h.Index)
}

// encodeState returns the bytes of a state file.
func encodeState(h stateHeader, payload io.WriterTo) ([]byte, error) {
	h.Version = 1
	js, err := json.Marshal(h)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	buf.WriteString(magic)
	binary.Write(&buf, binary.BigEndian, uint32(len(js)))
	buf.Write(js)
	if p, ok := payload.(*mpcsetup.Phase2); ok && h.RawPoints {
		payload = rawPhase2{p}
		// The points' raw size, so that the buffer is not grown (and
		// copied) a dozen times on the way to it.
		n := len(p.Parameters.G1.Z) + len(p.Parameters.G1.PKK)
		for _, b := range p.Parameters.G1.SigmaCKK {
			n += len(b)
		}
		buf.Grow(n*curve.SizeOfG1AffineUncompressed + 1<<12)
	}
	if _, err := payload.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// writeState writes a state file atomically and returns its SHA-256.
func writeState(path string, h stateHeader, payload io.WriterTo) (string, error) {
	b, err := encodeState(h, payload)
	if err != nil {
		return "", fmt.Errorf("ceremony: %s: %w", path, err)
	}
	if err := atomicfile.WriteFile(path, b); err != nil {
		return "", fmt.Errorf("ceremony: %w", err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// readState reads and decodes a state file. It never panics on a corrupt
// file: the header is checked and bounds every allocation before gnark
// decodes the payload (points are checked to be on their curve and in their
// subgroup), and the payload must be read to its last byte.
func readState(path string) (*state, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("ceremony: %w", err)
	}
	s, err := decodeState(b)
	if err != nil {
		return nil, fmt.Errorf("ceremony: %s: %w", path, err)
	}
	return s, nil
}

func decodeState(b []byte) (s *state, err error) {
	defer func() { // gnark's decoders trust their input in places
		if r := recover(); r != nil {
			s, err = nil, fmt.Errorf("corrupt state file: %v", r)
		}
	}()
	sum := sha256.Sum256(b)
	s = &state{SHA256: hex.EncodeToString(sum[:])}
	if !bytes.HasPrefix(b, []byte(magic)) {
		return nil, errors.New("not a zkinfer ceremony state file")
	}
	b = b[len(magic):]
	if len(b) < 4 || int(binary.BigEndian.Uint32(b)) > len(b)-4 {
		return nil, errors.New("corrupt state file: truncated header")
	}
	n := binary.BigEndian.Uint32(b)
	dec := json.NewDecoder(bytes.NewReader(b[4 : 4+n]))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s.Header); err != nil {
		return nil, fmt.Errorf("corrupt state file: header: %v", err)
	}
	if err := s.Header.check(); err != nil {
		return nil, fmt.Errorf("corrupt state file: %w", err)
	}
	s.payload = b[4+n:]
	if err := s.Header.checkShape(s.payload); err != nil {
		return nil, fmt.Errorf("corrupt state file: %w", err)
	}
	var obj io.ReaderFrom
	if s.Header.Phase == 1 {
		s.P1 = new(phase1)
		obj = s.P1
	} else {
		s.P2 = new(mpcsetup.Phase2)
		obj = s.P2
	}
	read, err := obj.ReadFrom(bytes.NewReader(s.payload))
	if err != nil {
		return nil, fmt.Errorf("corrupt state file: %v", err)
	}
	if int(read) != len(s.payload) {
		return nil, fmt.Errorf("corrupt state file: %d unexpected bytes after the contribution", len(s.payload)-int(read))
	}
	return s, nil
}

// check validates the header's fields on their own.
func (h *stateHeader) check() error {
	switch {
	case h.Version != 1:
		return fmt.Errorf("version %d is not supported (1)", h.Version)
	case h.Phase != 1 && h.Phase != 2:
		return fmt.Errorf("phase %d", h.Phase)
	case h.Index < 0:
		return fmt.Errorf("index %d", h.Index)
	case h.Domain < 2 || h.Domain > maxDomain || bits.OnesCount64(h.Domain) != 1:
		return fmt.Errorf("domain size %d is not a power of two in [2, 2^26]", h.Domain)
	case (h.Index > 0 || h.Phase == 2) && len(h.Previous) != 64:
		return errors.New("no previous state hash")
	case h.Phase == 2 && (h.Beacon == "" || h.Commons == "" || h.Phase1 < 1 || h.Wires < 0 || len(h.Committed) > 255):
		return errors.New("incomplete phase-2 header")
	case h.RawPoints && h.Phase != 2:
		return errors.New("raw points in a phase-1 header")
	case h.Prepared != "" && (h.Phase != 2 || len(h.Prepared) != 64):
		return errors.New("a prepared phase 1's hash in a header that cannot have one")
	}
	return nil
}

// checkShape checks that the payload has the lengths the header announces
// before gnark allocates them: phase 1 is N-sized (its N, a big-endian u64,
// follows the three 96-byte update proofs), phase 2 holds slices whose
// u32 lengths must be the header's.
func (h *stateHeader) checkShape(p []byte) error {
	const proof = 96 // compressed, in either encoding
	g1, g2 := 32, 64
	if h.RawPoints {
		g1, g2 = 64, 128
	}
	if h.Phase == 1 {
		if len(p) < 3*proof+8 || binary.BigEndian.Uint64(p[3*proof:]) != h.Domain {
			return errors.New("its powers of tau do not have the header's size")
		}
		if uint64(len(p)) < 5*uint64(g1)*h.Domain {
			return errors.New("truncated powers of tau")
		}
		return nil
	}
	off := 0
	need := func(n int) bool { ok := n >= 0 && off+n <= len(p); off += n; return ok }
	slice := func(want int) bool {
		if !need(4) || int(binary.BigEndian.Uint32(p[off-4:])) != want {
			return false
		}
		return need(want * g1)
	}
	nc := len(h.Committed)
	ok := need(2) && int(binary.BigEndian.Uint16(p)) == nc && need(g1) && slice(h.Wires) && slice(int(h.Domain)-1) && need(g2)
	for i := 0; ok && i < nc; i++ {
		ok = slice(h.Committed[i])
	}
	if !ok || !need(nc*g2+(nc+1)*proof+1) {
		return errors.New("its phase-2 parameters do not have the header's shape")
	}
	return nil
}

// sameCeremony checks that next continues the ceremony of prev's header.
func (h *stateHeader) sameCeremony(next *stateHeader) error {
	if next.Domain != h.Domain || next.Circuit != h.Circuit {
		return errors.New("it belongs to another ceremony (another circuit or size)")
	}
	return nil
}
