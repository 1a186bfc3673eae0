package wire

import "github.com/zkinfer/zkinfer/transparent/logup"

func (w *writer) logup(p *logup.Proof) {
	w.commitment(&p.M)
	w.commitment(&p.H)
	w.commitment(&p.G)
	// A presence byte, then the link to f's repetition (vanishing masks with
	// fewer lookups than table entries).
	if p.Link == nil {
		w.u8(0)
	} else {
		w.u8(1)
		w.commitment(&p.Link.F)
		w.sumcheck(&p.Link.Sumcheck)
	}
	w.sumcheck(&p.Sumcheck)
	for i := range p.Openings {
		w.opening(&p.Openings[i])
	}
}

func (r *reader) logup(p *logup.Proof) {
	r.commitment(&p.M, "logup m")
	r.commitment(&p.H, "logup h")
	r.commitment(&p.G, "logup g")
	switch r.u8() {
	case 0:
	case 1:
		p.Link = new(logup.Link)
		r.commitment(&p.Link.F, "logup f's repetition")
		r.sumcheck(&p.Link.Sumcheck, "logup link")
	default:
		r.fail("logup link presence byte not 0 or 1")
	}
	r.sumcheck(&p.Sumcheck, "logup sumcheck")
	for i := range p.Openings {
		r.opening(&p.Openings[i], "logup opening")
	}
}
