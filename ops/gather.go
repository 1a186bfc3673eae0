package ops

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"slices"

	"github.com/zkinfer/zkinfer/graph"
)

// indexPlan is how computed indices are turned into one-hot vectors (see
// "Gather and scatter" in the package documentation).
type indexPlan struct {
	In    int       // the indices input
	Comps [][]int32 // per index: positions of its components in the indices tensor
	Dims  []int     // per component: the size of the axis it indexes
	St    []int     // per component: its stride in the flattened index
	Bits  int       // |v - j| < 2^Bits for every comparison
	// Unit is 2^scale of the indices: integers may sit at a nonzero scale
	// (an integer product upscaled by Requant), and stay exact there.
	Unit  int64
	Scale int
}

// oneHots returns, per index, its one-hot vector over Π Dims.
func oneHots[T any](a Arith[T], p *indexPlan, idx []T) [][]T {
	n := 1
	for _, d := range p.Dims {
		n *= d
	}
	out := make([][]T, len(p.Comps))
	neg := Q{F: -1, I: -1}
	for k, comps := range p.Comps {
		xs, cs := make([]T, 0, 2*len(comps)), make([]Q, 0, 2*len(comps))
		for m, pos := range comps {
			v := idx[pos]
			// v + d·(1 - Sign(v)) as Σ terms: St·v - St·d·Sign(v) + St·d.
			s := geZero(a, v, p.Scale, p.Bits)
			st, d := int64(p.St[m]), int64(p.Dims[m])*p.Unit
			xs = append(xs, v, s)
			cs = append(cs, Q{F: float64(st), I: st}, Q{F: -float64(st * d), I: -st * d})
		}
		bias := int64(0)
		for m := range comps {
			bias += int64(p.St[m]*p.Dims[m]) * p.Unit
		}
		v := a.Lin(cs, xs, Q{F: float64(bias), I: int64(bias)})
		ge := make([]T, n+1)
		ge[0] = a.Const(one)
		ge[n] = a.Const(Q{})
		for j := 1; j < n; j++ {
			ge[j] = geZero(a, a.Lin([]Q{one}, []T{v}, Q{F: -float64(j), I: -int64(j) * p.Unit}), p.Scale, p.Bits)
		}
		eq := make([]T, n)
		for j := range n {
			eq[j] = a.Lin([]Q{one, neg}, []T{ge[j], ge[j+1]}, Q{})
		}
		out[k] = eq
	}
	return out
}

// selectPlan gathers (or scatters) through one-hot vectors of computed
// indices.
type selectPlan struct {
	Shape []int
	Ix    indexPlan
	// Gather: output o is Σ_j eq[Which[o]][j]·x[Base[o] + j·Step[o]].
	Which, Base, Step []int32
	// Scatter: output o starts from data[o] and takes each of Hits[o].
	Scatter bool
	Add     bool // reduction "add": out = d + Σ eq·u
	Hits    [][]hit
	Up      []int // scatter: upscale per input to the common scale
}

// hit is an update that lands on an output when index Which takes value J.
type hit struct{ Which, J, Upd int32 }

func selectKernel[T any](a Arith[T], plan any, ins []Tensor[T]) []Tensor[T] {
	switch pp := plan.(type) {
	case *pickPlan:
		return pick(a, pp, ins)
	case *lookupPlan:
		return lookupPick(a, pp, ins)
	}
	p := plan.(*selectPlan)
	eqs := oneHots(a, &p.Ix, ins[p.Ix.In].Data)
	n := graph.NumElements(p.Shape)
	out := make([]T, n)
	x := ins[0].Data
	for o := range n {
		if p.Scatter {
			d := a.Upscale(x[o], p.Up[0])
			acc := d
			for _, h := range p.Hits[o] {
				u := a.Upscale(ins[2].Data[h.Upd], p.Up[2])
				if !p.Add {
					u = a.Sub(u, d)
				}
				acc = a.Add(acc, a.Mul(eqs[h.Which][h.J], u))
			}
			out[o] = acc
			continue
		}
		eq := eqs[p.Which[o]]
		terms := make([]T, len(eq))
		ones := make([]Q, len(eq))
		for j := range eq {
			terms[j], ones[j] = a.Mul(eq[j], x[int(p.Base[o])+j*int(p.Step[o])]), one
		}
		out[o] = a.Lin(ones, terms, Q{})
	}
	return []Tensor[T]{{Shape: p.Shape, Data: out}}
}

