// Package cnn proves a convolutional network end to end in the transparent
// setting, in the style of package mlp: a private input x (range-checked,
// committed), then for each convolution block a Conv2D (package conv, the
// accumulators committed), a Rescale or RescaleRelu (package rescale) and an
// optional K×K max pool (package maxpool), then the flatten and a dense head
// (package matmul's steps, each followed by a rescale; none when the last
// block's output is the model's), and the public output revealed. Every step reads the very commitment the step before it
// produced, so no two steps can disagree on the tensor between them.
//
// # API
//
//	m, _ := cnn.FromModel(compiled)          // or NewModel with integer layers
//	proof, y, err := cnn.Prove(pcs.DefaultParams(), m, x)
//	err = cnn.Verify(pcs.DefaultParams(), m, y, proof)
//
// x is the quantized input (C×H×W, ONNX order, at the model's input scale),
// y the quantized output, exactly ops.IntArith's integers: FromModel reads
// the integer weights, biases, shifts and bit widths from the compiled
// model's plans (ops.ViewConv, ViewGroup, ViewMove, ViewMatMul) and checks
// the geometry it builds against them (every pool window's sources).
//
// # Integers
//
// A convolution's accumulators are int64 sums of weight × input (compile's
// bounds keep them below 2^62); the rescale is ops' round-half-up division by
// 2^s bounded to b signed bits, with ReLU fused when the model fuses it. A
// pool that took the rescale over (ops.RequantTaker: y = max_i Rescale(a_i),
// then ReLU) is proven as the rescale of every value followed by the max of
// the rescaled values: both rescale and ReLU are nondecreasing, so the two are
// the same integers (ops/maxpool.go). The one difference is at the range's
// edge: a quotient of exactly −2^(b−1) under a fused ReLU, which IntArith's
// MaxRescaled accepts, is refused by rescale's prover (its ReLU output is 0
// either way; the prover names the value).
//
// # Flatten
//
// Tensors use package conv's layout: channel-major, each channel padded to
// 2^⌈log H·W⌉ entries, padding channels up to a power of two. When the last
// block's H·W is a power of two, that table at index c·H·W + p is exactly
// the flattened vector (ONNX Flatten of N×C×H×W is row-major: index
// c·H·W + p) zero-padded to a power of two, which is the dense layer's input
// table (matmul.Tables with M = 1). So the flatten is a relabelling: the
// first dense step reads the last block's commitment as its X, and its
// opening of X̃ at (r_i, r_k) is an opening of that commitment. Padding
// entries are proven zero by the pool (m = 0 on padding windows) or by the
// conv step (Y's padding).
//
// Otherwise (a 7×7 plane, say) the prover commits the flat table F and
// proves F(u) = B(idx(u)) on the whole flat cube, B the block's table and
// idx(u) = ⌊u/HW⌋·2^⌈log HW⌉ + u mod HW (−1, read as 0, beyond C·H·W): at
// a random r it states F̃(r), and package conv's gather reduction turns
// F̃(r) = Σ_q S_r(q)·B(q) into a claim on B̃ at ρ (S_r computed by the
// verifier from the public map); both claims are opened with the rest.
// Error: (log|F| table)/|F| for the identity at r, plus the gather's
// sumcheck (2·log|B|/|F|) [FlattenProof].
//
// # Residual networks
//
// Residual (residual.go) is a DAG of nodes over committed tensors, for
// networks whose tensors have two readers (resnet_c32: a block's input is
// read by its first convolution and by its skip): convolution blocks as
// above, Add+Relu (addrelu.go: y = max(0, a·2^UpA + b·2^UpB) by a sign
// table, a range check of z + 2^B(1 − s) and one sumcheck) and global
// average pooling (a product X(C×H·W)·W(H·W×1) by package matmul, then
// ops' Rescale), then the flatten and the dense head:
//
//	r, _ := cnn.FromResidual(compiled)
//	proof, y, err := cnn.ProveResidual(pcs.DefaultParams(), r, x)
//	err = cnn.VerifyResidual(pcs.DefaultParams(), r, y, proof)
//
// Every reader of a tensor makes its claims on the tensor's one commitment;
// package batch reduces them to one point per table shape.
//
// # Soundness
//
// The statement: there is an x of InBits signed bits with y = model(x). The
// transcript binds the model (every step absorbs its layer's digest), the
// input's range and the public y before any challenge. The errors add: each
// step's is in its package, the reveal adds n/|F|; the total is below 2^-100
// with pcs.DefaultParams (docs/TRANSPARENT.md, "Soundness").
package cnn

