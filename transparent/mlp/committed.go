package mlp

import (
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/matmul"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/weightroot"
)

// Secret weights (docs/TRANSPARENT.md, "Secret weights"): every layer's W
// and b committed afresh for each proof with hiding commitments
// (matmul.Layer.Commit); the verifier holds the architecture and the
// commitments, never the weights, and checks W̃ and b̃ at its points
// through the batch's openings. The commitments are bound to the model
// commitment — the Poseidon2 root of the packed weights and a salt —
// inside the same proof (package weightroot): its transcript absorbs the
// root and the commitments first, and its batch settles the packing's and
// the tree's claims with the chain's.

// CommittedProof is a BatchedProof for a model with committed weights:
// Weights lists every layer's commitments in order (W, then b when the
// layer has a bias), Root binds them to the model commitment
// (Root.Root).
type CommittedProof struct {
	Weights []pcs.Commitment
	Root    weightroot.Proof
	BatchedProof
}

// Size returns the proof's size in bytes, 32 per field element or hash.
func (p *CommittedProof) Size() int {
	return 34*len(p.Weights) + p.Root.Size() + p.BatchedProof.Size()
}

// ModelCommitment returns the model commitment the proof claims (checked
// by VerifyCommitted): the weights' Poseidon2 root.
func (p *CommittedProof) ModelCommitment() fr.Element { return p.Root.Root }

// WeightTables returns the tables CommitWeights commits, in its order (each
// layer's W, then its b if any), and which are biases: what
// weightroot.Root packs into the model commitment.
func (m *Model) WeightTables() ([]mle.Table, []bool) {
	var tables []mle.Table
	var wide []bool
	for _, g := range m.gemm {
		w, b := g.WeightTables()
		tables, wide = append(tables, w), append(wide, false)
		if b != nil {
			tables, wide = append(tables, b), append(wide, true)
		}
	}
	return tables, wide
}

// biasFlags is WeightTables' second result from the architecture alone.
func biasFlags(layers []Dense) []bool {
	var wide []bool
	for _, l := range layers {
		if wide = append(wide, false); l.B != nil {
			wide = append(wide, true)
		}
	}
	return wide
}

// CommitWeights returns m with every layer's weights committed with params
// (which must hide) and fresh randomness, bound to the model commitment
// under salt (weightroot.Root of WeightTables), and the commitments in
// order. Every call gives other commitments and the same root. The
// committed model proves once: commit again for the next proof.
func (m *Model) CommitWeights(params pcs.Params, salt [32]byte) (*Model, []pcs.Commitment, error) {
	params = batchedParams(params)
	out := &Model{InBits: m.InBits, Layers: m.Layers, Context: m.Context}
	var coms []pcs.Commitment
	var data []*pcs.ProverData
	for i, g := range m.gemm {
		c, err := g.Commit(params)
		if err != nil {
			return nil, nil, fmt.Errorf("mlp: layer %d: %v", i, err)
		}
		w, b, _ := c.Committed()
		wd, bd := c.WeightData()
		coms, data = append(coms, w), append(data, wd)
		if c.HasBias() {
			coms, data = append(coms, b), append(data, bd)
		}
		out.gemm = append(out.gemm, c)
	}
	var err error
	if out.root, err = weightroot.NewProver(params, data, biasFlags(m.Layers), salt); err != nil {
		return nil, nil, fmt.Errorf("mlp: %v", err)
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
// commitments and their binding to the model commitment.
func ProveCommitted(params pcs.Params, cm *Model, coms []pcs.Commitment, M int, x []int64) (CommittedProof, []int64, error) {
	if !params.Hiding {
		return CommittedProof{}, nil, fmt.Errorf("mlp: committed weights are proven with hiding commitments (pcs.Params.Hiding)")
	}
	if cm.root == nil {
		return CommittedProof{}, nil, fmt.Errorf("mlp: ProveCommitted needs a model from CommitWeights")
	}
	p, y, err := ProveBatched(params, cm, M, x)
	return CommittedProof{Weights: coms, Root: cm.root.Proof(), BatchedProof: p}, y, err
}

// VerifyCommitted checks a CommittedProof against the architecture arch
// (its weights unread) and the commitments the proof carries, bound to
// the model commitment proof.ModelCommitment(), which the caller compares
// with the one it expects.
func VerifyCommitted(params pcs.Params, arch *Model, M int, y []int64, proof CommittedProof) error {
	if !params.Hiding {
		return fmt.Errorf("mlp: committed weights are checked with hiding commitments (pcs.Params.Hiding)")
	}
	vm, err := arch.WithCommitments(proof.Weights)
	if err != nil {
		return err
	}
	if vm.rootV, err = weightroot.NewVerifier(proof.Weights, biasFlags(arch.Layers), proof.Root); err != nil {
		return fmt.Errorf("mlp: %v", err)
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
