package cnn

import (
	"fmt"

	"github.com/zkinfer/zkinfer/transparent/conv"
	"github.com/zkinfer/zkinfer/transparent/matmul"
	"github.com/zkinfer/zkinfer/transparent/pcs"
)

// Secret weights (docs/TRANSPARENT.md, "Secret weights"): every
// convolution's and dense layer's weights and bias committed once per
// model with seeded hiding commitments (conv.Layer.Commit,
// matmul.Layer.Commit); the verifier holds the architecture and the
// commitments, and checks the weights' MLEs at its points through the
// batch's openings.

// CommittedProof is a Proof for a model with committed weights: Weights
// lists the commitments in order (each convolution's weights then its bias
// if any, then each dense layer's); their digest
// (matmul.ModelCommitment) is the model commitment.
type CommittedProof struct {
	Weights []pcs.Commitment
	Proof
}

// Size returns the proof's size in bytes, 32 per field element or hash.
func (p *CommittedProof) Size() int { return 34*len(p.Weights) + p.Proof.Size() }

// ModelCommitment returns the digest of the proof's weight commitments.
func (p *CommittedProof) ModelCommitment() [32]byte { return matmul.ModelCommitment(p.Weights) }

// CommitWeights returns m with every layer's weights committed with params
// (which must hide) from salt (layer i's seed matmul.LayerSeed(salt, i),
// convolutions first), and the commitments in order. The same model,
// params and salt give the same commitments; the committed model proves
// once (commit again for the next proof).
func (m *Model) CommitWeights(params pcs.Params, salt [32]byte) (*Model, []pcs.Commitment, error) {
	if params.Shared == 0 {
		params.Shared = sharedTables
	}
	out := *m
	out.conv, out.gemm = nil, nil
	var coms []pcs.Commitment
	for i, l := range m.conv {
		c, err := l.Commit(params, matmul.LayerSeed(salt, i))
		if err != nil {
			return nil, nil, fmt.Errorf("cnn: block %d: %v", i, err)
		}
		w, b, _ := c.Committed()
		if coms = append(coms, w); c.HasBias() {
			coms = append(coms, b)
		}
		out.conv = append(out.conv, c)
	}
	for i, g := range m.gemm {
		c, err := g.Commit(params, matmul.LayerSeed(salt, len(m.conv)+i))
		if err != nil {
			return nil, nil, fmt.Errorf("cnn: dense layer %d: %v", i, err)
		}
		w, b, _ := c.Committed()
		if coms = append(coms, w); c.HasBias() {
			coms = append(coms, b)
		}
		out.gemm = append(out.gemm, c)
	}
	return &out, coms, nil
}

// WithCommitments returns the verifier's model: m's architecture (its
// weights dropped, never read; whether a layer has a bias is kept) with
// the weights committed in coms, in CommitWeights' order.
func (m *Model) WithCommitments(coms []pcs.Commitment) (*Model, error) {
	out := *m
	out.Convs = append([]Conv(nil), m.Convs...)
	out.Dense = append(out.Dense[:0:0], m.Dense...)
	out.conv, out.gemm = nil, nil
	k := 0
	next := func(bias bool) (w, b pcs.Commitment, err error) {
		need := 1
		if bias {
			need = 2
		}
		if len(coms)-k < need {
			return w, b, fmt.Errorf("cnn: %d weight commitments, the model has more layers", len(coms))
		}
		w = coms[k]
		if bias {
			b = coms[k+1]
		}
		k += need
		return w, b, nil
	}
	for i := range out.Convs {
		c := &out.Convs[i]
		w, b, err := next(c.B != nil)
		if err != nil {
			return nil, err
		}
		l, err := conv.NewCommittedLayer(c.Shape, c.B != nil, w, b)
		if err != nil {
			return nil, fmt.Errorf("cnn: block %d: %v", i, err)
		}
		c.W, c.B = nil, nil
		out.conv = append(out.conv, l)
	}
	for i := range out.Dense {
		d := &out.Dense[i]
		w, b, err := next(d.B != nil)
		if err != nil {
			return nil, err
		}
		g, err := matmul.NewCommittedLayer(d.K, d.N, d.B != nil, w, b)
		if err != nil {
			return nil, fmt.Errorf("cnn: dense layer %d: %v", i, err)
		}
		d.W, d.B = nil, nil
		out.gemm = append(out.gemm, g)
	}
	if k != len(coms) {
		return nil, fmt.Errorf("cnn: %d weight commitments for a model of %d", len(coms), k)
	}
	return &out, nil
}

// ProveCommitted proves y = cm(x) for a model whose weights CommitWeights
// committed: a proof (params must hide) carrying the commitments.
func ProveCommitted(params pcs.Params, cm *Model, coms []pcs.Commitment, x []int64) (CommittedProof, []int64, error) {
	if !params.Hiding {
		return CommittedProof{}, nil, fmt.Errorf("cnn: committed weights are proven with hiding commitments (pcs.Params.Hiding)")
	}
	p, y, err := Prove(params, cm, x)
	return CommittedProof{Weights: coms, Proof: p}, y, err
}

// VerifyCommitted checks a CommittedProof against the architecture arch
// (its weights unread) and the commitments the proof carries; the caller
// compares proof.ModelCommitment() with the one it expects.
func VerifyCommitted(params pcs.Params, arch *Model, y []int64, proof CommittedProof) error {
	if !params.Hiding {
		return fmt.Errorf("cnn: committed weights are checked with hiding commitments (pcs.Params.Hiding)")
	}
	vm, err := arch.WithCommitments(proof.Weights)
	if err != nil {
		return err
	}
	return Verify(params, vm, y, proof.Proof)
}
