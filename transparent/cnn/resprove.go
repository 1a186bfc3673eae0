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

// NodeProof proves one node: Conv, Rq and (with a pool) Pool for a
// NodeConv; Add for a NodeAddRelu; Avg and Rq for a NodeAvg.
type NodeProof struct {
	Conv *conv.Proof
	Rq   *rescale.Proof
	Pool *maxpool.Proof
	Add  *AddReluProof
	Avg  *matmul.StepProof
}

// ResProof proves y = net(x) for a private x.
type ResProof struct {
	X      pcs.Commitment
	Input  mlp.InputRange
	Nodes  []NodeProof
	Steps  []matmul.StepProof
	Requan []rescale.Proof
	Batch  batch.Proof
}

// Size returns the proof's size in bytes, 32 per field element or hash.
func (p *ResProof) Size() int {
	n := 48 + p.Batch.Size() + partsSize(&p.Input, p.Steps, p.Requan)
	for _, q := range p.Nodes {
		if q.Conv != nil {
			n += q.Conv.Size()
		}
		if q.Rq != nil {
			n += q.Rq.Size()
		}
		if q.Pool != nil {
			n += q.Pool.Size()
		}
		if q.Add != nil {
			n += q.Add.Size()
		}
		if q.Avg != nil {
			n += q.Avg.Size()
		}
	}
	return n
}

// ProveResidual runs the network on the private x (C×H×W, ONNX order) and
// proves its output, which it returns.
func ProveResidual(params pcs.Params, r *Residual, x []int64) (ResProof, []int64, error) {
	return r.prove(withShared(params), x, resCheats{})
}

func (r *Residual) prove(params pcs.Params, x []int64, ch resCheats) (ResProof, []int64, error) {
	t, err := r.eval(x, ch)
	if err != nil {
		return ResProof{}, nil, err
	}
	tr := r.start(t.y)
	r.root.bindProver(tr)
	bp := batch.NewProver()
	if params.Hiding { // every zk sumcheck's Libra mask from one stream of pools (batch.PoolMasks)
		bp.PoolMasks(tr)
		defer sumcheck.DetachStream(tr)
	}
	var proof ResProof
	var xData *pcs.ProverData
	if proof.X, proof.Input, xData, err = proveInput(tr, params, r.InBits, t.tables[0], bp); err != nil {
		return ResProof{}, nil, err
	}
	data := []*pcs.ProverData{xData}
	for i := range r.Nodes {
		n := &r.Nodes[i]
		in := n.In[0]
		var np NodeProof
		var out *pcs.ProverData
		switch n.Kind {
		case NodeConv:
			step, rq, pp, cData, err := r.block(i).prove(tr, params, data[in], t.tables[in], t.acc[i], t.act[i], t.tables[i+1], bp)
			if err != nil {
				return ResProof{}, nil, fmt.Errorf("cnn: node %d: %v", i, err)
			}
			np.Conv, np.Rq, np.Pool, out = &step, &rq, pp, cData
		case NodeAddRelu:
			b := n.In[1]
			ap, yData, err := r.add[i].prove(tr, params, data[in], data[b], t.tables[in], t.addB[i], t.tables[i+1], bp, ch.add)
			if err != nil {
				return ResProof{}, nil, fmt.Errorf("cnn: node %d: %v", i, err)
			}
			np.Add, out = &ap, yData
		case NodeAvg:
			step, aData, err := matmul.ProveStepBatched(tr, params, r.avg[i], r.shapes[in][0], data[in], mle.FromInt64(t.tables[in]), mle.FromInt64(t.acc[i]), bp)
			if err != nil {
				return ResProof{}, nil, fmt.Errorf("cnn: node %d: %v", i, err)
			}
			rq, rData, err := rescale.ProveBatched(tr, n.avgParams(params), aData, t.acc[i], bp)
			if err != nil {
				return ResProof{}, nil, fmt.Errorf("cnn: node %d: %v", i, err)
			}
			np.Avg, np.Rq, out = &step, &rq, rData
		}
		proof.Nodes = append(proof.Nodes, np)
		data = append(data, out)
	}
	// The flatten is a relabelling (NewResidual checks the plane).
	if proof.Steps, proof.Requan, proof.Batch, err = proveHead(tr, params, r.gemm, r.Dense, data[len(data)-1], t.tables[len(t.tables)-1], t.dense, t.dout, bp, r.root); err != nil {
		return ResProof{}, nil, err
	}
	return proof, t.y, nil
}

