package model

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/ops"
	"github.com/zkinfer/zkinfer/quant"
)

// Model is a compiled graph.
type Model struct {
	Graph    *graph.Graph
	Settings quant.Settings
	// Inputs and Outputs describe the graph's dynamic inputs and its outputs.
	Inputs  []*ops.Info
	Outputs []*ops.Info
	// Params are the weights compiled as secret inputs (see CompileSecret),
	// named by ParamNames; Run takes their values after the inputs.
	Params     []*ops.Info
	ParamNames []string
	ParamBits  int // signed bit width each secret weight is checked to
	steps      []step
	infos      map[string]*ops.Info
	// uses counts the readers of each tensor (graph outputs count);
	// producer is the step that computes it.
	uses     map[string]int
	producer map[string]int
	// fusedInto maps the step of a node fused into an earlier step (a
	// ReLU, compiled to Identity) to that step.
	fusedInto map[int]int
	// elements counts the elements of every tensor compile has described,
	// against graph.MaxTotalElements.
	elements int
	// joins are pairs of steps that must stay in one segment (segment.go).
	joins [][2]int
	// onStep, when set, is called after Run executes each step
	// (WithStepHook).
	onStep func(step int)
	// keep and drops: which steps' plans compile keeps (CompileWith).
	keep  *Plans
	drops *drops
}

type step struct {
	node *graph.Node
	op   *ops.Op
	plan any
	// dropped: compiled without its plan (CompileWith), the step cannot
	// run.
	dropped bool
}

// Compile infers every node of g under the settings s and folds what depends
// only on constants.
func Compile(g *graph.Graph, s quant.Settings) (*Model, error) {
	return compile(g, s, nil, nil)
}

// CompileWith is Compile keeping the plans of the steps keep covers only
// (nil: all); see Plans.
func CompileWith(g *graph.Graph, s quant.Settings, keep *Plans) (*Model, error) {
	return compile(g, s, nil, keep)
}

// compile is Compile with the constants named in params turned into
// dynamic inputs described by those infos, keeping the plans keep covers.
func compile(g *graph.Graph, s quant.Settings, params map[string]*ops.Info, keep *Plans) (*Model, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	ctx := &ops.Context{Settings: s}
	m := &Model{Graph: g, Settings: s, infos: map[string]*ops.Info{}, uses: map[string]int{}, producer: map[string]int{}, fusedInto: map[int]int{}}
	if keep != nil {
		m.keep, m.drops = keep, newDrops(g)
	}
	for _, n := range g.Nodes {
		for _, in := range n.Inputs {
			m.uses[in]++
		}
	}
	for _, out := range g.Outputs {
		m.uses[out.Name]++
	}
	for name, t := range g.Consts {
		if err := m.count(t.Shape); err != nil {
			return nil, fmt.Errorf("model: constant %q: %w", name, err)
		}
		if p, ok := params[name]; ok {
			m.infos[name] = p
			continue
		}
		m.infos[name] = ctx.ConstInfo(t)
	}
	for _, in := range g.Inputs {
		if err := m.count(in.Shape); err != nil {
			return nil, fmt.Errorf("model: input %q: %w", in.Name, err)
		}
		info := &ops.Info{DType: in.DType, Shape: in.Shape, Max: math.Ldexp(1, s.ActBits-1)}
		switch in.DType {
		case graph.Float:
			info.Scale = s.Scale
		case graph.Bool:
			info.Max = 1
		}
		m.infos[in.Name] = info
		m.Inputs = append(m.Inputs, info)
	}
	for _, n := range g.Nodes {
		if err := m.compileNode(ctx, n); err != nil {
			return nil, fmt.Errorf("model: %w", err)
		}
	}
	for _, out := range g.Outputs {
		m.Outputs = append(m.Outputs, m.infos[out.Name])
	}
	if keep != nil {
		// Compiling is over: nothing reads a plan now but Run.
		for i := range m.steps {
			m.drop(i)
		}
		m.drops = nil
	}
	return m, nil
}