func indexInfo(ins []*Info, k int) (*Info, error) {
	if k >= len(ins) || ins[k] == nil {
		return nil, fmt.Errorf("missing input %d", k)
	}
	if ins[k].DType == graph.Float {
		return nil, fmt.Errorf("indices must be integers")
	}
	return ins[k], nil
}

// wrapConst resolves a constant index into [0, d).
func wrapConst(v float64, d int) (int, error) {
	i := int(v)
	if i < 0 {
		i += d
	}
	if i < 0 || i >= d {
		return 0, fmt.Errorf("index %v is out of range for an axis of %d", v, d)
	}
	return i, nil
}

// finish sets the unit and comparison width of indices idx over dims.
func (p *indexPlan) finish(idx *Info) {
	n := 1
	for _, d := range p.Dims {
		n *= d
	}
	p.Unit, p.Scale = int64(1)<<idx.Scale, idx.Scale
	p.Bits = bitsFor(2*idx.Max + float64(2*int64(n)*p.Unit))
}

func inferGather(kind string) InferFunc {
	return func(_ *Context, n *graph.Node, ins []*Info) ([]*Info, any, error) {
		if err := needInput(ins); err != nil {
			return nil, nil, err
		}
		idx, err := indexInfo(ins, 1)
		if err != nil {
			return nil, nil, err
		}
		x := ins[0]
		ds, is := x.Shape, idx.Shape
		sp := &selectPlan{Ix: indexPlan{In: 1}}
		var shape []int
		// place(o, which, base, step, n): output o reads x[base + j·step] for
		// j in [0, n) chosen by index which.
		type sel struct{ which, base, step int }
		var sels []sel
		switch kind {
		case "Gather":
			axis, err := normAxis(int(n.AttrInt("axis", 0)), len(ds))
			if err != nil {
				return nil, nil, err
			}
			shape = slices.Concat(ds[:axis], is, ds[axis+1:])
			outer, inner := graph.NumElements(ds[:axis]), graph.NumElements(ds[axis+1:])
			ni := graph.NumElements(is)
			sp.Ix.Dims, sp.Ix.St = []int{ds[axis]}, []int{1}
			for k := range ni {
				sp.Ix.Comps = append(sp.Ix.Comps, []int32{int32(k)})
			}
			for o := range outer {
				for k := range ni {
					for i := range inner {
						sels = append(sels, sel{k, o*ds[axis]*inner + i, inner})
					}
				}
			}
		case "GatherElements":
			axis, err := normAxis(int(n.AttrInt("axis", 0)), len(ds))
			if err != nil {
				return nil, nil, err
			}
			if err := elementsFit(is, ds, axis); err != nil {
				return nil, nil, err
			}
			shape = slices.Clone(is)
			st := Strides(ds)
			sp.Ix.Dims, sp.Ix.St = []int{ds[axis]}, []int{1}
			k := 0
			forEach(is, func(c []int) {
				sp.Ix.Comps = append(sp.Ix.Comps, []int32{int32(k)})
				base := flat(c, st) - c[axis]*st[axis]
				sels = append(sels, sel{k, base, st[axis]})
				k++
			})
		case "GatherND":
			b := int(n.AttrInt("batch_dims", 0))
			if len(is) < 1 || b >= len(is) || b >= len(ds) {
				return nil, nil, fmt.Errorf("indices %v, data %v and batch_dims %d disagree", is, ds, b)
			}
			kd := is[len(is)-1]
			if b+kd > len(ds) || !slices.Equal(is[:b], ds[:b]) {
				return nil, nil, fmt.Errorf("indices %v do not index data %v", is, ds)
			}
			shape = slices.Concat(is[:len(is)-1], ds[b+kd:])
			sp.Ix.Dims = slices.Clone(ds[b : b+kd])
			sp.Ix.St = Strides(sp.Ix.Dims)
			inner := graph.NumElements(ds[b+kd:])
			nsel := graph.NumElements(sp.Ix.Dims)
			tuples := graph.NumElements(is[:len(is)-1])
			perBatch := tuples / max(1, graph.NumElements(is[:b]))
			for t := range tuples {
				comps := make([]int32, kd)
				for m := range kd {
					comps[m] = int32(t*kd + m)
				}
				sp.Ix.Comps = append(sp.Ix.Comps, comps)
				batch := t / perBatch
				for i := range inner {
					sels = append(sels, sel{t, batch*nsel*inner + i, inner})
				}
			}
		}
		out := &Info{DType: x.DType, Shape: shape, Scale: x.Scale, Max: x.Max}
		if idx.Const != nil {
			o := pickOut{Shape: shape}
			for _, s := range sels {
				j := 0
				for m, pos := range sp.Ix.Comps[s.which] {
					c, err := wrapConst(idx.Const.Data[pos], sp.Ix.Dims[m])
					if err != nil {
						return nil, nil, err
					}
					j += c * sp.Ix.St[m]
				}
				o.add(0, s.base+j*s.step)
			}
			pp := &pickPlan{Outs: []pickOut{o}}
			return finishPick(pp, ins, []int{0}, nil), pp, nil
		}
		sp.Shape = shape
		sp.Ix.finish(idx)
		if lp := lookupGather(x, idx, sp, len(sels), func(i int) (int, int, int) {
			return sels[i].which, sels[i].base, sels[i].step
		}); lp != nil {
			return []*Info{out}, lp, nil
		}
		for _, s := range sels {
			sp.Which = append(sp.Which, int32(s.which))
			sp.Base = append(sp.Base, int32(s.base))
			sp.Step = append(sp.Step, int32(s.step))
		}
		return []*Info{out}, sp, nil
	}
}

