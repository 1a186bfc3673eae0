// Package mlp proves a chain of dense layers end to end in the transparent
// setting: a private input x (range-checked, committed), then for each layer
// a Gemm (package matmul, ProveStep: the output committed) and a Rescale or
// RescaleRelu (package rescale) back to the activation scale, and finally the
// public output revealed. It is the layer wiring of sumcheck-based zkML with
// committed intermediate tensors: each layer's input is the previous layer's
// committed output, read through the same commitment, so the layers cannot
// disagree on the tensor between them.
//
// The integer semantics are ops.IntArith's: a = x·W + b in int64 (checked for
// overflow), then q = floor((a + 2^(s−1))/2^s) bounded to b signed bits, and
// max(q, 0) with ReLU.
//
// # Soundness
//
// The statement is: there is an x of InBits signed bits with y = model(x).
// The transcript binds the model (each layer's weight digest, shifts, bits),
// M and the public y before any challenge. Each step's error is in its
// package; the reveal of y (ỹ(ρ) at a random ρ against the committed output)
// adds n/|F|. The total is below 2^-100 with pcs.DefaultParams for any model
// of fewer than 2^20 layers (the per-step errors add).
package mlp

import (
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/matmul"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/rescale"
	"github.com/zkinfer/zkinfer/transparent/transcript"
	"github.com/zkinfer/zkinfer/transparent/weightroot"
)

// Dense is one layer: y = requant(x·W + b).
type Dense struct {
	K, N        int
	W           []int64 // K×N, row-major
	B           []int64 // N, or nil
	Shift, Bits int
	ReLU        bool
}

// Model is a checked chain of dense layers.
type Model struct {
	InBits int // the input's signed range, as Settings.ActBits
	Layers []Dense
	gemm   []*matmul.Layer

	// Context, when not empty, is absorbed into the transcript before
	// anything else (the domain aside): a proof made under one context
	// verifies under no other, every challenge changing with it. It is not
	// part of the model; the caller sets it, on a copy, per proof
	// (transparent/artifact: the context's public input, 32 bytes).
	Context []byte

	// root, rootV bind committed weights to the model commitment
	// (committed.go): the prover's, the verifier's; nil for public weights.
	root  *weightroot.Prover
	rootV *weightroot.Verifier
}

// NewModel checks that the layers chain (each K the previous N) and hashes
// their weights once.
func NewModel(inBits int, layers []Dense) (*Model, error) {
	if inBits < 2 || inBits > 2*rescale.Limb+1 {
		return nil, fmt.Errorf("mlp: input range of %d bits outside 2..%d", inBits, 2*rescale.Limb+1)
	}
	if len(layers) == 0 {
		return nil, fmt.Errorf("mlp: no layers")
	}
	m := &Model{InBits: inBits, Layers: layers}
	for i, l := range layers {
		if i > 0 && l.K != layers[i-1].N {
			return nil, fmt.Errorf("mlp: layer %d reads %d values, layer %d gives %d", i, l.K, i-1, layers[i-1].N)
		}
		var b []fr.Element
		if l.B != nil {
			b = matmul.Int64s(l.B)
		}
		g, err := matmul.NewDenseLayer(l.K, l.N, matmul.Int64s(l.W), b)
		if err != nil {
			return nil, fmt.Errorf("mlp: layer %d: %v", i, err)
		}
		if err := (rescale.Params{Shift: l.Shift, Bits: l.Bits, ReLU: l.ReLU}).Check(); err != nil {
			return nil, fmt.Errorf("mlp: layer %d: %v", i, err)
		}
		m.gemm = append(m.gemm, g)
	}
	return m, nil
}

func (l *Dense) params(p pcs.Params) rescale.Params {
	return rescale.Params{Shift: l.Shift, Bits: l.Bits, ReLU: l.ReLU, PCS: p}
}

// padded lays an M×C matrix out as its zero-padded table of rows × cols
// (powers of two; cols at least matmul.MinDim, the layers' layout).
func padded(v []int64, M, C int) []int64 {
	m, _ := mle.Pow2(M)
	c, _ := matmul.Dim(C)
	out := make([]int64, m*c)
	for i := 0; i < M; i++ {
		copy(out[i*c:i*c+C], v[i*C:(i+1)*C])
	}
	return out
}

// gemm returns x·W + b (M×K times K×N) in int64, or an error on overflow.
func (l *Dense) gemm(x []int64, M int) ([]int64, error) {
	a := make([]int64, M*l.N)
	for i := 0; i < M; i++ {
		for j := 0; j < l.N; j++ {
			var s int64
			if l.B != nil {
				s = l.B[j]
			}
			for k := 0; k < l.K; k++ {
				p := x[i*l.K+k] * l.W[k*l.N+j]
				if x[i*l.K+k] != 0 && p/x[i*l.K+k] != l.W[k*l.N+j] || (p > 0 && s > 1<<62-p) || (p < 0 && s < -(1<<62)-p) {
					return nil, fmt.Errorf("mlp: accumulator (%d, %d) exceeds 2^62", i, j)
				}
				s += p
			}
			a[i*l.N+j] = s
		}
	}
	return a, nil
}

// Run evaluates the model on x (M×K₀, row-major) and returns every layer's
// accumulators and the output (M×N_last).
func (m *Model) Run(M int, x []int64) (accs [][]int64, y []int64, err error) {
	return m.eval(M, x, nil)
}

// eval is Run with a hook on each layer's accumulators (the tests' cheating
// prover changes them; everything downstream follows).
func (m *Model) eval(M int, x []int64, editAcc func(layer int, a []int64)) (accs [][]int64, y []int64, err error) {
	if M < 1 || len(x) != M*m.Layers[0].K {
		return nil, nil, fmt.Errorf("mlp: input of %d values, want %d×%d", len(x), M, m.Layers[0].K)
	}
	lim := int64(1) << (m.InBits - 1)
	for i, v := range x {
		if v < -lim || v >= lim {
			return nil, nil, fmt.Errorf("mlp: input %d = %d outside %d signed bits", i, v, m.InBits)
		}
	}
	cur := x
	for i := range m.Layers {
		l := &m.Layers[i]
		a, err := l.gemm(cur, M)
		if err != nil {
			return nil, nil, fmt.Errorf("mlp: layer %d: %v", i, err)
		}
		if editAcc != nil {
			editAcc(i, a)
		}
		w, err := rescale.Compute(l.params(pcs.Params{}), a)
		if err != nil {
			return nil, nil, fmt.Errorf("mlp: layer %d: %v", i, err)
		}
		accs = append(accs, a)
		cur = w.Y
	}
	return accs, cur, nil
}

// BindContext absorbs a non-empty context into tr (an empty one: nothing,
// so unbound transcripts are as before); the chains call it first.
func BindContext(tr *transcript.Transcript, ctx []byte) {
	if len(ctx) > 0 {
		tr.AppendBytes("context", ctx)
	}
}

func (m *Model) start(M int, y []int64) *transcript.Transcript {
	tr := transcript.New("zkinfer/transparent/mlp")
	BindContext(tr, m.Context)
	tr.AppendUint64("M", uint64(M))
	tr.AppendUint64("in-bits", uint64(m.InBits))
	tr.AppendUint64("layers", uint64(len(m.Layers)))
	tr.AppendElements("y", matmul.Int64s(y)...)
	return tr
}
