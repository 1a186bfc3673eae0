package wire

import (
	"github.com/zkinfer/zkinfer/transparent/poseidon2gkr"
	"github.com/zkinfer/zkinfer/transparent/sumcheck"
	"github.com/zkinfer/zkinfer/transparent/weightroot"
)

// The binding of committed weights to the model commitment (version 8;
// package weightroot), after the weight commitments of kinds 4, 5 and 7:
//
//	root elem ‖ salt commitment ‖ leaves commitment
//	‖ pack: limbs (commitments) ‖ M ‖ H (commitments) ‖ G ‖ sumcheck
//	‖ tree: levels (count, each its layers' sumchecks, counted)
//	        ‖ opening ‖ zk presence u8 (0 or 1)
//	        [‖ masks commitment ‖ leaves sumcheck ‖ reduce sumcheck
//	         ‖ mask opening ‖ pool commitment ‖ pool reduce sumcheck
//	         ‖ pool opening]

const minTreeLevel = 4

func (w *writer) weightRoot(p *weightroot.Proof) {
	w.elem(&p.Root)
	w.commitment(&p.Salt)
	w.commitment(&p.Leaves)
	w.commitments(p.Pack.Limbs)
	w.commitment(&p.Pack.M)
	w.commitments(p.Pack.H)
	w.commitment(&p.Pack.G)
	w.sumcheck(&p.Pack.Sumcheck)
	list(w, p.Tree.Levels, func(l *poseidon2gkr.PermProof) { list(w, l.Layers, w.sumcheck) })
	w.opening(&p.Tree.Opening)
	z := p.Tree.ZK
	if z == nil {
		w.u8(0)
		return
	}
	w.u8(1)
	w.commitment(&z.Masks)
	w.sumcheck(&z.Leaves)
	w.sumcheck(&z.Reduce)
	w.opening(&z.MaskOpening)
	w.commitment(&z.Pool)
	w.sumcheck(&z.PoolOpening.Reduce)
	w.opening(&z.PoolOpening.Open)
}

func (r *reader) weightRoot(p *weightroot.Proof) {
	r.elem(&p.Root, "model commitment")
	r.commitment(&p.Salt, "salt")
	r.commitment(&p.Leaves, "leaves")
	p.Pack.Limbs = r.commitments("packing limbs")
	r.commitment(&p.Pack.M, "packing m")
	p.Pack.H = r.commitments("packing h")
	r.commitment(&p.Pack.G, "packing g")
	r.sumcheck(&p.Pack.Sumcheck, "packing sumcheck")
	p.Tree.Levels = readList(r, minTreeLevel, "tree levels", func(l *poseidon2gkr.PermProof) {
		l.Layers = readList(r, minSumcheck, "tree layers", func(s *sumcheck.Proof) { r.sumcheck(s, "tree layer") })
	})
	r.opening(&p.Tree.Opening, "tree opening")
	switch zk := r.u8(); {
	case r.err != nil:
		return
	case zk > 1:
		r.fail("tree zero-knowledge presence byte %d (want 0 or 1)", zk)
		return
	case zk == 0:
		return
	}
	z := &poseidon2gkr.ZKProof{}
	r.commitment(&z.Masks, "tree masks")
	r.sumcheck(&z.Leaves, "tree leaves sumcheck")
	r.sumcheck(&z.Reduce, "tree mask reduction")
	r.opening(&z.MaskOpening, "tree mask opening")
	r.commitment(&z.Pool, "tree mask pool")
	r.sumcheck(&z.PoolOpening.Reduce, "tree pool reduction")
	r.opening(&z.PoolOpening.Open, "tree pool opening")
	p.Tree.ZK = z
}
