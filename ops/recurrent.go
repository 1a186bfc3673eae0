package ops

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/quant"
)

// actPlan applies one activation to a pre-activation at some scale: a
// Requant onto the table's grid and the table, or a Requant with ReLU.
type actPlan struct {
	RQ       Requant
	Tab      *tablePlan // nil: ReLU
	ReluBits int        // ReLU when RQ has no rescale to fuse it into
	Max      float64    // bound of the output
}

// applyAct runs an activation plan on one pre-activation.
func applyAct[T any](a Arith[T], p *actPlan, v T) T {
	u := Apply(a, p.RQ, v)
	switch {
	case p.Tab != nil:
		return tableApply(a, p.Tab, u)
	case p.RQ.Relu:
		return u
	}
	return a.Relu(u, p.ReluBits)
}

// rnnActs are the activation functions the recurrent ops accept.
var rnnActs = map[string]tableFn{
	"sigmoid": saturating("sigmoid", 0, sigmoid),
	"tanh":    saturating("tanh", 0, math.Tanh),
}

// planAct plans activation name on a pre-activation bounded by m at scale
// from, and returns the bound of its output (at c.Scale).
func planAct(c *Context, name string, m float64, from int) (*actPlan, float64, error) {
	name = strings.ToLower(name)
	if name == "relu" {
		rq, out := c.Requant(m, from)
		p := &actPlan{RQ: rq, ReluBits: bitsFor(out), Max: out}
		p.RQ.FuseRelu()
		return p, out, nil
	}
	fn, ok := rnnActs[name]
	if !ok {
		return nil, 0, fmt.Errorf("activation %q is not supported (Sigmoid, Tanh, Relu)", name)
	}
	probe, _, err := planTable(c, fn, &Info{Scale: c.Scale, Max: 1})
	if err != nil {
		return nil, 0, err
	}
	// Rescale straight onto the table's grid: one rounding instead of two.
	cc := *c
	cc.Scale = probe.Table.InScale
	rq, mt := cc.Requant(m, from)
	c.CheckBound(cc.TakeOverflow()) // what the copy's Requant found
	tab, out, err := planTable(c, fn, &Info{Scale: cc.Scale, Max: mt})
	if err != nil {
		return nil, 0, err
	}
	return &actPlan{RQ: rq, Tab: tab, Max: out.Max}, out.Max, nil
}

// rnnDir is one direction's constants: per gate k and hidden unit j, the
// coefficients W[k][j] over Xt and R[k][j] over the recurrent operand, and
// the biases WB, RB, all at the gate's pre-activation scale.
type rnnDir struct {
	Reverse bool
	W, R    [][][]Q
	WB, RB  [][]Q
	P       [][]Q // LSTM peepholes i, o, f per unit (nil: none)
	Acts    []*actPlan
	CellAct *actPlan // LSTM: h on the cell state
	acts    []string
}

// rnnPlan is a whole recurrent node, unrolled over the sequence (see
// "Recurrent layers" in the package documentation).
type rnnPlan struct {
	Kind          string // "RNN", "GRU", "LSTM"
	Scale         int    // of the states
	T, B, I, H, G int
	Layout        int
	LBR           bool // GRU linear_before_reset
	Dirs          []*rnnDir
	H0, C0        int // input positions of the initial states; 0: absent
	H0Up, C0Up    int
	CellRQ, HRQ   Requant // LSTM: C and H back to the activation scale
	ZRQ           Requant // GRU: H back to the activation scale
	// From is the scale of gate k's pre-activation.
	From []int
}

// gate counts and default activations per kind.
var rnnKinds = map[string]struct {
	gates int
	acts  []string
}{
	"RNN":  {1, []string{"Tanh"}},
	"GRU":  {3, []string{"Sigmoid", "Tanh"}},
	"LSTM": {4, []string{"Sigmoid", "Tanh", "Tanh"}},
}

