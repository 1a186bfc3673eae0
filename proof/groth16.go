package proof

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"fmt"
	"io"
	"math/big"
	"slices"
	"time"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/backend"
	"github.com/consensys/gnark/backend/groth16"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
	"github.com/consensys/gnark/backend/solidity"
	"github.com/consensys/gnark/backend/witness"
	"github.com/consensys/gnark/frontend"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/ops"
)

// Setup runs the Groth16 setup for the compiled circuit and writes the
// proving and verifying keys. The randomness is discarded (a single-party
// setup: whoever runs it must be trusted not to keep it).
func (c *Compiled) Setup(progress Progress) error {
	cs, err := c.ReadCircuit()
	if err != nil {
		return fmt.Errorf("setup: %w", err)
	}
	progress.log("setup: %d constraints", cs.GetNbConstraints())
	start := time.Now()
	pk, vk, err := groth16.Setup(cs)
	if err != nil {
		return fmt.Errorf("setup: %w", err)
	}
	progress.log("setup: keys generated (%.1fs); writing", time.Since(start).Seconds())
	// Both keys appear together: an interrupted setup leaves neither new
	// key, never a proving key without its verifying key.
	var files fileSet
	defer files.discard()
	if err := files.add(c.path(ProvingKey), func(w io.Writer) error {
		bw := bufio.NewWriter(w)
		if _, err := pk.WriteRawTo(bw); err != nil {
			return err
		}
		return bw.Flush()
	}); err != nil {
		return fmt.Errorf("setup: writing the proving key: %w", err)
	}
	if err := files.add(c.path(VerifyingKey), func(w io.Writer) error {
		_, err := vk.WriteTo(w)
		return err
	}); err != nil {
		return fmt.Errorf("setup: writing the verifying key: %w", err)
	}
	if err := files.commit(); err != nil {
		return fmt.Errorf("setup: %w", err)
	}
	return nil
}

// ReadVerifyingKey reads the verifying key of the compiled directory,
// checking that it is well formed and made for a circuit with this
// directory's public inputs (see loadVerifyingKey).
func (c *Compiled) ReadVerifyingKey() (groth16.VerifyingKey, error) {
	vk, err := loadVerifyingKey(c.path(VerifyingKey), c.Settings.PublicInputs)
	if err != nil {
		return nil, err
	}
	return vk, nil
}

func (c *Compiled) readProvingKey() (groth16.ProvingKey, error) {
	pk, err := loadProvingKey(c.path(ProvingKey))
	if err != nil {
		return nil, err
	}
	return pk, nil
}

// Prove runs the model on real inputs and proves the result.
func (c *Compiled) Prove(inputs [][]float64, progress Progress) (*Proof, error) {
	return c.ProveWith(inputs, ProveOptions{Progress: progress})
}

// ProveWith proves an inference with the weights and salts of opt.
func (c *Compiled) ProveWith(inputs [][]float64, opt ProveOptions) (*Proof, error) {
	progress := opt.Progress
	vis := c.Settings.Visibility
	m := c.Model
	w := &circuit.Witness{Salt: opt.Salt, ParamSalt: opt.ParamSalt}
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
	pk, err := c.readProvingKey()
	if err != nil {
		return nil, fmt.Errorf("prove: %w (run setup first)", err)
	}
	progress.log("prove: %d constraints", cs.GetNbConstraints())
	start := time.Now()
	popts, err := c.proverOptions()
	if err != nil {
		return nil, err
	}
	if err := keyMatches(pk, cs); err != nil {
		return nil, fmt.Errorf("prove: %w", err)
	}
	prf, err := safeProve(cs, pk, wit, append(popts, solidity.WithProverTargetSolidityVerifier(backend.GROTH16))...)
	if err != nil {
		return nil, fmt.Errorf("prove: %w", err)
	}
	progress.log("prove: done (%.1fs)", time.Since(start).Seconds())
	var buf bytes.Buffer
	if _, err := prf.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("prove: %w", err)
	}
	pub, err := wit.Public()
	if err != nil {
		return nil, fmt.Errorf("prove: %w", err)
	}
	p := &Proof{Protocol: Protocol, Proof: hex.EncodeToString(buf.Bytes()), ModelSHA256: c.Settings.ModelSHA256}
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
		d, err := c.provedModelCommitment(prf)
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
	return p, nil
}

// Verify checks a proof against the verifying key and checks that its
// outputs are the ones the public inputs carry.
func (c *Compiled) Verify(p *Proof) error {
	return c.VerifyWith(p, VerifyOptions{})
}

// VerifyWith is Verify that also checks the expectations of opt.
func (c *Compiled) VerifyWith(p *Proof, opt VerifyOptions) error {
	if p.Protocol != Protocol {
		return fmt.Errorf("proof protocol is %.40q, want %q", p.Protocol, Protocol)
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
	vk, err := c.ReadVerifyingKey()
	if err != nil {
		return err
	}
	bvk, ok := vk.(*groth16bn254.VerifyingKey)
	if !ok {
		return fmt.Errorf("unexpected verifying key type %T", vk)
	}
	prf, err := decodeProofHex(p.Proof, len(bvk.CommitmentKeys))
	if err != nil {
		return err
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
	if err := groth16.Verify(prf, vk, pub, solidity.WithVerifierTargetSolidityVerifier(backend.GROTH16)); err != nil {
		return fmt.Errorf("the proof is not valid for this circuit and these public inputs")
	}
	return nil
}

// checkOutputs compares the proof file's "outputs" with the public inputs.
func (c *Compiled) checkOutputs(p *Proof, vals []*big.Int) error {
	vis := c.Settings.Visibility
	if vis.Output != circuit.Public {
		if p.Outputs != nil {
			return fmt.Errorf("proof lists outputs, but this circuit keeps them private")
		}
		return nil
	}
	off := circuit.Offset(circuit.Layout(c.Model, vis), "output")
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
