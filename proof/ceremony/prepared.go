package ceremony

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/bits"
	"os"
	"time"

	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark/backend/groth16/bn254/mpcsetup"

	"github.com/zkinfer/zkinfer/internal/atomicfile"
	meter "github.com/zkinfer/zkinfer/proof/progress"
)

// A prepared phase 1: phase 1 (the powers of τ, α, β) depends on the
// domain size only, and so does its Lagrange basis, the group FFTs that
// made most of phase 2's opening. Prepare seals a phase-1 chain with its
// beacon once per size and stores the result with its Lagrange points
// ([Lᵢ(τ)]₁, [αLᵢ(τ)]₁, [βLᵢ(τ)]₁, [Lᵢ(τ)]₂), as snarkjs's `powersoftau
// prepare phase2` files do; every circuit of that size then opens phase 2
// from it (Phase2Prepared) with the per-wire sums alone. A verifier checks
// the file once against the phase-1 chain (VerifyPrepared: the seal and
// the Lagrange conversion by random linear combinations) and records its
// SHA-256; a per-model Verify then trusts the file by that digest.
//
// File format:
//
//	"zkinfer-prepared\n" | u32 big-endian header length | header JSON | payload
//
// The payload is gnark-crypto's raw (uncompressed) encoding, each vector
// with its u32 length: [τʲ]₁ (j < 2N−1), [τʲ]₂, [ατʲ]₁, [βτʲ]₁ (j < N),
// [β]₂, then [Lᵢ(τ)]₁, [αLᵢ(τ)]₁, [βLᵢ(τ)]₁, [Lᵢ(τ)]₂ (i < N). Raw points
// read without a square root each; read by a trusted digest, without the
// subgroup checks either.

const preparedMagic = "zkinfer-prepared\n"

// PreparedHeader describes a prepared phase 1.
type PreparedHeader struct {
	Version int    `json:"version"` // 1
	Domain  uint64 `json:"domain"`
	// Phase1 is the SHA-256 of phase 1's last state, Contributions its
	// index, Beacon (hex) the beacon that sealed it; Commons the SHA-256
	// of gnark's encoding of the sealed result (mpcsetup.SrsCommons), as
	// phase 2's headers name it.
	Phase1        string `json:"phase1_sha256"`
	Contributions int    `json:"phase1_contributions"`
	Beacon        string `json:"phase1_beacon"`
	Commons       string `json:"commons_sha256"`
}

// Prepared is a prepared phase 1 as read.
type Prepared struct {
	Header  PreparedHeader
	SHA256  string // of the whole file
	Path    string
	commons mpcsetup.SrsCommons
	lag     *lagrangeBases // nil when read without it
}

// lagrangeBases are phase 1's powers in the Lagrange basis of the domain.
type lagrangeBases struct {
	tau, alpha, beta []curve.G1Affine
	tau2             []curve.G2Affine
}

// lagrangeOf converts sealed powers (four group FFTs).
func lagrangeOf(c *mpcsetup.SrsCommons, done func(int)) *lagrangeBases {
	n := len(c.G1.AlphaTau)
	g2done := func(k int) {
		if done != nil {
			done(3 * k)
		}
	}
	return &lagrangeBases{
		tau:   lagrangeG1(c.G1.Tau, n, done),
		alpha: lagrangeG1(c.G1.AlphaTau, n, done),
		beta:  lagrangeG1(c.G1.BetaTau, n, done),
		tau2:  lagrangeG2(c.G2.Tau, n, g2done),
	}
}

// PreparedInfo is what Prepare wrote.
type PreparedInfo struct {
	Path, SHA256 string
	Domain       uint64
	Beacon       string
}

// Prepare seals phase 1 at its last state (lastPhase1, at least one
// contribution) with the random beacon, converts the result to the
// Lagrange basis, and writes the prepared file to out. It runs once per
// domain size; every circuit of that size opens phase 2 from its output.
func Prepare(lastPhase1, out string, beacon []byte, progress func(format string, args ...any)) (*PreparedInfo, error) {
	s, err := readState(lastPhase1)
	if err != nil {
		return nil, err
	}
	if s.P1 == nil {
		return nil, fmt.Errorf("ceremony: %s is a phase-2 state: prepare takes phase 1's last state", lastPhase1)
	}
	if s.Header.Index < 1 {
		return nil, fmt.Errorf("ceremony: %s is phase 1's start: phase 1 needs at least one contribution", lastPhase1)
	}
	n := s.Header.Domain
	logf(progress, "ceremony: preparing phase 1 of size 2^%d after %d contributions (seal, Lagrange basis)", bits.TrailingZeros64(n), s.Header.Index)
	start := time.Now()
	m := meter.New(progress, "ceremony: preparing", updateWork(n)+6*lagrangeWork(int(n)))
	commons := s.P1.seal(beacon, m.Counter(1))
	lag := lagrangeOf(&commons, m.Counter(1))
	var cb bytes.Buffer
	if _, err := commons.WriteTo(&cb); err != nil {
		return nil, fmt.Errorf("ceremony: %w", err)
	}
	cm := sha256.Sum256(cb.Bytes())
	h := PreparedHeader{Version: 1, Domain: n, Phase1: s.SHA256, Contributions: s.Header.Index,
		Beacon: hex.EncodeToString(beacon), Commons: hex.EncodeToString(cm[:])}
	b, err := encodePrepared(&h, &commons, lag)
	if err != nil {
		return nil, fmt.Errorf("ceremony: %s: %w", out, err)
	}
	if err := atomicfile.WriteFile(out, b); err != nil {
		return nil, fmt.Errorf("ceremony: %w", err)
	}
	sum := sha256.Sum256(b)
	logf(progress, "ceremony: prepared (%.1fs)", time.Since(start).Seconds())
	return &PreparedInfo{Path: out, SHA256: hex.EncodeToString(sum[:]), Domain: n, Beacon: h.Beacon}, nil
}

