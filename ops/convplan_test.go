package ops

import (
	"bytes"
	"fmt"
	"math"
	"reflect"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"

	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/quant"
)

// convMapRef is how Conv and ConvTranspose with constant weights were
// compiled before convConstPlan (at 66e0a2e): the linear map expanded per
// output tap (linMapPlan). TestConvPlanAsMap holds the map-free plan to
// it: the same bound, the same outputs, the same constraints.
func convMapRef(c *Context, n *graph.Node, ins []*Info) (*linMapPlan, *Info, error) {
	x, wt := ins[0], ins[1]
	group := int(n.AttrInt("group", 1))
	W := wt.Const.Data
	N, C := x.Shape[0], x.Shape[1]
	if n.Op == "Conv" {
		M, CG := wt.Shape[0], wt.Shape[1]
		bias, err := convBias(ins, M)
		if err != nil {
			return nil, nil, err
		}
		w, err := newWindow(n, x.Shape[2:], wt.Shape[2:], false)
		if err != nil {
			return nil, nil, err
		}
		plane, kSize := graph.NumElements(w.In), graph.NumElements(w.Kernel)
		b := newLinMap(append([]int{N, M}, w.Out...))
		for bn := range N {
			for m := range M {
				g := m / (M / group)
				forEach(w.Out, func(o []int) {
					w.taps(o, func(inOff, kOff int) {
						for cg := range CG {
							b.term((bn*C+g*CG+cg)*plane+inOff, W[(m*CG+cg)*kSize+kOff])
						}
					})
					b.next(bias[m])
				})
			}
		}
		p, out := b.finish(c, x, 0)
		return p, out, nil
	}
	// ConvTranspose: the output's geometry as inferConvTranspose computes it
	// (kept from that function), then every (input, kernel) pair scattered
	// onto the output it lands on.
	MG := wt.Shape[1]
	M, CG := MG*group, C/group
	bias, err := convBias(ins, M)
	if err != nil {
		return nil, nil, err
	}
	in, kernel := x.Shape[2:], wt.Shape[2:]
	k := len(in)
	strides, dil := intsAttr(n, "strides", 1, k), intsAttr(n, "dilations", 1, k)
	outPad, pads := intsAttr(n, "output_padding", 0, k), intsAttr(n, "pads", 0, 2*k)
	outShape := intsAttr(n, "output_shape", 0, k)
	autoPad := n.AttrString("auto_pad", "NOTSET")
	out, pb := make([]int, k), make([]int, k)
	for i := range k {
		full := strides[i]*(in[i]-1) + outPad[i] + (kernel[i]-1)*dil[i] + 1
		switch {
		case n.HasAttr("output_shape") || autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER":
			out[i] = outShape[i]
			if !n.HasAttr("output_shape") {
				out[i] = in[i] * strides[i]
			}
			total := full - out[i]
			pb[i] = total / 2
			if autoPad == "SAME_LOWER" {
				pb[i] = total - total/2
			}
		default:
			if autoPad == "VALID" {
				pads[i], pads[i+k] = 0, 0
			}
			pb[i], out[i] = pads[i], full-pads[i]-pads[i+k]
		}
	}
	type term struct {
		src int
		w   float64
	}
	outPlane, inPlane, kSize := graph.NumElements(out), graph.NumElements(in), graph.NumElements(kernel)
	outStr, inStr, kStr := Strides(out), Strides(in), Strides(kernel)
	terms := make([][]term, N*M*outPlane)
	for bn := range N {
		for ch := range C {
			g := ch / CG
			forEach(in, func(ic []int) {
				inOff := flat(ic, inStr)
				forEach(kernel, func(kc []int) {
					off := 0
					for d := range k {
						o := ic[d]*strides[d] + kc[d]*dil[d] - pb[d]
						if o < 0 || o >= out[d] {
							return
						}
						off += o * outStr[d]
					}
					kOff := flat(kc, kStr)
					for mg := range MG {
						m := g*MG + mg
						dst := (bn*M+m)*outPlane + off
						terms[dst] = append(terms[dst], term{(bn*C+ch)*inPlane + inOff, W[(ch*MG+mg)*kSize+kOff]})
					}
				})
			})
		}
	}
	b := newLinMap(append([]int{N, M}, out...))
	for i, ts := range terms {
		for _, t := range ts {
			b.term(t.src, t.w)
		}
		b.next(bias[(i/outPlane)%M])
	}
	p, o := b.finish(c, x, 0)
	return p, o, nil
}

