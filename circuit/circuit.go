package circuit

import (
	"fmt"
	"maps"
	"math/big"

	"github.com/consensys/gnark/frontend"

	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/ops"
)

// Circuit is a model's inference as a gnark circuit. Public holds, in order
// (see Layout): the inputs (public) or their commitment (hashed), the
// weights' commitment (hashed), the outputs (public) or their commitment
// (hashed), the claim's tag and bounds, and the context (context.go). Private holds the inputs, weights
// and outputs that are not public, then the data salt (when inputs or
// outputs are hashed) and the weights' salt (when they are hashed).
type Circuit struct {
	Public  []frontend.Variable `gnark:",public"`
	Private []frontend.Variable

	// gnark's schema walk (frontend.Compile, frontend.NewWitness) visits
	// unexported fields too: without the tag it walked the whole model,
	// 5 s of cnn_c32's 13 s compile.
	model *model.Model `gnark:"-"`
	vis   Visibility
	claim *Claim
	wires Wires
	dp    *DPResolved // a DP release (dp.go), or nil

	// RangeCheck is the range-check gadget (zero: ops.RangeLookup);
	// ops.RangeBits has no commitment: cheaper on-chain verification.
	RangeCheck ops.RangeCheck `gnark:"-"`
	// DirectProducts computes every product of two secret operands term by
	// term, never with Freivalds' check (ops.CircuitArith.DirectProducts;
	// for measurements and equivalence tests).
	DirectProducts bool `gnark:"-"`
	// HideOthers adds a random wire to the std/multicommit commitment of a
	// circuit whose weights have a Pedersen commitment (see definePedersen).
	HideOthers bool `gnark:"-"`
	// MaxConstraints, when positive, stops the assembly with an
	// ops.BudgetError once the circuit certainly exceeds it
	// (ops.ConstraintBudget).
	MaxConstraints int `gnark:"-"`
	// Cost is the last assembly's count of constraints (set by Define).
	Cost *ops.ConstraintBudget `gnark:"-"`

	// looseOutputs (tests only, export_test.go) leaves the computed outputs
	// unbound to their witness values and to a hashed output's public
	// commitment, so that a soundness sweep that moves a hint sees the
	// outputs re-solved downstream instead of caught by those equalities.
	looseOutputs bool
	// onStep, when set, is called after each step of the model is built
	// (StepCosts).
	onStep func(api frontend.API, step int)
	// dpNoNoise and dpUnlinked (tests only): the released values without
	// the sampled noise, or not tied to the outputs at all.
	dpNoNoise, dpUnlinked bool
}

// New returns the circuit of m, with placeholder variables, ready for
// frontend.Compile. A model with secret weights must come from
// model.CompileSecret, a model with fixed weights from model.Compile.
func New(m *model.Model, vis Visibility) (*Circuit, error) {
	if err := vis.Validate(); err != nil {
		return nil, err
	}
	if vis.SecretParams() != (len(m.Params) > 0) {
		return nil, fmt.Errorf("circuit: parameter visibility %s does not match the model's %d secret weight tensors", vis.Params, len(m.Params))
	}
	c := &Circuit{model: m, vis: vis}
	var err error
	if c.claim, err = ParseClaim(vis.Claim); err != nil {
		return nil, err
	}
	if c.claim != nil {
		if err := c.claim.Check(m.Outputs); err != nil {
			return nil, fmt.Errorf("circuit: %w", err)
		}
	}
	if vis.InputSignedBy != "" {
		if _, err := signedScale(m.Inputs); err != nil {
			return nil, err
		}
	}
	if vis.DP != nil {
		if c.dp, err = vis.DP.Resolve(m.Outputs); err != nil {
			return nil, err
		}
	}
	c.wires = Layout(m, vis)
	c.Public, c.Private = make([]frontend.Variable, c.wires.NumPublic()), make([]frontend.Variable, c.wires.NumPrivate())
	return c, nil
}

// Witness is what a proof is made from: the integer evaluator's inputs,
// weights (for secret weights) and outputs, the salts of hashed tensors
// (nil: 0) and the context the proof is bound to (nil: none).
type Witness struct {
	Inputs, Params, Outputs []ops.Tensor[int64]
	Salt, ParamSalt         *big.Int
	Context                 []byte
	// A segment's boundary (boundary.go): the salts of its input's and its
	// output's fingerprints (each shared with the neighbour across that
	// boundary), the blind of its boundary commitment, and the challenge
	// r, derived from every segment's boundary commitment (nil: 0).
	BoundarySaltIn, BoundarySaltOut, BoundaryBlind, BoundaryChallenge *big.Int
	// Signature is the device's signature over the inputs, for a circuit
	// that checks one (signed.go).
	Signature *InputSignature
	// DP is the seed and coins of a DP release (dp.go).
	DP *DPWitness
}

