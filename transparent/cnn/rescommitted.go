package cnn

import (
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/conv"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/weightroot"
)

// Secret weights of a residual network (docs/TRANSPARENT.md, "Secret
// weights"), as a chain's (committed.go): every convolution node's weights
// and bias and every dense layer's committed afresh for each proof with
// hiding commitments (conv.Layer.Commit, matmul.Layer.Commit), bound to
// the model commitment (the Poseidon2 root, package weightroot) in the
// network's one batch as a chain's are. The
// convolution nodes prove through the same block.prove as a chain's
// blocks and the dense head through the same proveHead, so each committed
// layer's step binds its commitments in its digest and claims W̃ and b̃ on
// them into the network's one batch, exactly as in a chain. The average
// pool's weights (1/(H·W) quantized, a function of the shape) stay public.
//
// Commitment order (the order the model commitment packs the tables in,
// weightroot.Root): the NodeConv nodes in node order, each its weights
// then its bias if any, then the dense layers in order, each its weights
// then its bias if any (a chain's order: its blocks, then its dense
// layers).

// ResCommittedProof is a ResProof for a residual network with committed
// weights: Weights lists the commitments in the order above, Root binds
// them to the model commitment (Root.Root).
type ResCommittedProof struct {
	Weights []pcs.Commitment
	Root    weightroot.Proof
	ResProof
}

// Size returns the proof's size in bytes, 32 per field element or hash
// (34 per commitment: its root and two sizes).
func (p *ResCommittedProof) Size() int { return 34*len(p.Weights) + p.Root.Size() + p.ResProof.Size() }

// ModelCommitment returns the model commitment the proof claims (checked
// by VerifyResidualCommitted): the weights' Poseidon2 root.
func (p *ResCommittedProof) ModelCommitment() fr.Element { return p.Root.Root }

// WeightTables returns the tables CommitWeights commits, in the order
// above, and which are biases: what weightroot.Root packs.
func (r *Residual) WeightTables() ([]mle.Table, []bool) { return weightTables(r.convNodes(), r.gemm) }

// convNodes returns the convolution nodes' layers in node order.
func (r *Residual) convNodes() []*conv.Layer {
	var cs []*conv.Layer
	for _, i := range r.ConvNodes() {
		cs = append(cs, r.conv[i])
	}
	return cs
}

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
// weights committed with params (which must hide) and fresh randomness,
// bound to the model commitment under salt, and the commitments in the
// order above. Every call gives other commitments and the same root; the
// committed network proves once (commit again for the next proof).
func (r *Residual) CommitWeights(params pcs.Params, salt [32]byte) (*Residual, []pcs.Commitment, error) {
	nodes := r.ConvNodes()
	cs, gemm, coms, rp, err := commitLayers(withShared(params), salt, r.convNodes(), r.gemm, func(j int) string { return fmt.Sprintf("node %d", nodes[j]) })
	if err != nil {
		return nil, nil, err
	}
	out := *r
	out.root = rootBinding{p: rp}
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
	if r.root.p == nil {
		return ResCommittedProof{}, nil, fmt.Errorf("cnn: ProveResidualCommitted needs a network from CommitWeights")
	}
	p, y, err := r.prove(withShared(params), x, ch)
	return ResCommittedProof{Weights: coms, Root: r.root.p.Proof(), ResProof: p}, y, err
}

// VerifyResidualCommitted checks a ResCommittedProof against the
// architecture arch (its weights unread) and the commitments the proof
// carries, bound to the model commitment proof.ModelCommitment(), which
// the caller compares with the one it expects.
func VerifyResidualCommitted(params pcs.Params, arch *Residual, y []int64, proof ResCommittedProof) error {
	if !params.Hiding {
		return fmt.Errorf("cnn: committed weights are checked with hiding commitments (pcs.Params.Hiding)")
	}
	vr, err := arch.WithCommitments(proof.Weights)
	if err != nil {
		return err
	}
	if vr.root.v, err = weightroot.NewVerifier(proof.Weights, biasFlags(vr.convNodes(), vr.gemm), proof.Root); err != nil {
		return fmt.Errorf("cnn: %v", err)
	}
	return VerifyResidual(params, vr, y, proof.ResProof)
}
