package cnn

import (
	"fmt"

	"github.com/zkinfer/zkinfer/transparent/batch"
	"github.com/zkinfer/zkinfer/transparent/conv"
	"github.com/zkinfer/zkinfer/transparent/matmul"
	"github.com/zkinfer/zkinfer/transparent/maxpool"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/mlp"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/rescale"
	"github.com/zkinfer/zkinfer/transparent/sumcheck"
)

// Proof proves y = model(x) for a private x.
type Proof struct {
	X       pcs.Commitment
	Input   mlp.InputRange
	Convs   []conv.Proof    // one per block
	ConvRq  []rescale.Proof // one per block
	Pools   []maxpool.Proof // one per block with a pool, in order
	Flatten *FlattenProof   // the flat layout's proof, when it differs from the block's
	Steps   []matmul.StepProof
	Requan  []rescale.Proof
	// Batch proves every opening at the end, one multi-opening per table
	// shape: the steps' openings above are empty, their claims (and the
	// output's at ρ, against the public y) deferred into it (package batch).
	Batch batch.Proof
}

// Size returns the proof's size in bytes, 32 per field element or hash.
func (p *Proof) Size() int {
	n := 48 + 2*48 + 96 + p.Batch.Size() + partsSize(&p.Input, p.Steps, p.Requan)
	for i := range p.Convs {
		n += p.Convs[i].Size() + p.ConvRq[i].Size()
	}
	for i := range p.Pools {
		n += p.Pools[i].Size()
	}
	if p.Flatten != nil {
		n += p.Flatten.Size()
	}
	return n
}

// Prove runs the model on the private x (C×H×W, ONNX order) and proves its
// output, which it returns. Unless params.Shared says otherwise, tables are
// committed for openings shared by sharedTables tables (pcs.Params.Shared):
// the verifier reads each commitment's shape from the proof.
func Prove(params pcs.Params, m *Model, x []int64) (Proof, []int64, error) {
	return m.prove(withShared(params), x, cheats{})
}

// sharedTables is the row split's assumption of how many tables share a
// multi-opening: cnn_c32 opens 8–32 tables per shape; its proof measured
// 7.79, 5.79, 5.48, 5.62 and 5.87 MB with 1, 4, 8, 12 and 32.
const sharedTables = 8

func (m *Model) prove(params pcs.Params, x []int64, ch cheats) (Proof, []int64, error) {
	t, err := m.eval(x, ch)
	if err != nil {
		return Proof{}, nil, err
	}
	y := t.y
	if ch.claimY != nil {
		y = ch.claimY(y)
	}
	tr := m.start(y)
	m.root.bindProver(tr)
	bp := batch.NewProver()
	if params.Hiding { // every zk sumcheck's Libra mask from one stream of pools (batch.PoolMasks)
		bp.PoolMasks(tr)
		defer sumcheck.DetachStream(tr)
	}
	var proof Proof
	var curData *pcs.ProverData
	proof.X, proof.Input, curData, err = proveInput(tr, params, m.InBits, t.x, bp)
	if err != nil {
		return Proof{}, nil, err
	}
	cur := t.x
	for i := range m.Convs {
		step, rq, pp, outData, err := m.block(i).prove(tr, params, curData, cur, t.acc[i], t.act[i], t.pooled[i], bp)
		if err != nil {
			return Proof{}, nil, fmt.Errorf("cnn: block %d: %v", i, err)
		}
		proof.Convs, proof.ConvRq = append(proof.Convs, step), append(proof.ConvRq, rq)
		cur, curData = t.act[i], outData
		if pp != nil {
			proof.Pools = append(proof.Pools, *pp)
			cur = t.pooled[i]
		}
	}
	// Flatten: the last block's table is the first dense layer's X table,
	// or (H·W not a power of two) the flat table is committed and proven.
	if m.flatIdx != nil && len(m.Dense) > 0 {
		if proof.Flatten, curData, err = m.proveFlatten(tr, params, cur, curData, t.flat, bp); err != nil {
			return Proof{}, nil, err
		}
	}
	// The first dense layer reads t.flat: cur, unless the tests' flatten
	// cheat relabels it.
	if proof.Steps, proof.Requan, proof.Batch, err = proveHead(tr, params, m.gemm, m.Dense, curData, t.flat, t.dense, t.dout, bp, m.root); err != nil {
		return Proof{}, nil, err
	}
	return proof, y, nil
}

