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
	w.sumcheck(&p.Lin)
	w.elems(p.AtRho)
	w.elem(&p.YAtR)
	w.sumcheck(&p.Sign)
	w.elem(&p.QAtSign)
	w.openings(p.Openings)
}

func (r *reader) rescale(p *rescale.Proof) {
	for _, c := range []*pcs.Commitment{&p.Q, &p.R, &p.V0, &p.V1, &p.Sigma, &p.Y} {
		r.commitment(c, "rescale")
	}
	p.Lookups = r.logups("rescale lookups")
	r.sumcheck(&p.Lin, "rescale linear zero-check")
	p.AtRho = r.elems("rescale values at ρ")
	r.elem(&p.YAtR, "rescale y(z)")
	r.sumcheck(&p.Sign, "rescale sign check")
	r.elem(&p.QAtSign, "rescale q(ρ')")
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
