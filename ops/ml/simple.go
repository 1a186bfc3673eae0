package ml

import (
	"fmt"
	"slices"

	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/ops"
)

// chain is a sequence of sub-operators, each fed the previous output and
// constant operands: a preprocessing operator (see "Preprocessing" in the
// package documentation).
type chain struct {
	Steps  []*sub
	Consts [][]*ops.Info // per step, the operands after the running value
	Up     int           // final upscale (Binarizer: booleans to the activation scale)
	Shape  []int         // final shape (nil: as computed)
}

func (ch *chain) add(c *ops.Context, n *graph.Node, in *ops.Info, opType string, attrs map[string]graph.Attr, consts ...*ops.Info) (*ops.Info, error) {
	s, out, err := planSub(c, n, opType, attrs, append([]*ops.Info{in}, consts...)...)
	if err != nil {
		return nil, err
	}
	ch.Steps, ch.Consts = append(ch.Steps, s), append(ch.Consts, consts)
	return out, nil
}

func chainKernel[T any](a ops.Arith[T], plan any, ins []ops.Tensor[T]) []ops.Tensor[T] {
	ch := plan.(*chain)
	x := ins[0]
	for i, s := range ch.Steps {
		args := []ops.Tensor[T]{x}
		for _, ci := range ch.Consts[i] {
			args = append(args, ops.Materialize(a, ci))
		}
		x = run(a, s, args...)
	}
	if ch.Up > 0 {
		up := make([]T, len(x.Data))
		for i, v := range x.Data {
			up[i] = a.Upscale(v, ch.Up)
		}
		x.Data = up
	}
	if ch.Shape != nil {
		x.Shape = ch.Shape
	}
	return []ops.Tensor[T]{x}
}

func chainOp(infer func(c *ops.Context, n *graph.Node, x *ops.Info, ch *chain) (*ops.Info, error)) ops.Op {
	return ops.Op{
		Infer: func(c *ops.Context, n *graph.Node, ins []*ops.Info) ([]*ops.Info, any, error) {
			if len(ins) == 0 || ins[0] == nil {
				return nil, nil, fmt.Errorf("missing input X")
			}
			ch := &chain{}
			out, err := infer(c, n, ins[0], ch)
			if err != nil {
				return nil, nil, err
			}
			return []*ops.Info{out}, ch, nil
		},
		Float: chainKernel[float64], Int: chainKernel[int64], Circuit: chainKernel[ops.Variable],
	}
}

// perFeature returns a per-feature parameter shaped to broadcast against x
// ([F] or one value for all).
func perFeature(c *ops.Context, name string, vals []float64, x *ops.Info) (*ops.Info, error) {
	f := x.Shape[len(x.Shape)-1]
	if len(vals) != 1 && len(vals) != f {
		return nil, fmt.Errorf("%s has %d values for %d features", name, len(vals), f)
	}
	return constInfo(c, []int{len(vals)}, vals), nil
}

func inferScaler(c *ops.Context, n *graph.Node, x *ops.Info, ch *chain) (*ops.Info, error) {
	if len(x.Shape) == 0 {
		return nil, fmt.Errorf("input X must have a feature axis")
	}
	off, scale := floats(n, "offset"), floats(n, "scale")
	if off == nil {
		off = []float64{0}
	}
	if scale == nil {
		scale = []float64{1}
	}
	oi, err := perFeature(c, "offset", off, x)
	if err != nil {
		return nil, err
	}
	si, err := perFeature(c, "scale", scale, x)
	if err != nil {
		return nil, err
	}
	if x, err = ch.add(c, n, x, "Sub", nil, oi); err != nil {
		return nil, err
	}
	return ch.add(c, n, x, "Mul", nil, si)
}

