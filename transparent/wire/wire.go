// Package wire is the binary encoding of the transparent backend's proofs:
// the bytes a proof file carries (hex, in PROOF.json's "proof") and a
// verifier decodes. One package for every proof type, not a MarshalBinary
// per package, because the format is one document with one version: a
// header, then the proof's parts in a fixed order, and a single bounded
// reader that every part decodes through, so the rules below hold for all of
// them at once and a change to any part is one version bump here.
//
// # Format, version 8
//
//	proof   = magic "ZKTP" ‖ version u16 (8) ‖ kind u8 ‖ body
//	u8, u16, u32: big-endian unsigned integers
//	elem    = 32 bytes, big-endian, canonical (< r, BN254's scalar field)
//	hash    = 32 bytes
//	elems   = count u32 ‖ count × elem
//	hashes  = count u32 ‖ count × hash
//	commitment = root hash ‖ numVars u8 ‖ rowVars u8
//
// and each proof type's body as its encoder (proofs.go) writes its fields,
// in the order of the struct's declaration. Kind 1 is an mlp.Proof, kind 2
// an mlp.BatchedProof (the same, its openings empty, then a batch.Proof:
// per group its rounds, finals, u, v, columns per table, multiproofs per
// table and the masks' values); kind 3 a cnn.Proof (cnn.go); kinds 4 and 5
// the same with committed weights (committed.go: the weight commitments,
// their binding to the model commitment (weightroot.go), then kind 2's or
// 3's body); kind 6 a cnn.ResProof (residual.go), kind 7
// the same with committed weights (rescommitted.go).
//
// # Decoding untrusted bytes
//
// Decoding never panics and allocates nothing before the bytes that would
// fill it are known to be there: every count is checked against the bytes
// left (a count of n elements needs 32n of them) before the slice is made,
// so a decoder allocates at most a small multiple of its input. Field
// elements must be canonical, commitments' variable counts are at most
// MaxVars, and trailing bytes are an error, so the encoding is a bijection
// between valid byte strings and the proofs they decode to: Decode then
// Encode gives back the same bytes (tested, and fuzzed). What decodes is
// only well formed; the protocol's verifier decides whether it is a proof.
package wire

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/merkle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
)

// Version is the format's version; a decoder refuses any other.
//
// Version 2 (pcs hiding): every opening ends with its mask values (elems,
// empty for a binding commitment), every batch group with its multi-opening's.
// Version 3 (committed weights): every dense step carries b̃(r_j) after
// Ỹ(r_i, r_j) (zero unless its bias is committed).
// Version 4 (masked batch reductions): every batch group ends with a presence
// byte, 0 or 1, and with 1 its reduction's mask (batch.Mask: commitment,
// sum, value, opening; hiding proofs only).
// Version 5 (masked sumchecks): every sumcheck proof ends the same way with
// its sumcheck.MaskPart.
// Version 6 (zero knowledge, issue 22; one bump for all of 2026-12-01's
// changes): a sumcheck's flags byte (bit 1: a tail final follows), logUp's
// single sumcheck (no S, no m̃(r_t)) and its spans, rescale's single
// zero-check, the input range's and max pooling's zero-checks, conv's and
// the dense step's output tails, Add+Relu's and the flatten's links; the
// artifact proves under pcs.Params{Hiding, Vanishing} where every part of
// the model does (transparent/artifact, zk.go); dense layers' K and N are
// padded to at least matmul.MinDim, convolutions' patch cubes to
// conv.MinPatch and CNN tensors' tables to conv.MinTable (the encoding is
// unchanged; those shapes' tables and hashed weights' commitments grow, so
// a proof of such a model made before is rejected by the verifier, not the
// decoder). A version-5 proof is
// refused: prove again.
// Version 7 (pooled Libra masks, issue 22): every batch proof ends with its
// mask pools (batch.Proof.Pools: commitments, then openings, each a
// sumcheck and a pcs opening); a chain's zero-knowledge sumchecks carry
// their masks' G and g(r) with an empty commitment and opening. A
// version-6 proof is refused: prove again.
// Version 8 (hashed weights secret across proofs, issue 22): kinds 4, 5 and
// 7 carry, after the weight commitments (now fresh for every proof), their
// binding to the model commitment — the Poseidon2 root, the salt's and the
// leaves' commitments, the packing and the tree proofs (weightroot.go);
// committed convolution biases of ≤ 2 channels are repeated to 4 entries
// (conv.MinBiasVars). Kinds 1, 2, 3 and 6 (fixed weights) are unchanged
// but for the version. A version-7 proof is refused: prove again.
const Version = 8

// Magic opens every encoded proof.
const Magic = "ZKTP"

// Kinds of proof.
const (
	KindMLP          = 1 // mlp.Proof
	KindMLPBatched   = 2 // mlp.BatchedProof: the chain's openings deferred into one batch.Proof
	KindCNN          = 3 // cnn.Proof (cnn.go)
	KindMLPCommitted = 4 // mlp.CommittedProof: the weight commitments, then kind 2's body (committed.go)
	KindCNNCommitted = 5 // cnn.CommittedProof: the weight commitments, then kind 3's body
)

// MaxBytes bounds an encoded proof (128 MiB; a dense chain's proof is a few
// MB): longer input is refused before it is read.
const MaxBytes = 1 << 27

// MaxVars bounds a commitment's variable count: tables of at most 2^40
// entries (a verifier never allocates by it, but a bound keeps every shift
// and challenge count small).
const MaxVars = 40

