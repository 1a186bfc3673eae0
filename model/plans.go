package model

import "github.com/zkinfer/zkinfer/graph"

// Plans limits which steps' plans a compile keeps (CompileWith,
// CompileSecretWith). A step's plan is what running it needs beyond its
// node: its weights at their scale, index maps (a max pool's windows, a
// convolution's tap table), its rescale. Convolutions once held their
// weights expanded per output tap (cnn_c32: about 150 MB for the whole
// model, against 1.5 MB of weights); they now keep the weights and gather
// the taps when they run (ops' convConstPlan), so the plans a compile
// builds and drops are small. A model compiled without a step's
// plan describes every tensor as Compile does (infos, cuts, Sub) but
// cannot Run that step: a segmented prover (package proof/segment)
// compiles the model once without plans to describe it and once per
// segment with that segment's plans to run it, so that it never holds
// the whole model's expanded form.
//
// A plan is read during compile by the nodes that read its step's outputs
// (a ReLU fusing into a rescale, a max pool taking the rescale over:
// ops.Context.Producer), so a plan outside [From, To) is dropped when the
// last node that reads its step's outputs, or those of a step fused into
// it, has been compiled: compile holds the plans of the steps whose
// outputs are still to be read, a few at a time in a feed-forward model.
// The plans, and so the steps' outputs, are the same as Compile's.
type Plans struct{ From, To int }

// None keeps no plan: a model to describe, not to run.
var None = &Plans{}

func (p *Plans) keeps(step int) bool { return p.From <= step && step < p.To }

// drops tracks, during compile, which plans may still be read.
type drops struct {
	// readers counts the nodes not yet compiled that read each tensor.
	readers map[string]int
	// outs are the tensors whose readers may read step i's plan: its own
	// outputs and those of the steps fused into it.
	outs map[int][]string
}

func newDrops(g *graph.Graph) *drops {
	d := &drops{readers: map[string]int{}, outs: map[int][]string{}}
	for _, n := range g.Nodes {
		for _, in := range n.Inputs {
			if in != "" {
				d.readers[in]++
			}
		}
	}
	return d
}

// dropRead updates the readers after node n was compiled (step: it became
// a step, fused into the step into when into ≥ 0) and drops the plans no
// node left can read.
func (m *Model) dropRead(n *graph.Node, into int, step bool) {
	d := m.drops
	if step {
		i := len(m.steps) - 1
		d.outs[i] = append(d.outs[i], n.Outputs...)
		if into >= 0 {
			d.outs[into] = append(d.outs[into], n.Outputs...)
		}
		m.dropIfRead(i)
	}
	for _, in := range n.Inputs {
		if in == "" {
			continue
		}
		d.readers[in]--
		if i, ok := m.producer[in]; ok {
			m.dropIfRead(i)
			if j, ok := m.fusedInto[i]; ok {
				m.dropIfRead(j)
			}
		}
	}
}

// dropIfRead drops step i's plan when every node that may read it has
// been compiled.
func (m *Model) dropIfRead(i int) {
	for _, name := range m.drops.outs[i] {
		if name != "" && m.drops.readers[name] > 0 {
			return
		}
	}
	m.drop(i)
}

// drop drops step i's plan unless the model keeps it.
func (m *Model) drop(i int) {
	if m.keep.keeps(i) || m.steps[i].dropped {
		return
	}
	m.steps[i].plan, m.steps[i].dropped = nil, true
}