func (m *Model) compileNode(ctx *ops.Context, n *graph.Node) error {
	op, ok, inDomain := ops.LookupDomain(n.Domain, n.Op)
	switch {
	case !inDomain:
		return n.Errorf("operator domain %q is not supported", n.Domain)
	case !ok:
		return n.Errorf("unsupported operator")
	}
	op, into := m.fuse(n, op)
	ins := make([]*ops.Info, len(n.Inputs))
	allConst := true
	for i, name := range n.Inputs {
		if name == "" {
			continue
		}
		ins[i] = m.infos[name]
		allConst = allConst && ins[i].Const != nil
	}
	ctx.Producer = m.soleProducer(n)
	took := m.watchProducer(n, ctx.Producer)
	outs, plan, err := op.Infer(ctx, n, ins)
	ctx.Producer = nil
	if err != nil {
		return n.Errorf("%v", err)
	}
	if o := ctx.TakeOverflow(); o > 0 && !allConst {
		return n.Errorf("an intermediate may reach 2^%.0f, beyond the 2^62 the evaluator holds: lower --scale, --param-scale or --act-bits", math.Log2(o))
	}
	if len(outs) < len(n.Outputs) {
		return n.Errorf("produces %d outputs, the model uses %d", len(outs), len(n.Outputs))
	}
	for i := range n.Outputs {
		if outs[i] == nil {
			return n.Errorf("output %d is not computed", i)
		}
		if err := m.count(outs[i].Shape); err != nil {
			return n.Errorf("output %d: %v", i, err)
		}
	}
	known := true
	for i := range n.Outputs {
		known = known && outs[i].Const != nil
	}
	switch {
	case known:
	case allConst:
		if err := fold(ctx, op, plan, n, ins, outs); err != nil {
			return err
		}
	default:
		for i, o := range outs[:len(n.Outputs)] {
			if o.Max > quant.MaxBound {
				return n.Errorf("output %d may reach 2^%.0f, beyond the 2^62 the evaluator holds: lower --scale, --param-scale or --act-bits", i, math.Log2(o.Max))
			}
		}
		for _, name := range n.Outputs {
			m.producer[name] = len(m.steps)
		}
		if into >= 0 {
			m.fusedInto[len(m.steps)] = into
			m.joins = append(m.joins, [2]int{into, len(m.steps)})
		}
		if j := took(); j >= 0 {
			m.joins = append(m.joins, [2]int{j, len(m.steps)})
		}
		m.steps = append(m.steps, step{node: n, op: op, plan: plan})
	}
	for i, name := range n.Outputs {
		if name != "" {
			m.infos[name] = outs[i]
		}
	}
	if m.drops != nil {
		m.dropRead(n, into, !known && !allConst)
	}
	return nil
}

// count adds a tensor of the given shape to the model's total, failing
// when the shape or the total exceeds the graph package's limits.
func (m *Model) count(shape []int) error {
	n, err := graph.CheckShape(shape)
	if err != nil {
		return err
	}
	if m.elements += n; m.elements > graph.MaxTotalElements {
		return fmt.Errorf("the model's tensors exceed %d elements in total", graph.MaxTotalElements)
	}
	return nil
}

// fuse offers an op that declares FuseInto (a ReLU) to the step that
// computes its input, when that step is the input's only reader, and
// returns the op the node compiles to: Identity when the step took it
// over, op itself otherwise, and the step that took it over (-1: none).
func (m *Model) fuse(n *graph.Node, op *ops.Op) (*ops.Op, int) {
	if op.FuseInto == nil {
		return op, -1
	}
	in := n.Input(0)
	i, ok := m.producer[in]
	if !ok || m.uses[in] != 1 {
		return op, -1
	}
	op, fused := op.Fuse(m.steps[i].plan)
	if !fused {
		return op, -1
	}
	return op, i
}

// soleProducer is the plan of the step that computes n's input 0 when n
// is that value's only reader, seen through a node fused into the step
// (whose own input had one reader too), else nil: ops.Context.Producer.
func (m *Model) soleProducer(n *graph.Node) any {
	if len(n.Inputs) == 0 {
		return nil
	}
	in := n.Input(0)
	i, ok := m.producer[in]
	if !ok || m.uses[in] != 1 {
		return nil
	}
	if j, ok := m.fusedInto[i]; ok {
		i = j
	}
	return m.steps[i].plan
}

