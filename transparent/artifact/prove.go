package artifact

import (
	"encoding/hex"
	"fmt"
	"math/big"
	"slices"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/proof/verifier"
	"github.com/zkinfer/zkinfer/transparent/cnn"
	"github.com/zkinfer/zkinfer/transparent/mlp"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/wire"
)

// Params are the commitment's parameters: rate 1/4, 241 column queries,
// ≥ 100 bits (docs/TRANSPARENT.md, "Soundness"); every proof this backend
// makes and checks uses them with hiding commitments and vanishing masks
// (ZKParams, zk.go). They are part of the format: a proof made with others
// does not verify. Proofs are mlp.BatchedProof (wire kind 2) for dense
// chains, cnn.Proof (kind 3) for CNNs and cnn.ResProof (kind 6) for
// residual networks: every opening of the chain deferred into one batched
// opening per table shape.
var Params = pcs.DefaultParams()

// Prove runs the model on the input file's values (one tensor) and proves
// its outputs, bound to ctx (nil: none; at most circuit.MaxContextBytes,
// as Groth16's --context). The chain's outputs are checked against the
// integer evaluator's (model.Eval), which `zkinfer run` prints: they are
// the same integers or nothing is written.
func (c *Compiled) Prove(vals [][]float64, ctx []byte) (*verifier.Proof, error) {
	if c.Settings.Visibility.Params == circuit.Hashed {
		return nil, fmt.Errorf("prove: this directory keeps the weights secret: prove with the model and its salt (Weighted, ProveHashed; --model and --param-salt)")
	}
	if len(ctx) > circuit.MaxContextBytes {
		return nil, fmt.Errorf("prove: the context has %d bytes, more than %d: pass a hash of it", len(ctx), circuit.MaxContextBytes)
	}
	return c.bound(ctx).prove(vals, nil, ctx)
}

// bound returns c with its chain bound to the context ctx (nil: c): every
// chain's transcript absorbs the context's public input
// (circuit.ContextValue, 32 bytes) first, so a proof checks under no other
// context. The chain's models are copied, c is unchanged.
func (c *Compiled) bound(ctx []byte) *Compiled {
	if len(ctx) == 0 {
		return c
	}
	v := make([]byte, 32)
	circuit.ContextValue(ctx).FillBytes(v)
	ch := *c.Chain
	if ch.Model != nil {
		m := *ch.Model
		m.Context, ch.Model = v, &m
	}
	if ch.CNN != nil {
		m := *ch.CNN
		m.Context, ch.CNN = v, &m
	}
	if ch.Res != nil {
		r := *ch.Res
		r.Context, ch.Res = v, &r
	}
	b := *c
	b.Chain = &ch
	return &b
}

