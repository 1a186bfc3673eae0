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
// Reshape, an Expand or Tile to the same shape). That is transparent/mlp's chain. Every other step is
// refused with the operator's name; Conv and pooling are refused until the
// chain has their protocols (transparent/cnn): Lower's switch on the
// operator is where they plug in.
package lower

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"

	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/ops"
	"github.com/zkinfer/zkinfer/transparent/mlp"
	"github.com/zkinfer/zkinfer/transparent/rescale"
)

// Chain is a model lowered to a chain of transparent layers.
type Chain struct {
	M      int         // rows of the input (the Gemm's M)
	InBits int         // the input's signed range: --act-bits
	Layers []mlp.Dense // in order
	Model  *mlp.Model  // the checked chain, its weights hashed
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
		case "Conv", "MaxPool", "AveragePool", "GlobalAveragePool":
			// transparent/conv proves one convolution; the chain does not
			// hold convolutions and pooling yet (transparent/cnn).
			return nil, &Unsupported{st.Op, st.Node.Name, "convolution and pooling chains are not proven yet"}
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
	put(int64(c.M))
	put(int64(c.InBits))
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
		relu := int64(0)
		if l.ReLU {
			relu = 1
		}
		put(relu)
	}
	var d [32]byte
	h.Sum(d[:0])
	return d
}
