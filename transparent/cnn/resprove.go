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
	n := 48 + p.Batch.Size()
	for i := range p.Input.Lookups {
		n += p.Input.Lookups[i].Size()
	}
	for i := range p.Input.Openings {
		n += p.Input.Openings[i].Size()
	}
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
	for i := range p.Steps {
		n += p.Steps[i].Size() + p.Requan[i].Size()
	}
	return n
}

// ProveResidual runs the network on the private x (C×H×W, ONNX order) and
// proves its output, which it returns.
func ProveResidual(params pcs.Params, r *Residual, x []int64) (ResProof, []int64, error) {
	if params.Shared == 0 {
		params.Shared = sharedTables
	}
	return r.prove(params, x, resCheats{})
}

func (r *Residual) prove(params pcs.Params, x []int64, ch resCheats) (ResProof, []int64, error) {
	t, err := r.eval(x, ch)
	if err != nil {
		return ResProof{}, nil, err
	}
	tr := r.start(t.y)
	bp := batch.NewProver()
	var proof ResProof
	xData, err := pcs.Commit(params, mle.FromInt64(t.tables[0]))
	if err != nil {
		return ResProof{}, nil, err
	}
	proof.X = xData.Commitment()
	proof.X.Absorb(tr, "cnn/x")
	if proof.Input, err = mlp.ProveInput(tr, params, r.InBits, xData, t.tables[0], bp); err != nil {
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
			step, aData, err := r.conv[i].ProveStepBatched(tr, params, data[in], mle.FromInt64(t.tables[in]), mle.FromInt64(t.acc[i]), bp)
			if err != nil {
				return ResProof{}, nil, fmt.Errorf("cnn: node %d: %v", i, err)
			}
			rq, rData, err := rescale.ProveBatched(tr, n.Conv.params(params), aData, t.acc[i], bp)
			if err != nil {
				return ResProof{}, nil, fmt.Errorf("cnn: node %d: %v", i, err)
			}
			np.Conv, np.Rq, out = &step, &rq, rData
			if r.pool[i] != nil {
				pp, pData, err := r.pool[i].ProveBatched(tr, params, rData, t.act[i], t.tables[i+1], bp)
				if err != nil {
					return ResProof{}, nil, fmt.Errorf("cnn: node %d: pool: %v", i, err)
				}
				np.Pool, out = &pp, pData
			}
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
	cur, curData := t.tables[len(t.tables)-1], data[len(data)-1]
	for i := range r.Dense {
		step, aData, err := matmul.ProveStepBatched(tr, params, r.gemm[i], 1, curData, mle.FromInt64(cur), mle.FromInt64(t.dense[i]), bp)
		if err != nil {
			return ResProof{}, nil, fmt.Errorf("cnn: dense layer %d: %v", i, err)
		}
		rq, outData, err := rescale.ProveBatched(tr, denseParams(&r.Dense[i], params), aData, t.dense[i], bp)
		if err != nil {
			return ResProof{}, nil, fmt.Errorf("cnn: dense layer %d: %v", i, err)
		}
		proof.Steps, proof.Requan = append(proof.Steps, step), append(proof.Requan, rq)
		cur, curData = t.dout[i], outData
	}
	rho := tr.Challenges("cnn/rho", curData.Commitment().NumVars)
	if _, err = bp.Open(tr, curData, rho); err != nil {
		return ResProof{}, nil, err
	}
	if proof.Batch, err = bp.Prove(tr); err != nil {
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
	bv := batch.NewVerifier()
	proof.X.Absorb(tr, "cnn/x")
	if err := mlp.VerifyInput(tr, params, r.InBits, proof.X, &proof.Input, bv); err != nil {
		return fmt.Errorf("cnn: %v", err)
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
			if err := r.conv[i].VerifyStepBatched(tr, params, in, *np.Conv, bv); err != nil {
				return fmt.Errorf("cnn: node %d: %v", i, err)
			}
			if err := rescale.VerifyBatched(tr, n.Conv.params(params), np.Conv.Y, *np.Rq, bv); err != nil {
				return fmt.Errorf("cnn: node %d: %v", i, err)
			}
			out = np.Rq.Y
			if r.pool[i] != nil {
				if err := r.pool[i].VerifyBatched(tr, params, out, *np.Pool, bv); err != nil {
					return fmt.Errorf("cnn: node %d: pool: %v", i, err)
				}
				out = np.Pool.Y
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
	cur := coms[len(coms)-1]
	for i := range r.Dense {
		if err := matmul.VerifyStepBatched(tr, params, r.gemm[i], 1, cur, proof.Steps[i], bv); err != nil {
			return fmt.Errorf("cnn: dense layer %d: %v", i, err)
		}
		if err := rescale.VerifyBatched(tr, denseParams(&r.Dense[i], params), proof.Steps[i].Y, proof.Requan[i], bv); err != nil {
			return fmt.Errorf("cnn: dense layer %d: %v", i, err)
		}
		cur = proof.Requan[i].Y
	}
	rho := tr.Challenges("cnn/rho", cur.NumVars)
	if 1<<cur.NumVars < nOut {
		return fmt.Errorf("cnn: output committed over %d variables, want %d values", cur.NumVars, nOut)
	}
	yt := make(mle.Table, 1<<cur.NumVars)
	for j, v := range y {
		yt[j].SetInt64(v)
	}
	want, _ := yt.Eval(rho)
	if err := bv.Check(tr, params, cur, rho, want, pcs.Opening{}); err != nil {
		return fmt.Errorf("cnn: the committed output is not y: %v", err)
	}
	if err := bv.Verify(tr, params, proof.Batch); err != nil {
		return fmt.Errorf("cnn: openings: %v", err)
	}
	return nil
}
