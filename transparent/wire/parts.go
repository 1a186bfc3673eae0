package wire

import (
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/logup"
	"github.com/zkinfer/zkinfer/transparent/matmul"
	"github.com/zkinfer/zkinfer/transparent/mlp"
	"github.com/zkinfer/zkinfer/transparent/sumcheck"
)

// The shapes every proof type's encoding is built from: a whole proof
// (header, body, nothing after), a counted list, a fixed run of elements and
// a presence byte with a mask. Each reader bounds what it allocates by the
// bytes left (reader.count) before it allocates.

// encode writes the header of kind, then the body.
func encode(kind int, body func(*writer)) ([]byte, error) {
	w := &writer{}
	header(w, kind)
	body(w)
	return w.b, w.err
}

// decode reads the header of kind, then the body into a new T, and refuses
// trailing bytes.
func decode[T any](b []byte, kind int, body func(*reader, *T)) (*T, error) {
	r := &reader{b: b}
	readHeader(r, kind)
	p := new(T)
	body(r, p)
	if err := r.end(); err != nil {
		return nil, err
	}
	return p, nil
}

// list writes a u32 count, then each entry of v with put.
func list[T any](w *writer, v []T, put func(*T)) {
	w.u32(len(v))
	for i := range v {
		put(&v[i])
	}
}

// readList reads a count of entries of at least size bytes each, then each
// entry with get; nil for a count of 0 or after an error.
func readList[T any](r *reader, size int, what string, get func(*T)) []T {
	n := r.count(size, what)
	if n == 0 || r.err != nil {
		return nil
	}
	v := make([]T, n)
	for i := range v {
		get(&v[i])
	}
	return v
}

// fixed writes the elements of a fixed-size array, with no count.
func (w *writer) fixed(v []fr.Element) {
	for i := range v {
		w.elem(&v[i])
	}
}

// fixed reads len(v) elements into v, with no count.
func (r *reader) fixed(v []fr.Element, what string) {
	for i := range v {
		r.elem(&v[i], what)
	}
}

// mask writes a presence byte, 0 for nil, then 1 and the mask's commitment,
// sum, value and opening (sumcheck.MaskPart; a batch.Mask converts).
func (w *writer) mask(m *sumcheck.MaskPart) {
	if m == nil {
		w.u8(0)
		return
	}
	w.u8(1)
	w.commitment(&m.Com)
	w.elem(&m.Sum)
	w.elem(&m.Value)
	w.opening(&m.Open)
}

// mask reads what (w *writer).mask writes: nil for a presence byte 0 or after
// an error, and any byte but 0 or 1 an error.
func (r *reader) mask(what string) *sumcheck.MaskPart {
	switch f := r.u8(); {
	case r.err != nil:
	case f == 1:
		m := &sumcheck.MaskPart{}
		r.commitment(&m.Com, what+" mask")
		r.elem(&m.Sum, what+" mask sum")
		r.elem(&m.Value, what+" mask value")
		r.opening(&m.Open, what+" mask opening")
		return m
	case f != 0:
		r.fail("%s mask presence byte %d", what, f)
	}
	return nil
}

func (w *writer) logups(v []logup.Proof) { list(w, v, w.logup) }

func (r *reader) logups(what string) []logup.Proof {
	return readList(r, minLogup, what, r.logup)
}

func (w *writer) steps(v []matmul.StepProof) { list(w, v, w.step) }

func (r *reader) steps(what string) []matmul.StepProof {
	return readList(r, minStep, what, r.step)
}

// inputRange writes an mlp.InputRange (kinds 1 to 6, after x).
func (w *writer) inputRange(p *mlp.InputRange) {
	w.commitment(&p.V0)
	w.commitment(&p.V1)
	w.logups(p.Lookups)
	w.sumcheck(&p.Zero)
	w.openings(p.Openings)
}

func (r *reader) inputRange(p *mlp.InputRange) {
	r.commitment(&p.V0, "input v0")
	r.commitment(&p.V1, "input v1")
	p.Lookups = r.logups("input lookups")
	r.sumcheck(&p.Zero, "input zero-check")
	p.Openings = r.openings("input openings")
}
