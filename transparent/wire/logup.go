package wire

import "github.com/zkinfer/zkinfer/transparent/logup"

func (w *writer) logup(p *logup.Proof) {
	w.commitment(&p.M)
	w.commitment(&p.H)
	w.commitment(&p.G)
	w.elem(&p.Sum)
	w.elem(&p.MAtR)
	w.sumcheck(&p.SumH)
	w.sumcheck(&p.SumG)
	w.sumcheck(&p.ZeroH)
	w.sumcheck(&p.ZeroG)
	for i := range p.Openings {
		w.opening(&p.Openings[i])
	}
}

func (r *reader) logup(p *logup.Proof) {
	r.commitment(&p.M, "logup m")
	r.commitment(&p.H, "logup h")
	r.commitment(&p.G, "logup g")
	r.elem(&p.Sum, "logup sum")
	r.elem(&p.MAtR, "logup m(r)")
	r.sumcheck(&p.SumH, "logup Σh")
	r.sumcheck(&p.SumG, "logup Σg")
	r.sumcheck(&p.ZeroH, "logup h zero-check")
	r.sumcheck(&p.ZeroG, "logup g zero-check")
	for i := range p.Openings {
		r.opening(&p.Openings[i], "logup opening")
	}
}
