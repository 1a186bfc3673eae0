package ops

import (
	"fmt"
	"math"
	"slices"

	"github.com/zkinfer/zkinfer/graph"
)

// constOp registers an op whose output is always known at compile time.
func constOp(value func(n *graph.Node, ins []*Info) (*graph.Tensor, error)) Op {
	return Op{Infer: func(c *Context, n *graph.Node, ins []*Info) ([]*Info, any, error) {
		t, err := value(n, ins)
		if err != nil {
			return nil, nil, err
		}
		return []*Info{c.ConstInfo(t)}, nil, nil
	}}
}

func init() {
	Register("Constant", constOp(func(n *graph.Node, _ []*Info) (*graph.Tensor, error) {
		// ONNX allows exactly one value attribute; the order here only makes
		// a malformed node's reading deterministic.
		for _, name := range []string{"value", "value_float", "value_floats", "value_int", "value_ints"} {
			a, ok := n.Attrs[name]
			if !ok {
				continue
			}
			switch {
			case name == "value" && a.Kind == graph.AttrTensor:
				return a.Tensor, nil
			case name == "value_float" && a.Kind == graph.AttrFloat:
				return &graph.Tensor{DType: graph.Float, Data: []float64{a.Float}}, nil
			case name == "value_floats" && a.Kind == graph.AttrFloats:
				return &graph.Tensor{DType: graph.Float, Shape: []int{len(a.Floats)}, Data: a.Floats}, nil
			case name == "value_int" && a.Kind == graph.AttrInt:
				return &graph.Tensor{DType: graph.Int, Data: []float64{float64(a.Int)}}, nil
			case name == "value_ints" && a.Kind == graph.AttrInts:
				t := &graph.Tensor{DType: graph.Int, Shape: []int{len(a.Ints)}}
				for _, v := range a.Ints {
					t.Data = append(t.Data, float64(v))
				}
				return t, nil
			}
			return nil, fmt.Errorf("attribute %q has the wrong type", name)
		}
		return nil, fmt.Errorf("no supported value attribute")
	}))
	Register("ConstantOfShape", constOp(func(n *graph.Node, ins []*Info) (*graph.Tensor, error) {
		shape, err := constInts(ins, 0, "shape")
		if err != nil {
			return nil, err
		}
		if _, err := graph.CheckShape(shape); err != nil {
			return nil, err
		}
		t := graph.NewTensor(graph.Float, shape)
		if a, ok := n.Attrs["value"]; ok && a.Tensor != nil && len(a.Tensor.Data) == 1 {
			t.DType = a.Tensor.DType
			for i := range t.Data {
				t.Data[i] = a.Tensor.Data[0]
			}
		}
		return t, nil
	}))
	Register("Shape", constOp(func(n *graph.Node, ins []*Info) (*graph.Tensor, error) {
		if len(ins) == 0 || ins[0] == nil {
			return nil, fmt.Errorf("missing input")
		}
		s := ins[0].Shape
		r := len(s)
		start, end := clampAxis(int(n.AttrInt("start", 0)), r), clampAxis(int(n.AttrInt("end", int64(r))), r)
		t := &graph.Tensor{DType: graph.Int, Shape: []int{max(end-start, 0)}}
		for i := start; i < end; i++ {
			t.Data = append(t.Data, float64(s[i]))
		}
		return t, nil
	}))
	// NonZero's output shape depends on the values, so only a constant
	// input can be compiled: the indices are folded.
	Register("NonZero", constOp(func(_ *graph.Node, ins []*Info) (*graph.Tensor, error) {
		if len(ins) == 0 || ins[0] == nil {
			return nil, fmt.Errorf("missing input")
		}
		in := ins[0].Const
		if in == nil {
			return nil, fmt.Errorf("input must be a constant: the output's shape would depend on the data")
		}
		strides := Strides(in.Shape)
		var nz []int
		for i, v := range in.Data {
			if v != 0 {
				nz = append(nz, i)
			}
		}
		t := graph.NewTensor(graph.Int, []int{len(in.Shape), len(nz)})
		for j, flat := range nz {
			for d, st := range strides {
				t.Data[d*len(nz)+j] = float64(flat / st % in.Shape[d])
			}
		}
		return t, nil
	}))
	Register("Cast", Op{Infer: inferCast, Float: move[float64], Int: move[int64], Circuit: move[Variable]})
}

// clampAxis maps a possibly negative axis into [0, rank], clamping.
func clampAxis(a, rank int) int {
	if a < 0 {
		a += rank
	}
	return min(max(a, 0), rank)
}

// inferCast supports the casts that keep every value: between float types
// and from integers or booleans to anything wider. Casting a constant
// applies ONNX semantics (truncation toward zero for float to int).
func inferCast(c *Context, n *graph.Node, ins []*Info) ([]*Info, any, error) {
	if len(ins) == 0 || ins[0] == nil {
		return nil, nil, fmt.Errorf("missing input")
	}
	in := ins[0]
	to, err := castTarget(n.AttrInt("to", 0))
	if err != nil {
		return nil, nil, err
	}
	if in.Const != nil {
		t := &graph.Tensor{DType: to, Shape: slices.Clone(in.Const.Shape), Data: slices.Clone(in.Const.Data)}
		for i, v := range t.Data {
			switch {
			case to == graph.Int && in.DType == graph.Float:
				t.Data[i] = math.Trunc(v)
			case to == graph.Bool && v != 0:
				t.Data[i] = 1
			}
		}
		return []*Info{c.ConstInfo(t)}, nil, nil
	}
	switch {
	case to == in.DType, to == graph.Float:
	case to == graph.Int && in.DType == graph.Bool:
	default:
		return nil, nil, fmt.Errorf("cast from %s to %s of a computed value is not supported", in.DType, to)
	}
	out := *in
	out.DType = to
	return []*Info{&out}, &movePlan{Shape: in.Shape}, nil
}

func castTarget(to int64) (graph.DType, error) {
	switch to {
	case 1, 10, 11, 16: // FLOAT, FLOAT16, DOUBLE, BFLOAT16
		return graph.Float, nil
	case 2, 3, 4, 5, 6, 7, 12, 13: // integer types
		return graph.Int, nil
	case 9:
		return graph.Bool, nil
	}
	return 0, fmt.Errorf("cast to element type %d is not supported", to)
}