// elementsFit checks the indices of GatherElements or ScatterElements
// against the data: the same rank, and no larger on any axis but axis.
func elementsFit(is, ds []int, axis int) error {
	if len(is) != len(ds) {
		return fmt.Errorf("indices %v and data %v differ in rank", is, ds)
	}
	for d := range is {
		if d != axis && is[d] > ds[d] {
			return fmt.Errorf("indices %v exceed data %v on axis %d", is, ds, d)
		}
	}
	return nil
}

func inferScatter(kind string) InferFunc {
	return func(_ *Context, n *graph.Node, ins []*Info) ([]*Info, any, error) {
		if len(ins) != 3 || ins[0] == nil || ins[2] == nil {
			return nil, nil, fmt.Errorf("needs data, indices and updates")
		}
		idx, err := indexInfo(ins, 1)
		if err != nil {
			return nil, nil, err
		}
		red := n.AttrString("reduction", "none")
		if red != "none" && red != "add" {
			return nil, nil, fmt.Errorf("reduction %q is not supported (none, add)", red)
		}
		ds, is, us := ins[0].Shape, idx.Shape, ins[2].Shape
		sp := &selectPlan{Shape: slices.Clone(ds), Scatter: true, Add: red == "add", Ix: indexPlan{In: 1}}
		sp.Hits = make([][]hit, graph.NumElements(ds))
		switch kind {
		case "ScatterElements":
			axis, err := normAxis(int(n.AttrInt("axis", 0)), len(ds))
			if err != nil {
				return nil, nil, err
			}
			if !slices.Equal(is, us) {
				return nil, nil, fmt.Errorf("indices %v and updates %v differ", is, us)
			}
			if err := elementsFit(is, ds, axis); err != nil {
				return nil, nil, err
			}
			sp.Ix.Dims, sp.Ix.St = []int{ds[axis]}, []int{1}
			st := Strides(ds)
			p := 0
			forEach(is, func(c []int) {
				sp.Ix.Comps = append(sp.Ix.Comps, []int32{int32(p)})
				base := flat(c, st) - c[axis]*st[axis]
				for j := range ds[axis] {
					e := base + j*st[axis]
					sp.Hits[e] = append(sp.Hits[e], hit{int32(p), int32(j), int32(p)})
				}
				p++
			})
		case "ScatterND":
			if len(is) < 1 {
				return nil, nil, fmt.Errorf("indices must have rank ≥ 1")
			}
			k := is[len(is)-1]
			if k > len(ds) || !slices.Equal(us, slices.Concat(is[:len(is)-1], ds[k:])) {
				return nil, nil, fmt.Errorf("indices %v, updates %v and data %v disagree", is, us, ds)
			}
			sp.Ix.Dims = slices.Clone(ds[:k])
			sp.Ix.St = Strides(sp.Ix.Dims)
			inner, npos := graph.NumElements(ds[k:]), graph.NumElements(ds[:k])
			for t := range graph.NumElements(is[:len(is)-1]) {
				comps := make([]int32, k)
				for m := range k {
					comps[m] = int32(t*k + m)
				}
				sp.Ix.Comps = append(sp.Ix.Comps, comps)
				for pos := range npos {
					for i := range inner {
						e := pos*inner + i
						sp.Hits[e] = append(sp.Hits[e], hit{int32(t), int32(pos), int32(t*inner + i)})
					}
				}
			}
		}
		pp := &pickPlan{Outs: []pickOut{{Shape: sp.Shape}}}
		outs := finishPick(pp, ins, []int{0, 2}, nil)
		if red == "add" {
			outs[0].Max = math.Ldexp(ins[0].Max, pp.Up[0]) + float64(len(sp.Ix.Comps))*math.Ldexp(ins[2].Max, pp.Up[2])
		}
		if idx.Const != nil && red == "none" {
			// Resolve at compile time; later updates win, as in ONNX's reference.
			src := make([]int, len(sp.Hits))
			from := make([]int, len(sp.Hits))
			for e, hs := range sp.Hits {
				src[e], from[e] = e, 0
				for _, h := range hs {
					j := 0
					for m, pos := range sp.Ix.Comps[h.Which] {
						c, err := wrapConst(idx.Const.Data[pos], sp.Ix.Dims[m])
						if err != nil {
							return nil, nil, err
						}
						j += c * sp.Ix.St[m]
					}
					if j == int(h.J) {
						src[e], from[e] = int(h.Upd), 2
					}
				}
			}
			o := &pp.Outs[0]
			for e := range src {
				o.add(from[e], src[e])
			}
			return outs, pp, nil
		}
		sp.Up = pp.Up
		sp.Ix.finish(idx)
		return outs, sp, nil
	}
}

