package cnn

import (
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/batch"
	"github.com/zkinfer/zkinfer/transparent/conv"
	"github.com/zkinfer/zkinfer/transparent/matmul"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/mlp"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/transcript"
	"github.com/zkinfer/zkinfer/transparent/weightroot"
)

// Secret weights (docs/TRANSPARENT.md, "Secret weights"): every
// convolution's and dense layer's weights and bias committed afresh for
// each proof with hiding commitments (conv.Layer.Commit,
// matmul.Layer.Commit); the verifier holds the architecture and the
// commitments, and checks the weights' MLEs at its points through the
// batch's openings. The commitments are bound to the model commitment —
// the Poseidon2 root of the packed weights and a salt (package
// weightroot) — inside the same proof: the transcript absorbs the root and
// the commitments right after the statement, and the packing's and the
// tree's claims join the chain's one batch (proveHead, verifyOutput).

// CommittedProof is a Proof for a model with committed weights: Weights
// lists the commitments in order (each convolution's weights then its bias
// if any, then each dense layer's), Root binds them to the model
// commitment (Root.Root).
type CommittedProof struct {
	Weights []pcs.Commitment
	Root    weightroot.Proof
	Proof
}

// Size returns the proof's size in bytes, 32 per field element or hash.
func (p *CommittedProof) Size() int { return 34*len(p.Weights) + p.Root.Size() + p.Proof.Size() }

// ModelCommitment returns the model commitment the proof claims (checked
// by VerifyCommitted): the weights' Poseidon2 root.
func (p *CommittedProof) ModelCommitment() fr.Element { return p.Root.Root }

// WeightTables returns the tables CommitWeights commits, in its order, and
// which are biases: what weightroot.Root packs into the model commitment.
func (m *Model) WeightTables() ([]mle.Table, []bool) { return weightTables(m.conv, m.gemm) }

// CommitWeights returns m with every layer's weights committed with params
// (which must hide) and fresh randomness, bound to the model commitment
// under salt (weightroot.Root of WeightTables), and the commitments in
// order. Every call gives other commitments and the same root; the
// committed model proves once (commit again for the next proof).
func (m *Model) CommitWeights(params pcs.Params, salt [32]byte) (*Model, []pcs.Commitment, error) {
	out := *m
	var coms []pcs.Commitment
	var err error
	out.conv, out.gemm, coms, out.root.p, err = commitLayers(withShared(params), salt, m.conv, m.gemm, func(i int) string { return fmt.Sprintf("block %d", i) })
	if err != nil {
		return nil, nil, err
	}
	return &out, coms, nil
}

// weightTables lists convs' and then gemm's tables (each W, then b if
// any) and marks the biases.
func weightTables(convs []*conv.Layer, gemm []*matmul.Layer) ([]mle.Table, []bool) {
	var tables []mle.Table
	var wide []bool
	add := func(w, b mle.Table) {
		tables, wide = append(tables, w), append(wide, false)
		if b != nil {
			tables, wide = append(tables, b), append(wide, true)
		}
	}
	for _, l := range convs {
		add(l.WeightTables())
	}
	for _, g := range gemm {
		add(g.WeightTables())
	}
	return tables, wide
}

// commitLayers commits convs' and then gemm's weights (and biases) in the
// model commitment's order, afresh: the committed layers, the
// commitments (each layer's W then its b if any) and their binding to the
// root under salt. what names convolution i in errors. Shared by chains
// and residual networks, whose orders are the same.
func commitLayers(params pcs.Params, salt [32]byte, convs []*conv.Layer, gemm []*matmul.Layer, what func(int) string) ([]*conv.Layer, []*matmul.Layer, []pcs.Commitment, *weightroot.Prover, error) {
	var coms []pcs.Commitment
	var data []*pcs.ProverData
	var wide []bool
	add := func(w, b pcs.Commitment, wd, bd *pcs.ProverData, bias bool) {
		coms, data, wide = append(coms, w), append(data, wd), append(wide, false)
		if bias {
			coms, data, wide = append(coms, b), append(data, bd), append(wide, true)
		}
	}
	cs := make([]*conv.Layer, len(convs))
	for i, l := range convs {
		c, err := l.Commit(params)
		if err != nil {
			return nil, nil, nil, nil, fmt.Errorf("cnn: %s: %v", what(i), err)
		}
		w, b, _ := c.Committed()
		wd, bd := c.WeightData()
		add(w, b, wd, bd, c.HasBias())
		cs[i] = c
	}
	gs := make([]*matmul.Layer, len(gemm))
	for i, g := range gemm {
		c, err := g.Commit(params)
		if err != nil {
			return nil, nil, nil, nil, fmt.Errorf("cnn: dense layer %d: %v", i, err)
		}
		w, b, _ := c.Committed()
		wd, bd := c.WeightData()
		add(w, b, wd, bd, c.HasBias())
		gs[i] = c
	}
	rp, err := weightroot.NewProver(params, data, wide, salt)
	if err != nil {
		return nil, nil, nil, nil, fmt.Errorf("cnn: %v", err)
	}
	return cs, gs, coms, rp, nil
}

