package wire

import (
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/batch"
	"github.com/zkinfer/zkinfer/transparent/merkle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/sumcheck"
)

func (w *writer) batch(p *batch.Proof) {
	w.u32(len(p.Groups))
	for i := range p.Groups {
		g := &p.Groups[i]
		w.u32(len(g.Rounds))
		for _, rd := range g.Rounds {
			w.elems(rd)
		}
		w.elems(g.Finals)
		w.elems(g.Open.U)
		w.elems(g.Open.V)
		w.u32(len(g.Open.Columns))
		for _, cols := range g.Open.Columns {
			w.u32(len(cols))
			for _, c := range cols {
				w.elems(c)
			}
		}
		w.u32(len(g.Open.Proofs))
		for _, h := range g.Open.Proofs {
			w.hashes(h)
		}
		w.elems(g.Open.Masks)
		w.mask((*sumcheck.MaskPart)(g.Mask))
	}
	w.commitments(p.Pools.Coms)
	list(w, p.Pools.Opens, func(o *sumcheck.PoolOpening) {
		w.sumcheck(&o.Reduce)
		w.opening(&o.Open)
	})
}

func (r *reader) batch(p *batch.Proof) {
	r.groups(p)
	p.Pools.Coms = r.commitments("mask pool commitments")
	p.Pools.Opens = readList(r, minSumcheck+minOpening, "mask pool openings", func(o *sumcheck.PoolOpening) {
		r.sumcheck(&o.Reduce, "mask pool reduction")
		r.opening(&o.Open, "mask pool opening")
	})
}

func (r *reader) groups(p *batch.Proof) {
	n := r.count(minGroup, "batch groups")
	if n == 0 || r.err != nil {
		return
	}
	p.Groups = make([]batch.Group, n)
	for i := range p.Groups {
		g := &p.Groups[i]
		if k := r.count(4, "batch rounds"); k > 0 {
			g.Rounds = make([][]fr.Element, k)
			for j := range g.Rounds {
				g.Rounds[j] = r.elems("batch round")
			}
		}
		g.Finals = r.elems("batch finals")
		g.Open.U = r.elems("batch u")
		g.Open.V = r.elems("batch v")
		if k := r.count(4, "batch tables"); k > 0 {
			g.Open.Columns = make([][][]fr.Element, k)
			for j := range g.Open.Columns {
				if c := r.count(4, "batch columns"); c > 0 {
					g.Open.Columns[j] = make([][]fr.Element, c)
					for l := range g.Open.Columns[j] {
						g.Open.Columns[j][l] = r.elems("batch column")
					}
				}
			}
		}
		if k := r.count(4, "batch multiproofs"); k > 0 {
			g.Open.Proofs = make([][]merkle.Hash, k)
			for j := range g.Open.Proofs {
				g.Open.Proofs[j] = r.hashes("batch multiproof")
			}
		}
		g.Open.Masks = r.elems("batch masks")
		g.Mask = (*batch.Mask)(r.mask("batch"))
	}
}

func (w *writer) opening(o *pcs.Opening) {
	w.elems(o.U)
	w.elems(o.V)
	w.u32(len(o.Columns))
	for _, c := range o.Columns {
		w.elems(c)
	}
	w.hashes(o.Proof)
	w.elems(o.Mask)
}

func (r *reader) opening(o *pcs.Opening, what string) {
	o.U = r.elems(what + " u")
	o.V = r.elems(what + " v")
	if n := r.count(4, what+" columns"); n > 0 {
		o.Columns = make([][]fr.Element, n)
		for i := range o.Columns {
			o.Columns[i] = r.elems(what + " column")
		}
	}
	o.Proof = r.hashes(what + " multiproof")
	o.Mask = r.elems(what + " mask")
}

func (w *writer) openings(v []pcs.Opening) { list(w, v, w.opening) }

func (r *reader) openings(what string) []pcs.Opening {
	return readList(r, minOpening, what, func(o *pcs.Opening) { r.opening(o, what) })
}
