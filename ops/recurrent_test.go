package ops_test

import (
	"math"
	"testing"

	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/internal/optest"
)

// rnnCase is one recurrent node: its kind, attributes and sizes.
type rnnCase struct {
	name, kind, dir string
	acts            []string
	layout          int64
	lbr             bool // GRU linear_before_reset
	peep, init      bool // LSTM peepholes; initial states given
	T, B, I, H      int
}

// wave is a deterministic tensor with values in [-amp, amp].
func wave(shape []int, seed, amp float64) *graph.Tensor {
	t := graph.NewTensor(graph.Float, shape)
	for i := range t.Data {
		t.Data[i] = amp * math.Sin(seed+1.7*float64(i)+0.3*float64(i*i))
	}
	return t
}

// TestRecurrent checks RNN, GRU and LSTM three ways (optest.Run) and the
// evaluator against an independent float implementation of the ONNX
// equations.
func TestRecurrent(t *testing.T) {
	cases := []rnnCase{
		{name: "rnn tanh", kind: "RNN", dir: "forward", T: 3, B: 2, I: 3, H: 2},
		{name: "rnn relu reverse with initial h", kind: "RNN", dir: "reverse", acts: []string{"Relu"}, init: true, T: 3, B: 1, I: 2, H: 3},
		{name: "rnn bidirectional sigmoid/tanh layout 1", kind: "RNN", dir: "bidirectional", acts: []string{"Sigmoid", "Tanh"}, layout: 1, T: 2, B: 2, I: 2, H: 2},
		{name: "gru", kind: "GRU", dir: "forward", T: 3, B: 1, I: 2, H: 3},
		{name: "gru linear before reset, initial h", kind: "GRU", dir: "forward", lbr: true, init: true, T: 3, B: 2, I: 2, H: 2},
		{name: "gru bidirectional", kind: "GRU", dir: "bidirectional", T: 2, B: 1, I: 3, H: 2},
		{name: "lstm", kind: "LSTM", dir: "forward", T: 3, B: 1, I: 2, H: 3},
		{name: "lstm peepholes, initial states, reverse", kind: "LSTM", dir: "reverse", peep: true, init: true, T: 3, B: 2, I: 2, H: 2},
		{name: "lstm bidirectional layout 1", kind: "LSTM", dir: "bidirectional", layout: 1, T: 2, B: 2, I: 2, H: 2},
	}
	for _, rc := range cases {
		t.Run(rc.name, func(t *testing.T) {
			oc, x, consts := rc.build()
			optest.Run(t, oc)
			m, vals, err := oc.Compile()
			if err != nil {
				t.Fatal(err)
			}
			q, err := m.Eval(vals)
			if err != nil {
				t.Fatal(err)
			}
			got := m.Dequantize(q)
			want := rc.reference(x, consts)
			for i := range want {
				if e := optest.RelErr(got[i], want[i]); e > 4e-3 {
					t.Errorf("output %d: error %.3g against the ONNX equations\n got %v\nwant %v", i, e, got[i], want[i])
				}
			}
		})
	}
}

