package evm

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"strings"

	"github.com/consensys/gnark-crypto/ecc"

	"github.com/zkinfer/zkinfer/ops"
	"github.com/zkinfer/zkinfer/proof"
)

// The wrapper's functions that take the values of a proof's public inputs:
// WrapperVerify (with the proof; consumes the sender's nonce), WrapperCheck
// (with the proof; a view) and WrapperPublicInputs (without; returns the
// public inputs the wrapper would pass to the verifier).
const (
	WrapperVerify       = "verify"
	WrapperCheck        = "check"
	WrapperPublicInputs = "publicInputs"
)

// abi is the wrapper's ABI, as solc writes it (tests compare the two).
func (w *Wrapper) abi() ([]byte, error) {
	u := func(name, typ string) abiParam { return abiParam{name, typ, typ} }
	fn := func(name, mut string, in, out []abiParam) abiEntry {
		if in == nil {
			in = []abiParam{}
		}
		return abiEntry{Type: "function", Name: name, Inputs: in, Outputs: out, StateMutability: mut}
	}
	errEntry := func(name string, in ...abiParam) abiEntry {
		if in == nil {
			in = []abiParam{}
		}
		return abiEntry{Type: "error", Name: name, Inputs: in}
	}
	values := make([]abiParam, len(w.args))
	for i, a := range w.args {
		values[i] = u(a.name, a.solType())
	}
	withProof := append([]abiParam{u("proof", "bytes")}, values...)
	subject := []abiParam{u("subject", "address")}
	inputs := fmt.Sprintf("uint256[%d]", w.Verifier.Inputs)
	if w.Verifier.Backend == proof.Plonk {
		inputs = "uint256[]"
	}
	spec := w.Spec
	entries := []abiEntry{
		errEntry("WrongContext", u("expected", "uint256"), u("got", "uint256")),
		errEntry("ProofRejected"),
		fn("MODEL_SHA256", "view", nil, []abiParam{u("", "bytes32")}),
		fn("PUBLIC_INPUTS", "view", nil, []abiParam{u("", "uint256")}),
		fn(WrapperCheck, "view", withProof, []abiParam{}),
		fn("contextBytes", "view", subject, []abiParam{u("", "bytes")}),
		fn("contextOf", "view", subject, []abiParam{u("", "uint256")}),
		fn("nonces", "view", []abiParam{u("", "address")}, []abiParam{u("", "uint256")}),
		fn(WrapperPublicInputs, "pure", values, []abiParam{u("inputs", inputs)}),
		fn("verifier", "view", nil, []abiParam{{"", "address", "contract " + w.Verifier.Contract}}),
		fn(WrapperVerify, "nonpayable", withProof, []abiParam{}),
	}
	if spec.Claim != "" {
		entries = append(entries, fn("CLAIM", "view", nil, []abiParam{u("", "string")}))
	}
	if spec.ModelCommitment != "" {
		entries = append(entries,
			abiEntry{Type: "constructor", Inputs: []abiParam{u("modelCommitment_", "bytes")}, StateMutability: "nonpayable"},
			errEntry("BadModelCommitment"), errEntry("WrongModelCommitment"),
			fn("modelCommitment", "view", nil, []abiParam{u("", "bytes")}))
	} else {
		entries = append(entries, abiEntry{Type: "constructor", Inputs: []abiParam{}, StateMutability: "nonpayable"})
	}
	for _, a := range w.args {
		if a.signed {
			entries = append(entries, errEntry("ValueOutOfRange", u("value", "int256")))
			break
		}
	}
	if spec.ModelCommitment == "pedersen" {
		entries = append(entries, errEntry("WrongProofLength", u("got", "uint256"), u("expected", "uint256")))
	}
	b, err := json.MarshalIndent(entries, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// Signature is the canonical signature of the wrapper's function fn
// (WrapperVerify, WrapperCheck or WrapperPublicInputs).
func (w *Wrapper) Signature(fn string) string {
	var types []string
	if fn != WrapperPublicInputs {
		types = append(types, "bytes")
	}
	for _, a := range w.args {
		types = append(types, a.solType())
	}
	return fn + "(" + strings.Join(types, ",") + ")"
}

// Values are the wrapper's arguments after the proof, read from a call's
// public inputs, as 32-byte words: fixed-point values as int256 (two's
// complement of the signed value the field element carries), commitments
// and the context as they are.
func (w *Wrapper) Values(c *Call) ([][]byte, error) {
	if len(c.Inputs) != w.Verifier.Inputs {
		return nil, fmt.Errorf("the proof has %d public inputs, the wrapper's circuit %d: it is for another model or settings", len(c.Inputs), w.Verifier.Inputs)
	}
	field := ecc.BN254.ScalarField()
	mod := new(big.Int).Lsh(big.NewInt(1), 256)
	var words [][]byte
	for _, a := range w.args {
		for i := range a.len {
			v := c.Inputs[a.offset+i]
			if a.signed {
				v = new(big.Int).Mod(ops.Signed(field, v), mod)
			}
			words = append(words, word(v))
		}
	}
	return words, nil
}

// Calldata is the ABI encoding of the wrapper's fn (WrapperVerify,
// WrapperCheck or WrapperPublicInputs) with the call's proof and the values
// of its public inputs (the context the proof carries included).
func (w *Wrapper) Calldata(fn string, c *Call) ([]byte, error) {
	if fn != WrapperVerify && fn != WrapperCheck && fn != WrapperPublicInputs {
		return nil, fmt.Errorf("evm: the wrapper has no function %q (%s, %s, %s)", fn, WrapperVerify, WrapperCheck, WrapperPublicInputs)
	}
	if err := c.Check(w.Verifier); err != nil {
		return nil, err
	}
	words, err := w.Values(c)
	if err != nil {
		return nil, err
	}
	if fn == WrapperPublicInputs {
		return bytes.Join(append([][]byte{Selector(w.Signature(fn))}, words...), nil), nil
	}
	return encodeWithBytes(Selector(w.Signature(fn)), c.Proof, words), nil
}

// encodeWithBytes is the ABI encoding of a call f(bytes b, static words…):
// the selector, the offset of b, the words in place, then b's length and
// its bytes padded to 32.
func encodeWithBytes(selector, b []byte, words [][]byte) []byte {
	out := make([]byte, 0, 4+32*(len(words)+2)+len(b)+31)
	out = append(out, selector...)
	out = append(out, word64(32*(len(words)+1))...)
	for _, w := range words {
		out = append(out, w...)
	}
	out = append(out, word64(len(b))...)
	out = append(out, b...)
	if r := len(b) % 32; r != 0 {
		out = append(out, make([]byte, 32-r)...)
	}
	return out
}
