package model

import (
	"fmt"
	"reflect"
	"slices"

	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/ops"
)

// Segments: a compiled model cut between steps into sub-models that run
// one after the other (package proof/segment proves each on its own).
//
// A cut c lies before step c. The tensors live across it are those a step
// before c computes (or a graph input) that a step from c on reads (or a
// graph output): the boundary one segment hands the next. A cut is not
// allowed where a step took part of its producer's work over at compile
// time (a ReLU fused into a rescale, a max pool that took the rescale
// before it): the producer's outputs there are not what its Info
// describes.

// WithStepHook returns a copy of m whose Run calls f after each step, with
// the step's index (planning segments by the constraints each step adds).
func (m *Model) WithStepHook(f func(step int)) *Model {
	c := *m
	c.onStep = f
	return &c
}

// watchProducer snapshots the plan of the step that ctx.Producer hands to
// n (a pointer to a struct, compared by value afterwards) and returns a
// function that reports that step's index if n's inference changed the
// plan (it took work over), and -1 otherwise.
func (m *Model) watchProducer(n *graph.Node, plan any) func() int {
	none := func() int { return -1 }
	v := reflect.ValueOf(plan)
	if plan == nil || v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return none
	}
	j, ok := m.producer[n.Input(0)]
	if !ok {
		return none
	}
	if k, ok := m.fusedInto[j]; ok {
		j = k
	}
	snap := reflect.New(v.Elem().Type()).Elem()
	snap.Set(v.Elem())
	return func() int {
		if reflect.DeepEqual(snap.Interface(), v.Elem().Interface()) {
			return -1
		}
		return j
	}
}

// StepName describes step i (its node) for messages.
func (m *Model) StepName(i int) string { return m.steps[i].node.Describe() }

// CutAllowed reports whether the model may be cut before step c
// (0 < c < NumSteps).
func (m *Model) CutAllowed(c int) bool {
	if c <= 0 || c >= len(m.steps) {
		return false
	}
	for _, j := range m.joins {
		if j[0] < c && c <= j[1] {
			return false
		}
	}
	return true
}

// Live returns the names of the tensors live across cut c, in a fixed
// order: graph inputs first, then step outputs in the order computed.
// Live(0) is the graph inputs; Live(NumSteps()) the graph outputs (each
// once).
func (m *Model) Live(c int) []string {
	if c <= 0 {
		out := make([]string, len(m.Graph.Inputs))
		for i, in := range m.Graph.Inputs {
			out[i] = in.Name
		}
		return out
	}
	read := map[string]bool{}
	for _, s := range m.steps[min(c, len(m.steps)):] {
		for _, in := range s.node.Inputs {
			read[in] = true
		}
	}
	for _, out := range m.Graph.Outputs {
		read[out.Name] = true
	}
	var live []string
	seen := map[string]bool{}
	add := func(name string) {
		if name != "" && read[name] && !seen[name] && m.infos[name] != nil && m.infos[name].Const == nil {
			seen[name] = true
			live = append(live, name)
		}
	}
	for _, in := range m.Graph.Inputs {
		add(in.Name)
	}
	for _, s := range m.steps[:min(c, len(m.steps))] {
		for _, out := range s.node.Outputs {
			add(out)
		}
	}
	return live
}

// Sub returns the segment of m that runs steps [from, to): a model whose
// inputs are the tensors live across cut from (the graph's inputs when
// from is 0), whose outputs are those live across cut to (the graph's
// outputs when to is NumSteps), and whose secret weights are those its
// steps read, in m's order. ParamIndex maps them to m's Params.
func (m *Model) Sub(from, to int) (*Model, []int, error) {
	if from < 0 || to > len(m.steps) || from >= to {
		return nil, nil, fmt.Errorf("model: segment [%d, %d) is not within the %d steps", from, to, len(m.steps))
	}
	for _, c := range []int{from, to} {
		if c != 0 && c != len(m.steps) && !m.CutAllowed(c) {
			return nil, nil, fmt.Errorf("model: the model cannot be cut before step %d (%s): it is fused with the step before", c, m.StepName(c))
		}
	}
	value := func(name string) graph.Value {
		i := m.infos[name]
		return graph.Value{Name: name, DType: i.DType, Shape: i.Shape}
	}
	g := &graph.Graph{Name: m.Graph.Name, Opset: m.Graph.Opset, Consts: m.Graph.Consts}
	s := *m
	s.Graph, s.steps, s.onStep = g, m.steps[from:to], nil
	s.Inputs, s.Outputs, s.Params, s.ParamNames = nil, nil, nil, nil
	if from == 0 {
		g.Inputs, s.Inputs = m.Graph.Inputs, m.Inputs
	} else {
		for _, name := range m.Live(from) {
			g.Inputs = append(g.Inputs, value(name))
			s.Inputs = append(s.Inputs, m.infos[name])
		}
	}
	if to == len(m.steps) {
		g.Outputs, s.Outputs = m.Graph.Outputs, m.Outputs
	} else {
		for _, name := range m.Live(to) {
			g.Outputs = append(g.Outputs, value(name))
			s.Outputs = append(s.Outputs, m.infos[name])
		}
	}
	read := map[string]bool{}
	for _, st := range s.steps {
		for _, in := range st.node.Inputs {
			read[in] = true
		}
		g.Nodes = append(g.Nodes, st.node)
	}
	var idx []int
	for i, name := range m.ParamNames {
		if read[name] {
			idx = append(idx, i)
			s.ParamNames = append(s.ParamNames, name)
			s.Params = append(s.Params, m.Params[i])
		}
	}
	// Steps are indexed within the segment from here on: producer and
	// fusion records are the whole model's and are not needed to run.
	s.producer, s.fusedInto, s.joins = nil, nil, nil
	return &s, idx, nil
}

// LiveValues picks the tensors live across cut c out of vals (by name) in
// Live's order.
func LiveValues[T any](m *Model, c int, vals map[string]ops.Tensor[T]) ([]ops.Tensor[T], error) {
	names := m.Live(c)
	out := make([]ops.Tensor[T], len(names))
	for i, n := range names {
		v, ok := vals[n]
		if !ok {
			return nil, fmt.Errorf("model: tensor %q live across cut %d was not computed", n, c)
		}
		out[i] = v
	}
	return out, nil
}

// Boundaries returns the sizes (values) of the tensors live across each
// cut 0..NumSteps, for planning.
func (m *Model) Boundaries() []int {
	out := make([]int, len(m.steps)+1)
	for c := range out {
		for _, name := range m.Live(c) {
			out[c] += m.infos[name].Size()
		}
	}
	return slices.Clip(out)
}