func inferRecurrent(kind string) InferFunc {
	return func(c *Context, n *graph.Node, ins []*Info) ([]*Info, any, error) {
		if len(ins) < 3 || ins[0] == nil || ins[1] == nil || ins[2] == nil {
			return nil, nil, fmt.Errorf("needs inputs X, W and R")
		}
		x, w, r := ins[0], ins[1], ins[2]
		if w.Const == nil || r.Const == nil {
			return nil, nil, fmt.Errorf("computed weights W, R are not supported")
		}
		if x.DType != graph.Float || len(x.Shape) != 3 {
			return nil, nil, fmt.Errorf("X %v must be a 3-D float tensor", x.Shape)
		}
		if n.HasAttr("clip") {
			return nil, nil, fmt.Errorf("clip is not supported")
		}
		if n.AttrInt("input_forget", 0) != 0 {
			return nil, nil, fmt.Errorf("input_forget is not supported")
		}
		k := rnnKinds[kind]
		p := &rnnPlan{Kind: kind, Scale: c.Scale, G: k.gates, Layout: int(n.AttrInt("layout", 0)), LBR: n.AttrInt("linear_before_reset", 0) != 0}
		if p.Layout != 0 && p.Layout != 1 {
			return nil, nil, fmt.Errorf("layout %d is not 0 or 1", p.Layout)
		}
		p.T, p.B, p.I = x.Shape[0], x.Shape[1], x.Shape[2]
		if p.Layout == 1 {
			p.T, p.B = p.B, p.T
		}
		var dirs []bool
		switch d := n.AttrString("direction", "forward"); d {
		case "forward":
			dirs = []bool{false}
		case "reverse":
			dirs = []bool{true}
		case "bidirectional":
			dirs = []bool{false, true}
		default:
			return nil, nil, fmt.Errorf("direction %q is not supported", d)
		}
		D := len(dirs)
		if len(r.Shape) != 3 || r.Shape[0] != D || r.Shape[1] != p.G*r.Shape[2] {
			return nil, nil, fmt.Errorf("R %v is not [%d, %d·H, H]", r.Shape, D, p.G)
		}
		p.H = r.Shape[2]
		if hs := n.AttrInt("hidden_size", int64(p.H)); int(hs) != p.H {
			return nil, nil, fmt.Errorf("hidden_size %d disagrees with R %v", hs, r.Shape)
		}
		if !slices.Equal(w.Shape, []int{D, p.G * p.H, p.I}) {
			return nil, nil, fmt.Errorf("W %v is not [%d, %d, %d]", w.Shape, D, p.G*p.H, p.I)
		}
		opt := func(i int) *Info {
			if i < len(ins) {
				return ins[i]
			}
			return nil
		}
		if b := opt(3); b != nil {
			if b.Const == nil || !slices.Equal(b.Shape, []int{D, 2 * p.G * p.H}) {
				return nil, nil, fmt.Errorf("B %v must be a constant [%d, %d]", b.Shape, D, 2*p.G*p.H)
			}
		}
		if sl := opt(4); sl != nil {
			if sl.Const == nil || sl.Size() != p.B || slices.ContainsFunc(sl.Const.Data, func(v float64) bool { return int(v) != p.T }) {
				return nil, nil, fmt.Errorf("sequence_lens must be constant and equal to the sequence length %d", p.T)
			}
		}
		stateShape := []int{D, p.B, p.H}
		if p.Layout == 1 {
			stateShape = []int{p.B, D, p.H}
		}
		var hm, cm float64
		state := func(i int, up *int) (float64, error) {
			s := opt(i)
			if s == nil {
				return 0, nil
			}
			if !slices.Equal(s.Shape, stateShape) {
				return 0, fmt.Errorf("initial state %v is not %v", s.Shape, stateShape)
			}
			if s.Scale > c.Scale {
				return 0, fmt.Errorf("initial state at scale %d is finer than the activation scale", s.Scale)
			}
			*up = c.Scale - s.Scale
			return math.Ldexp(s.Max, *up), nil
		}
		var err error
		if hm, err = state(5, &p.H0Up); err != nil {
			return nil, nil, err
		}
		if opt(5) != nil {
			p.H0 = 5
		}
		if kind == "LSTM" {
			if cm, err = state(6, &p.C0Up); err != nil {
				return nil, nil, err
			}
			if opt(6) != nil {
				p.C0 = 6
			}
			if pi := opt(7); pi != nil {
				if pi.Const == nil || !slices.Equal(pi.Shape, []int{D, 3 * p.H}) {
					return nil, nil, fmt.Errorf("P %v must be a constant [%d, %d]", pi.Shape, D, 3*p.H)
				}
			}
		}
		acts := k.acts
		if at, ok := n.Attrs["activations"]; ok {
			if at.Kind != graph.AttrStrings {
				return nil, nil, fmt.Errorf("activations must be a list of strings")
			}
			acts = at.Strings
		}
		if len(acts) == len(k.acts) && D == 2 {
			acts = slices.Concat(acts, acts)
		}
		if len(acts) != D*len(k.acts) {
			return nil, nil, fmt.Errorf("%d activations, want %d per direction", len(acts), len(k.acts))
		}
		if kind != "RNN" && slices.ContainsFunc(acts, func(s string) bool { return strings.EqualFold(s, "relu") }) {
			return nil, nil, fmt.Errorf("%s supports the bounded activations Sigmoid and Tanh only", kind)
		}
		var bc, pc *graph.Tensor
		if b := opt(3); b != nil {
			bc = b.Const
		}
		if pi := opt(7); pi != nil && kind == "LSTM" {
			pc = pi.Const
		}
		p.quantize(c, x.Scale, dirs, acts, w.Const, r.Const, bc, pc)
		// Bounds: iterate the per-step bound map until it is stable or
		// covers the whole sequence; every plan is then made for the
		// largest bounds any step sees.
		for range p.T {
			hn, cn, err := p.planSteps(c, x.Max, hm, cm)
			if err != nil {
				return nil, nil, err
			}
			if hn <= hm && cn <= cm {
				break
			}
			hm, cm = max(hm, hn), max(cm, cn)
		}
		if _, _, err := p.planSteps(c, x.Max, hm, cm); err != nil {
			return nil, nil, err
		}
		yShape := []int{p.T, D, p.B, p.H}
		if p.Layout == 1 {
			yShape = []int{p.B, p.T, D, p.H}
		}
		mk := func(shape []int, m float64) *Info {
			return &Info{DType: graph.Float, Shape: shape, Scale: c.Scale, Max: m}
		}
		outs := []*Info{mk(yShape, hm), mk(stateShape, hm)}
		if kind == "LSTM" {
			outs = append(outs, mk(stateShape, cm))
		}
		return outs, p, nil
	}
}

