package wire

import (
	"github.com/zkinfer/zkinfer/transparent/cnn"
	"github.com/zkinfer/zkinfer/transparent/conv"
	"github.com/zkinfer/zkinfer/transparent/matmul"
	"github.com/zkinfer/zkinfer/transparent/maxpool"
	"github.com/zkinfer/zkinfer/transparent/rescale"
)

// EncodeCNN encodes a cnn.Proof (kind KindCNN): the input commitment and
// range proof as an mlp.Proof's, the convolution blocks, their rescales,
// the pools, the flatten (a presence byte, then its proof), the dense steps
// and rescales, then the batch.
func EncodeCNN(p *cnn.Proof) ([]byte, error) {
	w := &writer{}
	header(w, KindCNN)
	w.cnn(p)
	return w.b, w.err
}

// cnn writes a cnn.Proof's body (kinds 3 and 5).
func (w *writer) cnn(p *cnn.Proof) {
	w.commitment(&p.X)
	w.inputRange(p)
	w.u32(len(p.Convs))
	for i := range p.Convs {
		w.conv(&p.Convs[i])
	}
	w.rescales(p.ConvRq)
	w.u32(len(p.Pools))
	for i := range p.Pools {
		w.pool(&p.Pools[i])
	}
	if p.Flatten == nil {
		w.u8(0)
	} else {
		w.u8(1)
		w.commitment(&p.Flatten.X)
		w.elem(&p.Flatten.AtR)
		w.sumcheck(&p.Flatten.Gather)
	}
	w.u32(len(p.Steps))
	for i := range p.Steps {
		w.step(&p.Steps[i])
	}
	w.rescales(p.Requan)
	w.batch(&p.Batch)
}

// DecodeCNN decodes a cnn.Proof, as DecodeMLP does an mlp.Proof.
func DecodeCNN(b []byte) (*cnn.Proof, error) {
	r := &reader{b: b}
	readHeader(r, KindCNN)
	p := &cnn.Proof{}
	r.cnn(p)
	if err := r.end(); err != nil {
		return nil, err
	}
	return p, nil
}

// cnn reads a cnn.Proof's body (kinds 3 and 5).
func (r *reader) cnn(p *cnn.Proof) {
	r.commitment(&p.X, "x")
	r.inputRange(p)
	if n := r.count(minConv, "convolutions"); n > 0 {
		p.Convs = make([]conv.Proof, n)
		for i := range p.Convs {
			r.conv(&p.Convs[i])
		}
	}
	p.ConvRq = r.rescales("convolution rescales")
	if n := r.count(minPool, "pools"); n > 0 {
		p.Pools = make([]maxpool.Proof, n)
		for i := range p.Pools {
			r.pool(&p.Pools[i])
		}
	}
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
	if n := r.count(minStep, "steps"); n > 0 {
		p.Steps = make([]matmul.StepProof, n)
		for i := range p.Steps {
			r.step(&p.Steps[i])
		}
	}
	p.Requan = r.rescales("rescales")
	r.batch(&p.Batch)
}

const (
	minConv = minCommitment + 32 + 2*minSumcheck + 2*minOpening
	minPool = 3*minCommitment + 4 + minSumcheck + 3*32 + minSumcheck + 4
)

func (w *writer) inputRange(p *cnn.Proof) {
	w.commitment(&p.Input.V0)
	w.commitment(&p.Input.V1)
	w.u32(len(p.Input.Lookups))
	for i := range p.Input.Lookups {
		w.logup(&p.Input.Lookups[i])
	}
	for i := range p.Input.AtZ {
		w.elem(&p.Input.AtZ[i])
	}
	w.openings(p.Input.Openings)
}

func (r *reader) inputRange(p *cnn.Proof) {
	r.commitment(&p.Input.V0, "input v0")
	r.commitment(&p.Input.V1, "input v1")
	p.Input.Lookups = r.logups("input lookups")
	for i := range p.Input.AtZ {
		r.elem(&p.Input.AtZ[i], "input at z")
	}
	p.Input.Openings = r.openings("input openings")
}

func (w *writer) rescales(v []rescale.Proof) {
	w.u32(len(v))
	for i := range v {
		w.rescale(&v[i])
	}
}

func (r *reader) rescales(what string) []rescale.Proof {
	n := r.count(minRescale, what)
	if n == 0 || r.err != nil {
		return nil
	}
	v := make([]rescale.Proof, n)
	for i := range v {
		r.rescale(&v[i])
	}
	return v
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
	w.u32(len(p.Lookups))
	for i := range p.Lookups {
		w.logup(&p.Lookups[i])
	}
	w.sumcheck(&p.Zero)
	for i := range p.AtR {
		w.elem(&p.AtR[i])
	}
	w.sumcheck(&p.Gather)
	w.openings(p.Openings)
}

func (r *reader) pool(p *maxpool.Proof) {
	r.commitment(&p.Y, "pool y")
	r.commitment(&p.L0, "pool l0")
	r.commitment(&p.L1, "pool l1")
	p.Lookups = r.logups("pool lookups")
	r.sumcheck(&p.Zero, "pool zero-check")
	for i := range p.AtR {
		r.elem(&p.AtR[i], "pool at r")
	}
	r.sumcheck(&p.Gather, "pool gather")
	p.Openings = r.openings("pool openings")
}