func inferNormalizer(c *ops.Context, n *graph.Node, x *ops.Info, ch *chain) (*ops.Info, error) {
	reduce := map[string]string{"MAX": "ReduceMax", "L1": "ReduceL1", "L2": "ReduceL2"}[n.AttrString("norm", "MAX")]
	if reduce == "" {
		return nil, fmt.Errorf("norm %q is not one of MAX, L1, L2", n.AttrString("norm", ""))
	}
	if len(x.Shape) == 0 {
		return nil, fmt.Errorf("input X must have a feature axis")
	}
	// Normalizer divides each row by its norm: a two-input step (x, norm).
	norm, s, err := planSub(c, n, reduce, map[string]graph.Attr{"axes": {Kind: graph.AttrInts, Ints: []int64{-1}}}, x)
	if err != nil {
		return nil, err
	}
	div, out, err := planSub(c, n, "Div", nil, x, s)
	if err != nil {
		return nil, err
	}
	ch.Steps = []*sub{norm, div}
	ch.Consts = [][]*ops.Info{nil, nil}
	return out, nil
}

// normalizerKernel runs the reduction and divides x by it.
func normalizerKernel[T any](a ops.Arith[T], plan any, ins []ops.Tensor[T]) []ops.Tensor[T] {
	ch := plan.(*chain)
	norm := run(a, ch.Steps[0], ins[0])
	return []ops.Tensor[T]{run(a, ch.Steps[1], ins[0], norm)}
}

func inferBinarizer(c *ops.Context, n *graph.Node, x *ops.Info, ch *chain) (*ops.Info, error) {
	b, err := ch.add(c, n, x, "Greater", nil, constInfo(c, []int{1}, []float64{n.AttrFloat("threshold", 0)}))
	if err != nil {
		return nil, err
	}
	ch.Up = c.Scale
	return &ops.Info{DType: graph.Float, Shape: b.Shape, Scale: c.Scale, Max: float64(int64(1) << c.Scale)}, nil
}

func inferArrayFeatureExtractor(c *ops.Context, n *graph.Node, ins []*ops.Info) ([]*ops.Info, any, error) {
	if len(ins) != 2 || ins[0] == nil || ins[1] == nil {
		return nil, nil, fmt.Errorf("needs X and the indices Y")
	}
	x, idx := ins[0], ins[1]
	if len(x.Shape) == 0 {
		return nil, nil, fmt.Errorf("input X must have at least one axis")
	}
	flat := *idx
	flat.Shape = []int{idx.Size()}
	if idx.Const != nil {
		t := *idx.Const
		t.Shape = flat.Shape
		flat.Const = &t
	}
	s, out, err := planSub(c, n, "Gather", intAttr("axis", -1), x, &flat)
	if err != nil {
		return nil, nil, err
	}
	// ONNX Runtime's shape: X's leading axes, then one per index ([1, k] for a 1-D X).
	shape := append(slices.Clone(x.Shape[:len(x.Shape)-1]), idx.Size())
	if len(x.Shape) == 1 {
		shape = []int{1, idx.Size()}
	}
	out.Shape = shape
	return []*ops.Info{out}, &chain{Steps: []*sub{s}, Shape: shape}, nil
}

func featureExtractKernel[T any](a ops.Arith[T], plan any, ins []ops.Tensor[T]) []ops.Tensor[T] {
	ch := plan.(*chain)
	idx := ins[1]
	idx.Shape = []int{len(idx.Data)}
	y := run(a, ch.Steps[0], ins[0], idx)
	y.Shape = ch.Shape
	return []ops.Tensor[T]{y}
}

func inferZipMap(_ *ops.Context, n *graph.Node, ins []*ops.Info) ([]*ops.Info, any, error) {
	if len(ins) == 0 || ins[0] == nil {
		return nil, nil, fmt.Errorf("missing input X")
	}
	x := ins[0]
	labels := len(ints(n, "classlabels_int64s")) + len(strs(n, "classlabels_strings"))
	if len(x.Shape) != 2 || x.Shape[1] != labels {
		return nil, nil, fmt.Errorf("input %v is not [N, %d] for %d class labels", x.Shape, labels, labels)
	}
	out := *x
	out.Const = nil
	return []*ops.Info{&out}, nil, nil
}