// quantize sets every direction's coefficients. Inputs and hidden states
// are aligned to the finer of their scales by shifting the coefficients
// (free); W, R and P share one exact parameter scale, biases are rounded
// at their gate's pre-activation scale.
func (p *rnnPlan) quantize(c *Context, xScale int, dirs []bool, acts []string, w, r, b, pp *graph.Tensor) {
	S := c.Scale
	all := slices.Concat(w.Data, r.Data)
	if pp != nil {
		all = append(all, pp.Data...)
	}
	q, ps := c.ExactParams(&graph.Tensor{DType: graph.Float, Shape: []int{len(all)}, Data: all})
	in := max(xScale, S)
	xUp, hUp := in-xScale, in-S
	p.From = make([]int, p.G)
	for k := range p.From {
		p.From[k] = in + ps
	}
	// GRU's candidate gate: (r⊙H) at 2·Scale for linear_before_reset = 0;
	// r·(H·Rhᵀ + Rbh) one Scale above the other gates otherwise.
	gxUp, ghUp, gbScale := xUp, hUp, in+ps
	if p.Kind == "GRU" {
		if p.LBR {
			p.From[2] = in + ps + S
		} else {
			inH := max(xScale, 2*S)
			p.From[2] = inH + ps
			gxUp, ghUp, gbScale = inH-xScale, inH-2*S, inH+ps
		}
	}
	nW, nR, GH := len(w.Data), len(r.Data), p.G*p.H
	per := len(acts) / len(dirs)
	p.Dirs = nil
	for d, rev := range dirs {
		dir := &rnnDir{Reverse: rev, acts: acts[d*per : (d+1)*per]}
		dir.W, dir.R = make([][][]Q, p.G), make([][][]Q, p.G)
		dir.WB, dir.RB = make([][]Q, p.G), make([][]Q, p.G)
		for k := range p.G {
			xs, hs, bs := xUp, hUp, in+ps
			if p.Kind == "GRU" && k == 2 {
				xs, hs, bs = gxUp, ghUp, gbScale
			}
			for j := range p.H {
				row := d*GH + k*p.H + j
				wr, rr := make([]Q, p.I), make([]Q, p.H)
				for i := range p.I {
					wr[i] = shifted(q[row*p.I+i], xs)
				}
				for i := range p.H {
					rr[i] = shifted(q[nW+row*p.H+i], hs)
				}
				dir.W[k], dir.R[k] = append(dir.W[k], wr), append(dir.R[k], rr)
				var wb, rb float64
				if b != nil {
					wb, rb = b.Data[d*2*GH+k*p.H+j], b.Data[d*2*GH+GH+k*p.H+j]
				}
				dir.WB[k] = append(dir.WB[k], Q{F: wb, I: quant.Quantize(wb, bs)})
				dir.RB[k] = append(dir.RB[k], Q{F: rb, I: quant.Quantize(rb, bs)})
			}
		}
		if pp != nil {
			dir.P = make([][]Q, 3)
			for k := range 3 {
				for j := range p.H {
					dir.P[k] = append(dir.P[k], shifted(q[nW+nR+d*3*p.H+k*p.H+j], hUp))
				}
			}
		}
		p.Dirs = append(p.Dirs, dir)
	}
}

