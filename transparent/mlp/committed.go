package mlp

import (
	"fmt"

	"github.com/zkinfer/zkinfer/transparent/matmul"
	"github.com/zkinfer/zkinfer/transparent/pcs"
)

// Secret weights (docs/TRANSPARENT.md, "Secret weights"): every layer's W
// and b committed once per model with seeded hiding commitments
// (matmul.Layer.Commit); the verifier holds the architecture and the
// commitments, never the weights, and checks W̃ and b̃ at its points
// through the batch's openings.

// CommittedProof is a BatchedProof for a model with committed weights:
// Weights lists every layer's commitments in order (W, then b when the
// layer has a bias); their digest (matmul.ModelCommitment) is the model
// commitment.
type CommittedProof struct {
	Weights []pcs.Commitment
	BatchedProof
}

// Size returns the proof's size in bytes, 32 per field element or hash.
func (p *CommittedProof) Size() int { return 34*len(p.Weights) + p.BatchedProof.Size() }

// ModelCommitment returns the digest of the proof's weight commitments.
func (p *CommittedProof) ModelCommitment() [32]byte { return matmul.ModelCommitment(p.Weights) }

// CommitWeights returns m with every layer's weights committed with
// params (which must hide) from salt, and the commitments in order. The
// same model, params and salt give the same commitments. The committed
// model proves once (pcs opens a hiding commitment's data once): commit
// again, to the same commitments, for the next proof.
func (m *Model) CommitWeights(params pcs.Params, salt [32]byte) (*Model, []pcs.Commitment, error) {
	params = batchedParams(params)
	out := &Model{InBits: m.InBits, Layers: m.Layers, Context: m.Context}
	var coms []pcs.Commitment
	for i, g := range m.gemm {
		c, err := g.Commit(params, matmul.LayerSeed(salt, i))
		if err != nil {
			return nil, nil, fmt.Errorf("mlp: layer %d: %v", i, err)
		}
		w, b, _ := c.Committed()
		coms = append(coms, w)
		if c.HasBias() {
			coms = append(coms, b)
		}
		out.gemm = append(out.gemm, c)
	}
	return out, coms, nil
}

// WithCommitments returns the verifier's model: m's architecture (shapes,
// whether each layer has a bias, shifts, bits, ReLU; its weights are
// dropped, never read) with the weights committed in coms, in
// CommitWeights' order.
func (m *Model) WithCommitments(coms []pcs.Commitment) (*Model, error) {
	out := &Model{InBits: m.InBits, Context: m.Context}
	k := 0
	for i, l := range m.Layers {
		need := 1
		if l.B != nil {
			need = 2
		}
		if len(coms)-k < need {
			return nil, fmt.Errorf("mlp: %d weight commitments, the model has more layers", len(coms))
		}
		var b pcs.Commitment
		if l.B != nil {
			b = coms[k+1]
		}
		g, err := matmul.NewCommittedLayer(l.K, l.N, l.B != nil, coms[k], b)
		if err != nil {
			return nil, fmt.Errorf("mlp: layer %d: %v", i, err)
		}
		k += need
		l.W, l.B = nil, nil
		out.Layers = append(out.Layers, l)
		out.gemm = append(out.gemm, g)
	}
	if k != len(coms) {
		return nil, fmt.Errorf("mlp: %d weight commitments for a model of %d", len(coms), k)
	}
	return out, nil
}

// ProveCommitted proves y = m(x) for a model whose weights CommitWeights
// committed (cm): a batched proof (params must hide) carrying the
// commitments.
func ProveCommitted(params pcs.Params, cm *Model, coms []pcs.Commitment, M int, x []int64) (CommittedProof, []int64, error) {
	if !params.Hiding {
		return CommittedProof{}, nil, fmt.Errorf("mlp: committed weights are proven with hiding commitments (pcs.Params.Hiding)")
	}
	p, y, err := ProveBatched(params, cm, M, x)
	return CommittedProof{Weights: coms, BatchedProof: p}, y, err
}

// VerifyCommitted checks a CommittedProof against the architecture arch
// (its weights unread) and the commitments the proof carries; the caller
// compares proof.ModelCommitment() with the one it expects.
func VerifyCommitted(params pcs.Params, arch *Model, M int, y []int64, proof CommittedProof) error {
	if !params.Hiding {
		return fmt.Errorf("mlp: committed weights are checked with hiding commitments (pcs.Params.Hiding)")
	}
	vm, err := arch.WithCommitments(proof.Weights)
	if err != nil {
		return err
	}
	return VerifyBatched(params, vm, M, y, proof.BatchedProof)
}

// batchedParams is ProveBatched's choice of row split.
func batchedParams(p pcs.Params) pcs.Params {
	if p.Shared == 0 {
		p.Shared = sharedTables
	}
	return p
}