func identity[T any](_ ops.Arith[T], _ any, ins []ops.Tensor[T]) []ops.Tensor[T] { return ins[:1] }

// FeatureVectorizer concatenates its inputs along the feature axis, each
// cut or zero-padded to inputdimensions[i] columns, at the finest scale.
type vectorizerPlan struct {
	Rows int
	Dims []int
	Cols []int // columns of each input
	Up   []int
}

func inferFeatureVectorizer(_ *ops.Context, n *graph.Node, ins []*ops.Info) ([]*ops.Info, any, error) {
	dims := ints(n, "inputdimensions")
	if len(dims) != len(ins) || len(ins) == 0 {
		return nil, nil, fmt.Errorf("inputdimensions lists %d inputs, the node has %d", len(dims), len(ins))
	}
	p := &vectorizerPlan{Rows: 1}
	scale, dt, total, m := 0, graph.Int, 0, 0.0
	for i, in := range ins {
		if in == nil {
			return nil, nil, fmt.Errorf("input %d is missing", i)
		}
		cols := 1
		if len(in.Shape) > 0 {
			cols = in.Shape[len(in.Shape)-1]
		}
		rows := max(1, in.Size()/max(cols, 1))
		if i > 0 && rows != p.Rows {
			return nil, nil, fmt.Errorf("input %d has %d rows, input 0 has %d", i, rows, p.Rows)
		}
		if dims[i] < 0 || dims[i] > int64(1<<24) {
			return nil, nil, fmt.Errorf("inputdimensions[%d] = %d is out of range", i, dims[i])
		}
		p.Rows, p.Cols, p.Dims = rows, append(p.Cols, cols), append(p.Dims, int(dims[i]))
		total += int(dims[i])
		scale = max(scale, in.Scale)
		if in.DType == graph.Float {
			dt = graph.Float
		}
	}
	for _, in := range ins {
		p.Up = append(p.Up, scale-in.Scale)
		m = max(m, in.Max*float64(int64(1)<<(scale-in.Scale)))
	}
	return []*ops.Info{{DType: dt, Shape: []int{p.Rows, total}, Scale: scale, Max: m}}, p, nil
}

func featureVectorizer[T any](a ops.Arith[T], plan any, ins []ops.Tensor[T]) []ops.Tensor[T] {
	p := plan.(*vectorizerPlan)
	var out []T
	zero := a.Const(ops.Q{})
	for r := range p.Rows {
		for i, in := range ins {
			for j := range p.Dims[i] {
				if j < p.Cols[i] {
					out = append(out, a.Upscale(in.Data[r*p.Cols[i]+j], p.Up[i]))
				} else {
					out = append(out, zero)
				}
			}
		}
	}
	return []ops.Tensor[T]{{Shape: []int{p.Rows, len(out) / p.Rows}, Data: out}}
}

func init() {
	reg := func(name string, infer ops.InferFunc, f ops.Kernel[float64], i ops.Kernel[int64], v ops.Kernel[ops.Variable]) {
		ops.RegisterDomain(Domain, name, ops.Op{Infer: infer, Float: f, Int: i, Circuit: v})
	}
	ops.RegisterDomain(Domain, "Scaler", chainOp(inferScaler))
	ops.RegisterDomain(Domain, "Binarizer", chainOp(inferBinarizer))
	norm := chainOp(inferNormalizer)
	norm.Float, norm.Int, norm.Circuit = normalizerKernel[float64], normalizerKernel[int64], normalizerKernel[ops.Variable]
	ops.RegisterDomain(Domain, "Normalizer", norm)
	reg("ArrayFeatureExtractor", inferArrayFeatureExtractor, featureExtractKernel[float64], featureExtractKernel[int64], featureExtractKernel[ops.Variable])
	reg("ZipMap", inferZipMap, identity[float64], identity[int64], identity[ops.Variable])
	reg("FeatureVectorizer", inferFeatureVectorizer, featureVectorizer[float64], featureVectorizer[int64], featureVectorizer[ops.Variable])
}
