// Package transcript is the Fiat–Shamir transcript of zkinfer's transparent
// proof system (Fiat and Shamir, CRYPTO 1986; in the random-oracle model of
// Bellare and Rogaway 1993, and for multi-round protocols Canetti et al.,
// "Fiat–Shamir: from practice to theory", STOC 2019).
//
// Every prover message — commitments, claimed values, round polynomials,
// openings — is absorbed under a label before any challenge that depends on
// it is squeezed, so a challenge is a hash of the whole history up to it.
// The state is a SHA-256 chaining value:
//
//	state ← SHA-256("zkinfer/absorb" ‖ state ‖ len(label) ‖ label ‖ len(data) ‖ data)
//	out   ← SHA-256("zkinfer/squeeze" ‖ state ‖ len(label) ‖ label ‖ counter), state ← out
//
// with lengths as 8-byte big-endian integers, so that no two distinct
// sequences of (label, message) pairs hash the same input (the encoding is
// prefix-free). A field challenge takes 64 bytes (two squeezes) reduced
// modulo r, the BN254 scalar field's order: its statistical distance from
// uniform is below 2^-256. Soundness in the random-oracle model loses, for
// a prover making Q hash queries, at most Q·ε for a round-by-round error ε
// (docs/TRANSPARENT.md).
//
// SHA-256 rather than Poseidon2: the prover hashes every column of every
// committed matrix, and SHA-256 with the CPU's SHA extensions is an order of
// magnitude faster than Poseidon2 over BN254 in Go; a later Groth16 wrap of
// the verifier would swap in Poseidon2 (gnark-crypto's bn254 poseidon2)
// behind this same API, which is why every user goes through it.
package transcript

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/internal/avxstate"
)

// Transcript is a Fiat–Shamir transcript. The zero value is not usable; call
// [New]. A Transcript is not safe for concurrent use.
type Transcript struct {
	state   [32]byte
	counter uint64
	// attached is a protocol package's per-proof state that travels with
	// the transcript (sumcheck's mask stream); never absorbed.
	attached any
}

// Attach binds v to t for the protocols run on it (sumcheck's mask stream:
// every zero-knowledge sumcheck on t draws its mask from it); nil removes
// it. It changes no challenge: v is not absorbed.
func (t *Transcript) Attach(v any) { t.attached = v }

// Attached returns what [Transcript.Attach] bound to t, or nil.
func (t *Transcript) Attached() any { return t.attached }

// New returns a transcript for the protocol named by domain: two protocols
// with different domains never share a challenge.
func New(domain string) *Transcript {
	t := &Transcript{}
	t.AppendBytes("domain", []byte(domain))
	return t
}

func putLen(h interface{ Write([]byte) (int, error) }, n int) {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(n))
	h.Write(b[:])
}

// AppendBytes absorbs data under label.
func (t *Transcript) AppendBytes(label string, data []byte) {
	avxstate.Clear()
	h := sha256.New()
	h.Write([]byte("zkinfer/absorb"))
	h.Write(t.state[:])
	putLen(h, len(label))
	h.Write([]byte(label))
	putLen(h, len(data))
	h.Write(data)
	h.Sum(t.state[:0])
}

// AppendUint64 absorbs v under label.
func (t *Transcript) AppendUint64(label string, v uint64) {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], v)
	t.AppendBytes(label, b[:])
}

// AppendElements absorbs field elements (canonical 32-byte big-endian each)
// under label; the count is part of the encoding.
func (t *Transcript) AppendElements(label string, es ...fr.Element) {
	buf := make([]byte, 0, len(es)*fr.Bytes)
	for i := range es {
		b := es[i].Bytes()
		buf = append(buf, b[:]...)
	}
	t.AppendBytes(label, buf)
}

func (t *Transcript) squeeze(label string) [32]byte {
	avxstate.Clear()
	h := sha256.New()
	h.Write([]byte("zkinfer/squeeze"))
	h.Write(t.state[:])
	putLen(h, len(label))
	h.Write([]byte(label))
	putLen(h, int(t.counter))
	t.counter++
	var out [32]byte
	h.Sum(out[:0])
	t.state = out
	return out
}

// Challenge returns a field element derived from everything absorbed so far
// and label; it is within 2^-256 of uniform.
func (t *Transcript) Challenge(label string) fr.Element {
	a := t.squeeze(label)
	b := t.squeeze(label)
	var e fr.Element
	e.SetBytes(append(a[:], b[:]...)) // 512 bits mod r
	return e
}

// Challenges returns n field challenges under label.
func (t *Transcript) Challenges(label string, n int) []fr.Element {
	out := make([]fr.Element, n)
	for i := range out {
		out[i] = t.Challenge(label)
	}
	return out
}

// Indices returns count indices uniform in [0, n), drawn with replacement,
// for n a power of two (so that reducing 64 random bits is exact).
func (t *Transcript) Indices(label string, n, count int) ([]int, error) {
	if n <= 0 || n&(n-1) != 0 {
		return nil, fmt.Errorf("transcript: index range %d is not a power of two", n)
	}
	out := make([]int, count)
	for i := 0; i < count; i += 4 {
		b := t.squeeze(label)
		for j := 0; j < 4 && i+j < count; j++ {
			out[i+j] = int(binary.BigEndian.Uint64(b[8*j:]) & uint64(n-1))
		}
	}
	return out, nil
}
