// Package circuit assembles the gnark circuit of a compiled model under a
// visibility setting: which tensors are public inputs of the proof, which
// stay in the private witness, and which are fixed into the circuit.
package circuit

import (
	"fmt"

	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/std/rangecheck"

	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/ops"
)

// Visibility values.
const (
	Private = "private"
	Public  = "public"
	Fixed   = "fixed"
)

// Visibility says who sees each kind of tensor.
type Visibility struct {
	Input  string `json:"input"`  // private | public
	Params string `json:"params"` // fixed: weights are constants of the circuit
	Output string `json:"output"` // public | private
}

// DefaultVisibility proves a public output from a private input under
// weights fixed into the circuit.
var DefaultVisibility = Visibility{Input: Private, Params: Fixed, Output: Public}

// Validate rejects combinations this version cannot build.
func (v Visibility) Validate() error {
	if v.Input != Private && v.Input != Public {
		return fmt.Errorf("circuit: input visibility %q is not supported (private, public)", v.Input)
	}
	if v.Params != Fixed {
		return fmt.Errorf("circuit: parameter visibility %q is not supported (fixed)", v.Params)
	}
	if v.Output != Public && v.Output != Private {
		return fmt.Errorf("circuit: output visibility %q is not supported (public, private)", v.Output)
	}
	return nil
}

// Circuit is a model's inference as a gnark circuit. Public holds, in order,
// the inputs (when public) and the outputs (when public), each flattened
// row-major; Private holds the rest.
type Circuit struct {
	Public  []frontend.Variable `gnark:",public"`
	Private []frontend.Variable

	model *model.Model
	vis   Visibility
}

// New returns the circuit of m, with placeholder variables, ready for
// frontend.Compile.
func New(m *model.Model, vis Visibility) (*Circuit, error) {
	if err := vis.Validate(); err != nil {
		return nil, err
	}
	c := &Circuit{model: m, vis: vis}
	nIn, nOut := 0, 0
	for _, in := range m.Inputs {
		nIn += in.Size()
	}
	for _, out := range m.Outputs {
		nOut += out.Size()
	}
	nPub, nPriv := 0, 0
	if vis.Input == Public {
		nPub += nIn
	} else {
		nPriv += nIn
	}
	if vis.Output == Public {
		nPub += nOut
	} else {
		nPriv += nOut
	}
	c.Public, c.Private = make([]frontend.Variable, nPub), make([]frontend.Variable, nPriv)
	return c, nil
}

// Assign returns a full assignment: the circuit for m with its inputs and
// outputs set from the integer evaluator's values.
func Assign(m *model.Model, vis Visibility, inputs, outputs []ops.Tensor[int64]) (*Circuit, error) {
	c, err := New(m, vis)
	if err != nil {
		return nil, err
	}
	var pub, priv []frontend.Variable
	put := func(vis string, ts []ops.Tensor[int64]) {
		for _, t := range ts {
			for _, v := range t.Data {
				if vis == Public {
					pub = append(pub, v)
				} else {
					priv = append(priv, v)
				}
			}
		}
	}
	put(vis.Input, inputs)
	put(vis.Output, outputs)
	if len(pub) != len(c.Public) || len(priv) != len(c.Private) {
		return nil, fmt.Errorf("circuit: assignment has %d public and %d private values, the circuit %d and %d", len(pub), len(priv), len(c.Public), len(c.Private))
	}
	c.Public, c.Private = pub, priv
	return c, nil
}

// Define builds the constraints: inputs range-checked, the model run with
// CircuitArith, outputs bound to their variables.
func (c *Circuit) Define(api frontend.API) error {
	a := &ops.CircuitArith{API: api, Range: rangecheck.New(api)}
	pub, priv := c.Public, c.Private
	take := func(vis string, n int) []frontend.Variable {
		var v []frontend.Variable
		if vis == Public {
			v, pub = pub[:n], pub[n:]
		} else {
			v, priv = priv[:n], priv[n:]
		}
		return v
	}
	ins := make([]ops.Tensor[ops.Variable], len(c.model.Inputs))
	for i, info := range c.model.Inputs {
		data := take(c.vis.Input, info.Size())
		for _, v := range data {
			if info.DType == graph.Bool {
				api.AssertIsBoolean(v)
			} else {
				a.CheckSigned(v, c.model.Settings.ActBits)
			}
		}
		ins[i] = ops.Tensor[ops.Variable]{Shape: info.Shape, Data: data}
	}
	outs, err := model.Run(c.model, a, ins)
	if err != nil {
		return err
	}
	for i, info := range c.model.Outputs {
		want := take(c.vis.Output, info.Size())
		for j, v := range outs[i].Data {
			api.AssertIsEqual(v, want[j])
		}
	}
	return nil
}
