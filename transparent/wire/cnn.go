package wire

import (
	"github.com/zkinfer/zkinfer/transparent/cnn"
	"github.com/zkinfer/zkinfer/transparent/conv"
	"github.com/zkinfer/zkinfer/transparent/maxpool"
	"github.com/zkinfer/zkinfer/transparent/rescale"
)

// EncodeCNN encodes a cnn.Proof (kind KindCNN): the input commitment and
// range proof as an mlp.Proof's, the convolution blocks, their rescales,
// the pools, the flatten (a presence byte, then its proof), the dense steps
// and rescales, then the batch.
func EncodeCNN(p *cnn.Proof) ([]byte, error) {
	return encode(KindCNN, func(w *writer) { w.cnn(p) })
}

// cnn writes a cnn.Proof's body (kinds 3 and 5).
func (w *writer) cnn(p *cnn.Proof) {
	w.commitment(&p.X)
	w.inputRange(&p.Input)
	list(w, p.Convs, w.conv)
	w.rescales(p.ConvRq)
	list(w, p.Pools, w.pool)
	if p.Flatten == nil {
		w.u8(0)
	} else {
		w.u8(1)
		w.commitment(&p.Flatten.X)
		w.elem(&p.Flatten.AtR)
		w.sumcheck(&p.Flatten.Gather)
	}
	w.steps(p.Steps)
	w.rescales(p.Requan)
	w.batch(&p.Batch)
}

// DecodeCNN decodes a cnn.Proof, as DecodeMLP does an mlp.Proof.
func DecodeCNN(b []byte) (*cnn.Proof, error) {
	return decode(b, KindCNN, (*reader).cnn)
}

// cnn reads a cnn.Proof's body (kinds 3 and 5).
func (r *reader) cnn(p *cnn.Proof) {
	r.commitment(&p.X, "x")
	r.inputRange(&p.Input)
	p.Convs = readList(r, minConv, "convolutions", r.conv)
	p.ConvRq = r.rescales("convolution rescales")
	p.Pools = readList(r, minPool, "pools", r.pool)
	switch f := r.u8(); {
	case r.err != nil:
	case f == 1:
		p.Flatten = &cnn.FlattenProof{}
		r.commitment(&p.Flatten.X, "flatten")
		r.elem(&p.Flatten.AtR, "flatten at r")
		r.sumcheck(&p.Flatten.Gather, "flatten gather")
	case f != 0:
		r.fail("flatten presence byte %d", f)
	}
	p.Steps = r.steps("steps")
	p.Requan = r.rescales("rescales")
	r.batch(&p.Batch)
}

const (
	minConv = minCommitment + 32 + 2*minSumcheck + 2*minOpening
	minPool = 3*minCommitment + 4 + minSumcheck + minSumcheck + 4*32 + minSumcheck + 4
)

func (w *writer) rescales(v []rescale.Proof) { list(w, v, w.rescale) }

func (r *reader) rescales(what string) []rescale.Proof {
	return readList(r, minRescale, what, r.rescale)
}

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

func (w *writer) pool(p *maxpool.Proof) {
	w.commitment(&p.Y)
	w.commitment(&p.L0)
	w.commitment(&p.L1)
	w.logups(p.Lookups)
	w.sumcheck(&p.Zero)
	w.sumcheck(&p.Link)
	w.fixed(p.At[:])
	w.sumcheck(&p.Gather)
	w.openings(p.Openings)
}

func (r *reader) pool(p *maxpool.Proof) {
	r.commitment(&p.Y, "pool y")
	r.commitment(&p.L0, "pool l0")
	r.commitment(&p.L1, "pool l1")
	p.Lookups = r.logups("pool lookups")
	r.sumcheck(&p.Zero, "pool zero-check")
	r.sumcheck(&p.Link, "pool link")
	r.fixed(p.At[:], "pool at sigma")
	r.sumcheck(&p.Gather, "pool gather")
	p.Openings = r.openings("pool openings")
}
