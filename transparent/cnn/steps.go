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
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// The steps a chain (Model, prove.go) and a residual network (Residual,
// resprove.go) share, in proving order: the input's commitment and range
// proof, a convolution block (conv, rescale, optional pool), the dense head,
// then the output's opening at ρ and the batch. Each runs the same
// transcript operations in the same order for both, so a chain's proof and a
// residual network's node prove and verify one protocol.

// withShared defaults params.Shared to sharedTables.
func withShared(params pcs.Params) pcs.Params {
	if params.Shared == 0 {
		params.Shared = sharedTables
	}
	return params
}

// partsSize is the input range's and the dense head's share of a proof's
// Size.
func partsSize(in *mlp.InputRange, steps []matmul.StepProof, requan []rescale.Proof) int {
	n := in.Zero.Size()
	for i := range in.Lookups {
		n += in.Lookups[i].Size()
	}
	for i := range in.Openings {
		n += in.Openings[i].Size()
	}
	for i := range steps {
		n += steps[i].Size() + requan[i].Size()
	}
	return n
}

// denseLayers builds the dense head's layers, each reading its
// predecessor's N values (the first's K is the caller's to check). They
// are padded to K, N ≥ matmul.MinDim (matmul.NewDenseLayer, so that they
// hide under vanishing masks); the first reads the last tensor's table
// as it is, so a head reading fewer than 3 values (a table of < MinDim
// entries, which would need a relayout) is refused.
func denseLayers(dense []mlp.Dense) ([]*matmul.Layer, error) {
	if p, _ := mle.Pow2(dense[0].K); p < matmul.MinDim {
		return nil, fmt.Errorf("cnn: dense layer 0 reads %d values, fewer than 3: a dense head's input is padded to %d entries, and a smaller tensor would need a relayout", dense[0].K, matmul.MinDim)
	}
	var gemm []*matmul.Layer
	for i, l := range dense {
		if i > 0 && l.K != dense[i-1].N {
			return nil, fmt.Errorf("cnn: dense layer %d reads %d values, layer %d gives %d", i, l.K, i-1, dense[i-1].N)
		}
		b := matmul.Int64s(l.B)
		if l.B == nil {
			b = nil
		}
		g, err := matmul.NewDenseLayer(l.K, l.N, matmul.Int64s(l.W), b)
		if err != nil {
			return nil, fmt.Errorf("cnn: dense layer %d: %v", i, err)
		}
		if err := (rescale.Params{Shift: l.Shift, Bits: l.Bits, ReLU: l.ReLU}).Check(); err != nil {
			return nil, fmt.Errorf("cnn: dense layer %d: %v", i, err)
		}
		gemm = append(gemm, g)
	}
	return gemm, nil
}

// proveInput commits x's table, absorbs the commitment and proves x's range
// of inBits signed bits.
func proveInput(tr *transcript.Transcript, params pcs.Params, inBits int, x []int64, bp *batch.Prover) (pcs.Commitment, mlp.InputRange, *pcs.ProverData, error) {
	xData, err := pcs.Commit(params, mle.FromInt64(x))
	if err != nil {
		return pcs.Commitment{}, mlp.InputRange{}, nil, err
	}
	com := xData.Commitment()
	com.Absorb(tr, "cnn/x")
	in, err := mlp.ProveInput(tr, params, inBits, xData, x, bp)
	if err != nil {
		return pcs.Commitment{}, mlp.InputRange{}, nil, err
	}
	return com, in, xData, nil
}

// verifyInput absorbs x's commitment and checks its range proof.
func verifyInput(tr *transcript.Transcript, params pcs.Params, inBits int, x pcs.Commitment, in *mlp.InputRange, bv *batch.Verifier) error {
	x.Absorb(tr, "cnn/x")
	if err := mlp.VerifyInput(tr, params, inBits, x, in, bv); err != nil {
		return fmt.Errorf("cnn: %v", err)
	}
	return nil
}

// block is a convolution block's layers: c's convolution l and, when c
// pools, its pool pl (else nil).
type block struct {
	c  *Conv
	l  *conv.Layer
	pl *maxpool.Layer
}

// block returns the chain's block i.
func (m *Model) block(i int) block { return block{&m.Convs[i], m.conv[i], m.pool[i]} }

// prove proves the block on the table in (committed in inData): acc its
// accumulators, act its rescaled values, pooled its pool's output. It
// returns the proofs (the pool's nil without a pool) and the output's
// prover data; an error is the caller's to name the block in ("pool: …"
// for the pool's).
func (b block) prove(tr *transcript.Transcript, params pcs.Params, inData *pcs.ProverData, in, acc, act, pooled []int64, bp *batch.Prover) (conv.Proof, rescale.Proof, *maxpool.Proof, *pcs.ProverData, error) {
	step, aData, err := b.l.ProveStepBatched(tr, params, inData, mle.FromInt64(in), mle.FromInt64(acc), bp)
	if err != nil {
		return conv.Proof{}, rescale.Proof{}, nil, nil, err
	}
	rq, outData, err := rescale.ProveBatched(tr, b.c.params(params), aData, acc, bp)
	if err != nil {
		return conv.Proof{}, rescale.Proof{}, nil, nil, err
	}
	if b.pl == nil {
		return step, rq, nil, outData, nil
	}
	pp, pData, err := b.pl.ProveBatched(tr, params, outData, act, pooled, bp)
	if err != nil {
		return conv.Proof{}, rescale.Proof{}, nil, nil, fmt.Errorf("pool: %v", err)
	}
	return step, rq, &pp, pData, nil
}

