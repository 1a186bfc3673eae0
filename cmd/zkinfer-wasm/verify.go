// Command zkinfer-wasm is zkinfer's verifier compiled to WebAssembly
// (GOOS=js GOARCH=wasm): the verifier package, the one `zkinfer verify`
// runs, behind a JavaScript function. It needs what a page or a Node
// program holds of a compiled model, its verifying key and settings.json
// (as `zkinfer export-web` writes them), and never the model itself.
//
// # Method
//
// Started by Go's wasm_exec.js, main registers globalThis.zkinferVerify(vk,
// settings, proof), vk a Uint8Array and the others JSON text, and blocks
// forever. Each call parses the settings (verifier.ParseSettings) and the
// proof (verifier.ParseProof), runs verifier.Verify with the key's bytes,
// and returns a Result as JSON: the statement verifier.Describe makes, the
// outputs the proof carries, or the one-line reason a proof is refused.
// The npm package in js/ wraps it.
package main

import (
	"encoding/json"

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
	// Reason is why the proof, the settings or the key were refused, one
	// line.
	Reason string `json:"reason,omitempty"`
}

// Verify checks the proof file proofJSON against a compiled model's
// verifying key vk and settings.json.
func Verify(vk, settingsJSON, proofJSON []byte) Result {
	s, err := verifier.ParseSettings(settingsJSON)
	if err != nil {
		return Result{Reason: err.Error()}
	}
	p, err := verifier.ParseProof("PROOF.json", proofJSON)
	if err != nil {
		return Result{Reason: err.Error()}
	}
	key := verifier.KeyBytes(vk)
	if err := verifier.Verify(s, key, p, verifier.Options{}); err != nil {
		return Result{Reason: err.Error()}
	}
	sum, _ := key.SHA256()
	return Result{Valid: true, Statement: verifier.Describe(s, p), Outputs: p.Outputs, VerifyingKeySHA256: sum}
}

// verifyJSON is Verify with its result as JSON text.
func verifyJSON(vk, settingsJSON, proofJSON []byte) string {
	b, err := json.Marshal(Verify(vk, settingsJSON, proofJSON))
	if err != nil { // a float the proof carried that JSON cannot hold
		b, _ = json.Marshal(Result{Reason: err.Error()})
	}
	return string(b)
}