func encodePrepared(h *PreparedHeader, c *mpcsetup.SrsCommons, lag *lagrangeBases) ([]byte, error) {
	js, err := json.Marshal(h)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	buf.WriteString(preparedMagic)
	binary.Write(&buf, binary.BigEndian, uint32(len(js)))
	buf.Write(js)
	enc := curve.NewEncoder(&buf, curve.RawEncoding())
	for _, v := range []any{c.G1.Tau, c.G2.Tau, c.G1.AlphaTau, c.G1.BetaTau, &c.G2.Beta, lag.tau, lag.alpha, lag.beta, lag.tau2} {
		if err := enc.Encode(v); err != nil {
			return nil, err
		}
	}
	return buf.Bytes(), nil
}

// ReadPrepared reads a prepared phase 1. With digest (hex SHA-256) the
// file must have it. checked checks every point to be on its curve and in
// its subgroup, as VerifyPrepared needs; otherwise the points are read as
// they are: a verifier reads the file by the digest recorded when it was
// verified, which vouches for them, and the coordinator's steps are checked
// by that verifier. withLagrange reads the Lagrange points too (phase 2's
// opening needs them, Verify and Finalize do not).
func ReadPrepared(path, digest string, checked, withLagrange bool) (p *Prepared, err error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("ceremony: %w", err)
	}
	sum := sha256.Sum256(b)
	got := hex.EncodeToString(sum[:])
	if digest != "" && got != digest {
		return nil, fmt.Errorf("ceremony: %s has SHA-256 %.16s…, not the recorded %.16s…: it is not the prepared phase 1 that was verified", path, got, digest)
	}
	defer func() {
		if r := recover(); r != nil {
			p, err = nil, fmt.Errorf("ceremony: %s: corrupt prepared file: %v", path, r)
		}
	}()
	p = &Prepared{SHA256: got, Path: path}
	if err := p.decode(b, checked, withLagrange); err != nil {
		return nil, fmt.Errorf("ceremony: %s: %w", path, err)
	}
	return p, nil
}

func (p *Prepared) decode(b []byte, checked, withLagrange bool) error {
	if !bytes.HasPrefix(b, []byte(preparedMagic)) {
		return errors.New("not a zkinfer prepared phase 1 (`ceremony prepare` writes one)")
	}
	b = b[len(preparedMagic):]
	if len(b) < 4 || int(binary.BigEndian.Uint32(b)) > len(b)-4 {
		return errors.New("corrupt prepared file: truncated header")
	}
	hl := binary.BigEndian.Uint32(b)
	dec := json.NewDecoder(bytes.NewReader(b[4 : 4+hl]))
	dec.DisallowUnknownFields()
	h := &p.Header
	if err := dec.Decode(h); err != nil {
		return fmt.Errorf("corrupt prepared file: header: %v", err)
	}
	n := h.Domain
	switch {
	case h.Version != 1:
		return fmt.Errorf("prepared file version %d is not supported (1)", h.Version)
	case n < 2 || n > maxDomain || bits.OnesCount64(n) != 1:
		return fmt.Errorf("corrupt prepared file: domain size %d is not a power of two in [2, 2^26]", n)
	case h.Contributions < 1 || len(h.Phase1) != 64 || len(h.Commons) != 64 || h.Beacon == "":
		return errors.New("corrupt prepared file: incomplete header")
	}
	body := b[4+hl:]
	// The sizes, before anything is allocated: raw G1 64 bytes, G2 128,
	// a vector's length 4.
	const g1, g2 = curve.SizeOfG1AffineUncompressed, curve.SizeOfG2AffineUncompressed
	want := 4 + (2*n-1)*g1 + 4 + n*g2 + 2*(4+n*g1) + g2 + 3*(4+n*g1) + 4 + n*g2
	if uint64(len(body)) != want {
		return fmt.Errorf("corrupt prepared file: %d bytes of points, want %d for size %d", len(body), want, n)
	}
	var opts []func(*curve.Decoder)
	if !checked {
		opts = append(opts, curve.NoSubgroupChecks())
	}
	d := curve.NewDecoder(bufio.NewReaderSize(bytes.NewReader(body), 1<<20), opts...)
	c := &p.commons
	vecs := []any{&c.G1.Tau, &c.G2.Tau, &c.G1.AlphaTau, &c.G1.BetaTau, &c.G2.Beta}
	if withLagrange {
		p.lag = new(lagrangeBases)
		vecs = append(vecs, &p.lag.tau, &p.lag.alpha, &p.lag.beta, &p.lag.tau2)
	}
	for _, v := range vecs {
		if err := d.Decode(v); err != nil {
			return fmt.Errorf("corrupt prepared file: %v", err)
		}
	}
	ok := len(c.G1.Tau) == int(2*n-1) && len(c.G2.Tau) == int(n) && len(c.G1.AlphaTau) == int(n) && len(c.G1.BetaTau) == int(n)
	if l := p.lag; l != nil {
		ok = ok && len(l.tau) == int(n) && len(l.alpha) == int(n) && len(l.beta) == int(n) && len(l.tau2) == int(n)
	}
	if !ok {
		return errors.New("corrupt prepared file: a vector does not have the header's size")
	}
	return nil
}

// commonsSHA256 is the SHA-256 of gnark's encoding of the sealed result.
func commonsSHA256(c *mpcsetup.SrsCommons) (string, error) {
	h := sha256.New()
	if _, err := c.WriteTo(h); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
