package verifier

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/bits"
)

// Bounded key decoding.
//
// gnark decodes a slice by reading its declared length and allocating that
// many elements before it reads them, so a corrupt or crafted key file of a
// few bytes can ask for hundreds of gigabytes and crash the process. Before
// a key reaches gnark's decoder, ScanProvingKey and scanVerifyingKey walk
// its encoding without decoding it, and check that every declared length
// fits in the bytes the file still holds and that nothing trails. The
// decoder then allocates in proportion to the file's size.

// frBytes is the size of a scalar field element; the point sizes are the
// wire format's (wire.go).
const frBytes = 32

// keyScan reads a key's encoding, tracking the bytes left.
type keyScan struct {
	r    *bufio.Reader
	left int64
	err  error
}

func newKeyScan(r io.Reader, size int64) *keyScan {
	return &keyScan{r: bufio.NewReaderSize(r, 1<<16), left: size}
}

func (s *keyScan) fail(format string, args ...any) {
	if s.err == nil {
		s.err = fmt.Errorf(format, args...)
	}
}

// skip consumes n bytes.
func (s *keyScan) skip(n int64) {
	if s.err != nil {
		return
	}
	if n > s.left {
		s.fail("truncated: %d bytes needed, %d left", n, s.left)
		return
	}
	for n > 0 {
		k := int(min(n, 1<<30))
		if _, err := s.r.Discard(k); err != nil {
			s.fail("truncated: %v", err)
			return
		}
		n -= int64(k)
		s.left -= int64(k)
	}
}

// uint reads a big-endian unsigned integer of size bytes (4 or 8).
func (s *keyScan) uint(size int) uint64 {
	if s.err != nil {
		return 0
	}
	if int64(size) > s.left {
		s.fail("truncated: %d bytes needed, %d left", size, s.left)
		return 0
	}
	var b [8]byte
	if _, err := io.ReadFull(s.r, b[:size]); err != nil {
		s.fail("truncated: %v", err)
		return 0
	}
	s.left -= int64(size)
	if size == 4 {
		return uint64(binary.BigEndian.Uint32(b[:4]))
	}
	return binary.BigEndian.Uint64(b[:])
}

// point consumes one point whose compressed encoding is size bytes.
func (s *keyScan) point(size int64) {
	if s.err != nil {
		return
	}
	flag, err := s.r.Peek(1)
	if err != nil {
		s.fail("truncated: %v", err)
		return
	}
	if flag[0]>>6 == 0 { // uncompressed
		size *= 2
	}
	s.skip(size)
}

// count reads a declared number of elements of at least min bytes each and
// checks that they fit in what is left.
func (s *keyScan) count(size int, min int64, what string) uint64 {
	n := s.uint(size)
	if s.err == nil {
		if hi, lo := bits.Mul64(n, uint64(min)); hi != 0 || lo > uint64(s.left) {
			s.fail("declares %d %s in %d bytes", n, what, s.left)
			return 0
		}
	}
	return n
}

// points consumes a slice of points (a 4-byte count, then the points) and
// returns its length.
func (s *keyScan) points(size int64, what string) uint64 {
	n := s.count(4, size, what)
	for i := uint64(0); i < n && s.err == nil; i++ {
		s.point(size)
	}
	return n
}

// end checks that the whole encoding was consumed.
func (s *keyScan) end() error {
	if s.err == nil && s.left != 0 {
		s.fail("%d unexpected bytes at the end", s.left)
	}
	return s.err
}

// scanVerifyingKey checks the layout of a Groth16 BN254 verifying key as
// gnark v0.16 writes it (VerifyingKey.WriteTo).
func scanVerifyingKey(r io.Reader, size int64) error {
	s := newKeyScan(r, size)
	for _, p := range []int64{g1Compressed, g1Compressed, g2Compressed, g2Compressed, g1Compressed, g2Compressed} {
		s.point(p) // α, β, [β]₂, [γ]₂, δ, [δ]₂
	}
	s.points(g1Compressed, "points K")
	// The public inputs each commitment hashes: [][]uint64.
	n := s.count(4, 4, "commitment input lists")
	for i := uint64(0); i < n && s.err == nil; i++ {
		m := s.count(4, 8, "committed public inputs")
		s.skip(int64(m) * 8)
	}
	// The commitments' Pedersen verifying keys: two G2 points each.
	nc := s.count(4, 2*g2Compressed, "commitment keys")
	for i := uint64(0); i < nc && s.err == nil; i++ {
		s.point(g2Compressed)
		s.point(g2Compressed)
	}
	return s.end()
}

// provingKeyLayout is what scanProvingKey learns of a proving key.
type provingKeyLayout struct {
	domain, z, wires uint64
}

// ScanProvingKey checks the layout of a Groth16 BN254 proving key of size
// bytes as gnark v0.16 writes it (ProvingKey.WriteRawTo or WriteTo), so that
// decoding it allocates in proportion to its size. The prover's key is
// scanned here, beside the verifying key, so that both share one reader.
func ScanProvingKey(r io.Reader, size int64) error {
	_, err := scanProvingKey(r, size)
	return err
}

func scanProvingKey(r io.Reader, size int64) (provingKeyLayout, error) {
	var l provingKeyLayout
	s := newKeyScan(r, size)
	// The FFT domain: cardinality, five field elements, a precompute flag.
	l.domain = s.uint(8)
	s.skip(5*frBytes + 1)
	for range 3 { // α, β, δ
		s.point(g1Compressed)
	}
	s.points(g1Compressed, "points A")
	s.points(g1Compressed, "points B")
	l.z = s.points(g1Compressed, "points Z")
	s.points(g1Compressed, "points K")
	s.point(g2Compressed) // [β]₂
	s.point(g2Compressed) // [δ]₂
	s.points(g2Compressed, "points B₂")
	l.wires = s.count(8, 2, "wires")
	s.uint(8) // the numbers of points at infinity in A and B
	s.uint(8)
	s.skip(2 * int64(l.wires)) // which points of A and B are at infinity
	nc := s.count(4, 8, "commitment keys")
	for i := uint64(0); i < nc && s.err == nil; i++ {
		s.points(g1Compressed, "commitment basis points")
		s.points(g1Compressed, "commitment basis points")
	}
	if err := s.end(); err != nil {
		return l, err
	}
	// Decoding precomputes the domain's twiddles, which take memory in
	// proportion to the domain: it must be a power of two no larger than
	// the points Z (one fewer than the domain) justify.
	if l.domain == 0 || l.domain&(l.domain-1) != 0 || l.domain-1 > l.z {
		return l, errors.New("its FFT domain does not match its points")
	}
	return l, nil
}
