// Command zkinfer-wasm is zkinfer's verifier compiled to WebAssembly
// (GOOS=js GOARCH=wasm): the verifier package, the one `zkinfer verify`
// runs, behind a JavaScript function. It needs what a page or a Node
// program holds of a compiled model, its verifying key and settings.json
// (as `zkinfer export-web` writes them), and never the model itself.
//
// # Method
//
// Started by Go's wasm_exec.js, main registers globalThis.zkinferVerify(vk,
// settings, proof, options), vk a Uint8Array and the others JSON text, and
// blocks forever. Each call parses the settings (verifier.ParseSettings) and the
// proof (verifier.ParseProof), runs verifier.Verify with the key's bytes,
// and returns a Result as JSON: the statement verifier.Describe makes, the
// outputs the proof carries, or the one-line reason a proof is refused.
// The npm package in js/ wraps it.
package main

import (
	"encoding/json"
	"fmt"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/proof/verifier"
)

// Result is what a verification returns to JavaScript.
type Result struct {
	Valid bool `json:"valid"`
	// Statement says what a valid proof established (verifier.Describe).
	Statement string `json:"statement,omitempty"`
	// Outputs are a valid proof's public outputs (absent when the circuit
	// keeps them secret).
	Outputs [][]float64 `json:"outputs,omitempty"`
	// VerifyingKeySHA256 is the hex SHA-256 of the key the proof was checked
	// with, as `zkinfer verify` prints it.
	VerifyingKeySHA256 string `json:"verifyingKeySHA256,omitempty"`
	// Warnings are what zkinfer verify warns of beside a valid proof: the
	// trust warnings about the keys that settings.json carries
	// (setup.warnings, as zkinfer export-web recomputes them), who could
	// forge proofs, then secret weights checked against no commitment
	// (verifier.UnboundWeights).
	Warnings []string `json:"warnings,omitempty"`
	// Reason is why the proof, the settings or the key were refused, one
	// line.
	Reason string `json:"reason,omitempty"`
}

// Options are what the caller expects of a proof beyond its validity, as
// `zkinfer verify` takes them in flags (verifier.Options); JSON, every
// field optional.
type Options struct {
	ModelCommitment    string `json:"modelCommitment"`
	InputCommitment    string `json:"inputCommitment"`
	Claim              string `json:"claim"`
	Context            string `json:"context"` // hex, as prove --context took it
	VerifyingKeySHA256 string `json:"verifyingKeySHA256"`
}

// Verify checks the proof file proofJSON against a compiled model's
// verifying key vk and settings.json, expecting what the JSON options
// optionsJSON ask for (empty: nothing more).
func Verify(vk, settingsJSON, proofJSON, optionsJSON []byte) (res Result) {
	// A panic would end the Go program and every later call with it; the
	// verifier's inputs are checked so that none happens, and one that
	// still did is this call's answer.
	defer func() {
		if r := recover(); r != nil {
			res = Result{Reason: fmt.Sprintf("internal error: %v", r)}
		}
	}()
	var o Options
	if len(optionsJSON) > 0 {
		if err := json.Unmarshal(optionsJSON, &o); err != nil {
			return Result{Reason: fmt.Sprintf("options are not valid JSON: %v", err)}
		}
	}
	ctx, err := circuit.ParseContext(o.Context)
	if err != nil {
		return Result{Reason: "options: " + err.Error()}
	}
	opt := verifier.Options{ModelCommitment: o.ModelCommitment, InputCommitment: o.InputCommitment, Claim: o.Claim, Context: ctx, VerifyingKeySHA256: o.VerifyingKeySHA256}
	s, err := verifier.ParseSettings(settingsJSON)
	if err != nil {
		return Result{Reason: err.Error()}
	}
	if s.Visibility.DP != nil {
		return Result{Reason: "this circuit releases its outputs with DP noise (compile --dp), which the web verifier does not check yet: verify with zkinfer verify --dp-commitment --dp-coins"}
	}
	p, err := verifier.ParseProof("PROOF.json", proofJSON)
	if err != nil {
		return Result{Reason: err.Error()}
	}
	key := newCachedKey(vk)
	if err := verifier.Verify(s, key, p, opt); err != nil {
		return Result{Reason: err.Error()}
	}
	var setup struct {
		Setup struct {
			Warnings []string `json:"warnings"`
		} `json:"setup"`
	}
	json.Unmarshal(settingsJSON, &setup) // parsed above: valid JSON
	warnings := setup.Setup.Warnings
	if w := verifier.UnboundWeights(s, opt); w != "" {
		warnings = append(warnings, w)
	}
	return Result{Valid: true, Statement: verifier.Describe(s, p), Outputs: p.Outputs, VerifyingKeySHA256: key.sum, Warnings: warnings}
}

// verifyJSON is Verify with its result as JSON text.
func verifyJSON(vk, settingsJSON, proofJSON, optionsJSON []byte) string {
	b, err := json.Marshal(Verify(vk, settingsJSON, proofJSON, optionsJSON))
	if err != nil { // a float the proof carried that JSON cannot hold
		b, _ = json.Marshal(Result{Reason: err.Error()})
	}
	return string(b)
}
