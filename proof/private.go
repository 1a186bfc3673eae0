package proof

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/big"
	"os"
	"strings"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/onnx"
	"github.com/zkinfer/zkinfer/quant"
)

// Secret weights: a directory compiled with private or hashed parameters
// holds the model with its weights zeroed (stripWeights), so it can be
// published for setup and verification; the prover supplies the real model.

// stripWeights returns the ONNX model raw with the initializers that
// model.CompileSecret makes secret set to zero (onnx.StripWeights of
// model.SecretInitializers): the architecture alone, the same bytes for
// every model with this architecture.
func stripWeights(raw []byte) ([]byte, error) {
	g, err := onnx.Parse(raw)
	if err != nil {
		return nil, err
	}
	return onnx.StripWeights(raw, model.SecretInitializers(g))
}

// ProveOptions are the inputs of a proof beyond the model's input values.
type ProveOptions struct {
	// Weights is the path of the model with its real weights, required when
	// the parameters are private or hashed.
	Weights string
	// Salt blinds the commitments of hashed inputs and outputs; ParamSalt
	// the commitment of hashed weights (nil: 0).
	Salt, ParamSalt *big.Int
	// Context is the bytes the verifier asked the proof to be bound to
	// (circuit.ContextValue), nil for none; at most circuit.MaxContextBytes.
	Context  []byte
	Progress Progress
}

// loadWeights compiles the model with real weights at path and checks it has
// the architecture the directory was compiled from.
func (c *Compiled) loadWeights(path string) (*model.Model, error) {
	if path == "" {
		return nil, fmt.Errorf("prove: this circuit keeps the weights secret and its directory holds none: pass the model with its weights (--model MODEL.onnx)")
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("prove: %w", err)
	}
	stripped, err := stripWeights(raw)
	if err != nil {
		return nil, fmt.Errorf("prove: %s: %w", path, err)
	}
	if sum := sha256.Sum256(stripped); hex.EncodeToString(sum[:]) != c.Settings.ModelSHA256 {
		return nil, fmt.Errorf("prove: %s does not have the architecture %s was compiled from", path, c.Dir)
	}
	g, err := onnx.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("prove: %s: %w", path, err)
	}
	return model.CompileSecret(g, c.Settings.Quant, c.Settings.Visibility.Bits())
}

// ModelCommitment computes the commitment of the weights of the ONNX model
// at path, as a hashed-parameter circuit with these settings binds it.
func ModelCommitment(path string, qs quant.Settings, paramBits int, salt *big.Int) (string, error) {
	g, err := onnx.Load(path)
	if err != nil {
		return "", err
	}
	if paramBits == 0 {
		paramBits = model.DefaultParamBits
	}
	m, err := model.CompileSecret(g, qs, paramBits)
	if err != nil {
		return "", err
	}
	vals, err := m.ParamValues()
	if err != nil {
		return "", err
	}
	e, err := circuit.Commit(circuit.TagParams, m.Params, vals, salt)
	if err != nil {
		return "", err
	}
	return circuit.Hex(e), nil
}

// InputCommitment computes the commitment of inputs (real values) that a
// hashed-input circuit of the compiled directory binds.
func (c *Compiled) InputCommitment(inputs [][]float64, salt *big.Int) (string, error) {
	in, err := c.Model.Quantize(inputs)
	if err != nil {
		return "", err
	}
	e, err := circuit.Commit(circuit.TagInput, c.Model.Inputs, in, salt)
	if err != nil {
		return "", err
	}
	return circuit.Hex(e), nil
}

func fieldHex(v *big.Int) string {
	b := make([]byte, 32)
	v.FillBytes(b)
	return "0x" + hex.EncodeToString(b)
}

// commitmentKeys names the commitment segments of the public inputs in the
// proof file's "commitments".
var commitmentKeys = map[string]string{"input_commitment": "input", "param_commitment": "params", "output_commitment": "output"}

