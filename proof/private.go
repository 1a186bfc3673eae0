package proof

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/big"
	"os"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/onnx"
	"github.com/zkinfer/zkinfer/proof/verifier"
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
	Context []byte
	// Signature is the device's signature over the input, for a circuit
	// compiled with an input signature (zkinfer sign).
	Signature *circuit.InputSignature
	// DP is the seed and the verifier's coins of a DP release (compile
	// --dp); nil otherwise.
	DP       *circuit.DPWitness
	Progress Progress
	// Release says the caller is done with the Compiled once this proof is
	// made (the CLI's prove): ProveWith sets its Model to nil as soon as the
	// witness is built, and collects garbage more often while the prover
	// runs, to lower the peak memory (prove.go).
	Release bool
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

func fieldHex(v *big.Int) string { return verifier.FieldHex(v) }

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
// validity (verifier.Options).
type VerifyOptions = verifier.Options
