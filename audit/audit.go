package audit

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"

	"github.com/consensys/gnark/backend/groth16"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
	"github.com/consensys/gnark/constraint"
	cs_bn254 "github.com/consensys/gnark/constraint/bn254"
	"github.com/consensys/gnark/frontend"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/ops"
	"github.com/zkinfer/zkinfer/proof/groth16setup"
)

// Compile builds the audit circuit of spec (R1CS, for Groth16).
func Compile(spec *Spec, rangeCheck ops.RangeCheck) (constraint.ConstraintSystem, error) {
	c, err := NewCircuit(spec)
	if err != nil {
		return nil, err
	}
	c.RangeCheck = rangeCheck
	return circuit.CompileR1CS("audit", c)
}

// Setup makes development Groth16 keys for cs on this machine: whoever
// runs it could forge proofs (see docs/SETUP.md).
func Setup(cs constraint.ConstraintSystem) (groth16.ProvingKey, groth16.VerifyingKey, error) {
	r, ok := cs.(*cs_bn254.R1CS)
	if !ok {
		return nil, nil, fmt.Errorf("audit: setup: not a BN254 R1CS")
	}
	return groth16setup.Setup(r)
}

// Witness is what an audit proof is made from: the quantized records and
// their salt, the weights and their salt (hashed weights), and the context.
type Witness struct {
	Records   *Records
	Params    []ops.Tensor[int64]
	ParamSalt *big.Int
	Context   []byte
}

// Public is what an audit proof reveals, in the order of its public
// inputs: the dataset commitment, the model commitment (hashed weights),
// the metric's public values and the context.
type Public struct {
	Dataset *big.Int
	Model   *big.Int // nil with fixed weights
	Metric  []int64
	Context *big.Int
}

// Values lists the public inputs.
func (p *Public) Values() []*big.Int {
	out := []*big.Int{p.Dataset}
	if p.Model != nil {
		out = append(out, p.Model)
	}
	for _, v := range p.Metric {
		out = append(out, big.NewInt(v))
	}
	return append(out, p.Context)
}

// Evaluate runs the model on every record with the integer evaluator (the
// values the circuit proves), computes the metric and checks that its
// statement holds.
func Evaluate(spec *Spec, w *Witness) (Outcome, error) {
	if err := spec.Check(); err != nil {
		return Outcome{}, err
	}
	rs := w.Records
	if fmt.Sprint(rs.Schema) != fmt.Sprint(spec.Schema) {
		return Outcome{}, fmt.Errorf("audit: the records' schema %+v is not the circuit's %+v", rs.Schema, spec.Schema)
	}
	m := spec.Model
	pred := make([]int64, len(rs.Features))
	for r, f := range rs.Features {
		in := ops.Tensor[int64]{Shape: m.Inputs[0].Shape, Data: f}
		outs, err := model.Run(m, &ops.IntArith{}, append([]ops.Tensor[int64]{in}, w.Params...))
		if err != nil {
			return Outcome{}, fmt.Errorf("audit: record %d: %w", r, err)
		}
		pred[r] = spec.predictInt(outs[0].Data)
	}
	o := spec.Metric.outcome(&spec.Schema, pred, rs.Labels, rs.Groups)
	return o, spec.Metric.Holds(o, spec.Schema.Records)
}

// predictInt is the circuit's predict on integers.
func (s *Spec) predictInt(out []int64) int64 {
	if len(out) == 1 {
		if out[0] >= s.Metric.Cut {
			return 1
		}
		return 0
	}
	best := 0
	for j := 1; j < len(out); j++ {
		if out[j] > out[best] {
			best = j
		}
	}
	return int64(best)
}

// Assign evaluates the witness and returns the full assignment and what
// the proof reveals.
func Assign(spec *Spec, w *Witness) (*Circuit, *Public, error) {
	o, err := Evaluate(spec, w)
	if err != nil {
		return nil, nil, err
	}
	rs := w.Records
	h, err := rs.Commitment()
	if err != nil {
		return nil, nil, err
	}
	pub := &Public{Dataset: h.BigInt(new(big.Int)), Metric: spec.Metric.public(o), Context: circuit.ContextValue(w.Context)}
	c, err := NewCircuit(spec)
	if err != nil {
		return nil, nil, err
	}
	var priv []frontend.Variable
	for _, f := range rs.Features {
		for _, v := range f {
			priv = append(priv, v)
		}
	}
	for _, l := range rs.Labels {
		priv = append(priv, l)
	}
	for _, g := range rs.Groups {
		for _, v := range g {
			priv = append(priv, v)
		}
	}
	priv = append(priv, saltOrZero(rs.Salt))
	if spec.HashedParams {
		e, err := circuit.Commit(circuit.TagParams, spec.Model.Params, w.Params, w.ParamSalt)
		if err != nil {
			return nil, nil, err
		}
		pub.Model = e.BigInt(new(big.Int))
		for _, p := range w.Params {
			for _, v := range p.Data {
				priv = append(priv, v)
			}
		}
		priv = append(priv, saltOrZero(w.ParamSalt))
	}
	if len(priv) != len(c.Private) {
		return nil, nil, fmt.Errorf("audit: %d secret values, the circuit takes %d", len(priv), len(c.Private))
	}
	c.Private = priv
	c.Public = nil
	for _, v := range pub.Values() {
		c.Public = append(c.Public, v)
	}
	return c, pub, nil
}

func saltOrZero(s *big.Int) *big.Int {
	if s == nil {
		return new(big.Int)
	}
	return s
}

// Prove proves the witness with pk and returns the proof's bytes (the
// proof-file encoding of proof/verifier) and the public values.
func Prove(spec *Spec, cs constraint.ConstraintSystem, pk groth16.ProvingKey, w *Witness) ([]byte, *Public, error) {
	assign, pub, err := Assign(spec, w)
	if err != nil {
		return nil, nil, err
	}
	raw, err := ProveGroth16("audit", cs, pk, assign)
	if err != nil {
		return nil, nil, err
	}
	return raw, pub, nil
}

// ErrInvalid is verification's verdict on a proof that does not hold.
var ErrInvalid = errors.New("the audit proof is not valid for this statement")

// Verify checks a proof's bytes against the verifying key and the public
// values.
func Verify(vk *groth16bn254.VerifyingKey, commitments int, raw []byte, pub *Public) error {
	return VerifyGroth16("audit", vk, commitments, raw, pub.Values(), ErrInvalid)
}

// CircuitSHA256 is the SHA-256 of the constraint system's encoding.
func CircuitSHA256(cs constraint.ConstraintSystem) (string, error) {
	var b bytes.Buffer
	if _, err := cs.WriteTo(&b); err != nil {
		return "", err
	}
	h := sha256.Sum256(b.Bytes())
	return hex.EncodeToString(h[:]), nil
}
