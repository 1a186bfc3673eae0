package wire

import (
	"github.com/zkinfer/zkinfer/transparent/matmul"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/rescale"
)

func (w *writer) rescale(p *rescale.Proof) {
	for _, c := range []*pcs.Commitment{&p.Q, &p.R, &p.V0, &p.V1, &p.Sigma, &p.Y} {
		w.commitment(c)
	}
	w.logups(p.Lookups)
	w.sumcheck(&p.Check)
	w.openings(p.Openings)
}

func (r *reader) rescale(p *rescale.Proof) {
	for _, c := range []*pcs.Commitment{&p.Q, &p.R, &p.V0, &p.V1, &p.Sigma, &p.Y} {
		r.commitment(c, "rescale")
	}
	p.Lookups = r.logups("rescale lookups")
	r.sumcheck(&p.Check, "rescale zero-check")
	p.Openings = r.openings("rescale openings")
}

func (w *writer) step(p *matmul.StepProof) {
	w.commitment(&p.Y)
	w.elem(&p.YAtR)
	w.elem(&p.BAtR)
	w.sumcheck(&p.Sumcheck)
	w.opening(&p.X)
	w.opening(&p.YOpen)
}

func (r *reader) step(p *matmul.StepProof) {
	r.commitment(&p.Y, "step y")
	r.elem(&p.YAtR, "step y(r)")
	r.elem(&p.BAtR, "step b(r)")
	r.sumcheck(&p.Sumcheck, "step sumcheck")
	r.opening(&p.X, "step x opening")
	r.opening(&p.YOpen, "step y opening")
}
