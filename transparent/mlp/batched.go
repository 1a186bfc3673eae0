package mlp

import (
	"github.com/zkinfer/zkinfer/transparent/batch"
	"github.com/zkinfer/zkinfer/transparent/pcs"
)

// BatchedProof is a Proof whose openings are all deferred into Batch
// (package batch: the claims on the tables of one shape reduced to one point
// and opened together): the embedded proof's openings are empty.
type BatchedProof struct {
	Proof
	Batch batch.Proof
}

// Size returns the proof's size in bytes, 32 per field element or hash.
func (p *BatchedProof) Size() int { return p.Proof.Size() + p.Batch.Size() }

// ProveBatched is Prove with batched openings. Unless params.Shared says
// otherwise, tables are committed for openings shared by sharedTables
// tables (pcs.Params.Shared); the verifier reads each commitment's shape
// from the proof.
func ProveBatched(params pcs.Params, m *Model, M int, x []int64) (BatchedProof, []int64, error) {
	if params.Shared == 0 {
		params.Shared = sharedTables
	}
	p, b, y, err := m.prove(params, M, x, true, cheats{})
	return BatchedProof{Proof: p, Batch: b}, y, err
}

// sharedTables is the row split's assumption of how many tables share a
// multi-opening (cnn_c32's best of 1, 4, 8, 12, 32; an MLP opens 5–30 per
// shape).
const sharedTables = 8

// VerifyBatched checks a BatchedProof that y (M×N_last) is the model's
// output on some private x of InBits signed bits.
func VerifyBatched(params pcs.Params, m *Model, M int, y []int64, proof BatchedProof) error {
	return m.verify(params, M, y, proof.Proof, &proof.Batch)
}