func commitmentsHex(cm circuit.Commitments) map[string]string {
	out := map[string]string{}
	for k, v := range map[string]*big.Int{"input": cm.Input, "params": cm.Params, "output": cm.Output} {
		if v != nil {
			out[k] = fieldHex(v)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// VerifyOptions are what a verifier may expect of a proof beyond its
// validity.
type VerifyOptions struct {
	// ModelCommitment, InputCommitment: the expected commitments of the
	// weights and of the inputs (hex; "" to accept any).
	ModelCommitment, InputCommitment string
	// Claim: the claim the verifier expects ("" to accept the directory's).
	Claim string
	// Context: the bytes the proof must be bound to (nil or empty: any
	// context, none included).
	Context []byte
	// VerifyingKeySHA256: the hex SHA-256 the directory's vk.bin must have
	// ("": not checked), as `zkinfer commit` prints it beside a model
	// commitment.
	VerifyingKeySHA256 string
}

func parseHexField(s string) (*big.Int, error) {
	v, err := circuit.ParseSalt(s)
	if err != nil {
		return nil, fmt.Errorf("%q is not a commitment (0x and 64 hex digits)", s)
	}
	return v, nil
}

// checkPrivacy compares the proof file's commitments and claim, and the
// verifier's expectations, with the public inputs.
func (c *Compiled) checkPrivacy(p *Proof, vals []*big.Int, opt VerifyOptions) error {
	vis := c.Settings.Visibility
	segs := circuit.Layout(c.Model, vis)
	want := map[string]string{}
	for _, s := range segs.Public {
		if k, ok := commitmentKeys[s.Name]; ok {
			want[k] = fieldHex(vals[segs.Offset(s.Name)])
		}
	}
	if vis.PedersenParams() { // the weights' commitment is the proof's D
		d, err := c.proofModelCommitment(p)
		if err != nil {
			return err
		}
		want["params"] = d
	}
	for k, v := range p.Commitments {
		if want[k] == "" {
			return fmt.Errorf("proof lists a %.32q commitment, but this circuit has none", k)
		}
		if !strings.EqualFold(v, want[k]) {
			return fmt.Errorf("proof's %s commitment %.140q differs from its public input %s", k, v, want[k])
		}
	}
	for k := range want {
		if _, ok := p.Commitments[k]; !ok {
			return fmt.Errorf("proof does not list its %s commitment", k)
		}
	}
	for _, e := range []struct{ key, flag, got string }{{"params", "--model-commitment", opt.ModelCommitment}, {"input", "--input-commitment", opt.InputCommitment}} {
		if e.got == "" {
			continue
		}
		if want[e.key] == "" {
			return fmt.Errorf("%s: this circuit does not commit to its %s (visibility is not hashed)", e.flag, e.key)
		}
		var exp string
		if e.key == "params" && vis.PedersenParams() {
			d, err := ParsePoint(e.got)
			if err != nil {
				return fmt.Errorf("%s: %w", e.flag, err)
			}
			exp = pointHex(&d)
		} else {
			v, err := parseHexField(e.got)
			if err != nil {
				return fmt.Errorf("%s: %w", e.flag, err)
			}
			exp = fieldHex(v)
		}
		if exp != want[e.key] {
			return fmt.Errorf("the proof's %s commitment %s is not the expected %s", e.key, want[e.key], exp)
		}
	}
	cl, err := circuit.ParseClaim(vis.Claim)
	if err != nil {
		return err
	}
	if opt.Claim != "" {
		exp, err := circuit.ParseClaim(opt.Claim)
		if err != nil {
			return err
		}
		if cl == nil {
			return fmt.Errorf("this circuit proves no claim, not %q", exp)
		}
		if exp.String() != cl.String() {
			return fmt.Errorf("this circuit proves the claim %q, not %q", cl, exp)
		}
	}
	if cl == nil {
		if p.Claim != "" {
			return fmt.Errorf("proof states the claim %.100q, but this circuit proves none", p.Claim)
		}
		return nil
	}
	if p.Claim != cl.String() {
		return fmt.Errorf("proof states the claim %.100q, this circuit proves %q", p.Claim, cl)
	}
	off := segs.Offset(circuit.SegClaim)
	for i, v := range cl.PublicValues(c.Model.Outputs) {
		if vals[off+i].Cmp(v) != 0 {
			return fmt.Errorf("the proof is for a different claim or threshold than %q", cl)
		}
	}
	return nil
}

// checkContext compares the context public input with the proof file's
// context and with the one the verifier expects (want; empty: any).
func (c *Compiled) checkContext(p *Proof, vals []*big.Int, want []byte) error {
	got := vals[circuit.Layout(c.Model, c.Settings.Visibility).Offset(circuit.SegContext)]
	b, err := circuit.ParseContext(p.Context)
	if err != nil {
		return fmt.Errorf("proof's %w", err)
	}
	if got.Cmp(circuit.ContextValue(b)) != 0 {
		if len(b) == 0 {
			return fmt.Errorf("proof lists no context, but its context public input is %s", fieldHex(got))
		}
		return fmt.Errorf("proof's context %.80s does not hash to its context public input", p.Context)
	}
	if len(want) > 0 && got.Cmp(circuit.ContextValue(want)) != 0 {
		if len(b) == 0 {
			return fmt.Errorf("the proof is bound to no context, not to the expected 0x%x: anyone could have presented it", want)
		}
		return fmt.Errorf("the proof is bound to the context %.80s, not to the expected 0x%x", p.Context, want)
	}
	return nil
}
