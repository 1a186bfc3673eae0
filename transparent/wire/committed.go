package wire

import (
	"github.com/zkinfer/zkinfer/transparent/cnn"
	"github.com/zkinfer/zkinfer/transparent/mlp"
	"github.com/zkinfer/zkinfer/transparent/pcs"
)

// Proofs of models with committed weights (docs/TRANSPARENT.md, "Secret
// weights"): kind 4 is an mlp.CommittedProof, kind 5 a cnn.CommittedProof,
// each the weight commitments (a u32 count, then the commitments) followed
// by the body of kind 2 or 3.

// EncodeMLPCommitted encodes an mlp.CommittedProof (kind KindMLPCommitted).
func EncodeMLPCommitted(p *mlp.CommittedProof) ([]byte, error) {
	w := &writer{}
	header(w, KindMLPCommitted)
	w.commitments(p.Weights)
	w.mlp(&p.Proof)
	w.batch(&p.Batch)
	return w.b, w.err
}

// DecodeMLPCommitted decodes an mlp.CommittedProof.
func DecodeMLPCommitted(b []byte) (*mlp.CommittedProof, error) {
	r := &reader{b: b}
	readHeader(r, KindMLPCommitted)
	p := &mlp.CommittedProof{}
	p.Weights = r.commitments("weight commitments")
	r.mlp(&p.Proof)
	r.batch(&p.Batch)
	if err := r.end(); err != nil {
		return nil, err
	}
	return p, nil
}

// EncodeCNNCommitted encodes a cnn.CommittedProof (kind KindCNNCommitted).
func EncodeCNNCommitted(p *cnn.CommittedProof) ([]byte, error) {
	w := &writer{}
	header(w, KindCNNCommitted)
	w.commitments(p.Weights)
	w.cnn(&p.Proof)
	return w.b, w.err
}

// DecodeCNNCommitted decodes a cnn.CommittedProof.
func DecodeCNNCommitted(b []byte) (*cnn.CommittedProof, error) {
	r := &reader{b: b}
	readHeader(r, KindCNNCommitted)
	p := &cnn.CommittedProof{}
	p.Weights = r.commitments("weight commitments")
	r.cnn(&p.Proof)
	if err := r.end(); err != nil {
		return nil, err
	}
	return p, nil
}

func (w *writer) commitments(v []pcs.Commitment) {
	w.u32(len(v))
	for i := range v {
		w.commitment(&v[i])
	}
}

func (r *reader) commitments(what string) []pcs.Commitment {
	n := r.count(minCommitment, what)
	if n == 0 {
		return nil
	}
	v := make([]pcs.Commitment, n)
	for i := range v {
		r.commitment(&v[i], what)
	}
	return v
}
