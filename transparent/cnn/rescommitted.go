package cnn

import (
	"fmt"

	"github.com/zkinfer/zkinfer/transparent/conv"
	"github.com/zkinfer/zkinfer/transparent/matmul"
	"github.com/zkinfer/zkinfer/transparent/pcs"
)

// Secret weights of a residual network (docs/TRANSPARENT.md, "Secret
// weights"), as a chain's (committed.go): every convolution node's weights
// and bias and every dense layer's committed once per model with seeded
// hiding commitments (conv.Layer.Commit, matmul.Layer.Commit). The
// convolution nodes prove through the same block.prove as a chain's
// blocks and the dense head through the same proveHead, so each committed
// layer's step binds its commitments in its digest and claims W̃ and b̃ on
// them into the network's one batch, exactly as in a chain. The average
// pool's weights (1/(H·W) quantized, a function of the shape) stay public.
//
// Commitment order (the model commitment, matmul.ModelCommitment, is the
// digest of this list): the NodeConv nodes in node order, each its weights
// then its bias if any, then the dense layers in order, each its weights
// then its bias if any. Layer seeds: matmul.LayerSeed(salt, j), j counting
// the convolution nodes from 0, then the dense layers on from there (a
// chain's order: its blocks, then its dense layers).

// ResCommittedProof is a ResProof for a residual network with committed
// weights: Weights lists the commitments in the order above.
type ResCommittedProof struct {
	Weights []pcs.Commitment
	ResProof
}

// Size returns the proof's size in bytes, 32 per field element or hash
// (34 per commitment: its root and two sizes).
func (p *ResCommittedProof) Size() int { return 34*len(p.Weights) + p.ResProof.Size() }

// ModelCommitment returns the digest of the proof's weight commitments.
func (p *ResCommittedProof) ModelCommitment() [32]byte { return matmul.ModelCommitment(p.Weights) }

// ConvNodes returns the indices of r's convolution nodes, in order: the
// layers whose weights are committed before the dense head's.
func (r *Residual) ConvNodes() []int {
	var idx []int
	for i, n := range r.Nodes {
		if n.Kind == NodeConv {
			idx = append(idx, i)
		}
	}
	return idx
}

// CommitWeights returns r with every convolution node's and dense layer's
// weights committed with params (which must hide) from salt, and the
// commitments in the order above. The same network, params and salt give
// the same commitments; the committed network proves once (commit again
// for the next proof).
func (r *Residual) CommitWeights(params pcs.Params, salt [32]byte) (*Residual, []pcs.Commitment, error) {
	nodes := r.ConvNodes()
	convs := make([]*conv.Layer, len(nodes))
	for j, i := range nodes {
		convs[j] = r.conv[i]
	}
	cs, gemm, coms, err := commitLayers(withShared(params), salt, convs, r.gemm, func(j int) string { return fmt.Sprintf("node %d", nodes[j]) })
	if err != nil {
		return nil, nil, err
	}
	out := *r
	out.conv = append([]*conv.Layer(nil), r.conv...)
	for j, i := range nodes {
		out.conv[i] = cs[j]
	}
	out.gemm = gemm
	return &out, coms, nil
}

// WithCommitments returns the verifier's network: r's architecture (its
// weights dropped, never read; whether a layer has a bias is kept) with the
// weights committed in coms, in CommitWeights' order.
func (r *Residual) WithCommitments(coms []pcs.Commitment) (*Residual, error) {
	out := *r
	out.Nodes = append([]Node(nil), r.Nodes...)
	out.Dense = append(r.Dense[:0:0], r.Dense...)
	out.conv = append([]*conv.Layer(nil), r.conv...)
	q := comQueue{coms: coms, of: "network"}
	for _, i := range r.ConvNodes() {
		l, err := q.conv(&out.Nodes[i].Conv)
		if err != nil {
			return nil, fmt.Errorf("cnn: node %d: %v", i, err)
		}
		out.conv[i] = l
	}
	gemm, err := q.dense(out.Dense)
	if err != nil {
		return nil, err
	}
	out.gemm = gemm
	return &out, nil
}

// ProveResidualCommitted proves y = cr(x) for a network whose weights
// CommitWeights committed: a proof (params must hide) carrying the
// commitments.
func ProveResidualCommitted(params pcs.Params, cr *Residual, coms []pcs.Commitment, x []int64) (ResCommittedProof, []int64, error) {
	return cr.proveCommitted(params, coms, x, resCheats{})
}

func (r *Residual) proveCommitted(params pcs.Params, coms []pcs.Commitment, x []int64, ch resCheats) (ResCommittedProof, []int64, error) {
	if !params.Hiding {
		return ResCommittedProof{}, nil, fmt.Errorf("cnn: committed weights are proven with hiding commitments (pcs.Params.Hiding)")
	}
	p, y, err := r.prove(withShared(params), x, ch)
	return ResCommittedProof{Weights: coms, ResProof: p}, y, err
}

// VerifyResidualCommitted checks a ResCommittedProof against the
// architecture arch (its weights unread) and the commitments the proof
// carries; the caller compares proof.ModelCommitment() with the one it
// expects.
func VerifyResidualCommitted(params pcs.Params, arch *Residual, y []int64, proof ResCommittedProof) error {
	if !params.Hiding {
		return fmt.Errorf("cnn: committed weights are checked with hiding commitments (pcs.Params.Hiding)")
	}
	vr, err := arch.WithCommitments(proof.Weights)
	if err != nil {
		return err
	}
	return VerifyResidual(params, vr, y, proof.ResProof)
}