// oneHotPlan: out = off + (on-off)·eq_j, free beyond the one-hot vectors.
type oneHotPlan struct {
	Shape   []int
	Ix      indexPlan
	Depth   int
	Outer   int // elements of the indices before the depth axis
	Inner   int // after it
	Off, On Q
}

func inferOneHot(c *Context, n *graph.Node, ins []*Info) ([]*Info, any, error) {
	idx, err := indexInfo(ins, 0)
	if err != nil {
		return nil, nil, err
	}
	depth, err := constInts(ins, 1, "depth")
	if err != nil || len(depth) != 1 || depth[0] <= 0 {
		return nil, nil, fmt.Errorf("depth must be a positive constant scalar")
	}
	if len(ins) < 3 || ins[2] == nil || ins[2].Const == nil || len(ins[2].Const.Data) != 2 {
		return nil, nil, fmt.Errorf("values must be a constant [off, on]")
	}
	vt := ins[2].Const
	axis, err := normAxis(int(n.AttrInt("axis", -1)), len(idx.Shape)+1)
	if err != nil {
		return nil, nil, err
	}
	d := depth[0]
	if _, err := graph.CheckShape(append([]int{d}, idx.Shape...)); err != nil {
		return nil, nil, err
	}
	p := &oneHotPlan{Depth: d, Ix: indexPlan{Dims: []int{d}, St: []int{1}}}
	p.Shape = slices.Concat(idx.Shape[:axis], []int{d}, idx.Shape[axis:])
	p.Outer, p.Inner = graph.NumElements(idx.Shape[:axis]), graph.NumElements(idx.Shape[axis:])
	for k := range idx.Size() {
		p.Ix.Comps = append(p.Ix.Comps, []int32{int32(k)})
	}
	p.Ix.finish(idx)
	ci := c.ConstInfo(vt)
	q := quantizeAt(vt.Data, ci.Scale)
	p.Off, p.On = q[0], q[1]
	return []*Info{{DType: vt.DType, Shape: p.Shape, Scale: ci.Scale, Max: ci.Max}}, p, nil
}

func oneHot[T any](a Arith[T], plan any, ins []Tensor[T]) []Tensor[T] {
	p := plan.(*oneHotPlan)
	eqs := oneHots(a, &p.Ix, ins[0].Data)
	out := make([]T, 0, graph.NumElements(p.Shape))
	diff := Q{F: p.On.F - p.Off.F, I: p.On.I - p.Off.I}
	for o := range p.Outer {
		for j := range p.Depth {
			for i := range p.Inner {
				out = append(out, a.Lin([]Q{diff}, []T{eqs[o*p.Inner+i][j]}, p.Off))
			}
		}
	}
	return []Tensor[T]{{Shape: p.Shape, Data: out}}
}

