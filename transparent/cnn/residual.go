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

// A residual network (resnet_c32, bench/genmodels.py) is not a chain: a
// block's input is read by its first convolution and by its skip (the Add,
// or a 1×1 projection convolution), so a tensor is consumed by two steps.
// Residual proves such a DAG of nodes over committed tensors: tensor 0 is
// the input, tensor i+1 node i's output, each node reads earlier tensors.
// Every reader of a tensor makes its claims on that tensor's one commitment
// (package batch reduces a commitment's claims to one point and opens it
// once), so two readers cannot see two different tensors.
//
// Nodes:
//
//	NodeConv    Conv → (Relu)Rescale → optional K×K max pool (as a chain's block)
//	NodeAddRelu max(0, a·2^UpA + b·2^UpB) of two tensors (ops' Add then Relu; addrelu.go)
//	NodeAvg     global average pool: acc[c] = Σ_p W_p·x[c, p] proven as the product
//	            X (C×HW, the tensor's own table) · W (HW×1) by package matmul, then
//	            ops' Rescale (avgpool.go)
//
// then the flatten (a relabelling: the last node's table is the dense
// head's input, which requires its H·W to be a power of two, as a global
// pool's 1×1 is) and the dense head, whose last output is public.
type Residual struct {
	InBits   int
	In       [3]int // the input's C, H, W
	Nodes    []Node
	Dense    []mlp.Dense
	shapes   [][3]int // every tensor's C, H, W
	conv     []*conv.Layer
	pool     []*maxpool.Layer
	add      []*addRelu
	avg      []*matmul.Layer
	gemm     []*matmul.Layer
	tableLen []int // every tensor's table size

	// Context is bound as Model.Context is.
	Context []byte

	// root binds committed weights to the model commitment
	// (rescommitted.go); nil for public weights.
	root rootBinding
}

// NodeKind names what a node computes.
type NodeKind int

const (
	NodeConv NodeKind = iota
	NodeAddRelu
	NodeAvg
)

// Node is one step of a Residual; In holds the tensors it reads (one, or
// two for NodeAddRelu).
type Node struct {
	Kind NodeKind
	In   []int
	Conv Conv // NodeConv
	// NodeAddRelu: the operands' alignments and the Relu's bound B
	// (−2^B ≤ sum < 2^B).
	UpA, UpB, Bits int
	// NodeAvg: W per position of a channel (H·W), then Rescale by Shift to
	// AvgBits signed bits.
	AvgW           []int64
	Shift, AvgBits int
}