// build makes the node, and returns it with X and every tensor the
// reference needs by name.
func (rc rnnCase) build() (optest.Case, *graph.Tensor, map[string]*graph.Tensor) {
	G := map[string]int{"RNN": 1, "GRU": 3, "LSTM": 4}[rc.kind]
	D := 1
	if rc.dir == "bidirectional" {
		D = 2
	}
	xShape, stShape := []int{rc.T, rc.B, rc.I}, []int{D, rc.B, rc.H}
	if rc.layout == 1 {
		xShape, stShape = []int{rc.B, rc.T, rc.I}, []int{rc.B, D, rc.H}
	}
	x := wave(xShape, 0.1, 1.5)
	consts := map[string]*graph.Tensor{
		"W": wave([]int{D, G * rc.H, rc.I}, 1, 0.9),
		"R": wave([]int{D, G * rc.H, rc.H}, 2, 0.9),
		"B": wave([]int{D, 2 * G * rc.H}, 3, 0.5),
	}
	ins := []string{"X", "W", "R", "B", "", "", "", ""}
	inputs := []optest.Named{optest.In("X", x)}
	if rc.init {
		ins[5] = "h0"
		inputs = append(inputs, optest.In("h0", wave(stShape, 4, 0.8)))
		if rc.kind == "LSTM" {
			ins[6], consts["c0"] = "c0", wave(stShape, 5, 1.2)
		}
	}
	if rc.peep {
		ins[7], consts["P"] = "P", wave([]int{D, 3 * rc.H}, 6, 0.7)
	}
	for len(ins) > 0 && ins[len(ins)-1] == "" {
		ins = ins[:len(ins)-1]
	}
	attrs := map[string]graph.Attr{
		"hidden_size": i64(int64(rc.H)), "layout": i64(rc.layout),
		"direction": {Kind: graph.AttrString, String: rc.dir},
	}
	if rc.acts != nil {
		attrs["activations"] = graph.Attr{Kind: graph.AttrStrings, Strings: rc.acts}
	}
	if rc.lbr {
		attrs["linear_before_reset"] = i64(1)
	}
	outs := []string{"Y", "Yh"}
	if rc.kind == "LSTM" {
		outs = append(outs, "Yc")
	}
	oc := optest.Case{Node: node(rc.kind, ins, outs, attrs), Inputs: inputs, Consts: consts, Tol: 4e-3}
	ref := map[string]*graph.Tensor{}
	for k, v := range consts {
		ref[k] = v
	}
	if rc.init {
		ref["h0"] = inputs[1].Tensor
	}
	return oc, x, ref
}

// reference evaluates the ONNX equations in float64, written directly
// from the operator specification.
func (rc rnnCase) reference(x *graph.Tensor, k map[string]*graph.Tensor) [][]float64 {
	D := 1
	if rc.dir == "bidirectional" {
		D = 2
	}
	G := map[string]int{"RNN": 1, "GRU": 3, "LSTM": 4}[rc.kind]
	T, B, I, H := rc.T, rc.B, rc.I, rc.H
	fns := map[string]func(float64) float64{
		"Sigmoid": func(v float64) float64 { return 1 / (1 + math.Exp(-v)) },
		"Tanh":    math.Tanh, "Relu": func(v float64) float64 { return math.Max(v, 0) },
	}
	acts := rc.acts
	if acts == nil {
		acts = map[string][]string{"RNN": {"Tanh"}, "GRU": {"Sigmoid", "Tanh"}, "LSTM": {"Sigmoid", "Tanh", "Tanh"}}[rc.kind]
	}
	per := map[string]int{"RNN": 1, "GRU": 2, "LSTM": 3}[rc.kind]
	xAt := func(t, b, i int) float64 {
		if rc.layout == 1 {
			return x.Data[(b*T+t)*I+i]
		}
		return x.Data[(t*B+b)*I+i]
	}
	stAt := func(d, b, j int) int {
		if rc.layout == 1 {
			return (b*D+d)*H + j
		}
		return (d*B+b)*H + j
	}
	yAt := func(t, d, b, j int) int {
		if rc.layout == 1 {
			return ((b*T+t)*D+d)*H + j
		}
		return ((t*D+d)*B+b)*H + j
	}
	W, R, Bs := k["W"].Data, k["R"].Data, k["B"].Data
	y := make([]float64, T*D*B*H)
	yh, yc := make([]float64, D*B*H), make([]float64, D*B*H)
	for d := range D {
		a := func(i int) func(float64) float64 {
			if len(acts) == per*D {
				return fns[acts[d*per+i]]
			}
			return fns[acts[i]]
		}
		// lin returns row (gate g, unit j) of x·Wᵀ + Wb and of h·Rᵀ + Rb.
		lin := func(g, j int, xt, h []float64) (float64, float64) {
			row := d*G*H + g*H + j
			wx, rh := Bs[d*2*G*H+g*H+j], Bs[d*2*G*H+G*H+g*H+j]
			for i := range I {
				wx += W[row*I+i] * xt[i]
			}
			for i := range H {
				rh += R[row*H+i] * h[i]
			}
			return wx, rh
		}
		for b := range B {
			h, c := make([]float64, H), make([]float64, H)
			for j := range H {
				if h0 := k["h0"]; h0 != nil {
					h[j] = h0.Data[stAt(d, b, j)]
				}
				if c0 := k["c0"]; c0 != nil {
					c[j] = c0.Data[stAt(d, b, j)]
				}
			}
			for s := range T {
				t := s
				if rc.dir == "reverse" || d == 1 {
					t = T - 1 - s
				}
				xt := make([]float64, I)
				for i := range I {
					xt[i] = xAt(t, b, i)
				}
				hn, cn := make([]float64, H), make([]float64, H)
				for j := range H {
					switch rc.kind {
					case "RNN":
						wx, rh := lin(0, j, xt, h)
						hn[j] = a(0)(wx + rh)
					case "GRU":
						wz, rz := lin(0, j, xt, h)
						wr, rr := lin(1, j, xt, h)
						z, r := a(0)(wz+rz), a(0)(wr+rr)
						var ht float64
						if rc.lbr {
							wh, rh := lin(2, j, xt, h)
							ht = a(1)(wh + r*rh)
						} else {
							rhv := make([]float64, H)
							for i := range H {
								wri, rri := lin(1, i, xt, h)
								rhv[i] = a(0)(wri+rri) * h[i]
							}
							wh, rh := lin(2, j, xt, rhv)
							ht = a(1)(wh + rh)
						}
						hn[j] = (1-z)*ht + z*h[j]
					case "LSTM":
						var p [3]float64
						if P := k["P"]; P != nil {
							for q := range 3 {
								p[q] = P.Data[d*3*H+q*H+j]
							}
						}
						wi, ri := lin(0, j, xt, h)
						wo, ro := lin(1, j, xt, h)
						wf, rf := lin(2, j, xt, h)
						wc, rcc := lin(3, j, xt, h)
						i := a(0)(wi + ri + p[0]*c[j])
						f := a(0)(wf + rf + p[2]*c[j])
						cn[j] = f*c[j] + i*a(1)(wc+rcc)
						o := a(0)(wo + ro + p[1]*cn[j])
						hn[j] = o * a(2)(cn[j])
					}
				}
				h, c = hn, cn
				for j := range H {
					y[yAt(t, d, b, j)] = h[j]
				}
			}
			for j := range H {
				yh[stAt(d, b, j)] = h[j]
				if rc.kind == "LSTM" {
					yc[stAt(d, b, j)] = c[j]
				}
			}
		}
	}
	if rc.kind == "LSTM" {
		return [][]float64{y, yh, yc}
	}
	return [][]float64{y, yh}
}