// verify checks the block's proofs on the input commitment in and returns
// its output's commitment; pp must be non-nil when the block pools. An
// error is the caller's to name the block in, as prove's.
func (b block) verify(tr *transcript.Transcript, params pcs.Params, in pcs.Commitment, cp *conv.Proof, rq *rescale.Proof, pp *maxpool.Proof, bv *batch.Verifier) (pcs.Commitment, error) {
	if err := b.l.VerifyStepBatched(tr, params, in, *cp, bv); err != nil {
		return pcs.Commitment{}, err
	}
	if err := rescale.VerifyBatched(tr, b.c.params(params), cp.Y, *rq, bv); err != nil {
		return pcs.Commitment{}, err
	}
	if b.pl == nil {
		return rq.Y, nil
	}
	if err := b.pl.VerifyBatched(tr, params, rq.Y, *pp, bv); err != nil {
		return pcs.Commitment{}, fmt.Errorf("pool: %v", err)
	}
	return pp.Y, nil
}

// proveHead proves the dense layers on x0 (the first's input table,
// committed in xData; acc and out the layers' accumulators and rescaled
// outputs), then opens the last output's table at ρ, proves the committed
// weights' root (root; nothing for public weights) and proves the batch.
func proveHead(tr *transcript.Transcript, params pcs.Params, gemm []*matmul.Layer, dense []mlp.Dense, xData *pcs.ProverData, x0 []int64, acc, out [][]int64, bp *batch.Prover, root rootBinding) ([]matmul.StepProof, []rescale.Proof, batch.Proof, error) {
	var steps []matmul.StepProof
	var requan []rescale.Proof
	cur, curData := x0, xData
	for i := range dense {
		step, aData, err := matmul.ProveStepBatched(tr, params, gemm[i], 1, curData, mle.FromInt64(cur), mle.FromInt64(acc[i]), bp)
		if err != nil {
			return nil, nil, batch.Proof{}, fmt.Errorf("cnn: dense layer %d: %v", i, err)
		}
		rq, outData, err := rescale.ProveBatched(tr, denseParams(&dense[i], params), aData, acc[i], bp)
		if err != nil {
			return nil, nil, batch.Proof{}, fmt.Errorf("cnn: dense layer %d: %v", i, err)
		}
		steps, requan = append(steps, step), append(requan, rq)
		cur, curData = out[i], outData
	}
	for _, pt := range mlp.OutputPoints(tr, "cnn/rho", params, curData.Commitment().NumVars) {
		if _, err := bp.Open(tr, curData, pt); err != nil {
			return nil, nil, batch.Proof{}, err
		}
	}
	if err := root.prove(tr, params, bp); err != nil {
		return nil, nil, batch.Proof{}, err
	}
	b, err := bp.Prove(tr)
	if err != nil {
		return nil, nil, batch.Proof{}, err
	}
	return steps, requan, b, nil
}

// verifyHead checks the dense layers' proofs from the commitment cur and
// returns the last output's commitment.
func verifyHead(tr *transcript.Transcript, params pcs.Params, gemm []*matmul.Layer, dense []mlp.Dense, cur pcs.Commitment, steps []matmul.StepProof, requan []rescale.Proof, bv *batch.Verifier) (pcs.Commitment, error) {
	for i := range dense {
		if err := matmul.VerifyStepBatched(tr, params, gemm[i], 1, cur, steps[i], bv); err != nil {
			return pcs.Commitment{}, fmt.Errorf("cnn: dense layer %d: %v", i, err)
		}
		if err := rescale.VerifyBatched(tr, denseParams(&dense[i], params), steps[i].Y, requan[i], bv); err != nil {
			return pcs.Commitment{}, fmt.Errorf("cnn: dense layer %d: %v", i, err)
		}
		cur = requan[i].Y
	}
	return cur, nil
}

// verifyOutput checks that the output committed in out is yt (y laid out as
// its table, zero on padding) at mlp.OutputPoints (ρ, or under vanishing
// masks the two points where Ŷ = Ỹ), the committed weights' root (root;
// nothing for public weights), then the batch of every deferred opening.
func verifyOutput(tr *transcript.Transcript, params pcs.Params, out pcs.Commitment, yt mle.Table, b batch.Proof, bv *batch.Verifier, root rootBinding) error {
	for _, pt := range mlp.OutputPoints(tr, "cnn/rho", params, out.NumVars) {
		want, _ := yt.Eval(pt)
		if err := bv.Check(tr, params, out, pt, want, pcs.Opening{}); err != nil {
			return fmt.Errorf("cnn: the committed output is not y: %v", err)
		}
	}
	if err := root.verify(tr, params, bv); err != nil {
		return err
	}
	if err := bv.Verify(tr, params, b); err != nil {
		return fmt.Errorf("cnn: openings: %v", err)
	}
	return nil
}
