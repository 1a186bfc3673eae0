package wire

import "github.com/zkinfer/zkinfer/transparent/logup"

func (w *writer) logup(p *logup.Proof) {
	w.commitment(&p.M)
	w.commitment(&p.H)
	w.commitment(&p.G)
	w.sumcheck(&p.Sumcheck)
	for i := range p.Openings {
		w.opening(&p.Openings[i])
	}
}

func (r *reader) logup(p *logup.Proof) {
	r.commitment(&p.M, "logup m")
	r.commitment(&p.H, "logup h")
	r.commitment(&p.G, "logup g")
	r.sumcheck(&p.Sumcheck, "logup sumcheck")
	for i := range p.Openings {
		r.opening(&p.Openings[i], "logup opening")
	}
}
