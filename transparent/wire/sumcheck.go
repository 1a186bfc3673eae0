package wire

import (
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/sumcheck"
)

// A sumcheck proof: its rounds, each with its own length (a ProveSum
// round is sent at its own degree: the verifier, not this codec, checks
// each length against the statement), its finals, then one flags byte (bit 0:
// the mask follows, bit 1: the tail final follows; any other bit is an
// error), the mask (commitment, sum, value, opening) and the tail final.
// The flags byte is the presence byte of the mask that proofs without a
// tail always had, so those keep their bytes.
func (w *writer) sumcheck(s *sumcheck.Proof) {
	w.u32(len(s.Rounds))
	for _, g := range s.Rounds {
		w.elems(g)
	}
	w.elems(s.Finals)
	flags := 0
	if s.Mask != nil {
		flags |= 1
	}
	if s.Tail != nil {
		flags |= 2
	}
	w.u8(flags)
	if m := s.Mask; m != nil {
		w.commitment(&m.Com)
		w.elem(&m.Sum)
		w.elem(&m.Value)
		w.opening(&m.Open)
	}
	if s.Tail != nil {
		w.elem(s.Tail)
	}
}

func (r *reader) sumcheck(s *sumcheck.Proof, what string) {
	if n := r.count(4, what+" rounds"); n > 0 {
		s.Rounds = make([][]fr.Element, n)
		for i := range s.Rounds {
			s.Rounds[i] = r.elems(what + " round")
		}
	}
	s.Finals = r.elems(what + " finals")
	flags := r.u8()
	if r.err != nil {
		return
	}
	if flags&^3 != 0 {
		r.fail("%s flags byte %d (want 0..3: bit 0 a mask, bit 1 a tail)", what, flags)
		return
	}
	if flags&1 != 0 {
		m := &sumcheck.MaskPart{}
		r.commitment(&m.Com, what+" mask")
		r.elem(&m.Sum, what+" mask sum")
		r.elem(&m.Value, what+" mask value")
		r.opening(&m.Open, what+" mask opening")
		s.Mask = m
	}
	if flags&2 != 0 {
		var t fr.Element
		r.elem(&t, what+" tail final")
		s.Tail = &t
	}
}