// shifted returns q with its integer multiplied by 2^k, saturating where it
// does not fit an int64 (rowBound then exceeds quant.MaxBound).
func shifted(q Q, k int) Q { return Q{F: q.F, I: shiftConst(q.I, k)} }

// rowBound bounds Σ|c_i|·m over a coefficient row (integers).
func rowBound(row []Q, m float64) float64 {
	s := 0.0
	for _, q := range row {
		s += math.Abs(float64(q.I))
	}
	return s * m
}

// gateBound bounds gate k's pre-activation over all units, given bounds of
// the input (xm), the recurrent operand (hv) and, for peepholes, the cell
// state (cm, times peephole peep; -1 for none). It returns the bound of
// the input half (Xt·Wᵀ + Wb) and of the recurrent half (hv·Rᵀ + Rb + P·C).
func (d *rnnDir) gateBound(k int, xm, hv, cm float64, peep int) (wHalf, rHalf float64) {
	for j := range d.W[k] {
		wh := rowBound(d.W[k][j], xm) + math.Abs(float64(d.WB[k][j].I))
		rh := rowBound(d.R[k][j], hv) + math.Abs(float64(d.RB[k][j].I))
		if d.P != nil && peep >= 0 {
			rh += math.Abs(float64(d.P[peep][j].I)) * cm
		}
		wHalf, rHalf = max(wHalf, wh), max(rHalf, rh)
	}
	return wHalf, rHalf
}

