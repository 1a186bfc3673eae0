// Package lower turns a compiled model (package model: the ONNX graph after
// quantization, the same steps and plans the Groth16 circuit is built from)
// into the transparent backend's layer chain, so that the integers the
// transparent proof proves are ops.IntArith's, exactly what `zkinfer run`
// prints and the circuit proves.
//
// Supported today: one float input, one output, and a path of steps each
// reading the previous one's output — Gemm/MatMul with constant weights on
// the right (K×N, one batch), with its bias, rescale and the ReLU compile
// fused into it, and data movement that keeps every value in place (Flatten,
// Reshape, an Expand or Tile to the same shape): transparent/mlp's chain.
// Every other step is refused with the operator's name. A model that reaches a Conv or MaxPool
// is handed whole to transparent/cnn (cnn.FromModel: (Conv [Relu]
// [MaxPool])+ Flatten (Gemm [Relu])+ on one 1×C×H×W input); what it
// refuses (a residual Add, a GlobalAveragePool: a DAG of convolution
// blocks, resnet_c32's shape) is handed to cnn.FromResidual, and when both
// refuse, both reasons are given.
package lower

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"

	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/ops"
	"github.com/zkinfer/zkinfer/transparent/cnn"
	"github.com/zkinfer/zkinfer/transparent/mlp"
	"github.com/zkinfer/zkinfer/transparent/rescale"
)

// Chain is a model lowered to a chain of transparent layers: a dense chain
// (Model, transparent/mlp) or, when the model starts with convolutions, a
// CNN (CNN, transparent/cnn), or a residual network (Res, cnn.Residual: a
// DAG of convolution blocks with residual Adds). Exactly one of Model, CNN
// and Res is set.
type Chain struct {
	M      int         // rows of the input (the Gemm's M; 1 for a CNN)
	InBits int         // the input's signed range: --act-bits
	Layers []mlp.Dense // in order (a CNN's dense head)
	Model  *mlp.Model  // the checked dense chain, its weights hashed
	CNN    *cnn.Model  // or the checked CNN
	Res    *cnn.Residual
}

// Describe names the chain's layers for compile's message.
func (c *Chain) Describe() string {
	if c.CNN != nil {
		return fmt.Sprintf("%d convolution blocks and %d dense layers (transparent/cnn)", len(c.CNN.Convs), len(c.CNN.Dense))
	}
	if c.Res != nil {
		return fmt.Sprintf("a residual network of %d nodes and %d dense layers (transparent/cnn.Residual)", len(c.Res.Nodes), len(c.Res.Dense))
	}
	return fmt.Sprintf("%d dense layers on %d row(s)", len(c.Layers), c.M)
}

// Unsupported is the error for a step the backend cannot prove: it names
// the operator and the node, and what to do.
type Unsupported struct {
	Op, Node, Why string
}

func (e *Unsupported) Error() string {
	return fmt.Sprintf("%s (node %q) is not supported by --backend sumcheck: %s; compile with --backend groth16", e.Op, e.Node, e.Why)
}

