package evm

import (
	"bytes"
	"encoding/json"
	"fmt"

	plonkbn254 "github.com/consensys/gnark/backend/plonk/bn254"

	"github.com/zkinfer/zkinfer/proof"
)

// PLONK on the EVM: gnark's PLONK template (contract PlonkVerifier) has one
// function, Verify(bytes proof, uint256[] public_inputs) returns (bool),
// which reverts with Error(string) on malformed input and returns false for
// a proof that does not verify. The proof argument is MarshalSolidity's:
// 768 bytes, +96 per BSB22 commitment (lookups).

// exportPlonk writes a PLONK verifying key as gnark's Solidity verifier.
func exportPlonk(vk *plonkbn254.VerifyingKey) (*Verifier, error) {
	var buf bytes.Buffer
	if err := vk.ExportSolidity(&buf); err != nil {
		return nil, fmt.Errorf("evm: exporting the verifier: %w", err)
	}
	abi, err := PlonkVerifierABI()
	if err != nil {
		return nil, err
	}
	return &Verifier{Backend: proof.Plonk, Contract: PlonkContractName, Source: buf.Bytes(), ABI: abi,
		Inputs: int(vk.NbPublicVariables), Commitments: len(vk.Qcp)}, nil
}

// PlonkVerifierABI is the ABI of gnark's PLONK template.
func PlonkVerifierABI() ([]byte, error) {
	u := func(name, typ string) abiParam { return abiParam{name, typ, typ} }
	entries := []abiEntry{{Type: "function", Name: "Verify",
		Inputs:  []abiParam{u("proof", "bytes"), u("public_inputs", "uint256[]")},
		Outputs: []abiParam{u("success", "bool")}, StateMutability: "view"}}
	b, err := json.MarshalIndent(entries, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// plonkCall reads a PLONK proof's bytes as the verifier's proof argument.
func plonkCall(raw []byte) ([]byte, error) {
	prf, err := proof.DecodePlonk(raw)
	if err != nil {
		return nil, err
	}
	return prf.MarshalSolidity(), nil
}

// plonkCalldata is the ABI encoding of Verify(bytes proof, uint256[] inputs):
// the selector, the two offsets, then proof (length, bytes padded to 32)
// and inputs (length, words).
func (c *Call) plonkCalldata() []byte {
	padded := (len(c.Proof) + 31) / 32 * 32
	out := append([]byte{}, Selector(c.Signature())...)
	out = append(out, word64(0x40)...)
	out = append(out, word64(0x40+32+padded)...)
	out = append(out, word64(len(c.Proof))...)
	out = append(out, c.Proof...)
	out = append(out, make([]byte, padded-len(c.Proof))...)
	out = append(out, word64(len(c.Inputs))...)
	for _, v := range c.Inputs {
		out = append(out, word(v)...)
	}
	return out
}
