package ops

import (
	"fmt"
	"math"

	"github.com/zkinfer/zkinfer/graph"
)

// Resize and Upsample: nearest is a free pick of input elements; linear is
// a constant linear map (see "Linear maps" in the package documentation).
func init() {
	Register("Resize", Op{Infer: inferResize, Float: resizeKernel[float64], Int: resizeKernel[int64], Circuit: resizeKernel[Variable]})
	Register("Upsample", Op{Infer: inferResize, Float: resizeKernel[float64], Int: resizeKernel[int64], Circuit: resizeKernel[Variable]})
}

// resizeCoord maps output coordinate x of an axis resized from in to out
// elements by scale back to the input (ONNX coordinate_transformation_mode).
func resizeCoord(mode string, x, scale float64, in, out int) (float64, error) {
	switch mode {
	case "half_pixel":
		return (x+0.5)/scale - 0.5, nil
	case "pytorch_half_pixel":
		if out > 1 {
			return (x+0.5)/scale - 0.5, nil
		}
		return 0, nil
	case "asymmetric":
		return x / scale, nil
	case "align_corners":
		// ONNX takes the resized length as in·scale, unrounded.
		if out == 1 {
			return 0, nil
		}
		return x * float64(in-1) / (float64(in)*scale - 1), nil
	case "tf_half_pixel_for_nearest", "tf_half_pixel_for_nn":
		return (x + 0.5) / scale, nil
	case "half_pixel_symmetric":
		adj := float64(out) / (float64(in) * scale)
		return float64(in)/2*(1-adj) + (x+0.5)/scale - 0.5, nil
	}
	return 0, fmt.Errorf("coordinate_transformation_mode %q is not supported", mode)
}

// nearest rounds an input coordinate by nearest_mode.
func nearest(mode string, v float64) (int, error) {
	switch mode {
	case "round_prefer_floor":
		if v-math.Floor(v) == 0.5 {
			return int(math.Floor(v)), nil
		}
		return int(math.Round(v)), nil
	case "round_prefer_ceil":
		return int(math.Floor(v + 0.5)), nil
	case "floor":
		return int(math.Floor(v)), nil
	case "ceil":
		return int(math.Ceil(v)), nil
	}
	return 0, fmt.Errorf("nearest_mode %q is not supported", mode)
}

// inferResize handles Resize and Upsample in modes nearest (a free pick)
// and linear (a constant linear map: free sums, one Requant per output).
func inferResize(c *Context, n *graph.Node, ins []*Info) ([]*Info, any, error) {
	if err := needInput(ins); err != nil {
		return nil, nil, err
	}
	x := ins[0]
	s := x.Shape
	r := len(s)
	var scales []float64
	var sizes []int
	scaleIn, sizeIn := 2, 3
	if n.Op == "Upsample" || len(ins) == 2 {
		scaleIn = 1
	}
	switch {
	case n.HasAttr("scales"):
		a := n.Attrs["scales"]
		scales = a.Floats
	case scaleIn < len(ins) && ins[scaleIn] != nil && (ins[scaleIn].Const == nil || len(ins[scaleIn].Const.Data) > 0):
		if ins[scaleIn].Const == nil {
			return nil, nil, fmt.Errorf("scales must be a constant")
		}
		scales = ins[scaleIn].Const.Data
	case sizeIn < len(ins) && ins[sizeIn] != nil:
		v, err := constInts(ins, sizeIn, "sizes")
		if err != nil {
			return nil, nil, err
		}
		sizes = v
	default:
		return nil, nil, fmt.Errorf("needs scales or sizes")
	}
	if n.HasAttr("axes") || n.AttrString("keep_aspect_ratio_policy", "stretch") != "stretch" {
		return nil, nil, fmt.Errorf("axes and keep_aspect_ratio_policy are not supported")
	}
	out := make([]int, r)
	if sizes != nil {
		if len(sizes) != r {
			return nil, nil, fmt.Errorf("%d sizes for rank %d", len(sizes), r)
		}
		scales = make([]float64, r)
		for i := range r {
			out[i], scales[i] = sizes[i], float64(sizes[i])/float64(s[i])
		}
	} else {
		if len(scales) != r {
			return nil, nil, fmt.Errorf("%d scales for rank %d", len(scales), r)
		}
		for i := range r {
			v := math.Floor(float64(s[i]) * scales[i])
			if !(v >= 0 && v <= float64(graph.MaxElements)) {
				return nil, nil, fmt.Errorf("scale %v gives dimension %v", scales[i], v)
			}
			out[i] = int(v)
		}
	}
	if _, err := graph.CheckShape(out); err != nil {
		return nil, nil, err
	}
	mode := n.AttrString("mode", "nearest")
	ctm := n.AttrString("coordinate_transformation_mode", "half_pixel")
	nm := n.AttrString("nearest_mode", "round_prefer_floor")
	if n.Op == "Upsample" {
		ctm, nm = "asymmetric", "floor"
	}
	// Per axis, the taps (input index, weight) of every output coordinate.
	type tap struct {
		i int
		w float64
	}
	taps := make([][][]tap, r)
	for d := range r {
		taps[d] = make([][]tap, out[d])
		for o := range out[d] {
			v, err := resizeCoord(ctm, float64(o), scales[d], s[d], out[d])
			if err != nil {
				return nil, nil, err
			}
			switch mode {
			case "nearest":
				i, err := nearest(nm, v)
				if err != nil {
					return nil, nil, err
				}
				taps[d][o] = []tap{{min(max(i, 0), s[d]-1), 1}}
			case "linear", "bilinear":
				v = min(max(v, 0), float64(s[d]-1))
				i0 := int(math.Floor(v))
				i1, f := min(i0+1, s[d]-1), v-float64(i0)
				taps[d][o] = []tap{{i0, 1 - f}, {i1, f}}
			default:
				return nil, nil, fmt.Errorf("mode %q is not supported (nearest, linear)", mode)
			}
		}
	}
	st := Strides(s)
	if mode == "nearest" {
		idx := make([]int, 0, graph.NumElements(out))
		forEach(out, func(c []int) {
			off := 0
			for d, o := range c {
				off += taps[d][o][0].i * st[d]
			}
			idx = append(idx, off)
		})
		o := *x
		o.Shape, o.Const = out, nil
		return []*Info{&o}, &movePlan{Shape: out, Index: idx}, nil
	}
	b := newLinMap(out)
	forEach(out, func(c []int) {
		var rec func(d, off int, w float64)
		rec = func(d, off int, w float64) {
			if d == r {
				b.term(off, w)
				return
			}
			for _, t := range taps[d][c[d]] {
				rec(d+1, off+t.i*st[d], w*t.w)
			}
		}
		rec(0, 0, 1)
		b.next(0)
	})
	p, o := b.finish(c, x, 0)
	return []*Info{o}, p, nil
}

func resizeKernel[T any](a Arith[T], plan any, ins []Tensor[T]) []Tensor[T] {
	if _, ok := plan.(*movePlan); ok {
		return move(a, plan, ins)
	}
	return linMap(a, plan, ins)
}