func init() {
	for _, k := range []string{"Gather", "GatherElements", "GatherND"} {
		Register(k, Op{Infer: inferGather(k), Float: selectKernel[float64], Int: selectKernel[int64], Circuit: selectKernel[Variable]})
	}
	for _, k := range []string{"ScatterElements", "ScatterND"} {
		Register(k, Op{Infer: inferScatter(k), Float: selectKernel[float64], Int: selectKernel[int64], Circuit: selectKernel[Variable]})
	}
	Register("OneHot", Op{Infer: inferOneHot, Float: oneHot[float64], Int: oneHot[int64], Circuit: oneHot[Variable]})
}

// lookupPlan gathers from a constant tensor by table lookups: output o is
// Tabs[Col[o]] at index element Which[o].
type lookupPlan struct {
	Shape      []int
	In         int
	Which, Col []int32
	Tabs       []*Table
	Shift      int // scale of the indices, rescaled away first
	Bits       int // signed width of the rescaled indices
}

// lookupGather returns the lookup plan of a gather with nsel outputs (sel
// gives output o's index element, base and step), or nil when x is
// computed, an index has several components, or the one-hot is cheaper.
func lookupGather(x, idx *Info, sp *selectPlan, nsel int, sel func(o int) (which, base, step int)) *lookupPlan {
	if x.Const == nil || len(sp.Ix.Dims) != 1 || idx.Scale < 0 {
		return nil
	}
	n := sp.Ix.Dims[0]
	m := math.Ldexp(idx.Max, -idx.Scale)
	reach := min(float64(n), math.Floor(m))
	lo, hi := -int64(reach), int64(min(float64(n-1), reach))
	if hi < lo || hi-lo+1 > MaxTableEntries {
		return nil
	}
	type col struct{ base, step int }
	cols := map[col]int32{}
	lp := &lookupPlan{Shape: sp.Shape, In: sp.Ix.In, Shift: idx.Scale, Bits: bitsFor(math.Ceil(m)+1) + 1}
	for o := range nsel {
		which, base, step := sel(o)
		c := col{base, step}
		k, ok := cols[c]
		if !ok {
			k = int32(len(cols))
			cols[c] = k
		}
		lp.Which, lp.Col = append(lp.Which, int32(which)), append(lp.Col, k)
	}
	// A table entry costs about as much as a constraint of a Sign; the
	// one-hot needs n-1 Signs per index.
	if entries := int64(len(cols)) * (hi - lo + 1); entries > int64(len(sp.Ix.Comps))*int64(n) {
		return nil
	}
	lp.Tabs = make([]*Table, len(cols))
	for c, k := range cols {
		vals := make([]float64, n)
		for j := range vals {
			vals[j] = x.Const.Data[c.base+j*c.step]
		}
		t, err := NewTable(columnName(vals), columnFn(vals), 0, x.Scale, lo, hi)
		if err != nil {
			return nil
		}
		lp.Tabs[k] = t
	}
	return lp
}

// columnName names a column by its content, so equal columns share a table.
func columnName(vals []float64) string {
	h := sha256.New()
	for _, v := range vals {
		_ = binary.Write(h, binary.LittleEndian, math.Float64bits(v))
	}
	return fmt.Sprintf("gather%d-%s", len(vals), hex.EncodeToString(h.Sum(nil)[:16]))
}

// columnFn is the table function of a column: the value at an index,
// negative indices counting from the end. (The float reference clamps an
// index the table has no row for; the evaluator and circuit reject it.)
func columnFn(vals []float64) func(float64) float64 {
	n := len(vals)
	return func(v float64) float64 {
		k := int(math.Round(v))
		if k < 0 {
			k += n
		}
		return vals[min(max(k, 0), n-1)]
	}
}

func lookupPick[T any](a Arith[T], p *lookupPlan, ins []Tensor[T]) []Tensor[T] {
	idx := ins[p.In].Data
	if p.Shift > 0 {
		// Rescale each index element once, however many outputs read it.
		ints := make([]T, len(idx))
		done := make([]bool, len(idx))
		for _, k := range p.Which {
			if !done[k] {
				ints[k], done[k] = a.Rescale(idx[k], p.Shift, p.Bits), true
			}
		}
		idx = ints
	}
	out := make([]T, len(p.Which))
	for o := range out {
		out[o] = a.Lookup(p.Tabs[p.Col[o]], idx[p.Which[o]])
	}
	return []Tensor[T]{{Shape: p.Shape, Data: out}}
}
