package model

import (
	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/ops"
)

// Step describes compiled step i for a backend that proves steps by its own
// protocols (transparent/cnn): the node, its operator type, the plan (read
// through the ops.View* functions) and the infos of its inputs and outputs.
// The plan is shared with the model: callers must not change it.
type Step struct {
	Node    *graph.Node
	Op      string
	Plan    any
	Inputs  []*ops.Info
	Outputs []*ops.Info
	// Fused: the node was absorbed by an earlier step (a ReLU compiled to
	// Identity) and computes nothing.
	Fused bool
}

// Step returns step i (0 ≤ i < NumSteps).
func (m *Model) Step(i int) Step {
	s := m.steps[i]
	st := Step{Node: s.node, Op: s.node.Op, Plan: s.plan}
	_, st.Fused = m.fusedInto[i]
	for _, name := range s.node.Inputs {
		st.Inputs = append(st.Inputs, m.infos[name])
	}
	for _, name := range s.node.Outputs {
		st.Outputs = append(st.Outputs, m.infos[name])
	}
	return st
}
