package cnn

import (
	"fmt"

	"github.com/zkinfer/zkinfer/transparent/conv"
	"github.com/zkinfer/zkinfer/transparent/matmul"
	"github.com/zkinfer/zkinfer/transparent/mlp"
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
	out := *m
	var coms []pcs.Commitment
	var err error
	out.conv, out.gemm, coms, err = commitLayers(withShared(params), salt, m.conv, m.gemm, func(i int) string { return fmt.Sprintf("block %d", i) })
	if err != nil {
		return nil, nil, err
	}
	return &out, coms, nil
}

// commitLayers commits convs' and then gemm's weights (and biases) in the
// model commitment's order, layer j's from matmul.LayerSeed(salt, j): the
// committed layers and the commitments, each layer's W then its b if any.
// what names convolution i in errors. Shared by chains and residual
// networks, whose orders are the same.
func commitLayers(params pcs.Params, salt [32]byte, convs []*conv.Layer, gemm []*matmul.Layer, what func(int) string) ([]*conv.Layer, []*matmul.Layer, []pcs.Commitment, error) {
	var coms []pcs.Commitment
	add := func(w, b pcs.Commitment, bias bool) {
		if coms = append(coms, w); bias {
			coms = append(coms, b)
		}
	}
	cs := make([]*conv.Layer, len(convs))
	for i, l := range convs {
		c, err := l.Commit(params, matmul.LayerSeed(salt, i))
		if err != nil {
			return nil, nil, nil, fmt.Errorf("cnn: %s: %v", what(i), err)
		}
		w, b, _ := c.Committed()
		add(w, b, c.HasBias())
		cs[i] = c
	}
	gs := make([]*matmul.Layer, len(gemm))
	for i, g := range gemm {
		c, err := g.Commit(params, matmul.LayerSeed(salt, len(convs)+i))
		if err != nil {
			return nil, nil, nil, fmt.Errorf("cnn: dense layer %d: %v", i, err)
		}
		w, b, _ := c.Committed()
		add(w, b, c.HasBias())
		gs[i] = c
	}
	return cs, gs, coms, nil
}

// WithCommitments returns the verifier's model: m's architecture (its
// weights dropped, never read; whether a layer has a bias is kept) with
// the weights committed in coms, in CommitWeights' order.
func (m *Model) WithCommitments(coms []pcs.Commitment) (*Model, error) {
	out := *m
	out.Convs = append([]Conv(nil), m.Convs...)
	out.Dense = append(out.Dense[:0:0], m.Dense...)
	out.conv, out.gemm = nil, nil
	q := comQueue{coms: coms, of: "model"}
	for i := range out.Convs {
		l, err := q.conv(&out.Convs[i])
		if err != nil {
			return nil, fmt.Errorf("cnn: block %d: %v", i, err)
		}
		out.conv = append(out.conv, l)
	}
	gemm, err := q.dense(out.Dense)
	if err != nil {
		return nil, err
	}
	out.gemm = gemm
	return &out, nil
}

// comQueue hands a proof's weight commitments out in CommitWeights'
// order to the verifier's layers.
type comQueue struct {
	coms []pcs.Commitment
	k    int
	of   string // "model" or "network", for errors
}

// next returns the next layer's W commitment and, with bias, its b's.
func (q *comQueue) next(bias bool) (w, b pcs.Commitment, err error) {
	need := 1
	if bias {
		need = 2
	}
	if len(q.coms)-q.k < need {
		return w, b, fmt.Errorf("%d weight commitments, the %s has more layers", len(q.coms), q.of)
	}
	w = q.coms[q.k]
	if bias {
		b = q.coms[q.k+1]
	}
	q.k += need
	return w, b, nil
}

// conv returns c's verifier layer on the next commitments and drops c's
// weights (never read).
func (q *comQueue) conv(c *Conv) (*conv.Layer, error) {
	w, b, err := q.next(c.B != nil)
	if err != nil {
		return nil, err
	}
	l, err := conv.NewCommittedLayer(c.Shape, c.B != nil, w, b)
	c.W, c.B = nil, nil
	return l, err
}

// dense returns the dense layers' verifier layers on the remaining
// commitments, which they must use up, and drops their weights.
func (q *comQueue) dense(ds []mlp.Dense) ([]*matmul.Layer, error) {
	var gemm []*matmul.Layer
	for i := range ds {
		d := &ds[i]
		w, b, err := q.next(d.B != nil)
		if err != nil {
			return nil, fmt.Errorf("cnn: %v", err)
		}
		g, err := matmul.NewCommittedLayer(d.K, d.N, d.B != nil, w, b)
		if err != nil {
			return nil, fmt.Errorf("cnn: dense layer %d: %v", i, err)
		}
		d.W, d.B = nil, nil
		gemm = append(gemm, g)
	}
	if q.k != len(q.coms) {
		return nil, fmt.Errorf("cnn: %d weight commitments for a %s of %d", len(q.coms), q.of, q.k)
	}
	return gemm, nil
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
