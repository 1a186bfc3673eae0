package ops

// Views of the plans a residual network adds to a CNN (transparent/cnn
// proves resnet_c32's Add, Relu and GlobalAveragePool steps by its own
// protocols): read-only, as the views in view.go.

// AddView is an element-wise Add of two computed operands of one shape (no
// broadcast): output i is a[i]·2^UpA + b[i]·2^UpB, the operands aligned to
// the finer scale (ops.IntArith.Upscale), with no rescale.
type AddView struct {
	Shape    []int
	UpA, UpB int
}

// ViewAdd returns the view of an Add plan without broadcast or constant;
// ok is false for any other plan (a Sub, a Mul, a broadcast Add).
func ViewAdd(plan any) (AddView, bool) {
	p, ok := plan.(*binaryPlan)
	if !ok || p.IA != nil || p.IB != nil || p.CB != nil || p.RQ.Shift != 0 || p.RQ.Up != 0 {
		return AddView{}, false
	}
	return AddView{Shape: p.Shape, UpA: p.UpA, UpB: p.UpB}, true
}

// ViewRelu reports whether plan is a standalone ReLU (max(x, 0), the
// integer evaluator checks no range) and the plan's bound: its inputs lie
// in (−2^Bits, 2^Bits) by compile's analysis.
func ViewRelu(plan any) (bits int, ok bool) {
	p, ok := plan.(*reluPlan)
	if !ok {
		return 0, false
	}
	return p.Bits, true
}

// LinMapView is a fixed linear map (an average pool, a ReduceSum): output
// i is Σ W[k]·x[Src[k]] for k in [Off[i], Off[i+1]), plus Bias[i] (nil:
// none), divided by Div[i] (nil: by 1) with IntArith.DivRound, then RQ.
type LinMapView struct {
	Shape    []int
	Off, Src []int32
	W, Bias  []int64
	Div      []int64
	RQ       Requant
}

// ViewLinMap returns the view of a linear-map plan; ok is false for any
// other plan.
func ViewLinMap(plan any) (LinMapView, bool) {
	p, ok := plan.(*linMapPlan)
	if !ok {
		return LinMapView{}, false
	}
	v := LinMapView{Shape: p.Shape, Off: p.Off, Src: p.Src, W: ints(p.W), Div: p.Div, RQ: p.RQ}
	if p.Bias != nil {
		v.Bias = ints(p.Bias)
	}
	return v, true
}
