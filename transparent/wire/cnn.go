package wire

import (
	"github.com/zkinfer/zkinfer/transparent/cnn"
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

func (w *writer) rescales(v []rescale.Proof) { list(w, v, w.rescale) }

func (r *reader) rescales(what string) []rescale.Proof {
	return readList(r, minRescale, what, r.rescale)
}