// convCase is a convolution node on an input of shape X with weights of
// shape W drawn from its name; xMax bounds the input (default 2^(Scale+1)); exact makes them multiples of 1/8 (quantized
// exactly at scale 3, so that no rescale may be needed), and zeros sets
// every third weight to 0 and one to a value that rounds to 0.
type convCase struct {
	name        string
	op          string
	X, W        []int
	attrs       map[string]graph.Attr
	bias, exact bool
	zeros       bool
	xMax        float64
	overflow    bool // the outputs leave ActBits: both evaluators fail alike
}

func convAttrs(kv ...any) map[string]graph.Attr {
	m := map[string]graph.Attr{}
	for i := 0; i < len(kv); i += 2 {
		switch v := kv[i+1].(type) {
		case []int64:
			m[kv[i].(string)] = graph.Attr{Kind: graph.AttrInts, Ints: v}
		case int64:
			m[kv[i].(string)] = graph.Attr{Kind: graph.AttrInt, Int: v}
		case string:
			m[kv[i].(string)] = graph.Attr{Kind: graph.AttrString, String: v}
		}
	}
	return m
}

var convCases = []convCase{
	{name: "1x1", op: "Conv", X: []int{1, 3, 5, 5}, W: []int{4, 3, 1, 1}},
	{name: "3x3 pads 1 bias", op: "Conv", X: []int{1, 3, 6, 6}, W: []int{5, 3, 3, 3}, bias: true, attrs: convAttrs("pads", []int64{1, 1, 1, 1})},
	{name: "3x3 stride 2 pads 1", op: "Conv", X: []int{1, 4, 7, 7}, W: []int{3, 4, 3, 3}, attrs: convAttrs("strides", []int64{2, 2}, "pads", []int64{1, 1, 1, 1})},
	{name: "3x3 asymmetric pads, zeros", op: "Conv", X: []int{1, 2, 5, 6}, W: []int{3, 2, 3, 3}, zeros: true, attrs: convAttrs("pads", []int64{0, 2, 1, 0})},
	{name: "5x5 dilation 2 pads 2", op: "Conv", X: []int{1, 2, 9, 9}, W: []int{3, 2, 5, 5}, bias: true, attrs: convAttrs("dilations", []int64{2, 2}, "pads", []int64{2, 2, 2, 2})},
	{name: "5x5 same lower stride 2", op: "Conv", X: []int{1, 2, 8, 8}, W: []int{2, 2, 5, 5}, attrs: convAttrs("auto_pad", "SAME_LOWER", "strides", []int64{2, 2})},
	{name: "groups 2 batch 2", op: "Conv", X: []int{2, 4, 6, 6}, W: []int{6, 2, 3, 3}, bias: true, attrs: convAttrs("group", int64(2), "pads", []int64{1, 1, 1, 1})},
	{name: "depthwise", op: "Conv", X: []int{1, 3, 5, 5}, W: []int{3, 1, 3, 3}, attrs: convAttrs("group", int64(3), "pads", []int64{1, 1, 1, 1})},
	{name: "1-D stride 2", op: "Conv", X: []int{1, 2, 9}, W: []int{3, 2, 3}, attrs: convAttrs("strides", []int64{2})},
	{name: "3-D", op: "Conv", X: []int{1, 2, 4, 4, 4}, W: []int{2, 2, 3, 3, 3}, attrs: convAttrs("pads", []int64{1, 1, 1, 1, 1, 1})},
	{name: "exact weights, no rescale", op: "Conv", X: []int{1, 2, 5, 5}, W: []int{2, 2, 3, 3}, exact: true, attrs: convAttrs("pads", []int64{1, 1, 1, 1})},
	{name: "exact weights and bias", op: "Conv", X: []int{1, 2, 5, 5}, W: []int{2, 2, 3, 3}, exact: true, bias: true},
	{name: "kernel wider than padded input", op: "Conv", X: []int{1, 1, 2, 2}, W: []int{2, 1, 3, 3}, zeros: true, attrs: convAttrs("pads", []int64{1, 1, 0, 0})},
	{name: "inputs at ActBits, outputs beyond", op: "Conv", X: []int{1, 8, 5, 5}, W: []int{4, 8, 3, 3}, xMax: 1<<23 - 1, overflow: true, attrs: convAttrs("pads", []int64{1, 1, 1, 1})},
	{name: "transpose 3x3 stride 2 output padding", op: "ConvTranspose", X: []int{1, 3, 4, 4}, W: []int{3, 2, 3, 3}, bias: true,
		attrs: convAttrs("strides", []int64{2, 2}, "pads", []int64{1, 1, 1, 1}, "output_padding", []int64{1, 1})},
	{name: "transpose groups 2 dilation 2", op: "ConvTranspose", X: []int{1, 4, 3, 3}, W: []int{4, 2, 3, 3}, zeros: true,
		attrs: convAttrs("group", int64(2), "dilations", []int64{2, 2})},
	{name: "transpose 5x5 same upper", op: "ConvTranspose", X: []int{1, 2, 3, 3}, W: []int{2, 3, 5, 5},
		attrs: convAttrs("auto_pad", "SAME_UPPER", "strides", []int64{2, 2})},
	{name: "transpose 1-D stride 3", op: "ConvTranspose", X: []int{2, 2, 4}, W: []int{2, 2, 2}, attrs: convAttrs("strides", []int64{3})},
}

