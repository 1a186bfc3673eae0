package ml

import (
	"fmt"
	"math"
	"slices"

	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/ops"
	"github.com/zkinfer/zkinfer/quant"
)

// mapPlan maps each element of X to Cols outputs, each a constant per
// bucket: out[c] = Σ_i e_i·Vals[c][i] (see "Encoders" in the package documentation).
type mapPlan struct {
	Bucket *bucketPlan
	Scale  int         // the input's scale (the float reference quantizes with it)
	Vals   [][]ops.Q   // [column][bucket]
	Real   [][]float64 // [column][bucket] for the float reference, by the bucket of round(x·2^Scale)
	Shape  []int
	// Imputer: out = x + e_hit·(Fill - x) per element; Fill per feature.
	Impute bool
	Hit    int
	Fill   []ops.Q
	Up     int // x to the output scale
}

// planMap buckets an input of info x among keys and tabulates f(key index)
// per bucket and output column (-1: no key matches).
func planMap(x *ops.Info, keys []float64, cols int, f func(col, key int) ops.Q) (*mapPlan, error) {
	var cuts []int64
	qk := make([]int64, len(keys))
	for i, k := range keys {
		qk[i] = at(k, x.Scale)
		cuts = append(cuts, qk[i]-1, qk[i])
	}
	bp, err := newBucketPlan(cuts, x.Max)
	if err != nil {
		return nil, err
	}
	p := &mapPlan{Bucket: bp, Scale: x.Scale, Vals: make([][]ops.Q, cols), Real: make([][]float64, cols)}
	for c := range cols {
		for i := range len(bp.Bounds) + 1 {
			v := f(c, slices.Index(qk, bp.rep(i)))
			p.Vals[c], p.Real[c] = append(p.Vals[c], v), append(p.Real[c], v.F)
		}
	}
	return p, nil
}

func mapKernel[T any](a ops.Arith[T], plan any, ins []ops.Tensor[T]) []ops.Tensor[T] {
	p := plan.(*mapPlan)
	var out []T
	for j, x := range ins[0].Data {
		var e []T
		if _, ok := any(a).(ops.FloatArith); ok {
			// The float reference rounds x as the fixed-point input is.
			b := p.Bucket.bucket(quant.Quantize(any(x).(float64), p.Scale))
			e = make([]T, len(p.Bucket.Bounds)+1)
			for i := range e {
				e[i] = a.Const(ops.Q{F: boolF(i == b)})
			}
		} else if len(p.Bucket.Bounds) == 0 {
			e = []T{a.Const(ops.Q{F: 1, I: 1})}
		} else {
			e = oneHot(a, p.Bucket, x)
		}
		if p.Impute {
			fill := p.Fill[j%len(p.Fill)]
			up := a.Upscale(x, p.Up)
			// x + hit·(fill - x)
			out = append(out, a.Add(up, a.Mul(e[p.Hit], a.Sub(a.Const(fill), up))))
			continue
		}
		for c := range p.Vals {
			out = append(out, a.Lin(p.Vals[c], e, ops.Q{}))
		}
	}
	return []ops.Tensor[T]{{Shape: p.Shape, Data: out}}
}

func needX(ins []*ops.Info) (*ops.Info, error) {
	if len(ins) == 0 || ins[0] == nil {
		return nil, fmt.Errorf("missing input X")
	}
	if ins[0].DType == graph.Bool {
		return nil, fmt.Errorf("input X is boolean, not numeric")
	}
	return ins[0], nil
}

// firstOf returns the first attribute present among names (floats or ints).
func firstOf(n *graph.Node, names ...string) ([]float64, string) {
	for _, name := range names {
		if v := floats(n, name); v != nil {
			return v, name
		}
		if v := ints(n, name); v != nil {
			out := make([]float64, len(v))
			for i, x := range v {
				out[i] = float64(x)
			}
			return out, name
		}
	}
	return nil, ""
}

