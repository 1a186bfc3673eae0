package ops

// Read-only views of the plans a proof backend other than the circuit needs
// to prove a step by its own protocol (transparent/cnn proves Conv, Gemm,
// MaxPool and Flatten steps with sumchecks): the integer weights, biases,
// index maps and rescales exactly as the integer evaluator uses them. The
// views copy nothing but the weights' integers; a backend must not change
// the slices it is given.

// ConvView is a constant-weight Conv whose plan holds the weights per
// kernel (not expanded per output position): W in the node's layout
// (O×C×KH×KW), Bias per output channel at the product scale (nil: none),
// then RQ. Output (m, o) is Σ W[m, c, k]·x[c, tap(o, k)] over the taps that
// read the input (ops.IntArith adds a zero weight's term as 0).
type ConvView struct {
	W    []int64
	Bias []int64
	RQ   Requant
}

// convViewer is a constant-weight convolution plan that can describe itself
// as a ConvView: ok is false for grouped or transposed convolutions.
type convViewer interface {
	convView() (ConvView, bool)
}

// ViewConv returns the view of a constant-weight, ungrouped Conv plan that
// holds its weights per kernel; ok is false for any other plan.
func ViewConv(plan any) (ConvView, bool) {
	if p, ok := plan.(convViewer); ok {
		return p.convView()
	}
	return ConvView{}, false
}

// MatMulView is one Gemm/MatMul product Y = A·W (+ bias) with a constant
// right operand W (K×N) and a computed left operand A (M×K, row-major,
// read at A[m·SAm + k·SAk]); Bias is per output element (M·N), at the
// product scale, or nil.
type MatMulView struct {
	M, K, N  int
	SAm, SAk int
	W        []int64 // K×N, row-major
	Bias     []int64
	RQ       Requant
}

// ViewMatMul returns the view of a product with one batch and a constant
// right operand; ok is false otherwise.
func ViewMatMul(plan any) (v MatMulView, ok bool) {
	p, ok := plan.(*matmulPlan)
	if !ok || len(p.AIdx) != 1 || len(p.BIdx) != 1 || p.WB == nil || p.WA != nil || len(p.WB) != 1 {
		return MatMulView{}, false
	}
	v = MatMulView{M: p.M, K: p.K, N: p.N, SAm: p.SAm, SAk: p.SAk, W: make([]int64, p.K*p.N), RQ: p.RQ}
	for n, col := range p.WB[0] {
		if len(col) != p.K {
			return MatMulView{}, false
		}
		for k, q := range col {
			v.W[k*p.N+n] = q.I
		}
	}
	if p.Bias != nil {
		v.Bias = ints(p.Bias)
	}
	return v, true
}

// GroupView is a max (Min false) or min pool: output i is the extremum of
// x[Src[k]] for k in [Off[i], Off[i+1]); RQ, when not nil, is the rescale
// (and ReLU) the pool took over from the step before it, applied to every
// value before the maximum (ops.IntArith.MaxRescaled).
type GroupView struct {
	Shape []int
	Off   []int32
	Src   []int32
	Min   bool
	RQ    *Requant
}

// ViewGroup returns the view of a pooling plan; ok is false for any other.
func ViewGroup(plan any) (v GroupView, ok bool) {
	p, ok := plan.(*groupPlan)
	if !ok {
		return GroupView{}, false
	}
	return GroupView{Shape: p.Shape, Off: p.Off, Src: p.Src, Min: p.Min, RQ: p.RQ}, true
}

// MoveView is data movement: output i is input Index[i] (the identity when
// Index is nil).
type MoveView struct {
	Shape []int
	Index []int
}

// ViewMove returns the view of a data-movement plan (Reshape, Flatten, …).
func ViewMove(plan any) (v MoveView, ok bool) {
	p, ok := plan.(*movePlan)
	if !ok {
		return MoveView{}, false
	}
	return MoveView{Shape: p.Shape, Index: p.Index}, true
}

func ints(q []Q) []int64 {
	out := make([]int64, len(q))
	for i := range q {
		out[i] = q[i].I
	}
	return out
}
