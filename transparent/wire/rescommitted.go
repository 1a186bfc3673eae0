package wire

import "github.com/zkinfer/zkinfer/transparent/cnn"

// KindResidualCommitted is a cnn.ResCommittedProof: a residual network's
// proof with committed weights (docs/TRANSPARENT.md, "Secret weights"):
// the weight commitments (a u32 count, then the commitments, in
// cnn.Residual.CommitWeights' order) and their binding to the model
// commitment (weightroot.go) followed by kind 6's body, as kinds 4
// and 5 are kinds 2 and 3 with their weights committed. A new kind, no new
// part: the format's version is unchanged.
const KindResidualCommitted = 7

// EncodeResidualCommitted encodes a cnn.ResCommittedProof (kind
// KindResidualCommitted).
func EncodeResidualCommitted(p *cnn.ResCommittedProof) ([]byte, error) {
	return encode(KindResidualCommitted, func(w *writer) {
		w.commitments(p.Weights)
		w.weightRoot(&p.Root)
		w.residual(&p.ResProof)
	})
}

// DecodeResidualCommitted decodes a cnn.ResCommittedProof.
func DecodeResidualCommitted(b []byte) (*cnn.ResCommittedProof, error) {
	return decode(b, KindResidualCommitted, func(r *reader, p *cnn.ResCommittedProof) {
		p.Weights = r.commitments("weight commitments")
		r.weightRoot(&p.Root)
		r.residual(&p.ResProof)
	})
}
