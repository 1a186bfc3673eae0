package wire

import (
	"github.com/zkinfer/zkinfer/transparent/mlp"
)

// Each proof type is written field by field in declaration order, and read
// back the same way. The encoders name every field, so a field removed or
// renamed in its package is a compile error here; TestFieldsCovered checks
// the field lists by reflection, so a field added is a failing test until
// it is encoded (and Version bumped).

// EncodeMLP encodes an mlp.Proof (kind KindMLP).
func EncodeMLP(p *mlp.Proof) ([]byte, error) {
	return encode(KindMLP, func(w *writer) { w.mlp(p) })
}

// DecodeMLP decodes an mlp.Proof, refusing anything but exactly one
// well-formed proof of version Version.
func DecodeMLP(b []byte) (*mlp.Proof, error) {
	return decode(b, KindMLP, (*reader).mlp)
}

// EncodeMLPBatched encodes an mlp.BatchedProof (kind KindMLPBatched): the
// chain's proof, its openings empty, then the batch.
func EncodeMLPBatched(p *mlp.BatchedProof) ([]byte, error) {
	return encode(KindMLPBatched, func(w *writer) {
		w.mlp(&p.Proof)
		w.batch(&p.Batch)
	})
}

// DecodeMLPBatched decodes an mlp.BatchedProof, as DecodeMLP does an
// mlp.Proof.
func DecodeMLPBatched(b []byte) (*mlp.BatchedProof, error) {
	return decode(b, KindMLPBatched, func(r *reader, p *mlp.BatchedProof) {
		r.mlp(&p.Proof)
		r.batch(&p.Batch)
	})
}

func (w *writer) mlp(p *mlp.Proof) {
	w.commitment(&p.X)
	w.inputRange(&p.Input)
	w.steps(p.Steps)
	w.rescales(p.Requan)
	w.opening(&p.Out)
}

func (r *reader) mlp(p *mlp.Proof) {
	r.commitment(&p.X, "x")
	r.inputRange(&p.Input)
	p.Steps = r.steps("steps")
	p.Requan = r.rescales("rescales")
	r.opening(&p.Out, "output opening")
}

// The smallest encodings of the repeated parts, for the count checks.
const (
	minCommitment = 34
	minOpening    = 5 * 4
	minSumcheck   = 2*4 + 1
	minLogup      = 3*minCommitment + minSumcheck + 4*minOpening
	minStep       = minCommitment + 32 + minSumcheck + 2*minOpening
	minRescale    = 6*minCommitment + 4 + minSumcheck + 4
	minGroup      = 4 + 4 + 4 + 4 + 4 + 4 + 4 + 1
)