// Lower lowers m. Its steps are read, not changed.
func Lower(m *model.Model) (*Chain, error) {
	g := m.Graph
	if len(g.Inputs) != 1 || len(g.Outputs) != 1 {
		return nil, fmt.Errorf("--backend sumcheck proves models with one input and one output; this one has %d and %d: compile with --backend groth16", len(g.Inputs), len(g.Outputs))
	}
	if g.Inputs[0].DType != graph.Float {
		return nil, fmt.Errorf("--backend sumcheck needs a float input, %q is %s: compile with --backend groth16", g.Inputs[0].Name, g.Inputs[0].DType)
	}
	if len(m.Params) > 0 {
		return nil, fmt.Errorf("--backend sumcheck proves fixed weights only: compile with --param-visibility fixed, or with --backend groth16")
	}
	in := m.Settings.ActBits
	if in > 2*rescale.Limb+1 {
		return nil, fmt.Errorf("--backend sumcheck range-checks inputs of at most %d bits, --act-bits is %d: lower it, or compile with --backend groth16", 2*rescale.Limb+1, in)
	}
	c := &Chain{InBits: in}
	cur := g.Inputs[0].Name
	for i := range m.NumSteps() {
		st := m.Step(i)
		if st.Fused { // a ReLU compile fused into the step before it
			cur = st.Node.Outputs[0]
			continue
		}
		if len(st.Node.Inputs) == 0 || st.Node.Inputs[0] != cur || len(st.Node.Outputs) != 1 {
			return nil, &Unsupported{st.Op, st.Node.Name, "the chain proves a path of steps, each reading the one before"}
		}
		switch st.Op {
		case "Gemm", "MatMul":
			d, rows, err := dense(st)
			if err != nil {
				return nil, err
			}
			if c.M != 0 && rows != c.M {
				return nil, &Unsupported{st.Op, st.Node.Name, fmt.Sprintf("%d rows after %d", rows, c.M)}
			}
			c.M = rows
			c.Layers = append(c.Layers, d)
		case "Conv", "MaxPool":
			// A CNN: transparent/cnn reads the whole model (its
			// (Conv [Relu] [MaxPool])+ Flatten (Gemm [Relu])+ form).
			return lowerCNN(m, in)
		case "AveragePool", "GlobalAveragePool":
			return nil, &Unsupported{st.Op, st.Node.Name, "average pooling is not proven yet"}
		default:
			// Data movement (Flatten, Reshape, Expand, Tile, …) that keeps
			// every value where it is costs nothing: the next layer reads
			// the same table.
			v, ok := ops.ViewMove(st.Plan)
			if !ok {
				return nil, &Unsupported{st.Op, st.Node.Name, "no transparent protocol for it"}
			}
			if !identity(v.Index) {
				return nil, &Unsupported{st.Op, st.Node.Name, "only data movement that keeps the row-major order is proven"}
			}
		}
		cur = st.Node.Outputs[0]
	}
	if cur != g.Outputs[0].Name {
		return nil, fmt.Errorf("--backend sumcheck: the output %q is not the end of the chain of steps: compile with --backend groth16", g.Outputs[0].Name)
	}
	if len(c.Layers) == 0 {
		return nil, fmt.Errorf("--backend sumcheck: the model has no Gemm or MatMul to prove: compile with --backend groth16")
	}
	if got := m.Inputs[0].Size(); got != c.M*c.Layers[0].K {
		return nil, fmt.Errorf("--backend sumcheck: the input has %d values, the first layer reads %d×%d", got, c.M, c.Layers[0].K)
	}
	last := c.Layers[len(c.Layers)-1]
	if got := m.Outputs[0].Size(); got != c.M*last.N {
		return nil, fmt.Errorf("--backend sumcheck: the output has %d values, the last layer gives %d×%d", got, c.M, last.N)
	}
	var err error
	if c.Model, err = mlp.NewModel(c.InBits, c.Layers); err != nil {
		return nil, fmt.Errorf("--backend sumcheck: %v", err)
	}
	return c, nil
}

// lowerCNN lowers a model that starts with convolutions through
// cnn.FromModel, which refuses, naming the step, what is not its chain;
// what it refuses is tried as a residual network (cnn.FromResidual).
func lowerCNN(m *model.Model, in int) (*Chain, error) {
	cm, err := cnn.FromModel(m)
	if err != nil {
		r, rerr := cnn.FromResidual(m)
		if rerr != nil {
			return nil, fmt.Errorf("--backend sumcheck: %v; as a residual network: %v: compile with --backend groth16", err, rerr)
		}
		return &Chain{M: 1, InBits: in, Layers: r.Dense, Res: r}, nil
	}
	// cnn.Verify checks the output's length against its last layer.
	return &Chain{M: 1, InBits: in, Layers: cm.Dense, CNN: cm}, nil
}