// prove is Prove on c bound to ctx, with the weights committed in h when
// it is not nil.
func (c *Compiled) prove(vals [][]float64, h *committed, ctx []byte) (*verifier.Proof, error) {
	in, err := c.Model.Quantize(vals)
	if err != nil {
		return nil, err
	}
	outs, err := c.Model.Eval(vals)
	if err != nil {
		return nil, err
	}
	var (
		b []byte
		y []int64
	)
	switch {
	case h != nil:
		b, y, err = h.prove(c, in[0].Data)
	case c.Chain.CNN != nil:
		var prf cnn.Proof
		if prf, y, err = cnn.Prove(c.params(), c.Chain.CNN, in[0].Data); err == nil {
			b, err = wire.EncodeCNN(&prf)
		}
	case c.Chain.Res != nil:
		var prf cnn.ResProof
		if prf, y, err = cnn.ProveResidual(c.params(), c.Chain.Res, in[0].Data); err == nil {
			b, err = wire.EncodeResidual(&prf)
		}
	default:
		var prf mlp.BatchedProof
		if prf, y, err = mlp.ProveBatched(c.params(), c.Chain.Model, c.Chain.M, in[0].Data); err == nil {
			b, err = wire.EncodeMLPBatched(&prf)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("prove: %w", err)
	}
	if !slices.Equal(y, outs[0].Data) {
		return nil, fmt.Errorf("prove: the transparent chain computed other outputs than the model's evaluator (a lowering bug): please report it, and prove with --backend groth16")
	}
	p := &verifier.Proof{
		Protocol:    verifier.Sumcheck,
		ModelSHA256: c.Settings.ModelSHA256,
		Proof:       hex.EncodeToString(b),
		Outputs:     c.Model.Dequantize(outs),
	}
	if h != nil {
		p.Commitments = map[string]string{"params": h.root}
	}
	if len(ctx) > 0 {
		p.Context = "0x" + hex.EncodeToString(ctx)
	}
	fs := c.fixedSettings()
	segs := fs.Layout()
	pub := make([]*big.Int, segs.NumPublic())
	for i := range pub {
		pub[i] = new(big.Int)
	}
	off := segs.Offset(circuit.SegOutput)
	for i, v := range y {
		var e fr.Element
		e.SetInt64(v)
		e.BigInt(pub[off+i])
	}
	pub[segs.Offset(circuit.SegContext)] = circuit.ContextValue(ctx)
	for _, v := range pub {
		p.PublicInputs = append(p.PublicInputs, verifier.FieldHex(v))
	}
	return p, nil
}

// Verify checks p: its statement as verifier.CheckStatement checks a
// Groth16 proof's (protocol, model, public inputs, the listed outputs
// against them, the context against its public input and opt.Context),
// then the transparent proof that the chain, on some private input,
// outputs exactly the integers the public inputs carry, its transcript
// bound to the context the statement carries. Every error is one line.
func (c *Compiled) Verify(p *verifier.Proof, opt verifier.Options) error {
	hashed := c.Settings.Visibility.Params == circuit.Hashed
	if !hashed && opt.ModelCommitment != "" {
		return fmt.Errorf("--model-commitment: this directory's weights are fixed, not committed (visibility is not hashed)")
	}
	if opt.VerifyingKeySHA256 != "" || opt.InputCommitment != "" || opt.Claim != "" || opt.DeviceKey != "" || opt.DPCommitment != "" || opt.DPCoins != nil {
		return fmt.Errorf("--backend sumcheck has no verifying key, input commitments, claims, device keys or DP releases to expect")
	}
	mc, err := c.statedCommitment(p, opt)
	if err != nil {
		return err
	}
	fixed, bare := c.fixedSettings(), *p
	bare.Commitments, opt.ModelCommitment = nil, "" // checked above, against the transparent proof below
	vals, err := verifier.CheckStatement(&fixed, &bare, opt)
	if err != nil {
		return err
	}
	fs := c.fixedSettings()
	segs := fs.Layout()
	off := segs.Offset(circuit.SegOutput)
	y := make([]int64, graph.NumElements(c.Settings.Outputs[0].Shape))
	field := fr.Modulus()
	half := new(big.Int).Rsh(field, 1)
	for i := range y {
		v := new(big.Int).Set(vals[off+i])
		if v.Cmp(half) > 0 {
			v.Sub(v, field)
		}
		if !v.IsInt64() {
			return fmt.Errorf("public input %d is not an output the model can produce", off+i)
		}
		y[i] = v.Int64()
	}
	raw, err := hex.DecodeString(p.Proof)
	if err != nil {
		return fmt.Errorf("the proof is not hex: %v", err)
	}
	ctx, err := circuit.ParseContext(p.Context) // CheckStatement: it hashes to the context public input
	if err != nil {
		return fmt.Errorf("proof's %w", err)
	}
	if hashed {
		err = c.bound(ctx).verifyHashed(raw, y, mc)
	} else {
		err = c.bound(ctx).verifyProof(raw, y)
	}
	if err != nil {
		return fmt.Errorf("the transparent proof does not hold: %w", err)
	}
	return nil
}

// verifyProof decodes raw as the chain's kind of proof and verifies it for
// the outputs y. (Until 2026-12-01 it also refused the ReLU parts of
// rescales without ReLU, which rescale.Verify did not read; a rescale proof
// now has no such part: every byte is read.)
func (c *Compiled) verifyProof(raw []byte, y []int64) error {
	if c.Chain.CNN != nil {
		prf, err := wire.DecodeCNN(raw)
		if err != nil {
			return err
		}
		return cnn.Verify(c.params(), c.Chain.CNN, y, *prf)
	}
	if c.Chain.Res != nil {
		prf, err := wire.DecodeResidual(raw)
		if err != nil {
			return err
		}
		return cnn.VerifyResidual(c.params(), c.Chain.Res, y, *prf)
	}
	prf, err := wire.DecodeMLPBatched(raw)
	if err != nil {
		return err
	}
	return mlp.VerifyBatched(c.params(), c.Chain.Model, c.Chain.M, y, *prf)
}

// ChainSHA256 is the hex digest of the lowered chain the proofs are
// checked against (settings.json's circuit_sha256): what `zkinfer verify`
// prints where Groth16 prints its verifying key's digest.
func (c *Compiled) ChainSHA256() string { return c.Settings.CircuitSHA }