func inferLabelEncoder(c *ops.Context, n *graph.Node, ins []*ops.Info) ([]*ops.Info, any, error) {
	x, err := needX(ins)
	if err != nil {
		return nil, nil, err
	}
	if strs(n, "keys_strings") != nil || strs(n, "values_strings") != nil {
		return nil, nil, fmt.Errorf("string keys or values are not supported: zkinfer proves numeric tensors")
	}
	keys, _ := firstOf(n, "keys_int64s", "keys_floats", "keys_tensor")
	vals, vname := firstOf(n, "values_int64s", "values_floats", "values_tensor")
	if len(keys) == 0 || len(keys) != len(vals) {
		return nil, nil, fmt.Errorf("%d keys for %d values", len(keys), len(vals))
	}
	isInt := vname == "values_int64s"
	if a, ok := n.Attrs["values_tensor"]; ok && a.Kind == graph.AttrTensor {
		isInt = a.Tensor.DType != graph.Float
	}
	// ONNX's defaults: default_int64 -1, default_float -0.0 (0 here).
	def := 0.0
	if isInt {
		def = -1
	}
	defaults := []string{"default_float", "default_tensor"}
	if isInt {
		defaults[0] = "default_int64"
	}
	if d, _ := firstOf(n, defaults...); len(d) > 0 {
		def = d[0]
	}
	out := &ops.Info{DType: graph.Int, Shape: slices.Clone(x.Shape)}
	q := func(v float64) ops.Q { return ops.Q{F: v, I: int64(v)} }
	if !isInt {
		out.DType, out.Scale = graph.Float, c.Scale
		q = func(v float64) ops.Q { return ops.Q{F: v, I: quant.Quantize(v, c.Scale)} }
	}
	p, err := planMap(x, keys, 1, func(_, k int) ops.Q {
		if k < 0 {
			return q(def)
		}
		return q(vals[k])
	})
	if err != nil {
		return nil, nil, err
	}
	p.Shape = out.Shape
	for _, v := range append(slices.Clone(vals), def) {
		out.Max = max(out.Max, math.Abs(float64(q(v).I)))
	}
	return []*ops.Info{out}, p, nil
}

func inferOneHotEncoder(c *ops.Context, n *graph.Node, ins []*ops.Info) ([]*ops.Info, any, error) {
	x, err := needX(ins)
	if err != nil {
		return nil, nil, err
	}
	if strs(n, "cats_strings") != nil {
		return nil, nil, fmt.Errorf("string categories are not supported: zkinfer proves numeric tensors")
	}
	cats, _ := firstOf(n, "cats_int64s")
	if len(cats) == 0 {
		return nil, nil, fmt.Errorf("no categories (cats_int64s)")
	}
	one := ops.Q{F: 1, I: int64(1) << c.Scale}
	p, err := planMap(x, cats, len(cats), func(col, k int) ops.Q {
		if k == col {
			return one
		}
		return ops.Q{}
	})
	if err != nil {
		return nil, nil, err
	}
	p.Shape = append(slices.Clone(x.Shape), len(cats))
	return []*ops.Info{{DType: graph.Float, Shape: p.Shape, Scale: c.Scale, Max: float64(one.I)}}, p, nil
}

func inferImputer(c *ops.Context, n *graph.Node, ins []*ops.Info) ([]*ops.Info, any, error) {
	x, err := needX(ins)
	if err != nil {
		return nil, nil, err
	}
	fill, _ := firstOf(n, "imputed_value_floats", "imputed_value_int64s")
	replaced, _ := firstOf(n, "replaced_value_float", "replaced_value_int64")
	if len(fill) == 0 {
		return nil, nil, fmt.Errorf("no imputed values")
	}
	f := 1
	if len(x.Shape) > 0 {
		f = x.Shape[len(x.Shape)-1]
	}
	if len(fill) != 1 && len(fill) != f {
		return nil, nil, fmt.Errorf("%d imputed values for %d features", len(fill), f)
	}
	out := *x
	out.Const = nil
	if len(replaced) == 0 || math.IsNaN(replaced[0]) {
		// Fixed-point inputs are never NaN: nothing is ever replaced.
		return []*ops.Info{&out}, nil, nil
	}
	p, err := planMap(x, replaced[:1], 0, nil)
	if err != nil {
		return nil, nil, err
	}
	p.Impute, p.Shape, p.Hit = true, x.Shape, p.Bucket.bucket(at(replaced[0], x.Scale))
	for _, v := range fill {
		p.Fill = append(p.Fill, ops.Q{F: v, I: quant.Quantize(v, x.Scale)})
		out.Max = max(out.Max, math.Abs(float64(p.Fill[len(p.Fill)-1].I)))
	}
	c.CheckBound(2 * out.Max)
	return []*ops.Info{&out}, p, nil
}

func imputerKernel[T any](a ops.Arith[T], plan any, ins []ops.Tensor[T]) []ops.Tensor[T] {
	if plan == nil {
		return ins[:1]
	}
	return mapKernel(a, plan, ins)
}

func init() {
	for name, infer := range map[string]ops.InferFunc{"LabelEncoder": inferLabelEncoder, "OneHotEncoder": inferOneHotEncoder} {
		ops.RegisterDomain(Domain, name, ops.Op{Infer: infer, Float: mapKernel[float64], Int: mapKernel[int64], Circuit: mapKernel[ops.Variable]})
	}
	ops.RegisterDomain(Domain, "Imputer", ops.Op{Infer: inferImputer, Float: imputerKernel[float64], Int: imputerKernel[int64], Circuit: imputerKernel[ops.Variable]})
}