// Commitments are the commitments a witness gives, as field elements
// (nil when that tensor is not hashed).
type Commitments struct {
	Input, Params, Output *big.Int
	// BoundaryIn, BoundaryOut: a segment's boundary fingerprints.
	BoundaryIn, BoundaryOut *big.Int
}

// Commitments computes the witness's commitments under vis.
func (w *Witness) Commitments(m *model.Model, vis Visibility) (Commitments, error) {
	var cm Commitments
	one := func(tag int, infos []*ops.Info, ts []ops.Tensor[int64], salt *big.Int) (*big.Int, error) {
		e, err := Commit(tag, infos, ts, salt)
		if err != nil {
			return nil, err
		}
		return e.BigInt(new(big.Int)), nil
	}
	var err error
	if vis.Input == Hashed {
		if cm.Input, err = one(TagInput, m.Inputs, w.Inputs, w.Salt); err != nil {
			return cm, err
		}
	}
	if vis.Params == Hashed && !vis.PedersenParams() {
		if cm.Params, err = one(TagParams, m.Params, w.Params, w.ParamSalt); err != nil {
			return cm, err
		}
	}
	if vis.Output == Hashed {
		if cm.Output, err = one(TagOutput, m.Outputs, w.Outputs, w.Salt); err != nil {
			return cm, err
		}
	}
	if vis.Input == Boundary {
		if cm.BoundaryIn, err = Fingerprint(m.Inputs, w.Inputs, w.BoundarySaltIn, w.BoundaryChallenge); err != nil {
			return cm, err
		}
	}
	if vis.Output == Boundary {
		if cm.BoundaryOut, err = Fingerprint(m.Outputs, w.Outputs, w.BoundarySaltOut, w.BoundaryChallenge); err != nil {
			return cm, err
		}
	}
	return cm, nil
}

// Assign returns a full assignment for a model with fixed weights and no
// hashed tensors.
func Assign(m *model.Model, vis Visibility, inputs, outputs []ops.Tensor[int64]) (*Circuit, error) {
	return AssignWitness(m, vis, &Witness{Inputs: inputs, Outputs: outputs})
}

// AssignWitness returns a full assignment: the circuit for m with every
// public and private value set from w.
func AssignWitness(m *model.Model, vis Visibility, w *Witness) (*Circuit, error) {
	c, err := New(m, vis)
	if err != nil {
		return nil, err
	}
	if len(w.Params) != len(m.Params) {
		return nil, fmt.Errorf("circuit: got %d weight tensors, the model has %d", len(w.Params), len(m.Params))
	}
	if c.claim != nil && !c.claim.Holds(m.Outputs, w.Outputs) {
		return nil, fmt.Errorf("the claim %q does not hold for this input", c.claim)
	}
	cm, err := w.Commitments(m, vis)
	if err != nil {
		return nil, err
	}
	flat := func(ts []ops.Tensor[int64]) []frontend.Variable {
		var out []frontend.Variable
		for _, t := range ts {
			for _, v := range t.Data {
				out = append(out, v)
			}
		}
		return out
	}
	vals := map[string][]frontend.Variable{
		SegInput:           flat(w.Inputs),
		SegParams:          flat(w.Params),
		SegOutput:          flat(w.Outputs),
		SegContext:         {ContextValue(w.Context)},
		SegSalt:            {saltOrZero(w.Salt)},
		SegParamSalt:       {saltOrZero(w.ParamSalt)},
		SegBoundarySaltIn:  {saltOrZero(w.BoundarySaltIn)},
		SegBoundarySaltOut: {saltOrZero(w.BoundarySaltOut)},
		SegBoundaryBlind:   {saltOrZero(w.BoundaryBlind)},
		SegBoundaryR:       {saltOrZero(w.BoundaryChallenge)},
	}
	for name, v := range map[string]*big.Int{SegInputCommitment: cm.Input, SegParamCommitment: cm.Params, SegOutputCommitment: cm.Output,
		SegBoundaryIn: cm.BoundaryIn, SegBoundaryOut: cm.BoundaryOut} {
		if v != nil {
			vals[name] = []frontend.Variable{v}
		}
	}
	if vis.InputSignedBy != "" {
		if w.Signature == nil {
			return nil, fmt.Errorf("this circuit checks a device's signature over its input: prove a signed input (zkinfer sign)")
		}
		maps.Copy(vals, w.Signature.values())
	}
	if c.dp != nil {
		dv, err := dpValues(c.dp, w.Outputs, w)
		if err != nil {
			return nil, err
		}
		maps.Copy(vals, dv)
	} else if w.DP != nil {
		return nil, fmt.Errorf("this circuit adds no DP noise: --dp-seed and --dp-coins are for a circuit compiled with --dp")
	}
	if c.claim != nil {
		for _, v := range c.claim.PublicValues(m.Outputs) {
			vals[SegClaim] = append(vals[SegClaim], v)
		}
	}
	pub, priv, err := c.wires.join(vals)
	if err != nil {
		return nil, err
	}
	c.Public, c.Private = pub, priv
	return c, nil
}

