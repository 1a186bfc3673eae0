// Package evm verifies zkinfer proofs on the Ethereum Virtual Machine: it
// exports the Groth16 verifying key as a Solidity contract (gnark's
// template), encodes a proof file as the contract's calldata, compiles
// Solidity with the solc-js pinned in the repository's package.json (run
// `npm ci`), and runs contracts on go-ethereum's in-process simulated chain.
package evm

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/consensys/gnark/backend/groth16"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
	"github.com/consensys/gnark/backend/solidity"
	"golang.org/x/crypto/sha3"
)

// ContractName is the name of the exported verifier contract.
const ContractName = "Verifier"

// Verifier is an exported Solidity verifier.
type Verifier struct {
	Source      []byte // Verifier.sol
	ABI         []byte // its ABI JSON
	Inputs      int    // N: verifyProof(bytes, uint256[N])
	Commitments int    // Pedersen commitments (0 or 1): proof bytes are 256 + 64·(Commitments+1) when > 0
}

// ProofBytes is the length of the proof argument verifyProof expects.
func (v *Verifier) ProofBytes() int { return proofBytes(v.Commitments) }

func proofBytes(commitments int) int {
	if commitments == 0 {
		return 256
	}
	return 256 + 64*(commitments+1)
}

// Signature is the verifyProof function's canonical signature.
func (v *Verifier) Signature() string { return fmt.Sprintf("verifyProof(bytes,uint256[%d])", v.Inputs) }

// Export writes the verifying key as gnark's Groth16 Solidity verifier. The
// proofs must come from a prover with
// solidity.WithProverTargetSolidityVerifier(backend.GROTH16) (proof.Prove
// does), whose commitment hash is keccak256, as here.
func Export(vk groth16.VerifyingKey) (*Verifier, error) {
	bvk, ok := vk.(*groth16bn254.VerifyingKey)
	if !ok {
		return nil, fmt.Errorf("evm: the verifying key is %T, not a BN254 Groth16 key", vk)
	}
	nCommit := len(bvk.PublicAndCommitmentCommitted)
	if nCommit > 1 {
		return nil, fmt.Errorf("evm: the circuit has %d commitments; gnark's Solidity verifier supports at most one (compile with range check \"bits\")", nCommit)
	}
	n := len(bvk.G1.K) - 1 - nCommit // as gnark's template counts them
	if n < 1 {
		return nil, errors.New("evm: the circuit has no public inputs; Solidity cannot take a uint256[0] (make the output or the input public)")
	}
	var buf bytes.Buffer
	if err := vk.ExportSolidity(&buf, solidity.WithHashToFieldFunction(sha3.NewLegacyKeccak256())); err != nil {
		return nil, fmt.Errorf("evm: exporting the verifier: %w", err)
	}
	v := &Verifier{Source: buf.Bytes(), Inputs: n, Commitments: nCommit}
	abi, err := VerifierABI(n, nCommit)
	if err != nil {
		return nil, err
	}
	v.ABI = abi
	return v, nil
}

// abiParam is one entry of an ABI's inputs or outputs.
type abiParam struct {
	Name         string `json:"name"`
	Type         string `json:"type"`
	InternalType string `json:"internalType"`
}

type abiEntry struct {
	Type            string     `json:"type"`
	Name            string     `json:"name"`
	Inputs          []abiParam `json:"inputs"`
	Outputs         []abiParam `json:"outputs,omitempty"`
	StateMutability string     `json:"stateMutability,omitempty"`
}

// VerifierABI is the ABI of gnark's Groth16 template for n public inputs
// and nCommit commitments (evm tests compare it with solc's).
func VerifierABI(n, nCommit int) ([]byte, error) {
	u := func(name, typ string) abiParam { return abiParam{name, typ, typ} }
	arr := func(name string, k int) abiParam { return u(name, fmt.Sprintf("uint256[%d]", k)) }
	errEntry := func(name string) abiEntry { return abiEntry{Type: "error", Name: name, Inputs: []abiParam{}} }
	var entries []abiEntry
	if nCommit > 0 {
		entries = append(entries, errEntry("CommitmentInvalid"))
	}
	entries = append(entries, errEntry("ProofInvalid"), errEntry("PublicInputNotInField"))
	compress := abiEntry{Type: "function", Name: "compressProof", Inputs: []abiParam{u("proof", "bytes")},
		Outputs: []abiParam{arr("compressed", 4)}, StateMutability: "view"}
	verifyCompressed := abiEntry{Type: "function", Name: "verifyCompressedProof",
		Inputs: []abiParam{arr("compressedProof", 4)}, Outputs: []abiParam{}, StateMutability: "view"}
	if nCommit > 0 {
		compress.Outputs = append(compress.Outputs, arr("compressedCommitments", nCommit), u("compressedCommitmentPok", "uint256"))
		verifyCompressed.Inputs = append(verifyCompressed.Inputs, arr("compressedCommitments", nCommit), u("compressedCommitmentPok", "uint256"))
	}
	verifyCompressed.Inputs = append(verifyCompressed.Inputs, arr("input", n))
	verify := abiEntry{Type: "function", Name: "verifyProof", Inputs: []abiParam{u("proof", "bytes"), arr("input", n)},
		Outputs: []abiParam{}, StateMutability: "view"}
	entries = append(entries, compress, verifyCompressed, verify)
	b, err := json.MarshalIndent(entries, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}
