package wire

import (
	"github.com/zkinfer/zkinfer/transparent/conv"
	"github.com/zkinfer/zkinfer/transparent/pcs"
)

const minConv = minCommitment + 32 + 2*minSumcheck + 2*minOpening + 1

func (w *writer) conv(p *conv.Proof) {
	w.commitment(&p.Y)
	w.elem(&p.YAtR)
	w.elem(&p.BAtR)
	w.sumcheck(&p.Matmul)
	w.sumcheck(&p.Gather)
	w.opening(&p.X)
	w.opening(&p.YOpen)
	// A presence byte, then the patch table's mask commitment (vanishing
	// masks only).
	if p.BMask == (pcs.Commitment{}) {
		w.u8(0)
	} else {
		w.u8(1)
		w.commitment(&p.BMask)
	}
}

func (r *reader) conv(p *conv.Proof) {
	r.commitment(&p.Y, "conv y")
	r.elem(&p.YAtR, "conv y(r)")
	r.elem(&p.BAtR, "conv b(r)")
	r.sumcheck(&p.Matmul, "conv matmul")
	r.sumcheck(&p.Gather, "conv gather")
	r.opening(&p.X, "conv x opening")
	r.opening(&p.YOpen, "conv y opening")
	switch r.u8() {
	case 0:
	case 1:
		r.commitment(&p.BMask, "conv patch mask")
		if p.BMask == (pcs.Commitment{}) {
			r.fail("conv patch mask present and zero")
		}
	default:
		r.fail("conv patch mask presence byte not 0 or 1")
	}
}