// planSteps plans one step for states bounded by hm (hidden) and cm (cell)
// and returns the bounds of the step's new states.
func (p *rnnPlan) planSteps(c *Context, xm, hm, cm float64) (hn, cn float64, err error) {
	S := c.Scale
	var prod, cellIn float64 // inputs of the shared rescales
	for _, d := range p.Dirs {
		d.Acts = make([]*actPlan, p.G)
		outs := make([]float64, p.G)
		plan := func(k int, act string, m float64) error {
			var e error
			d.Acts[k], outs[k], e = planAct(c, act, m, p.From[k])
			return e
		}
		switch p.Kind {
		case "RNN":
			w, r := d.gateBound(0, xm, hm, 0, -1)
			if err := plan(0, d.acts[0], w+r); err != nil {
				return 0, 0, err
			}
			hn = max(hn, outs[0])
		case "GRU":
			for k := range 2 {
				w, r := d.gateBound(k, xm, hm, 0, -1)
				if err := plan(k, d.acts[0], w+r); err != nil {
					return 0, 0, err
				}
			}
			zm, rm := outs[0], outs[1]
			var m float64
			if p.LBR {
				w, r := d.gateBound(2, xm, hm, 0, -1)
				m = math.Ldexp(w, S) + rm*r
			} else {
				w, r := d.gateBound(2, xm, rm*hm, 0, -1)
				m = w + r
			}
			if err := plan(2, d.acts[1], m); err != nil {
				return 0, 0, err
			}
			prod = max(prod, math.Ldexp(outs[2], S)+zm*(hm+outs[2]))
		case "LSTM":
			for k, peep := range []int{0, 1, 2, -1} { // gates i, o, f, c
				w, r := d.gateBound(k, xm, hm, cm, peep)
				act := d.acts[0]
				if k == 3 {
					act = d.acts[1]
				}
				if err := plan(k, act, w+r); err != nil {
					return 0, 0, err
				}
			}
			cellIn = max(cellIn, outs[2]*cm+outs[0]*outs[3])
		}
	}
	switch p.Kind {
	case "GRU":
		p.ZRQ, hn = c.Requant(prod, 2*S)
	case "LSTM":
		p.CellRQ, cn = c.Requant(cellIn, 2*S)
		for _, d := range p.Dirs {
			var hc float64
			var err error
			if d.CellAct, hc, err = planAct(c, d.acts[2], max(cn, cm), S); err != nil {
				return 0, 0, err
			}
			prod = max(prod, d.Acts[1].Max*hc)
		}
		p.HRQ, hn = c.Requant(prod, 2*S)
	}
	return hn, cn, nil
}

// rnnIndex returns the offsets of X(t, b), Y(t, d, b) and a state (d, b)
// in the node's layout.
func (p *rnnPlan) xAt(t, b int) int {
	if p.Layout == 1 {
		return (b*p.T + t) * p.I
	}
	return (t*p.B + b) * p.I
}

func (p *rnnPlan) yAt(t, d, b int) int {
	D := len(p.Dirs)
	if p.Layout == 1 {
		return ((b*p.T+t)*D + d) * p.H
	}
	return ((t*D+d)*p.B + b) * p.H
}

func (p *rnnPlan) stAt(d, b int) int {
	if p.Layout == 1 {
		return (b*len(p.Dirs) + d) * p.H
	}
	return (d*p.B + b) * p.H
}

func recurrent[T any](a Arith[T], plan any, ins []Tensor[T]) []Tensor[T] {
	p := plan.(*rnnPlan)
	D := len(p.Dirs)
	y := make([]T, p.T*D*p.B*p.H)
	yh, yc := make([]T, D*p.B*p.H), make([]T, D*p.B*p.H)
	X := ins[0].Data
	initial := func(pos, up, off int) []T {
		s := make([]T, p.H)
		for j := range s {
			if pos == 0 {
				s[j] = a.Const(Q{})
			} else {
				s[j] = a.Upscale(ins[pos].Data[off+j], up)
			}
		}
		return s
	}
	for d, dir := range p.Dirs {
		for b := range p.B {
			h, c := initial(p.H0, p.H0Up, p.stAt(d, b)), initial(p.C0, p.C0Up, p.stAt(d, b))
			for s := range p.T {
				t := s
				if dir.Reverse {
					t = p.T - 1 - s
				}
				x := X[p.xAt(t, b) : p.xAt(t, b)+p.I]
				h, c = rnnStep(a, p, dir, x, h, c)
				copy(y[p.yAt(t, d, b):], h)
			}
			copy(yh[p.stAt(d, b):], h)
			copy(yc[p.stAt(d, b):], c)
		}
	}
	shape := []int{p.T, D, p.B, p.H}
	st := []int{D, p.B, p.H}
	if p.Layout == 1 {
		shape, st = []int{p.B, p.T, D, p.H}, []int{p.B, D, p.H}
	}
	outs := []Tensor[T]{{Shape: shape, Data: y}, {Shape: st, Data: yh}}
	if p.Kind == "LSTM" {
		outs = append(outs, Tensor[T]{Shape: slices.Clone(st), Data: yc})
	}
	return outs
}

