package wire

import (
	"github.com/zkinfer/zkinfer/transparent/cnn"
	"github.com/zkinfer/zkinfer/transparent/mlp"
	"github.com/zkinfer/zkinfer/transparent/pcs"
)

// Proofs of models with committed weights (docs/TRANSPARENT.md, "Secret
// weights"): kind 4 is an mlp.CommittedProof, kind 5 a cnn.CommittedProof,
// each the weight commitments (a u32 count, then the commitments), their
// binding to the model commitment (weightroot.go; version 8), then the
// body of kind 2 or 3.

// EncodeMLPCommitted encodes an mlp.CommittedProof (kind KindMLPCommitted).
func EncodeMLPCommitted(p *mlp.CommittedProof) ([]byte, error) {
	return encode(KindMLPCommitted, func(w *writer) {
		w.commitments(p.Weights)
		w.weightRoot(&p.Root)
		w.mlp(&p.Proof)
		w.batch(&p.Batch)
	})
}

// DecodeMLPCommitted decodes an mlp.CommittedProof.
func DecodeMLPCommitted(b []byte) (*mlp.CommittedProof, error) {
	return decode(b, KindMLPCommitted, func(r *reader, p *mlp.CommittedProof) {
		p.Weights = r.commitments("weight commitments")
		r.weightRoot(&p.Root)
		r.mlp(&p.Proof)
		r.batch(&p.Batch)
	})
}

// EncodeCNNCommitted encodes a cnn.CommittedProof (kind KindCNNCommitted).
func EncodeCNNCommitted(p *cnn.CommittedProof) ([]byte, error) {
	return encode(KindCNNCommitted, func(w *writer) {
		w.commitments(p.Weights)
		w.weightRoot(&p.Root)
		w.cnn(&p.Proof)
	})
}

// DecodeCNNCommitted decodes a cnn.CommittedProof.
func DecodeCNNCommitted(b []byte) (*cnn.CommittedProof, error) {
	return decode(b, KindCNNCommitted, func(r *reader, p *cnn.CommittedProof) {
		p.Weights = r.commitments("weight commitments")
		r.weightRoot(&p.Root)
		r.cnn(&p.Proof)
	})
}

func (w *writer) commitments(v []pcs.Commitment) { list(w, v, w.commitment) }

func (r *reader) commitments(what string) []pcs.Commitment {
	return readList(r, minCommitment, what, func(c *pcs.Commitment) { r.commitment(c, what) })
}
