package ops

import (
	"fmt"
	"math"
	"slices"

	"github.com/zkinfer/zkinfer/graph"
)

// matmulPlan is a batch of matrix products Y = A·B (+ bias), shared by Gemm
// and MatMul. With a constant operand each output is one linear combination:
// no multiplication constraints at all. With two computed operands the
// product goes through Arith.MatMul: one constraint per term, or Freivalds'
// check where it is cheaper (freivalds.go).
type matmulPlan struct {
	Shape   []int
	M, K, N int
	// AIdx[b], BIdx[b]: which A and B matrix output batch b multiplies.
	AIdx, BIdx []int
	// Element (m,k) of A matrix j is A.Data[j·M·K + m·SAm + k·SAk]; (k,n) of
	// B matrix j is B.Data[j·K·N + k·SBk + n·SBn].
	SAm, SAk, SBk, SBn int
	// WA[j][m] (constant A) or WB[j][n] (constant B): the K coefficients.
	WA, WB [][][]Q
	Bias   []Q // per output element, at the product scale; nil for none
	RQ     Requant
}

// FuseRelu absorbs a following ReLU into the rescale.
func (p *matmulPlan) FuseRelu() bool { return p.RQ.FuseRelu() }

func init() {
	Register("Gemm", Op{Infer: inferGemm, Float: matmul[float64], Int: matmul[int64], Circuit: matmul[Variable],
		Weights: []WeightUse{AnyWeight, AnyWeight, AnyWeight}, SecretRewrite: gemmSecret})
	Register("MatMul", Op{Infer: inferMatMul, Float: matmul[float64], Int: matmul[int64], Circuit: matmul[Variable],
		Weights: []WeightUse{AnyWeight, AnyWeight}})
}

// gemmSecret adapts a Gemm with secret weights to its kernel, which takes
// alpha ≠ 1 only with a constant operand and C only as a constant: alpha
// is folded into the secret A or B, and C, times beta, is moved into an
// Add after the product.
func gemmSecret(n *graph.Node, g SecretGraph) string {
	if alpha := n.AttrFloat("alpha", 1); alpha != 1 && (g.Secret(n, 0) || g.Secret(n, 1)) {
		i := 1
		if !g.Secret(n, 1) {
			i = 0
		}
		n.Inputs[i] = g.Derive(n.Inputs[i], "·alpha", g.Const(n.Inputs[i]).Shape, alpha)
		n.Attrs["alpha"] = graph.Attr{Kind: graph.AttrFloat, Float: 1}
	}
	if !g.Secret(n, 2) {
		return ""
	}
	bias := n.Inputs[2]
	if beta := n.AttrFloat("beta", 1); beta != 1 {
		bias = g.Derive(bias, "·beta", g.Const(bias).Shape, beta)
	}
	n.Inputs = n.Inputs[:2]
	delete(n.Attrs, "beta")
	return bias
}

func inferGemm(c *Context, n *graph.Node, ins []*Info) ([]*Info, any, error) {
	if len(ins) < 2 || ins[0] == nil || ins[1] == nil {
		return nil, nil, fmt.Errorf("needs inputs A and B")
	}
	a, b := ins[0], ins[1]
	if len(a.Shape) != 2 || len(b.Shape) != 2 {
		return nil, nil, fmt.Errorf("A %v and B %v must be matrices", a.Shape, b.Shape)
	}
	p := &matmulPlan{AIdx: []int{0}, BIdx: []int{0}}
	p.M, p.K, p.SAm, p.SAk = a.Shape[0], a.Shape[1], a.Shape[1], 1
	if n.AttrInt("transA", 0) != 0 {
		p.M, p.K, p.SAm, p.SAk = a.Shape[1], a.Shape[0], 1, a.Shape[1]
	}
	kb := b.Shape[0]
	p.N, p.SBk, p.SBn = b.Shape[1], b.Shape[1], 1
	if n.AttrInt("transB", 0) != 0 {
		kb, p.N, p.SBk, p.SBn = b.Shape[1], b.Shape[0], 1, b.Shape[1]
	}
	if kb != p.K {
		return nil, nil, fmt.Errorf("A %v and B %v do not multiply", a.Shape, b.Shape)
	}
	p.Shape = []int{p.M, p.N}
	var bias *Info
	if len(ins) > 2 {
		bias = ins[2]
	}
	out, err := p.finish(c, a, b, n.AttrFloat("alpha", 1), n.AttrFloat("beta", 1), bias)
	return []*Info{out}, p, err
}