// setup draws the case's weights, bias and input infos.
func (cc convCase) setup(c *Context) (*graph.Node, []*Info) {
	ins := []string{"x", "w"}
	seed := uint64(len(cc.name))
	draw := func(n int) []float64 {
		out := make([]float64, n)
		for i := range out {
			seed = seed*6364136223846793005 + 1442695040888963407
			out[i] = math.Ldexp(float64(seed>>11), -52) - 1 // 52 bits: sums that round, so that their order shows
			if cc.exact {
				out[i] = math.Round(out[i]*8) / 8
			}
		}
		return out
	}
	w := draw(graph.NumElements(cc.W))
	if cc.zeros {
		for i := range w {
			if i%3 == 0 {
				w[i] = 0
			}
		}
		w[1] = math.Ldexp(1, -c.ParamScale-3) // rounds to 0: a term whose coefficient is 0
	}
	xMax := cc.xMax
	if xMax == 0 {
		xMax = math.Ldexp(1, c.Scale+1)
	}
	infos := []*Info{{DType: graph.Float, Shape: cc.X, Scale: c.Scale, Max: xMax},
		{DType: graph.Float, Shape: cc.W, Const: &graph.Tensor{DType: graph.Float, Shape: cc.W, Data: w}}}
	if cc.bias {
		m := cc.W[0]
		if cc.op == "ConvTranspose" {
			m = cc.W[1] * int(max(cc.attrs["group"].Int, 1))
		}
		b := draw(m)
		ins = append(ins, "b")
		infos = append(infos, &Info{DType: graph.Float, Shape: []int{m}, Const: &graph.Tensor{DType: graph.Float, Shape: []int{m}, Data: b}})
	}
	return &graph.Node{Name: cc.name, Op: cc.op, Inputs: ins, Outputs: []string{"y"}, Attrs: cc.attrs}, infos
}

