package wire

import (
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/sumcheck"
)

func (w *writer) sumcheck(s *sumcheck.Proof) {
	w.u32(len(s.Rounds))
	for _, g := range s.Rounds {
		w.elems(g)
	}
	w.elems(s.Finals)
	w.mask(s.Mask)
}

func (r *reader) sumcheck(s *sumcheck.Proof, what string) {
	if n := r.count(4, what+" rounds"); n > 0 {
		s.Rounds = make([][]fr.Element, n)
		for i := range s.Rounds {
			s.Rounds[i] = r.elems(what + " round")
		}
	}
	s.Finals = r.elems(what + " finals")
	s.Mask = r.mask(what)
}