func inferMatMul(c *Context, _ *graph.Node, ins []*Info) ([]*Info, any, error) {
	if len(ins) < 2 || ins[0] == nil || ins[1] == nil {
		return nil, nil, fmt.Errorf("needs two inputs")
	}
	a, b := ins[0], ins[1]
	as, bs := a.Shape, b.Shape
	if len(as) == 0 || len(bs) == 0 {
		return nil, nil, fmt.Errorf("operands must not be scalars")
	}
	dropM, dropN := len(as) == 1, len(bs) == 1
	if dropM {
		as = []int{1, as[0]}
	}
	if dropN {
		bs = []int{bs[0], 1}
	}
	p := &matmulPlan{M: as[len(as)-2], K: as[len(as)-1], N: bs[len(bs)-1]}
	if bs[len(bs)-2] != p.K {
		return nil, nil, fmt.Errorf("shapes %v and %v do not multiply", a.Shape, b.Shape)
	}
	p.SAm, p.SAk, p.SBk, p.SBn = p.K, 1, p.N, 1
	batch, err := Broadcast(as[:len(as)-2], bs[:len(bs)-2])
	if err != nil {
		return nil, nil, err
	}
	p.AIdx = batchIndex(batch, as[:len(as)-2])
	p.BIdx = batchIndex(batch, bs[:len(bs)-2])
	p.Shape = slices.Clone(batch)
	if !dropM {
		p.Shape = append(p.Shape, p.M)
	}
	if !dropN {
		p.Shape = append(p.Shape, p.N)
	}
	out, err := p.finish(c, a, b, 1, 1, nil)
	return []*Info{out}, p, err
}

// batchIndex maps each batch of the broadcast batch shape to a matrix of in.
func batchIndex(batch, in []int) []int {
	if idx := BroadcastIndex(batch, in); idx != nil {
		return idx
	}
	return mapIndex(batch, Strides(batch), 0)
}

// finish quantizes constant operands and the bias and plans the rescale.
func (p *matmulPlan) finish(c *Context, a, b *Info, alpha, beta float64, bias *Info) (*Info, error) {
	var scale int
	var m float64
	switch {
	case b.Const != nil:
		q, s := c.ExactParams(scaled(b.Const, alpha))
		p.WB = p.split(q, p.K*p.N, p.N, func(n, k int) int { return k*p.SBk + n*p.SBn })
		scale, m = a.Scale+s, a.Max*maxRowSum(p.WB)
	case a.Const != nil:
		q, s := c.ExactParams(scaled(a.Const, alpha))
		p.WA = p.split(q, p.M*p.K, p.M, func(m, k int) int { return m*p.SAm + k*p.SAk })
		scale, m = b.Scale+s, b.Max*maxRowSum(p.WA)
	default:
		if alpha != 1 {
			return nil, fmt.Errorf("alpha %g with two computed operands is not supported", alpha)
		}
		scale, m = a.Scale+b.Scale, float64(p.K)*a.Max*b.Max
	}
	if bias != nil {
		if bias.Const == nil {
			return nil, fmt.Errorf("a computed bias C is not supported")
		}
		idx := BroadcastIndex(p.Shape, bias.Shape)
		if _, err := Broadcast(p.Shape, bias.Shape); err != nil {
			return nil, fmt.Errorf("bias: %w", err)
		}
		p.Bias = make([]Q, graph.NumElements(p.Shape))
		bm := 0.0
		for i := range p.Bias {
			v := beta * at(bias.Const.Data, idx, i)
			p.Bias[i] = Q{F: v, I: int64(math.Round(math.Ldexp(v, scale)))}
			bm = max(bm, math.Abs(float64(p.Bias[i].I)))
		}
		m += bm
	}
	out := &Info{DType: a.DType, Shape: p.Shape}
	if b.DType == graph.Float {
		out.DType = graph.Float
	}
	p.RQ, out.Max = c.Requant(m, scale)
	out.Scale = scale - p.RQ.Shift + p.RQ.Up
	return out, nil
}

// split cuts a constant operand into per-matrix, per-row coefficient lists:
// out[j][r] lists the K coefficients that output row (of A) or column (of B)
// r uses, read at offset(r, k) within matrix j.
func (p *matmulPlan) split(q []Q, size, rows int, offset func(r, k int) int) [][][]Q {
	out := make([][][]Q, len(q)/size)
	for j := range out {
		out[j] = make([][]Q, rows)
		for r := range rows {
			row := make([]Q, p.K)
			for k := range p.K {
				row[k] = q[j*size+offset(r, k)]
			}
			out[j][r] = row
		}
	}
	return out
}

func scaled(t *graph.Tensor, f float64) *graph.Tensor {
	if f == 1 {
		return t
	}
	out := *t
	out.Data = make([]float64, len(t.Data))
	for i, v := range t.Data {
		out.Data[i] = f * v
	}
	return &out
}

