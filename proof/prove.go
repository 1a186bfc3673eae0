package proof

import (
	"encoding/hex"
	"fmt"
	"slices"
	"time"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
	plonkbn254 "github.com/consensys/gnark/backend/plonk/bn254"
	"github.com/consensys/gnark/backend/witness"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/ops"
	"github.com/zkinfer/zkinfer/proof/verifier"
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
	w := &circuit.Witness{Salt: opt.Salt, ParamSalt: opt.ParamSalt, Context: opt.Context, Signature: opt.Signature, DP: opt.DP}
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
	if opt.Release {
		// m (the directory's model, or the one with the weights) is
		// referenced from here on only until the witness is built.
		c.Model = nil
		defer lowGC(c.Settings.Constraints, releaseGCPercent)()
	}
	return c.ProveWitness(m, w, progress)
}

// releaseGCPercent is the garbage collector's target while a Release
// prove runs. Go's default (100: collect once the heap has doubled) lets
// the garbage of reading the circuit and the key, and the prover's
// vectors, pile up to twice what is live; at 10 the collector runs ten
// times as often over a heap that is mostly pointer-free field elements
// and points, which it marks quickly. cnn_c32, peak RSS with the
// streaming prover (groth16prove.go): 534 MB at 100, 317 MB at 25, 308 MB
// at 10 on 2 cores; on 16, where more garbage is made between
// collections, 333–367 MB at 25 and 315–317 MB at 10, for 3–5% more CPU.
const releaseGCPercent = 10

// ProveWitness proves the witness w of the circuit of m, the directory's
// model or the same architecture with its weights loaded: the witness's
// outputs must be what m computes from its inputs and weights (the proof
// of a segment, package proof/segment, is made this way).
func (c *Compiled) ProveWitness(m *model.Model, w *circuit.Witness, progress Progress) (*Proof, error) {
	p, wit, err := c.prepareProof(m, w)
	if err != nil {
		return nil, err
	}
	// From here on nothing reads m or w: a model dropped by the caller
	// (ProveOptions.Release) is garbage while the prover runs.
	start := time.Now()
	var raw []byte
	if c.Settings.Backend == Plonk {
		cs, err := c.ReadCircuit()
		if err != nil {
			return nil, fmt.Errorf("prove: %w", err)
		}
		progress.Log("prove: %d constraints (%s)", cs.GetNbConstraints(), c.Settings.Backend)
		start = time.Now()
		raw, err = c.provePlonk(cs, wit)
		if err != nil {
			return nil, err
		}
	} else if raw, err = c.proveGroth16(wit, progress); err != nil {
		return nil, err
	}
	progress.Log("prove: done (%.1fs)", time.Since(start).Seconds())
	p.Proof = hex.EncodeToString(raw)
	pub, err := wit.Public()
	if err != nil {
		return nil, fmt.Errorf("prove: %w", err)
	}
	vec, ok := pub.Vector().(fr.Vector)
	if !ok {
		return nil, fmt.Errorf("prove: unexpected witness vector %T", pub.Vector())
	}
	for _, v := range vec {
		b := v.Bytes()
		p.PublicInputs = append(p.PublicInputs, "0x"+hex.EncodeToString(b[:]))
	}
	if c.Settings.Visibility.PedersenParams() {
		d, err := c.provedModelCommitment(raw)
		if err != nil {
			return nil, fmt.Errorf("prove: %w", err)
		}
		if p.Commitments == nil {
			p.Commitments = map[string]string{}
		}
		p.Commitments["params"] = d
	}
	return p, nil
}

// prepareProof does what proving needs the model for: it checks w, builds
// gnark's witness, and fills in the proof file but for the proof and its
// public inputs (the outputs, commitments, claim and context).
func (c *Compiled) prepareProof(m *model.Model, w *circuit.Witness) (*Proof, witness.Witness, error) {
	vis := c.Settings.Visibility
	if len(w.Context) > circuit.MaxContextBytes {
		return nil, nil, fmt.Errorf("prove: the context has %d bytes, more than %d: pass a hash of it", len(w.Context), circuit.MaxContextBytes)
	}
	if err := checkSignature(m, vis, w); err != nil {
		return nil, nil, err
	}
	assignment, err := circuit.AssignWitness(m, vis, w)
	if err != nil {
		return nil, nil, fmt.Errorf("prove: %w", err)
	}
	wit, err := fullWitness(assignment)
	if err != nil {
		return nil, nil, fmt.Errorf("prove: witness: %w", err)
	}
	p := &Proof{Protocol: c.Settings.Backend, ModelSHA256: c.Settings.ModelSHA256}
	if vis.Output == circuit.Public {
		p.Outputs = m.Dequantize(w.Outputs)
	}
	cm, err := w.Commitments(m, vis)
	if err != nil {
		return nil, nil, fmt.Errorf("prove: %w", err)
	}
	p.Commitments = commitmentsHex(cm)
	if cl, _ := circuit.ParseClaim(vis.Claim); cl != nil {
		p.Claim = cl.String()
	}
	if len(w.Context) > 0 {
		p.Context = "0x" + hex.EncodeToString(w.Context)
	}
	if err := c.dpSection(p, assignment, w); err != nil {
		return nil, nil, err
	}
	return p, wit, nil
}

// Verify checks a proof against the verifying key and checks that its
// outputs are the ones the public inputs carry.
func (c *Compiled) Verify(p *Proof) error {
	return c.VerifyWith(p, VerifyOptions{})
}

// VerifyWith is Verify that also checks the expectations of opt: the
// verifier package's checks (verifier.Verify) with the directory's
// settings and its verifying key, read only once the other checks pass.
func (c *Compiled) VerifyWith(p *Proof, opt VerifyOptions) error {
	return verifier.Verify(&c.Settings.Settings, dirKey{c}, p, opt)
}

// errInvalid is the answer to a well-formed proof that does not verify.
var errInvalid = verifier.ErrInvalid

// dirKey is the directory's vk.bin as the verifier reads it.
type dirKey struct{ c *Compiled }

func (k dirKey) SHA256() (string, error) { return k.c.VerifyingKeySHA256() }

func (k dirKey) Groth16(nPublic int) (*groth16bn254.VerifyingKey, error) {
	return loadVerifyingKey(k.c.path(VerifyingKey), nPublic)
}

func (k dirKey) Plonk() (*plonkbn254.VerifyingKey, error) {
	vk, err := k.c.readPlonkVerifyingKey()
	if err != nil {
		return nil, err
	}
	bvk, ok := vk.(*plonkbn254.VerifyingKey)
	if !ok {
		return nil, fmt.Errorf("unexpected verifying key type %T", vk)
	}
	return bvk, nil
}

// checkSignature checks a signed input's signature natively, so that a
// signature that cannot prove fails with its reason before the prover runs.
func checkSignature(m *model.Model, vis circuit.Visibility, w *circuit.Witness) error {
	switch {
	case vis.InputSignedBy == "" && w.Signature != nil:
		return fmt.Errorf("prove: the input is signed, but this circuit checks no signature (compile with --input-signed-by eddsa)")
	case vis.InputSignedBy == "":
		return nil
	case w.Signature == nil:
		return fmt.Errorf("prove: this circuit checks a device's signature over its input: prove a signed input (zkinfer sign)")
	}
	var vals []int64
	for _, t := range w.Inputs {
		vals = append(vals, t.Data...)
	}
	if err := w.Signature.Verify(m.Inputs[0].Scale, vals); err != nil {
		return fmt.Errorf("prove: %w", err)
	}
	return nil
}