// writer appends the encoding to a buffer.
type writer struct {
	b   []byte
	err error
}

func (w *writer) u8(v int)  { w.b = append(w.b, byte(v)) }
func (w *writer) u16(v int) { w.b = binary.BigEndian.AppendUint16(w.b, uint16(v)) }
func (w *writer) u32(v int) { w.b = binary.BigEndian.AppendUint32(w.b, uint32(v)) }

func (w *writer) elem(e *fr.Element) {
	b := e.Bytes()
	w.b = append(w.b, b[:]...)
}

func (w *writer) elems(v []fr.Element) {
	w.u32(len(v))
	for i := range v {
		w.elem(&v[i])
	}
}

func (w *writer) hash(h *merkle.Hash) { w.b = append(w.b, h[:]...) }

func (w *writer) hashes(v []merkle.Hash) {
	w.u32(len(v))
	for i := range v {
		w.hash(&v[i])
	}
}

func (w *writer) commitment(c *pcs.Commitment) {
	if (c.NumVars < 0 || c.NumVars > MaxVars || c.RowVars < 0 || c.RowVars > c.NumVars) && w.err == nil {
		w.err = fmt.Errorf("wire: commitment over %d variables with %d row variables cannot be encoded (at most %d)", c.NumVars, c.RowVars, MaxVars)
	}
	w.hash(&c.Root)
	w.u8(c.NumVars)
	w.u8(c.RowVars)
}

// reader decodes with a sticky error: after the first failure every read
// returns zero values and the error stays the first one.
type reader struct {
	b   []byte
	off int
	err error
}

// ErrTruncated is the error for input that ends inside a value.
var ErrTruncated = errors.New("wire: the proof ends early (truncated)")

func (r *reader) fail(format string, a ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("wire: "+format, a...)
	}
}

func (r *reader) left() int { return len(r.b) - r.off }

// take returns the next n bytes, or nil after an error.
func (r *reader) take(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || n > r.left() {
		r.err = ErrTruncated
		return nil
	}
	s := r.b[r.off : r.off+n]
	r.off += n
	return s
}

func (r *reader) u8() int {
	if b := r.take(1); b != nil {
		return int(b[0])
	}
	return 0
}

func (r *reader) u16() int {
	if b := r.take(2); b != nil {
		return int(binary.BigEndian.Uint16(b))
	}
	return 0
}

func (r *reader) u32() int {
	if b := r.take(4); b != nil {
		return int(binary.BigEndian.Uint32(b))
	}
	return 0
}

// count reads a count of items of at least size bytes each and checks that
// the input holds that many before anything is allocated.
func (r *reader) count(size int, what string) int {
	n := r.u32()
	if r.err == nil && n > r.left()/size {
		r.fail("%s: %d entries of %d bytes, only %d bytes left", what, n, size, r.left())
		return 0
	}
	return n
}

func (r *reader) elem(e *fr.Element, what string) {
	b := r.take(fr.Bytes)
	if b == nil {
		return
	}
	if err := e.SetBytesCanonical(b); err != nil {
		r.fail("%s: not a canonical field element", what)
	}
}

func (r *reader) elems(what string) []fr.Element {
	n := r.count(fr.Bytes, what)
	if n == 0 || r.err != nil {
		return nil
	}
	v := make([]fr.Element, n)
	for i := range v {
		r.elem(&v[i], what)
	}
	return v
}

func (r *reader) hash(h *merkle.Hash) {
	if b := r.take(len(h)); b != nil {
		copy(h[:], b)
	}
}

func (r *reader) hashes(what string) []merkle.Hash {
	n := r.count(len(merkle.Hash{}), what)
	if n == 0 || r.err != nil {
		return nil
	}
	v := make([]merkle.Hash, n)
	for i := range v {
		r.hash(&v[i])
	}
	return v
}

func (r *reader) commitment(c *pcs.Commitment, what string) {
	r.hash(&c.Root)
	c.NumVars, c.RowVars = r.u8(), r.u8()
	if r.err == nil && (c.NumVars > MaxVars || c.RowVars > c.NumVars) {
		r.fail("%s: commitment over %d variables with %d row variables (at most %d, and rows within them)", what, c.NumVars, c.RowVars, MaxVars)
	}
}

// header writes the magic, the version and the kind.
func header(w *writer, kind int) {
	w.b = append(w.b, Magic...)
	w.u16(Version)
	w.u8(kind)
}

// readHeader checks the size, the magic, the version and the kind.
func readHeader(r *reader, kind int) {
	if len(r.b) > MaxBytes {
		r.fail("the proof is %d bytes, more than %d", len(r.b), MaxBytes)
		return
	}
	if len(r.b) < len(Magic) || string(r.b[:len(Magic)]) != Magic {
		r.fail("not a transparent proof (no %q header)", Magic)
		return
	}
	r.take(len(Magic))
	if v := r.u16(); r.err == nil && v != Version {
		r.fail("format version %d, this zkinfer reads %d: prove it again with this zkinfer", v, Version)
		return
	}
	if k := r.u8(); r.err == nil && k != kind {
		r.fail("proof of kind %d, want %d", k, kind)
	}
}

// end reports trailing bytes.
func (r *reader) end() error {
	if r.err == nil && r.left() != 0 {
		r.fail("%d bytes after the proof's end", r.left())
	}
	return r.err
}
