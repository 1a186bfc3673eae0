package wire

import "github.com/zkinfer/zkinfer/transparent/maxpool"

const minPool = 4*minCommitment + 4 + minSumcheck + minSumcheck + minSumcheck + 4

func (w *writer) pool(p *maxpool.Proof) {
	w.commitment(&p.Y)
	w.commitment(&p.L0)
	w.commitment(&p.L1)
	w.commitment(&p.R)
	w.logups(p.Lookups)
	w.sumcheck(&p.Zero)
	w.sumcheck(&p.Link)
	w.sumcheck(&p.Gather)
	w.openings(p.Openings)
}

func (r *reader) pool(p *maxpool.Proof) {
	r.commitment(&p.Y, "pool y")
	r.commitment(&p.L0, "pool l0")
	r.commitment(&p.L1, "pool l1")
	r.commitment(&p.R, "pool mask")
	p.Lookups = r.logups("pool lookups")
	r.sumcheck(&p.Zero, "pool zero-check")
	r.sumcheck(&p.Link, "pool link")
	r.sumcheck(&p.Gather, "pool gather")
	p.Openings = r.openings("pool openings")
}
