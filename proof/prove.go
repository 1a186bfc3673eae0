package proof

import (
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"time"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/backend/witness"
	"github.com/consensys/gnark/frontend"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/ops"
)

// Prove runs the model on real inputs and proves the result.
func (c *Compiled) Prove(inputs [][]float64, progress Progress) (*Proof, error) {
	return c.ProveWith(inputs, ProveOptions{Progress: progress})
}

// ProveWith proves an inference with the weights and salts of opt.
func (c *Compiled) ProveWith(inputs [][]float64, opt ProveOptions) (*Proof, error) {
	progress := opt.Progress
	vis := c.Settings.Visibility
	m := c.Model
	if len(opt.Context) > circuit.MaxContextBytes {
		return nil, fmt.Errorf("prove: the context has %d bytes, more than %d: pass a hash of it", len(opt.Context), circuit.MaxContextBytes)
	}
	w := &circuit.Witness{Salt: opt.Salt, ParamSalt: opt.ParamSalt, Context: opt.Context}
	if vis.SecretParams() {
		var err error
		if m, err = c.loadWeights(opt.Weights); err != nil {
			return nil, err
		}
		if w.Params, err = m.ParamValues(); err != nil {
			return nil, fmt.Errorf("prove: %w", err)
		}
	} else if opt.Weights != "" {
		return nil, fmt.Errorf("prove: this circuit has its weights fixed in it: --model is not needed")
	}
	in, err := m.Quantize(inputs)
	if err != nil {
		return nil, err
	}
	w.Inputs = in
	outs, err := model.Run(m, &ops.IntArith{}, append(slices.Clone(in), w.Params...))
	if err != nil {
		return nil, err
	}
	w.Outputs = outs
	assignment, err := circuit.AssignWitness(m, vis, w)
	if err != nil {
		return nil, fmt.Errorf("prove: %w", err)
	}
	wit, err := frontend.NewWitness(assignment, ecc.BN254.ScalarField())
	if err != nil {
		return nil, fmt.Errorf("prove: witness: %w", err)
	}
	cs, err := c.ReadCircuit()
	if err != nil {
		return nil, fmt.Errorf("prove: %w", err)
	}
	progress.Log("prove: %d constraints (%s)", cs.GetNbConstraints(), c.Settings.Backend)
	start := time.Now()
	var raw []byte
	if c.Settings.Backend == Plonk {
		raw, err = c.provePlonk(cs, wit)
	} else {
		raw, err = c.proveGroth16(cs, wit)
	}
	if err != nil {
		return nil, err
	}
	progress.Log("prove: done (%.1fs)", time.Since(start).Seconds())
	pub, err := wit.Public()
	if err != nil {
		return nil, fmt.Errorf("prove: %w", err)
	}
	p := &Proof{Protocol: c.Settings.Backend, Proof: hex.EncodeToString(raw), ModelSHA256: c.Settings.ModelSHA256}
	vec, ok := pub.Vector().(fr.Vector)
	if !ok {
		return nil, fmt.Errorf("prove: unexpected witness vector %T", pub.Vector())
	}
	for _, v := range vec {
		b := v.Bytes()
		p.PublicInputs = append(p.PublicInputs, "0x"+hex.EncodeToString(b[:]))
	}
	if vis.Output == circuit.Public {
		p.Outputs = m.Dequantize(outs)
	}
	cm, err := w.Commitments(m, vis)
	if err != nil {
		return nil, fmt.Errorf("prove: %w", err)
	}
	p.Commitments = commitmentsHex(cm)
	if vis.PedersenParams() {
		d, err := c.provedModelCommitment(raw)
		if err != nil {
			return nil, fmt.Errorf("prove: %w", err)
		}
		if p.Commitments == nil {
			p.Commitments = map[string]string{}
		}
		p.Commitments["params"] = d
	}
	if cl, _ := circuit.ParseClaim(vis.Claim); cl != nil {
		p.Claim = cl.String()
	}
	if len(opt.Context) > 0 {
		p.Context = "0x" + hex.EncodeToString(opt.Context)
	}
	return p, nil
}

// Verify checks a proof against the verifying key and checks that its
// outputs are the ones the public inputs carry.
func (c *Compiled) Verify(p *Proof) error {
	return c.VerifyWith(p, VerifyOptions{})
}

// VerifyWith is Verify that also checks the expectations of opt.
func (c *Compiled) VerifyWith(p *Proof, opt VerifyOptions) error {
	if p.Protocol != c.Settings.Backend {
		return backendMismatch(p.Protocol, c.Settings.Backend)
	}
	if p.ModelSHA256 != c.Settings.ModelSHA256 {
		return fmt.Errorf("proof is for the model with SHA-256 %.64q, this directory holds %s", p.ModelSHA256, c.Settings.ModelSHA256)
	}
	if len(p.PublicInputs) != c.Settings.PublicInputs {
		return fmt.Errorf("proof has %d public inputs, this circuit has %d: it is for another model or settings", len(p.PublicInputs), c.Settings.PublicInputs)
	}
	vals, err := p.PublicValues()
	if err != nil {
		return err
	}
	if err := c.checkOutputs(p, vals); err != nil {
		return err
	}
	if err := c.checkPrivacy(p, vals, opt); err != nil {
		return err
	}
	if err := c.checkContext(p, vals, opt.Context); err != nil {
		return err
	}
	if err := c.checkKeyHash(opt.VerifyingKeySHA256); err != nil {
		return err
	}
	raw, err := hex.DecodeString(p.Proof)
	if err != nil {
		return fmt.Errorf("proof is not hex: %v", err)
	}
	pub, err := witness.New(ecc.BN254.ScalarField())
	if err != nil {
		return err
	}
	ch := make(chan any, len(vals))
	for _, v := range vals {
		ch <- v
	}
	close(ch)
	if err := pub.Fill(len(vals), 0, ch); err != nil {
		return fmt.Errorf("public inputs: %v", err)
	}
	if c.Settings.Backend == Plonk {
		return c.verifyPlonk(raw, pub)
	}
	return c.verifyGroth16(raw, pub)
}

// errInvalid is the answer to a well-formed proof that does not verify.
var errInvalid = errors.New("the proof is not valid for this circuit and these public inputs")

// checkOutputs compares the proof file's "outputs" with the public inputs.
func (c *Compiled) checkOutputs(p *Proof, vals []*big.Int) error {
	vis := c.Settings.Visibility
	if vis.Output != circuit.Public {
		if p.Outputs != nil {
			return fmt.Errorf("proof lists outputs, but this circuit keeps them private")
		}
		return nil
	}
	off := circuit.Layout(c.Model, vis).Offset(circuit.SegOutput)
	if len(p.Outputs) != len(c.Model.Outputs) {
		return fmt.Errorf("proof lists %d outputs, the model has %d", len(p.Outputs), len(c.Model.Outputs))
	}
	field := ecc.BN254.ScalarField()
	for i, info := range c.Model.Outputs {
		if len(p.Outputs[i]) != info.Size() {
			return fmt.Errorf("outputs[%d] has %d values, the model's output has %d", i, len(p.Outputs[i]), info.Size())
		}
		for j, got := range p.Outputs[i] {
			q := ops.Signed(field, vals[off])
			off++
			want := new(big.Float).SetInt(q)
			want.SetMantExp(want, -info.Scale)
			wf, _ := want.Float64()
			if got != wf {
				return fmt.Errorf("outputs[%d][%d] = %v, but the proof's public input says %v", i, j, got, wf)
			}
		}
	}
	return nil
}
