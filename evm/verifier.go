// Package evm verifies zkinfer proofs on the Ethereum Virtual Machine: it
// exports the Groth16 or PLONK verifying key as a Solidity contract (gnark's
// templates), encodes a proof file as the contract's calldata, compiles
// Solidity with the solc-js pinned in the repository's package.json (run
// `npm ci`), and runs contracts on go-ethereum's in-process simulated chain.
package evm

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
	plonkbn254 "github.com/consensys/gnark/backend/plonk/bn254"
	"github.com/consensys/gnark/backend/solidity"
	"golang.org/x/crypto/sha3"

	"github.com/zkinfer/zkinfer/proof"
)

// Contract names of the exported verifiers (gnark's templates).
const (
	ContractName      = "Verifier"      // Groth16
	PlonkContractName = "PlonkVerifier" // PLONK
)

// Verifier is an exported Solidity verifier.
type Verifier struct {
	Backend     proof.Backend // proof.Groth16 or proof.Plonk
	Contract    string        // ContractName or PlonkContractName
	Source      []byte        // Verifier.sol
	ABI         []byte        // its ABI JSON
	Inputs      int           // N public inputs: verifyProof(bytes, uint256[N]) or Verify(bytes, uint256[])
	Commitments int           // Groth16: Pedersen commitments (0 or 1); PLONK: BSB22 commitments
}

// ProofBytes is the length of the proof argument the verifier expects:
// Groth16 256 bytes, +64·(Commitments+1) with a commitment; PLONK 768
// bytes, +96 per commitment.
func (v *Verifier) ProofBytes() int {
	if v.Backend == proof.Plonk {
		return 0x300 + 0x60*v.Commitments
	}
	return proofBytes(v.Commitments)
}

func proofBytes(commitments int) int {
	if commitments == 0 {
		return 256
	}
	return 256 + 64*(commitments+1)
}

// Signature is the verifying function's canonical signature.
func (v *Verifier) Signature() string { return signature(v.Backend, v.Inputs) }

func signature(backend proof.Backend, n int) string {
	if backend == proof.Plonk {
		return "Verify(bytes,uint256[])"
	}
	return fmt.Sprintf("verifyProof(bytes,uint256[%d])", n)
}

// Export writes a verifying key (a groth16 or plonk VerifyingKey, as
// proof.Compiled.ReadAnyVerifyingKey returns) as gnark's Solidity verifier.
// Groth16 proofs must come from a prover with
// solidity.WithProverTargetSolidityVerifier(backend.GROTH16) (proof.Prove
// does), whose commitment hash is keccak256, as here; PLONK's template
// hard-codes gnark's default hashes.
func Export(vk any) (*Verifier, error) {
	switch k := vk.(type) {
	case *groth16bn254.VerifyingKey:
		return exportGroth16(k)
	case *plonkbn254.VerifyingKey:
		return exportPlonk(k)
	}
	return nil, fmt.Errorf("evm: the verifying key is %T, not a BN254 Groth16 or PLONK key", vk)
}

func exportGroth16(bvk *groth16bn254.VerifyingKey) (*Verifier, error) {
	nCommit := len(bvk.PublicAndCommitmentCommitted)
	if nCommit > 1 {
		return nil, fmt.Errorf("evm: the circuit has %d commitments; gnark's Solidity verifier supports at most one (compile with range check \"bits\")", nCommit)
	}
	n := len(bvk.G1.K) - 1 - nCommit // as gnark's template counts them
	if n < 1 {
		return nil, errors.New("evm: the circuit has no public inputs; Solidity cannot take a uint256[0] (make the output or the input public)")
	}
	var buf bytes.Buffer
	if err := bvk.ExportSolidity(&buf, solidity.WithHashToFieldFunction(sha3.NewLegacyKeccak256())); err != nil {
		return nil, fmt.Errorf("evm: exporting the verifier: %w", err)
	}
	v := &Verifier{Backend: proof.Groth16, Contract: ContractName, Source: buf.Bytes(), Inputs: n, Commitments: nCommit}
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
	Name            string     `json:"name,omitempty"` // none for a constructor
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