// TestRecurrentRejects: unsupported configurations are compile errors.
func TestRecurrentRejects(t *testing.T) {
	rc := rnnCase{kind: "LSTM", dir: "forward", T: 2, B: 1, I: 2, H: 2}
	for _, tc := range []struct {
		name string
		edit func(oc *optest.Case)
	}{
		{"clip", func(oc *optest.Case) { oc.Node.Attrs["clip"] = graph.Attr{Kind: graph.AttrFloat, Float: 3} }},
		{"relu in an LSTM", func(oc *optest.Case) {
			oc.Node.Attrs["activations"] = graph.Attr{Kind: graph.AttrStrings, Strings: []string{"Relu", "Tanh", "Tanh"}}
		}},
		{"unknown activation", func(oc *optest.Case) {
			oc.Node.Attrs["activations"] = graph.Attr{Kind: graph.AttrStrings, Strings: []string{"Sigmoid", "Softsign", "Tanh"}}
		}},
		{"computed weights", func(oc *optest.Case) {
			oc.Inputs = append(oc.Inputs, optest.In("W", oc.Consts["W"]))
			delete(oc.Consts, "W")
		}},
		{"wrong hidden size", func(oc *optest.Case) { oc.Node.Attrs["hidden_size"] = i64(3) }},
		{"short sequence_lens", func(oc *optest.Case) {
			oc.Node.Inputs = []string{"X", "W", "R", "B", "sl"}
			oc.Consts["sl"] = intTensor([]int{1}, 1)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			oc, _, _ := rc.build()
			tc.edit(&oc)
			if _, _, err := oc.Compile(); err == nil {
				t.Fatal("compiled; want an error")
			}
		})
	}
}