// rnnStep computes one time step of one direction and batch entry: the new
// hidden state (and cell state for LSTM) from input row x.
func rnnStep[T any](a Arith[T], p *rnnPlan, d *rnnDir, x, h, c []T) (hn, cn []T) {
	H := p.H
	// pre returns gate k's pre-activation for unit j over (x, hv) plus
	// extra·coefficient (the peephole term) when ec is set.
	pre := func(k, j int, hv []T, ec *Q, ev T) T {
		cs := slices.Concat(d.W[k][j], d.R[k][j])
		vs := slices.Concat(x, hv)
		if ec != nil {
			cs, vs = append(cs, *ec), append(vs, ev)
		}
		wb, rb := d.WB[k][j], d.RB[k][j]
		return a.Lin(cs, vs, Q{F: wb.F + rb.F, I: wb.I + rb.I})
	}
	act := func(k, j int, hv []T, ec *Q, ev T) T {
		return applyAct(a, d.Acts[k], pre(k, j, hv, ec, ev))
	}
	var zero T = a.Const(Q{})
	peep := func(k, j int) *Q {
		if d.P == nil {
			return nil
		}
		return &d.P[k][j]
	}
	hn = make([]T, H)
	switch p.Kind {
	case "RNN":
		for j := range H {
			hn[j] = act(0, j, h, nil, zero)
		}
	case "GRU":
		z, r := make([]T, H), make([]T, H)
		for j := range H {
			z[j], r[j] = act(0, j, h, nil, zero), act(1, j, h, nil, zero)
		}
		var rh []T
		if !p.LBR {
			rh = make([]T, H)
			for j := range H {
				rh[j] = a.Mul(r[j], h[j])
			}
		}
		for j := range H {
			var v T
			if p.LBR {
				wx := a.Lin(d.W[2][j], x, d.WB[2][j])
				rx := a.Lin(d.R[2][j], h, d.RB[2][j])
				v = a.Add(a.Upscale(wx, p.Scale), a.Mul(r[j], rx))
			} else {
				v = pre(2, j, rh, nil, zero)
			}
			ht := applyAct(a, d.Acts[2], v)
			// H = h̃ + z⊙(Ht-1 − h̃), at twice the activation scale.
			hn[j] = Apply(a, p.ZRQ, a.Add(a.Upscale(ht, p.Scale), a.Mul(z[j], a.Sub(h[j], ht))))
		}
	case "LSTM":
		cn = make([]T, H)
		for j := range H {
			i := act(0, j, h, peep(0, j), c[j])
			f := act(2, j, h, peep(2, j), c[j])
			g := act(3, j, h, nil, zero)
			cn[j] = Apply(a, p.CellRQ, a.Add(a.Mul(f, c[j]), a.Mul(i, g)))
			o := act(1, j, h, peep(1, j), cn[j])
			hn[j] = Apply(a, p.HRQ, a.Mul(o, applyAct(a, d.CellAct, cn[j])))
		}
	}
	return hn, cn
}

func init() {
	for _, k := range []string{"RNN", "GRU", "LSTM"} {
		Register(k, Op{Infer: inferRecurrent(k), Float: recurrent[float64], Int: recurrent[int64], Circuit: recurrent[Variable]})
	}
}