// TestConvPlanAsMap holds the map-free convolution plan (convConstPlan) to
// the expanded linear map it replaced, on varied shapes: the same output
// Info (shape, scale, bound) and rescale, the same float reference and
// integer evaluator outputs bit for bit, and the same R1CS (constraint
// count and serialized bytes) from the circuit kernel.
func TestConvPlanAsMap(t *testing.T) {
	for _, cc := range convCases {
		t.Run(cc.name, func(t *testing.T) {
			c := &Context{Settings: quant.Default}
			n, ins := cc.setup(c)
			op, _ := Lookup(n.Op)
			outs, plan, err := op.Infer(c, n, ins)
			if err != nil {
				t.Fatal(err)
			}
			p, ok := plan.(*convConstPlan)
			if !ok {
				t.Fatalf("plan is %T, want *convConstPlan", plan)
			}
			ref, refOut, err := convMapRef(c, n, ins)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(outs[0], refOut) {
				t.Fatalf("output info %+v, the map's %+v", *outs[0], *refOut)
			}
			if !reflect.DeepEqual(p.RQ, ref.RQ) || (p.Bias == nil) != (ref.Bias == nil) {
				t.Fatalf("rescale %+v (bias %t), the map's %+v (bias %t)", p.RQ, p.Bias != nil, ref.RQ, ref.Bias != nil)
			}
			for i, b := range ref.Bias {
				if m := i / p.OutPlane % p.M; p.Bias[m] != b {
					t.Fatalf("output %d: bias %v, the map's %v", i, p.Bias[m], b)
				}
			}
			if len(ref.Src) == 0 {
				t.Fatal("the case has no terms")
			}

			// Inputs across the whole bound, its extremes included.
			xi := make([]int64, graph.NumElements(cc.X))
			xf := make([]float64, len(xi))
			seed := uint64(7)
			xm := int64(ins[0].Max)
			for i := range xi {
				seed = seed*6364136223846793005 + 1442695040888963407
				xi[i] = int64(seed>>11)%(2*xm+1) - xm
				if i%11 == 0 {
					xi[i] = xm
				}
				xf[i] = math.Ldexp(float64(xi[i]), -c.Scale)
			}
			ie, re := &IntArith{}, &IntArith{}
			got := conv[int64](ie, plan, []Tensor[int64]{{Shape: cc.X, Data: xi}})[0].Data
			want := linMap[int64](re, ref, []Tensor[int64]{{Shape: cc.X, Data: xi}})[0].Data
			if fmt.Sprint(ie.Err()) != fmt.Sprint(re.Err()) || (ie.Err() != nil) != cc.overflow {
				t.Fatalf("evaluator error %v, the map's %v (an overflow expected: %t)", ie.Err(), re.Err(), cc.overflow)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("integer outputs differ:\n%v\n%v", got, want)
			}
			gotF := conv[float64](FloatArith{}, plan, []Tensor[float64]{{Shape: cc.X, Data: xf}})[0].Data
			wantF := linMap[float64](FloatArith{}, ref, []Tensor[float64]{{Shape: cc.X, Data: xf}})[0].Data
			if !reflect.DeepEqual(gotF, wantF) {
				t.Fatalf("float outputs differ:\n%v\n%v", gotF, wantF)
			}

			for _, rc := range []RangeCheck{RangeLookup, RangeBits} {
				a, na := convR1CS(t, plan, cc.X, rc)
				b, nb := convR1CS(t, ref, cc.X, rc)
				if na != nb || !bytes.Equal(a, b) {
					t.Fatalf("range checks %v: R1CS of %d constraints (%d bytes), the map's %d (%d bytes)", rc, na, len(a), nb, len(b))
				}
			}
		})
	}
}

// convKernelCircuit runs a convolution plan's circuit kernel on a secret
// input and pins every output to a secret Y, so that every output's
// linear combination appears in the R1CS.
type convKernelCircuit struct {
	X, Y  []frontend.Variable
	plan  any
	shape []int
	rc    RangeCheck
}

func (k *convKernelCircuit) Define(api frontend.API) error {
	a := &CircuitArith{API: api, Range: NewRangeChecker(api, k.rc)}
	var out Tensor[Variable]
	if p, ok := k.plan.(*linMapPlan); ok {
		out = linMap[Variable](a, p, []Tensor[Variable]{{Shape: k.shape, Data: k.X}})[0]
	} else {
		out = conv[Variable](a, k.plan, []Tensor[Variable]{{Shape: k.shape, Data: k.X}})[0]
	}
	for i, v := range out.Data {
		api.AssertIsEqual(v, k.Y[i])
	}
	return nil
}

// convR1CS compiles the plan's kernel and returns the serialized R1CS and
// its constraint count.
func convR1CS(t *testing.T, plan any, shape []int, rc RangeCheck) ([]byte, int) {
	t.Helper()
	var outs int
	switch p := plan.(type) {
	case *linMapPlan:
		outs = graph.NumElements(p.Shape)
	case *convConstPlan:
		outs = graph.NumElements(p.Shape)
	}
	circ := &convKernelCircuit{X: make([]frontend.Variable, graph.NumElements(shape)), Y: make([]frontend.Variable, outs),
		plan: plan, shape: shape, rc: rc}
	cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, circ)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := cs.WriteTo(&buf); err != nil {
		t.Fatal(fmt.Errorf("serialize the R1CS: %w", err))
	}
	return buf.Bytes(), cs.GetNbConstraints()
}