// fold evaluates a node whose inputs are all constant with the float
// reference, and records its outputs as constants.
func fold(ctx *ops.Context, op *ops.Op, plan any, n *graph.Node, ins, outs []*ops.Info) error {
	var a ops.FloatArith
	vals := make([]ops.Tensor[float64], len(ins))
	for i, in := range ins {
		if in != nil {
			vals[i] = ops.Tensor[float64]{Shape: in.Const.Shape, Data: in.Const.Data}
		}
	}
	res := op.Float(a, plan, vals)
	for i := range n.Outputs {
		t := &graph.Tensor{DType: outs[i].DType, Shape: slices.Clone(res[i].Shape), Data: res[i].Data}
		for _, v := range t.Data {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return n.Errorf("folding constants gives %v", v)
			}
		}
		*outs[i] = *ctx.ConstInfo(t)
	}
	return nil
}

// Info returns what compile inferred for the named tensor.
func (m *Model) Info(name string) (*ops.Info, bool) {
	i, ok := m.infos[name]
	return i, ok
}

// NumSteps is the number of nodes left after folding.
func (m *Model) NumSteps() int { return len(m.steps) }

// Run executes the model on inputs (one tensor per graph input, at the
// inputs' scales, then one per secret parameter) with the Arith a, and
// returns one tensor per graph output.
func Run[T any](m *Model, a ops.Arith[T], inputs []ops.Tensor[T]) ([]ops.Tensor[T], error) {
	if len(inputs) != len(m.Inputs)+len(m.Params) {
		return nil, fmt.Errorf("model: got %d inputs, the model takes %d", len(inputs), len(m.Inputs)+len(m.Params))
	}
	vals := map[string]ops.Tensor[T]{}
	for i, in := range m.Graph.Inputs {
		if len(inputs[i].Data) != m.Inputs[i].Size() {
			return nil, fmt.Errorf("model: input %q has %d values, its shape %v needs %d", in.Name, len(inputs[i].Data), m.Inputs[i].Shape, m.Inputs[i].Size())
		}
		vals[in.Name] = inputs[i]
	}
	for i, name := range m.ParamNames {
		vals[name] = inputs[len(m.Inputs)+i]
	}
	get := func(name string) ops.Tensor[T] {
		if v, ok := vals[name]; ok {
			return v
		}
		v := ops.Materialize(a, m.infos[name])
		vals[name] = v
		return v
	}
	kernels := map[*ops.Op]ops.Kernel[T]{}
	for si, s := range m.steps {
		ins := make([]ops.Tensor[T], len(s.node.Inputs))
		for i, name := range s.node.Inputs {
			if name != "" {
				ins[i] = get(name)
			}
		}
		if s.dropped {
			return nil, fmt.Errorf("model: step %d (%s) was compiled without what running it needs (model.Plans): compile the steps to run with their plans", si, s.node.Describe())
		}
		k, ok := kernels[s.op]
		if !ok {
			k = ops.KernelFor[T](s.op)
			kernels[s.op] = k
		}
		outs := k(a, s.plan, ins)
		if err := a.Err(); err != nil {
			if be := (*ops.BudgetError)(nil); errors.As(err, &be) {
				be.Node = s.node.Describe()
				return nil, be
			}
			if re := (*ops.RangeError)(nil); !errors.As(err, &re) {
				// An Arith that says nothing of the fix: most range errors
				// are a value beyond --act-bits.
				err = fmt.Errorf("%v; raise --act-bits or lower --scale", err)
			}
			return nil, fmt.Errorf("model: %w", s.node.Errorf("%v", err))
		}
		for i, name := range s.node.Outputs {
			if name != "" {
				vals[name] = outs[i]
			}
		}
		if m.onStep != nil {
			m.onStep(si)
		}
	}
	res := make([]ops.Tensor[T], len(m.Graph.Outputs))
	for i, out := range m.Graph.Outputs {
		res[i] = get(out.Name)
	}
	return res, nil
}