func maxRowSum(w [][][]Q) float64 {
	m := 0.0
	for _, mat := range w {
		for _, row := range mat {
			s := 0.0
			for _, q := range row {
				s += math.Abs(float64(q.I))
			}
			m = max(m, s)
		}
	}
	return m
}

func matmul[T any](a Arith[T], plan any, ins []Tensor[T]) []Tensor[T] {
	p := plan.(*matmulPlan)
	A, B := ins[0].Data, ins[1].Data
	if p.WA == nil && p.WB == nil {
		return []Tensor[T]{{Shape: p.Shape, Data: matmulDynamic(a, p, A, B)}}
	}
	out := make([]T, 0, len(p.AIdx)*p.M*p.N)
	xs := make([]T, p.K)
	for b := range p.AIdx {
		ja, jb := p.AIdx[b], p.BIdx[b]
		for m := range p.M {
			if p.WA == nil {
				for k := range p.K {
					xs[k] = A[ja*p.M*p.K+m*p.SAm+k*p.SAk]
				}
			}
			for n := range p.N {
				var bias Q
				if p.Bias != nil {
					bias = p.Bias[len(out)%(p.M*p.N)]
				}
				var v T
				if p.WB != nil {
					v = a.Lin(p.WB[jb][n], xs, bias)
				} else {
					for k := range p.K {
						xs[k] = B[jb*p.K*p.N+k*p.SBk+n*p.SBn]
					}
					v = a.Lin(p.WA[ja][m], xs, bias)
				}
				out = append(out, Apply(a, p.RQ, v))
			}
		}
	}
	return []Tensor[T]{{Shape: p.Shape, Data: out}}
}

// matmulDynamic multiplies two computed operands with Arith.MatMul. Batches
// that share an operand matrix are stacked into one product, so that a
// shared matrix (weights applied to a batch) is the W that Freivalds' check
// reuses: batches sharing B stack their A rows, batches sharing A put their
// B columns side by side, whichever makes fewer, larger products.
func matmulDynamic[T any](a Arith[T], p *matmulPlan, A, B []T) []T {
	out := make([]T, len(p.AIdx)*p.M*p.N)
	aElem := func(j, m, k int) T { return A[j*p.M*p.K+m*p.SAm+k*p.SAk] }
	bElem := func(j, k, n int) T { return B[j*p.K*p.N+k*p.SBk+n*p.SBn] }
	byB := distinct(p.BIdx) < distinct(p.AIdx)
	key := p.AIdx
	if byB {
		key = p.BIdx
	}
	groups := map[int][]int{}
	var order []int
	for b, j := range key {
		if _, ok := groups[j]; !ok {
			order = append(order, j)
		}
		groups[j] = append(groups[j], b)
	}
	for _, j := range order {
		bs := groups[j]
		var w, x [][]T
		if byB {
			// W: the A rows of every batch, stacked; X: the shared B.
			for _, b := range bs {
				for m := range p.M {
					row := make([]T, p.K)
					for k := range p.K {
						row[k] = aElem(p.AIdx[b], m, k)
					}
					w = append(w, row)
				}
			}
			x = make([][]T, p.K)
			for k := range p.K {
				x[k] = make([]T, p.N)
				for n := range p.N {
					x[k][n] = bElem(j, k, n)
				}
			}
		} else {
			// W: the shared A; X: the B columns of every batch side by side.
			w = make([][]T, p.M)
			for m := range p.M {
				w[m] = make([]T, p.K)
				for k := range p.K {
					w[m][k] = aElem(j, m, k)
				}
			}
			x = make([][]T, p.K)
			for k := range p.K {
				x[k] = make([]T, 0, len(bs)*p.N)
				for _, b := range bs {
					for n := range p.N {
						x[k] = append(x[k], bElem(p.BIdx[b], k, n))
					}
				}
			}
		}
		y := a.MatMul(w, x)
		for i, b := range bs {
			for m := range p.M {
				for n := range p.N {
					var v T
					switch {
					case p.K == 0: // an empty sum: MatMul cannot tell P
						v = a.Const(Q{})
					case byB:
						v = y[i*p.M+m][n]
					default:
						v = y[m][i*p.N+n]
					}
					at := (b*p.M+m)*p.N + n
					if p.Bias != nil {
						v = a.Add(v, a.Const(p.Bias[at%(p.M*p.N)]))
					}
					out[at] = Apply(a, p.RQ, v)
				}
			}
		}
	}
	return out
}

func distinct(idx []int) int {
	seen := map[int]bool{}
	for _, j := range idx {
		seen[j] = true
	}
	return len(seen)
}
