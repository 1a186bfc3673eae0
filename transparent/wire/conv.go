package wire

import "github.com/zkinfer/zkinfer/transparent/conv"

const minConv = minCommitment + 32 + 2*minSumcheck + 2*minOpening

func (w *writer) conv(p *conv.Proof) {
	w.commitment(&p.Y)
	w.elem(&p.YAtR)
	w.elem(&p.BAtR)
	w.sumcheck(&p.Matmul)
	w.sumcheck(&p.Gather)
	w.opening(&p.X)
	w.opening(&p.YOpen)
}

func (r *reader) conv(p *conv.Proof) {
	r.commitment(&p.Y, "conv y")
	r.elem(&p.YAtR, "conv y(r)")
	r.elem(&p.BAtR, "conv b(r)")
	r.sumcheck(&p.Matmul, "conv matmul")
	r.sumcheck(&p.Gather, "conv gather")
	r.opening(&p.X, "conv x opening")
	r.opening(&p.YOpen, "conv y opening")
}