// Define builds the constraints: inputs and weights range-checked, the model
// run with CircuitArith, outputs bound to their variables, commitments and
// the claim checked.
func (c *Circuit) Define(api frontend.API) error {
	c.Cost = ops.NewConstraintBudget(c.MaxConstraints, c.RangeCheck)
	a := &ops.CircuitArith{API: api, Budget: c.Cost, DirectProducts: c.DirectProducts}
	a.Range = c.Cost.Range(ops.NewRangeChecker(api, c.RangeCheck))
	m, seg := c.model, c.wires.split(c.Public, c.Private)
	one := func(name string) frontend.Variable { return seg[name][0] }
	// tensors cuts a flat segment into the model's tensors.
	tensors := func(infos []*ops.Info, flat []frontend.Variable) ([]ops.Tensor[ops.Variable], [][]frontend.Variable) {
		ts := make([]ops.Tensor[ops.Variable], len(infos))
		raw := make([][]frontend.Variable, len(infos))
		for i, info := range infos {
			raw[i], flat = flat[:info.Size()], flat[info.Size():]
			ts[i] = ops.Tensor[ops.Variable]{Shape: info.Shape, Data: raw[i]}
		}
		return ts, raw
	}
	// commit asserts that the public commitment segment holds the
	// Poseidon2 commitment of raw.
	commit := func(name string, tag int, infos []*ops.Info, raw [][]frontend.Variable, salt frontend.Variable) error {
		h, err := commitCircuit(api, tag, infos, raw, salt)
		if err != nil {
			return err
		}
		api.AssertIsEqual(h, one(name))
		return nil
	}

	ins, raw := tensors(m.Inputs, seg[SegInput])
	// A segment's boundary inputs are not checked here: the boundary's
	// fingerprint makes them the producing segment's values (defineBoundary),
	// which that segment's gadgets bound as the unsegmented circuit's do.
	for i, info := range m.Inputs {
		for _, v := range raw[i] {
			switch {
			case c.vis.Input == Boundary:
			case info.DType == graph.Bool:
				api.AssertIsBoolean(v)
			default:
				a.CheckSigned(v, m.Settings.ActBits)
			}
		}
	}
	if c.vis.InputSignedBy == EdDSA {
		scale, _ := signedScale(m.Inputs)
		if err := defineSignature(api, scale, seg[SegInput], one(SegSignerX), one(SegSignerY), one(SegSignerNonce), seg[SegSignature]); err != nil {
			return err
		}
	}
	if c.vis.Input == Hashed {
		if err := commit(SegInputCommitment, TagInput, m.Inputs, raw, one(SegSalt)); err != nil {
			return err
		}
	}
	params, rawParams := tensors(m.Params, seg[SegParams])
	for _, p := range rawParams {
		for _, v := range p {
			a.CheckSigned(v, m.ParamBits)
		}
	}
	if c.vis.PedersenParams() {
		if err := definePedersen(api, rawParams, one(SegParamSalt)); err != nil {
			return err
		}
	} else if c.vis.Params == Hashed {
		if err := commit(SegParamCommitment, TagParams, m.Params, rawParams, one(SegParamSalt)); err != nil {
			return err
		}
	}
	if c.HideOthers {
		if err := defineHiding(api); err != nil {
			return err
		}
	}
	run := m
	if c.onStep != nil {
		c.onStep(api, -1)
		run = m.WithStepHook(func(i int) { c.onStep(api, i) })
	}
	outs, err := model.Run(run, a, append(ins, params...))
	if err != nil {
		return err
	}
	want := seg[SegOutput]
	rawOuts := make([][]frontend.Variable, len(m.Outputs))
	for i, info := range m.Outputs {
		for j, v := range outs[i].Data {
			if !c.looseOutputs && c.vis.Output != Boundary {
				api.AssertIsEqual(v, want[j])
			}
		}
		if c.vis.Output != Boundary {
			want = want[info.Size():]
		}
		rawOuts[i] = outs[i].Data
	}
	if c.vis.Output == Hashed {
		if c.looseOutputs {
			if _, err := commitCircuit(api, TagOutput, m.Outputs, rawOuts, one(SegSalt)); err != nil {
				return err
			}
		} else if err := commit(SegOutputCommitment, TagOutput, m.Outputs, rawOuts, one(SegSalt)); err != nil {
			return err
		}
	}
	if c.vis.Segmented() {
		if err := defineBoundary(api, m, c.vis, seg, raw, rawOuts); err != nil {
			return err
		}
	}
	if c.claim != nil {
		c.claim.define(api, a, m.Outputs[c.claim.Output], rawOuts[c.claim.Output], seg[SegClaim])
	}
	if c.dp != nil {
		if err := c.defineDP(api, a, m.Outputs, rawOuts, seg); err != nil {
			return err
		}
	}
	defineContext(api, one(SegContext))
	return nil
}