// dense reads a Gemm/MatMul step as a chain layer and its row count.
func dense(st model.Step) (mlp.Dense, int, error) {
	no := func(why string) (mlp.Dense, int, error) {
		return mlp.Dense{}, 0, &Unsupported{st.Op, st.Node.Name, why}
	}
	v, ok := ops.ViewMatMul(st.Plan)
	if !ok {
		return no("only a product with constant weights on the right, in one batch, is proven")
	}
	if v.SAm != v.K || v.SAk != 1 {
		return no("a transposed left operand (transA) is not proven")
	}
	if v.RQ.Shift == 0 {
		return no("a product that is not rescaled back to the activation scale is not proven (raise --param-scale)")
	}
	p := rescale.Params{Shift: v.RQ.Shift, Bits: v.RQ.Bits, ReLU: v.RQ.Relu}
	if err := p.Check(); err != nil {
		return no(fmt.Sprintf("its rescale: %v", err))
	}
	d := mlp.Dense{K: v.K, N: v.N, W: v.W, Shift: v.RQ.Shift, Bits: v.RQ.Bits, ReLU: v.RQ.Relu}
	if v.Bias != nil {
		// The chain's bias is per column: every row's must be the same.
		d.B = v.Bias[:v.N]
		for i := v.N; i < len(v.Bias); i++ {
			if v.Bias[i] != d.B[i%v.N] {
				return no("a bias that differs between rows is not proven")
			}
		}
	}
	return d, v.M, nil
}

// identity reports whether a move's index map is the identity (nil is).
func identity(idx []int) bool {
	for i, j := range idx {
		if i != j {
			return false
		}
	}
	return true
}

// Digest is SHA-256 of the chain's canonical encoding: what the transparent
// verifier checks a proof against (rows, input range, and every layer's
// shape, weights, bias, shift, bits and ReLU). A compiled directory records
// it as its circuit digest.
func (c *Chain) Digest() [32]byte {
	h := sha256.New()
	h.Write([]byte("zkinfer/transparent/chain/v1"))
	put := func(v int64) { h.Write(binary.BigEndian.AppendUint64(nil, uint64(v))) }
	bit := func(b bool) {
		if b {
			put(1)
		} else {
			put(0)
		}
	}
	put(int64(c.M))
	put(int64(c.InBits))
	if c.CNN != nil {
		h.Write([]byte("cnn"))
		put(int64(len(c.CNN.Convs)))
		for i := range c.CNN.Convs {
			digestConv(&c.CNN.Convs[i], put, bit)
		}
	}
	if c.Res != nil {
		c.digestResidual(h.Write, put, bit)
	}
	put(int64(len(c.Layers)))
	for _, l := range c.Layers {
		put(int64(l.K))
		put(int64(l.N))
		for _, w := range l.W {
			put(w)
		}
		put(int64(len(l.B)))
		for _, b := range l.B {
			put(b)
		}
		put(int64(l.Shift))
		put(int64(l.Bits))
		bit(l.ReLU)
	}
	var d [32]byte
	h.Sum(d[:0])
	return d
}

// digestConv writes a convolution block into the digest, as a chain's block
// and a residual network's convolution node both encode it: its shape,
// shift, bits and pool, ReLU, then its weights and bias with their lengths.
func digestConv(b *cnn.Conv, put func(int64), bit func(bool)) {
	s := b.Shape
	for _, v := range []int{s.C, s.H, s.W, s.O, s.KH, s.KW, s.Stride, s.Pad, b.Shift, b.Bits, b.Pool} {
		put(int64(v))
	}
	bit(b.ReLU)
	put(int64(len(b.W)))
	for _, w := range b.W {
		put(w)
	}
	put(int64(len(b.B)))
	for _, v := range b.B {
		put(v)
	}
}

// digestResidual writes a residual network's nodes into the digest: the
// input's shape, then per node its kind, the tensors it reads and its
// parameters (a convolution's as a chain's block, an add's alignments and
// bound, an average pool's weights, shift and bits). The dense head follows
// as a chain's layers.
func (c *Chain) digestResidual(write func([]byte) (int, error), put func(int64), bit func(bool)) {
	r := c.Res
	write([]byte("residual"))
	for _, v := range r.In {
		put(int64(v))
	}
	put(int64(len(r.Nodes)))
	for _, n := range r.Nodes {
		put(int64(n.Kind))
		put(int64(len(n.In)))
		for _, t := range n.In {
			put(int64(t))
		}
		digestConv(&n.Conv, put, bit)
		for _, v := range []int{n.UpA, n.UpB, n.Bits, n.Shift, n.AvgBits} {
			put(int64(v))
		}
		put(int64(len(n.AvgW)))
		for _, w := range n.AvgW {
			put(w)
		}
	}
}