// biasFlags marks which of coms (in the model commitment's order) are
// biases, from the verifier's committed layers.
func biasFlags(convs []*conv.Layer, gemm []*matmul.Layer) []bool {
	var wide []bool
	for _, l := range convs {
		if wide = append(wide, false); l.HasBias() {
			wide = append(wide, true)
		}
	}
	for _, g := range gemm {
		if wide = append(wide, false); g.HasBias() {
			wide = append(wide, true)
		}
	}
	return wide
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
// committed: a proof (params must hide) carrying the commitments and their
// binding to the model commitment.
func ProveCommitted(params pcs.Params, cm *Model, coms []pcs.Commitment, x []int64) (CommittedProof, []int64, error) {
	if !params.Hiding {
		return CommittedProof{}, nil, fmt.Errorf("cnn: committed weights are proven with hiding commitments (pcs.Params.Hiding)")
	}
	if cm.root.p == nil {
		return CommittedProof{}, nil, fmt.Errorf("cnn: ProveCommitted needs a model from CommitWeights")
	}
	p, y, err := Prove(params, cm, x)
	return CommittedProof{Weights: coms, Root: cm.root.p.Proof(), Proof: p}, y, err
}

// VerifyCommitted checks a CommittedProof against the architecture arch
// (its weights unread) and the commitments the proof carries, bound to the
// model commitment proof.ModelCommitment(), which the caller compares with
// the one it expects.
func VerifyCommitted(params pcs.Params, arch *Model, y []int64, proof CommittedProof) error {
	if !params.Hiding {
		return fmt.Errorf("cnn: committed weights are checked with hiding commitments (pcs.Params.Hiding)")
	}
	vm, err := arch.WithCommitments(proof.Weights)
	if err != nil {
		return err
	}
	if vm.root.v, err = weightroot.NewVerifier(proof.Weights, biasFlags(vm.conv, vm.gemm), proof.Root); err != nil {
		return fmt.Errorf("cnn: %v", err)
	}
	return Verify(params, vm, y, proof.Proof)
}

// rootBinding is a committed model's binding of its weight commitments to
// the model commitment (package weightroot): the prover's or the
// verifier's side, both nil for public weights (then every method does
// nothing, and a fixed-weight proof is unchanged byte for byte).
type rootBinding struct {
	p *weightroot.Prover
	v *weightroot.Verifier
}

// bindProver absorbs the root and the commitments right after the
// statement; bindVerifier is its verifier side.
func (b rootBinding) bindProver(tr *transcript.Transcript) {
	if b.p != nil {
		b.p.Bind(tr)
	}
}

func (b rootBinding) bindVerifier(tr *transcript.Transcript) {
	if b.v != nil {
		b.v.Bind(tr)
	}
}

// prove proves the packing and the tree into bp, after the chain's last
// step; verify checks them into bv.
func (b rootBinding) prove(tr *transcript.Transcript, params pcs.Params, bp *batch.Prover) error {
	if b.p == nil {
		return nil
	}
	if err := b.p.Prove(tr, params, bp); err != nil {
		return fmt.Errorf("cnn: the weights' root: %v", err)
	}
	return nil
}

func (b rootBinding) verify(tr *transcript.Transcript, params pcs.Params, bv *batch.Verifier) error {
	if b.v == nil {
		return nil
	}
	if err := b.v.Verify(tr, params, bv); err != nil {
		return fmt.Errorf("cnn: the weights' root: %v", err)
	}
	return nil
}