// NewResidual checks the nodes' shapes and wiring and builds their layers.
func NewResidual(inBits int, in [3]int, nodes []Node, dense []mlp.Dense) (*Residual, error) {
	if inBits < 2 || inBits > 2*rescale.Limb+1 {
		return nil, fmt.Errorf("cnn: input range of %d bits outside 2..%d", inBits, 2*rescale.Limb+1)
	}
	if len(nodes) == 0 || len(dense) == 0 {
		return nil, fmt.Errorf("cnn: residual network of %d nodes and %d dense layers, want at least one of each", len(nodes), len(dense))
	}
	r := &Residual{InBits: inBits, In: in, Nodes: nodes, Dense: dense, shapes: [][3]int{in}}
	size, _ := conv.TableSize(in[0], in[1]*in[2])
	r.tableLen = []int{size}
	r.conv, r.pool, r.add, r.avg = make([]*conv.Layer, len(nodes)), make([]*maxpool.Layer, len(nodes)), make([]*addRelu, len(nodes)), make([]*matmul.Layer, len(nodes))
	for i, n := range nodes {
		for _, t := range n.In {
			if t < 0 || t > i {
				return nil, fmt.Errorf("cnn: node %d reads tensor %d, want one of 0..%d", i, t, i)
			}
		}
		want := map[NodeKind]int{NodeConv: 1, NodeAddRelu: 2, NodeAvg: 1}[n.Kind]
		if len(n.In) != want {
			return nil, fmt.Errorf("cnn: node %d of kind %d reads %d tensors, want %d", i, n.Kind, len(n.In), want)
		}
		s := r.shapes[n.In[0]]
		var out [3]int
		switch n.Kind {
		case NodeConv:
			c := n.Conv
			if c.Shape.C != s[0] || c.Shape.H != s[1] || c.Shape.W != s[2] {
				return nil, fmt.Errorf("cnn: node %d reads %dx%dx%d, tensor %d is %dx%dx%d", i, c.Shape.C, c.Shape.H, c.Shape.W, n.In[0], s[0], s[1], s[2])
			}
			l, err := conv.NewLayer(c.Shape, c.W, c.B)
			if err != nil {
				return nil, fmt.Errorf("cnn: node %d: %v", i, err)
			}
			if err := c.params(pcs.Params{}).Check(); err != nil {
				return nil, fmt.Errorf("cnn: node %d: %v", i, err)
			}
			r.conv[i] = l
			if c.Pool > 0 {
				oh, ow := c.Shape.Out()
				if r.pool[i], err = maxpool.NewLayer(c.Shape.O, oh, ow, c.Pool, c.poolBits()); err != nil {
					return nil, fmt.Errorf("cnn: node %d: %v", i, err)
				}
			}
			out[0], out[1], out[2] = c.out()
		case NodeAddRelu:
			if s2 := r.shapes[n.In[1]]; s2 != s {
				return nil, fmt.Errorf("cnn: node %d adds %v and %v", i, s, s2)
			}
			l := &addRelu{UpA: n.UpA, UpB: n.UpB, Bits: n.Bits, size: r.tableLen[n.In[0]]}
			if err := l.check(); err != nil {
				return nil, fmt.Errorf("cnn: node %d: %v", i, err)
			}
			r.add[i], out = l, s
		case NodeAvg:
			if len(n.AvgW) != s[1]*s[2] {
				return nil, fmt.Errorf("cnn: node %d: %d pool weights for a %dx%d plane", i, len(n.AvgW), s[1], s[2])
			}
			l, err := matmul.NewLayer(s[1]*s[2], 1, matmul.Int64s(n.AvgW), nil)
			if err != nil {
				return nil, fmt.Errorf("cnn: node %d: %v", i, err)
			}
			if err := n.avgParams(pcs.Params{}).Check(); err != nil {
				return nil, fmt.Errorf("cnn: node %d: %v", i, err)
			}
			if xs, _ := matmul.Tables(l, s[0]); xs != r.tableLen[n.In[0]] {
				return nil, fmt.Errorf("cnn: node %d: the pool's X table has %d entries, tensor %d's %d", i, xs, n.In[0], r.tableLen[n.In[0]])
			}
			r.avg[i], out = l, [3]int{s[0], 1, 1}
		default:
			return nil, fmt.Errorf("cnn: node %d of unknown kind %d", i, n.Kind)
		}
		r.shapes = append(r.shapes, out)
		// conv's tensor layout (at least conv.MinTable entries), but an
		// average pool's c×1 output is its matmul layer's table.
		size, _ := conv.TableSize(out[0], out[1]*out[2])
		if n.Kind == NodeAvg {
			size = pow2Int(out[0])
		}
		r.tableLen = append(r.tableLen, size)
	}
	last := r.shapes[len(r.shapes)-1]
	if st := r.tableLen[len(r.tableLen)-1] / pow2Int(last[0]); st != last[1]*last[2] {
		return nil, fmt.Errorf("cnn: the last node's %dx%d plane is laid out in %d entries, not a power of two or padded (its flatten would need a relayout)", last[1], last[2], st)
	}
	if k := last[0] * last[1] * last[2]; dense[0].K != k {
		return nil, fmt.Errorf("cnn: dense layer 0 reads %d values, the last node gives %d", dense[0].K, k)
	}
	var err error
	if r.gemm, err = denseLayers(dense); err != nil {
		return nil, err
	}
	return r, nil
}

// block returns node i's convolution block (a NodeConv's).
func (r *Residual) block(i int) block { return block{&r.Nodes[i].Conv, r.conv[i], r.pool[i]} }

func (n *Node) avgParams(p pcs.Params) rescale.Params {
	return rescale.Params{Shift: n.Shift, Bits: n.AvgBits, PCS: p}
}

// resTrace is every tensor of a run: tables[t] is tensor t's table; a
// conv node's accumulators and rescaled values before its pool, an avg
// node's accumulators; the dense layers' as in a chain.
type resTrace struct {
	tables [][]int64
	acc    [][]int64 // per node: conv or avg accumulators (nil for an add)
	act    [][]int64 // per conv node with a pool: the rescaled values it pools
	addB   [][]int64 // per add node: its second operand (the tensor's, unless a cheat's)
	dense  [][]int64
	dout   [][]int64
	y      []int64
}

// resCheats: the tests' cheating prover: edits of a node's output table
// (everything downstream computed from it) or of a node's accumulators.
type resCheats struct {
	editOut func(node int, y []int64)
	editAcc func(node int, a []int64)
	// skip replaces an add's second operand (a copy of the committed
	// tensor) by another table, used for its y and its proof.
	skip func(node int, b []int64)
	add  addCheats
}

// Run evaluates the network on x (C×H×W, ONNX order).
func (r *Residual) Run(x []int64) ([]int64, error) {
	t, err := r.eval(x, resCheats{})
	if err != nil {
		return nil, err
	}
	return t.y, nil
}

