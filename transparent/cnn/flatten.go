package cnn

import (
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/batch"
	"github.com/zkinfer/zkinfer/transparent/conv"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/sumcheck"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// FlattenProof re-commits the last block's tensor in the flat layout when
// its H·W is not a power of two (see the package doc, "Flatten"): X is the
// flat table's commitment, AtR its value at the verifier's random r, and
// Gather reduces that value to a claim on the block's committed table
// through the public index map u = c·H·W + p ↦ c·2^⌈log H·W⌉ + p.
type FlattenProof struct {
	X      pcs.Commitment
	AtR    fr.Element
	Gather sumcheck.Proof
}

// Size returns the proof's size in bytes, 32 per field element or hash.
func (p *FlattenProof) Size() int {
	return 48 + 32 + p.Gather.Size()
}

// flatIndex returns the flat table's index map into the block layout of a
// C×H·W tensor whose planes are padded to stride entries (−1 on padding).
func flatIndex(c, hw, stride int) []int32 {
	size, _ := mle.Pow2(c * hw)
	idx := make([]int32, size)
	for u := range idx {
		idx[u] = -1
		if u < c*hw {
			idx[u] = int32(u/hw*stride + u%hw)
		}
	}
	return idx
}

// flatTable lays the block-layout table x out flat (zero-padded).
func flatTable(x []int64, c, hw, stride int) []int64 {
	size, _ := mle.Pow2(c * hw)
	out := make([]int64, size)
	for ch := 0; ch < c; ch++ {
		copy(out[ch*hw:(ch+1)*hw], x[ch*stride:ch*stride+hw])
	}
	return out
}

// proveFlatten commits the flat table (absorbed into tr) and reduces its
// value at a random r to the block table's, both claims deferred into bp.
// The identity flat(u) = block(idx(u)), over the flat cube, is checked at r.
func (m *Model) proveFlatten(tr *transcript.Transcript, params pcs.Params, block []int64, blockData *pcs.ProverData, flat []int64, bp *batch.Prover) (*FlattenProof, *pcs.ProverData, error) {
	ft := mle.FromInt64(flat)
	fData, err := pcs.Commit(params, ft)
	if err != nil {
		return nil, nil, err
	}
	p := &FlattenProof{X: fData.Commitment()}
	p.X.Absorb(tr, "cnn/flat")
	r := tr.Challenges("cnn/flat-r", p.X.NumVars)
	p.AtR, _ = ft.Eval(r)
	tr.AppendElements("cnn/flat(r)", p.AtR)
	var rho []fr.Element
	if p.Gather, rho, err = conv.ProveGatherZK(tr, m.flatIdx, r, p.AtR, mle.FromInt64(block), params.Hiding); err != nil {
		return nil, nil, err
	}
	if _, err := bp.Open(tr, fData, r); err != nil {
		return nil, nil, err
	}
	if _, err := bp.Open(tr, blockData, rho); err != nil {
		return nil, nil, err
	}
	return p, fData, nil
}

// verifyFlatten checks a FlattenProof against the block's commitment and
// returns the flat table's.
func (m *Model) verifyFlatten(tr *transcript.Transcript, params pcs.Params, block pcs.Commitment, p *FlattenProof, bv *batch.Verifier) (pcs.Commitment, error) {
	if p == nil {
		return pcs.Commitment{}, fmt.Errorf("cnn: flatten: no proof of the flat layout")
	}
	if 1<<p.X.NumVars != len(m.flatIdx) {
		return pcs.Commitment{}, fmt.Errorf("cnn: flatten: flat table committed over %d variables, want %d entries", p.X.NumVars, len(m.flatIdx))
	}
	p.X.Absorb(tr, "cnn/flat")
	r := tr.Challenges("cnn/flat-r", p.X.NumVars)
	tr.AppendElements("cnn/flat(r)", p.AtR)
	rho, bv0, err := conv.VerifyGather(tr, m.flatIdx, r, p.AtR, block.NumVars, p.Gather)
	if err != nil {
		return pcs.Commitment{}, fmt.Errorf("cnn: flatten: %v", err)
	}
	if err := bv.Check(tr, params, p.X, r, p.AtR, pcs.Opening{}); err != nil {
		return pcs.Commitment{}, fmt.Errorf("cnn: flatten: %v", err)
	}
	if err := bv.Check(tr, params, block, rho, bv0, pcs.Opening{}); err != nil {
		return pcs.Commitment{}, fmt.Errorf("cnn: flatten: %v", err)
	}
	return p.X, nil
}