// Verify checks that y (the last dense layer's N values) is the model's
// output on some private x of InBits signed bits.
func Verify(params pcs.Params, m *Model, y []int64, proof Proof) error {
	oc, plane, stride := m.outLayout()
	if len(y) != oc*plane {
		return fmt.Errorf("cnn: output of %d values, want %d", len(y), oc*plane)
	}
	pools := 0
	for _, p := range m.pool {
		if p != nil {
			pools++
		}
	}
	if len(proof.Convs) != len(m.Convs) || len(proof.ConvRq) != len(m.Convs) || len(proof.Pools) != pools ||
		len(proof.Steps) != len(m.Dense) || len(proof.Requan) != len(m.Dense) {
		return fmt.Errorf("cnn: proof of %d, %d, %d, %d, %d steps, want %d, %d, %d, %d, %d",
			len(proof.Convs), len(proof.ConvRq), len(proof.Pools), len(proof.Steps), len(proof.Requan),
			len(m.Convs), len(m.Convs), pools, len(m.Dense), len(m.Dense))
	}
	if xSize, _ := m.conv[0].Tables(); 1<<proof.X.NumVars != xSize {
		return fmt.Errorf("cnn: x committed over %d variables, want %d entries", proof.X.NumVars, xSize)
	}
	tr := m.start(y)
	m.root.bindVerifier(tr)
	bv := batch.NewVerifier()
	if params.Hiding {
		bv.PoolMasks(tr, proof.Batch.Pools.Coms)
		defer sumcheck.DetachStream(tr)
	}
	if err := verifyInput(tr, params, m.InBits, proof.X, &proof.Input, bv); err != nil {
		return err
	}
	cur := proof.X
	p := 0
	for i := range m.Convs {
		var pp *maxpool.Proof
		if m.pool[i] != nil {
			pp = &proof.Pools[p]
			p++
		}
		var err error
		if cur, err = m.block(i).verify(tr, params, cur, &proof.Convs[i], &proof.ConvRq[i], pp, bv); err != nil {
			return fmt.Errorf("cnn: block %d: %v", i, err)
		}
	}
	// Flatten: matmul.VerifyStep checks cur has the dense layer's X table
	// size; the layouts agree (package doc, "Flatten") or the flat table's
	// commitment replaces the block's.
	if m.flatIdx != nil && len(m.Dense) > 0 {
		var err error
		if cur, err = m.verifyFlatten(tr, params, cur, proof.Flatten, bv); err != nil {
			return err
		}
	} else if proof.Flatten != nil {
		return fmt.Errorf("cnn: a flatten proof for a model whose flatten is a relabelling")
	}
	cur, err := verifyHead(tr, params, m.gemm, m.Dense, cur, proof.Steps, proof.Requan, bv)
	if err != nil {
		return err
	}
	// y laid out as the committed table (zero on padding).
	if cp, _ := mle.Pow2(oc); cp*stride != 1<<cur.NumVars && (oc > 1 || stride > 1<<cur.NumVars) {
		return fmt.Errorf("cnn: output committed over %d variables, want %d rows of %d", cur.NumVars, oc, stride)
	}
	yt := make(mle.Table, 1<<cur.NumVars)
	for c := 0; c < oc; c++ {
		for p := 0; p < plane; p++ {
			yt[c*stride+p].SetInt64(y[c*plane+p])
		}
	}
	return verifyOutput(tr, params, cur, yt, proof.Batch, bv, m.root)
}