func (r *Residual) eval(x []int64, ch resCheats) (*resTrace, error) {
	c, h, w := r.In[0], r.In[1], r.In[2]
	if len(x) != c*h*w {
		return nil, fmt.Errorf("cnn: input of %d values, want %dx%dx%d", len(x), c, h, w)
	}
	lim := int64(1) << (r.InBits - 1)
	xt := make([]int64, r.tableLen[0])
	stride := r.tableLen[0] / pow2Int(c)
	for i, v := range x {
		if v < -lim || v >= lim {
			return nil, fmt.Errorf("cnn: input %d = %d outside %d signed bits", i, v, r.InBits)
		}
		xt[i/(h*w)*stride+i%(h*w)] = v
	}
	t := &resTrace{tables: [][]int64{xt}, acc: make([][]int64, len(r.Nodes)), act: make([][]int64, len(r.Nodes)), addB: make([][]int64, len(r.Nodes))}
	for i := range r.Nodes {
		n := &r.Nodes[i]
		in := t.tables[n.In[0]]
		var out []int64
		var err error
		switch n.Kind {
		case NodeConv:
			a, err := r.conv[i].Run(in)
			if err != nil {
				return nil, fmt.Errorf("cnn: node %d: %v", i, err)
			}
			if ch.editAcc != nil {
				ch.editAcc(i, a)
			}
			wt, err := rescale.Compute(n.Conv.params(pcs.Params{}), a)
			if err != nil {
				return nil, fmt.Errorf("cnn: node %d: %v", i, err)
			}
			t.acc[i], out = a, wt.Y
			if r.pool[i] != nil {
				t.act[i] = out
				if out, err = r.pool[i].Run(out); err != nil {
					return nil, fmt.Errorf("cnn: node %d: pool: %v", i, err)
				}
			}
		case NodeAddRelu:
			t.addB[i] = t.tables[n.In[1]]
			if ch.skip != nil {
				t.addB[i] = append([]int64(nil), t.addB[i]...)
				ch.skip(i, t.addB[i])
			}
			if out, err = r.add[i].run(in, t.addB[i]); err != nil {
				return nil, fmt.Errorf("cnn: node %d: %v", i, err)
			}
		case NodeAvg:
			s := r.shapes[n.In[0]]
			_, ySize := matmul.Tables(r.avg[i], s[0])
			a := make([]int64, ySize)
			st := len(in) / pow2Int(s[0])
			for ch := 0; ch < s[0]; ch++ {
				for p, wp := range n.AvgW {
					a[ch] += wp * in[ch*st+p]
				}
			}
			if ch.editAcc != nil {
				ch.editAcc(i, a)
			}
			wt, err := rescale.Compute(n.avgParams(pcs.Params{}), a)
			if err != nil {
				return nil, fmt.Errorf("cnn: node %d: %v", i, err)
			}
			t.acc[i], out = a, wt.Y
		}
		if ch.editOut != nil {
			ch.editOut(i, out)
		}
		t.tables = append(t.tables, out)
	}
	cur := t.tables[len(t.tables)-1]
	for i := range r.Dense {
		l := &r.Dense[i]
		_, ySize := matmul.Tables(r.gemm[i], 1)
		a := make([]int64, ySize)
		g, err := gemm(l, cur[:l.K])
		if err != nil {
			return nil, fmt.Errorf("cnn: dense layer %d: %v", i, err)
		}
		copy(a, g)
		wt, err := rescale.Compute(denseParams(l, pcs.Params{}), a)
		if err != nil {
			return nil, fmt.Errorf("cnn: dense layer %d: %v", i, err)
		}
		t.dense, t.dout = append(t.dense, a), append(t.dout, wt.Y)
		cur = wt.Y
	}
	t.y = append([]int64(nil), cur[:r.Dense[len(r.Dense)-1].N]...)
	return t, nil
}

func pow2Int(n int) int { p, _ := mle.Pow2(n); return p }

// start binds the network's wiring, the input's range and the public y.
func (r *Residual) start(y []int64) *transcript.Transcript {
	tr := transcript.New("zkinfer/transparent/cnn/residual")
	mlp.BindContext(tr, r.Context)
	tr.AppendUint64("in-bits", uint64(r.InBits))
	for _, v := range r.In {
		tr.AppendUint64("in-shape", uint64(v))
	}
	tr.AppendUint64("nodes", uint64(len(r.Nodes)))
	for _, n := range r.Nodes {
		tr.AppendUint64("kind", uint64(n.Kind))
		for _, t := range n.In {
			tr.AppendUint64("reads", uint64(t))
		}
	}
	tr.AppendUint64("dense", uint64(len(r.Dense)))
	tr.AppendElements("y", matmul.Int64s(y)...)
	return tr
}