// VerifyResidual checks that y (the last dense layer's N values) is the
// network's output on some private x of InBits signed bits.
func VerifyResidual(params pcs.Params, r *Residual, y []int64, proof ResProof) error {
	nOut := r.Dense[len(r.Dense)-1].N
	if len(y) != nOut {
		return fmt.Errorf("cnn: output of %d values, want %d", len(y), nOut)
	}
	if len(proof.Nodes) != len(r.Nodes) || len(proof.Steps) != len(r.Dense) || len(proof.Requan) != len(r.Dense) {
		return fmt.Errorf("cnn: proof of %d nodes and %d, %d dense steps, want %d and %d", len(proof.Nodes), len(proof.Steps), len(proof.Requan), len(r.Nodes), len(r.Dense))
	}
	if 1<<proof.X.NumVars != r.tableLen[0] {
		return fmt.Errorf("cnn: x committed over %d variables, want %d entries", proof.X.NumVars, r.tableLen[0])
	}
	tr := r.start(y)
	r.root.bindVerifier(tr)
	bv := batch.NewVerifier()
	if params.Hiding {
		bv.PoolMasks(tr, proof.Batch.Pools.Coms)
		defer sumcheck.DetachStream(tr)
	}
	if err := verifyInput(tr, params, r.InBits, proof.X, &proof.Input, bv); err != nil {
		return err
	}
	coms := []pcs.Commitment{proof.X}
	for i := range r.Nodes {
		n, np := &r.Nodes[i], proof.Nodes[i]
		in := coms[n.In[0]]
		var out pcs.Commitment
		switch n.Kind {
		case NodeConv:
			if np.Conv == nil || np.Rq == nil || (np.Pool != nil) != (r.pool[i] != nil) || np.Add != nil || np.Avg != nil {
				return fmt.Errorf("cnn: node %d: not a convolution's proof", i)
			}
			var err error
			if out, err = r.block(i).verify(tr, params, in, np.Conv, np.Rq, np.Pool, bv); err != nil {
				return fmt.Errorf("cnn: node %d: %v", i, err)
			}
		case NodeAddRelu:
			if np.Add == nil || np.Conv != nil || np.Rq != nil || np.Pool != nil || np.Avg != nil {
				return fmt.Errorf("cnn: node %d: not an add's proof", i)
			}
			if err := r.add[i].verify(tr, params, in, coms[n.In[1]], np.Add, bv); err != nil {
				return fmt.Errorf("cnn: node %d: %v", i, err)
			}
			out = np.Add.Y
		case NodeAvg:
			if np.Avg == nil || np.Rq == nil || np.Conv != nil || np.Pool != nil || np.Add != nil {
				return fmt.Errorf("cnn: node %d: not an average pool's proof", i)
			}
			if err := matmul.VerifyStepBatched(tr, params, r.avg[i], r.shapes[n.In[0]][0], in, *np.Avg, bv); err != nil {
				return fmt.Errorf("cnn: node %d: %v", i, err)
			}
			if err := rescale.VerifyBatched(tr, n.avgParams(params), np.Avg.Y, *np.Rq, bv); err != nil {
				return fmt.Errorf("cnn: node %d: %v", i, err)
			}
			out = np.Rq.Y
		}
		if 1<<out.NumVars != r.tableLen[i+1] {
			return fmt.Errorf("cnn: node %d's output committed over %d variables, want %d entries", i, out.NumVars, r.tableLen[i+1])
		}
		coms = append(coms, out)
	}
	cur, err := verifyHead(tr, params, r.gemm, r.Dense, coms[len(coms)-1], proof.Steps, proof.Requan, bv)
	if err != nil {
		return err
	}
	if 1<<cur.NumVars < nOut {
		return fmt.Errorf("cnn: output committed over %d variables, want %d values", cur.NumVars, nOut)
	}
	yt := make(mle.Table, 1<<cur.NumVars)
	for j, v := range y {
		yt[j].SetInt64(v)
	}
	return verifyOutput(tr, params, cur, yt, proof.Batch, bv, r.root)
}