import (
	"fmt"

	"github.com/zkinfer/zkinfer/transparent/conv"
	"github.com/zkinfer/zkinfer/transparent/matmul"
	"github.com/zkinfer/zkinfer/transparent/maxpool"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/mlp"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/rescale"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// Conv is one block: y = requant(conv(x) + b), then a K×K max pool of stride
// K when Pool = K > 0.
type Conv struct {
	Shape       conv.Shape
	W           []int64 // O×C×KH×KW
	B           []int64 // O, or nil
	Shift, Bits int
	ReLU        bool
	Pool        int
}

// Model is a checked chain of convolution blocks and dense layers.
type Model struct {
	InBits int // the input's signed range
	Convs  []Conv
	Dense  []mlp.Dense
	conv   []*conv.Layer
	pool   []*maxpool.Layer // nil where a block has no pool
	gemm   []*matmul.Layer
	// flatIdx is the flat layout's index map into the last block's table
	// when the two differ (H·W not a power of two), else nil.
	flatIdx []int32

	// Context, when not empty, is absorbed into the transcript before
	// anything else (the domain aside): a proof made under one context
	// verifies under no other, every challenge changing with it. It is not
	// part of the model; the caller sets it, on a copy, per proof
	// (as mlp.Model's; transparent/artifact: the context's public input, 32 bytes).
	Context []byte

	// root binds committed weights to the model commitment (committed.go);
	// nil for public weights.
	root rootBinding
}

// NewModel checks that the blocks and layers chain and builds their layers
// (index maps, weight digests) once.
func NewModel(inBits int, convs []Conv, dense []mlp.Dense) (*Model, error) {
	if inBits < 2 || inBits > 2*rescale.Limb+1 {
		return nil, fmt.Errorf("cnn: input range of %d bits outside 2..%d", inBits, 2*rescale.Limb+1)
	}
	if len(convs) == 0 {
		return nil, fmt.Errorf("cnn: no convolution block (mlp proves dense chains)")
	}
	m := &Model{InBits: inBits, Convs: convs, Dense: dense}
	for i, c := range convs {
		if i > 0 {
			if p, h, w := convs[i-1].out(); c.Shape.C != p || c.Shape.H != h || c.Shape.W != w {
				return nil, fmt.Errorf("cnn: block %d reads %dx%dx%d, block %d gives %dx%dx%d", i, c.Shape.C, c.Shape.H, c.Shape.W, i-1, p, h, w)
			}
		}
		l, err := conv.NewLayer(c.Shape, c.W, c.B)
		if err != nil {
			return nil, fmt.Errorf("cnn: block %d: %v", i, err)
		}
		if err := c.params(pcs.Params{}).Check(); err != nil {
			return nil, fmt.Errorf("cnn: block %d: %v", i, err)
		}
		m.conv = append(m.conv, l)
		var pl *maxpool.Layer
		if c.Pool > 0 {
			oh, ow := c.Shape.Out()
			if pl, err = maxpool.NewLayer(c.Shape.O, oh, ow, c.Pool, c.poolBits()); err != nil {
				return nil, fmt.Errorf("cnn: block %d: %v", i, err)
			}
		}
		m.pool = append(m.pool, pl)
	}
	ch, h, w := convs[len(convs)-1].out()
	if len(dense) == 0 {
		return m, nil // the last block's output is the model's
	}
	if _, stride := conv.TableSize(ch, h*w); stride != h*w {
		m.flatIdx = flatIndex(ch, h*w, stride)
	}
	if dense[0].K != ch*h*w {
		return nil, fmt.Errorf("cnn: dense layer 0 reads %d values, the last block gives %dx%dx%d", dense[0].K, ch, h, w)
	}
	var err error
	if m.gemm, err = denseLayers(dense); err != nil {
		return nil, err
	}
	return m, nil
}

// out returns the block's output shape (after its pool).
func (c *Conv) out() (int, int, int) {
	oh, ow := c.Shape.Out()
	if c.Pool > 0 {
		oh, ow = oh/c.Pool, ow/c.Pool
	}
	return c.Shape.O, oh, ow
}

// poolBits is the width of the pool's differences: the rescaled values lie
// in [0, 2^(b−1)) after a ReLU, in [−2^(b−1), 2^(b−1)) without.
func (c *Conv) poolBits() int {
	if c.ReLU {
		return c.Bits - 1
	}
	return c.Bits
}

func (c *Conv) params(p pcs.Params) rescale.Params {
	return rescale.Params{Shift: c.Shift, Bits: c.Bits, ReLU: c.ReLU, PCS: p}
}

func denseParams(l *mlp.Dense, p pcs.Params) rescale.Params {
	return rescale.Params{Shift: l.Shift, Bits: l.Bits, ReLU: l.ReLU, PCS: p}
}

// inputTable lays x (C×H×W) out in conv's layout.
func (m *Model) inputTable(x []int64) ([]int64, error) {
	s := m.Convs[0].Shape
	if len(x) != s.C*s.H*s.W {
		return nil, fmt.Errorf("cnn: input of %d values, want %dx%dx%d", len(x), s.C, s.H, s.W)
	}
	lim := int64(1) << (m.InBits - 1)
	for i, v := range x {
		if v < -lim || v >= lim {
			return nil, fmt.Errorf("cnn: input %d = %d outside %d signed bits", i, v, m.InBits)
		}
	}
	size, _ := m.conv[0].Tables()
	cp, _ := mle.Pow2(s.C)
	stride := size / cp
	t := make([]int64, size)
	for c := 0; c < s.C; c++ {
		copy(t[c*stride:c*stride+s.H*s.W], x[c*s.H*s.W:(c+1)*s.H*s.W])
	}
	return t, nil
}

// trace is every tensor of a run, as tables.
type trace struct {
	x      []int64   // the input's table
	acc    [][]int64 // each block's accumulators
	act    [][]int64 // each block's rescaled values
	pooled [][]int64 // each block's pool output (nil without a pool)
	flat   []int64   // the first dense layer's input table
	dense  [][]int64 // each dense layer's accumulators (padded 1×N)
	dout   [][]int64 // each dense layer's rescaled output (padded)
	y      []int64   // the output, N_last values
}

// cheats are the soundness tests' cheating prover: edits of a block's
// accumulators or pool output, or of a dense layer's accumulators, with
// everything downstream computed from the edited values; a claimed output
// other than the computed one; the first dense step run on another layout of
// the flattened tensor than the committed one.
type cheats struct {
	editAcc   func(block int, a []int64)
	editPool  func(block int, y []int64)
	editDense func(layer int, a []int64)
	claimY    func(y []int64) []int64
	flatten   func(x []int64) []int64
}

// Run evaluates the model on x (C×H×W) and returns the output.
func (m *Model) Run(x []int64) ([]int64, error) {
	tr, err := m.eval(x, cheats{})
	if err != nil {
		return nil, err
	}
	return tr.y, nil
}

func (m *Model) eval(x []int64, ch cheats) (*trace, error) {
	xt, err := m.inputTable(x)
	if err != nil {
		return nil, err
	}
	t := &trace{x: xt}
	cur := xt
	for i := range m.Convs {
		c := &m.Convs[i]
		a, err := m.conv[i].Run(cur)
		if err != nil {
			return nil, fmt.Errorf("cnn: block %d: %v", i, err)
		}
		if ch.editAcc != nil {
			ch.editAcc(i, a)
		}
		w, err := rescale.Compute(c.params(pcs.Params{}), a)
		if err != nil {
			return nil, fmt.Errorf("cnn: block %d: %v", i, err)
		}
		t.acc, t.act = append(t.acc, a), append(t.act, w.Y)
		cur = w.Y
		var p []int64
		if m.pool[i] != nil {
			if p, err = m.pool[i].Run(cur); err != nil {
				return nil, fmt.Errorf("cnn: block %d: %v", i, err)
			}
			if ch.editPool != nil {
				ch.editPool(i, p)
			}
			cur = p
		}
		t.pooled = append(t.pooled, p)
	}
	if m.flatIdx != nil {
		c, plane, stride := m.blockLayout()
		cur = flatTable(cur, c, plane, stride)
	}
	if ch.flatten != nil && len(m.Dense) > 0 {
		cur = ch.flatten(cur)
	}
	t.flat = cur
	for i := range m.Dense {
		l := &m.Dense[i]
		_, ySize := matmul.Tables(m.gemm[i], 1)
		a := make([]int64, ySize)
		g, err := gemm(l, cur[:l.K])
		if err != nil {
			return nil, fmt.Errorf("cnn: dense layer %d: %v", i, err)
		}
		copy(a, g)
		if ch.editDense != nil {
			ch.editDense(i, a)
		}
		w, err := rescale.Compute(denseParams(l, pcs.Params{}), a)
		if err != nil {
			return nil, fmt.Errorf("cnn: dense layer %d: %v", i, err)
		}
		t.dense, t.dout = append(t.dense, a), append(t.dout, w.Y)
		cur = w.Y
	}
	if len(m.Dense) > 0 {
		t.y = append([]int64(nil), cur[:m.Dense[len(m.Dense)-1].N]...)
		return t, nil
	}
	c, plane, stride := m.outLayout()
	for ch := 0; ch < c; ch++ {
		t.y = append(t.y, cur[ch*stride:ch*stride+plane]...)
	}
	return t, nil
}

// outLayout returns the output's layout in the last committed table: c
// rows of plane values, each at a stride (one row of N values after a dense
// head; the last block's channels, each padded to a power of two, without).
func (m *Model) outLayout() (c, plane, stride int) {
	if len(m.Dense) > 0 {
		n := m.Dense[len(m.Dense)-1].N
		return 1, n, n
	}
	return m.blockLayout()
}

// blockLayout returns the last block's output layout: c channels of plane
// values, each padded to stride entries.
func (m *Model) blockLayout() (c, plane, stride int) {
	c, h, w := m.Convs[len(m.Convs)-1].out()
	_, stride = conv.TableSize(c, h*w)
	return c, h * w, stride
}

// gemm returns x·W + b for one row x, or an error when a product or a sum
// leaves ±2^62 (compile's bound, which compiled models keep).
func gemm(l *mlp.Dense, x []int64) ([]int64, error) {
	a := make([]int64, l.N)
	const lim = 1 << 62
	for j := range a {
		var s int64
		if l.B != nil {
			s = l.B[j]
		}
		for k := 0; k < l.K; k++ {
			p := x[k] * l.W[k*l.N+j]
			if x[k] != 0 && p/x[k] != l.W[k*l.N+j] || p > lim || p < -lim || s+p > lim || s+p < -lim {
				return nil, fmt.Errorf("accumulator %d exceeds 2^62", j)
			}
			s += p
		}
		a[j] = s
	}
	return a, nil
}

func (m *Model) start(y []int64) *transcript.Transcript {
	tr := transcript.New("zkinfer/transparent/cnn")
	mlp.BindContext(tr, m.Context)
	tr.AppendUint64("in-bits", uint64(m.InBits))
	tr.AppendUint64("blocks", uint64(len(m.Convs)))
	tr.AppendUint64("dense", uint64(len(m.Dense)))
	tr.AppendElements("y", matmul.Int64s(y)...)
	return tr
}
