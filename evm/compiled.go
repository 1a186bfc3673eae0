package evm

import (
	"context"
	"fmt"

	"github.com/zkinfer/zkinfer/proof"
)

// MaxCodeSize is the largest contract Ethereum deploys (EIP-170).
const MaxCodeSize = 24576

// MaxInitCodeSize is the largest creation code Ethereum runs (EIP-3860).
const MaxInitCodeSize = 2 * MaxCodeSize

// CompiledVerifier is a verifier compiled by solc, ready to deploy.
type CompiledVerifier struct {
	Verifier *Verifier
	Bytecode []byte
}

// CompileVerifier compiles the exported verifier and checks solc's ABI is
// the one Export wrote.
func CompileVerifier(ctx context.Context, solc *Solc, v *Verifier) (*CompiledVerifier, error) {
	name := v.Contract
	if name == "" {
		name = ContractName
	}
	cs, err := solc.Compile(ctx, map[string][]byte{name + ".sol": v.Source})
	if err != nil {
		return nil, err
	}
	c, err := checkCompiled(cs, name, v.ABI, v.Inputs)
	if err != nil {
		return nil, err
	}
	return &CompiledVerifier{Verifier: v, Bytecode: c.Bytecode}, nil
}

// checkCompiled finds contract name in solc's output and checks its size
// and its ABI.
func checkCompiled(cs map[string]*Contract, name string, wantABI []byte, inputs int) (*Contract, error) {
	c, ok := cs[name]
	if !ok {
		return nil, fmt.Errorf("solc: no contract %s in the output", name)
	}
	if len(c.Runtime) > MaxCodeSize {
		return nil, fmt.Errorf("evm: %s is %d bytes, over the EVM's %d-byte contract limit (EIP-170): %d public inputs are too many; compile with --output-visibility hashed (one public value for the outputs) or make fewer tensors public", name, len(c.Runtime), MaxCodeSize, inputs)
	}
	if err := SameABI(c.ABI, wantABI); err != nil {
		return nil, fmt.Errorf("evm: the exported ABI of %s differs from solc's: %w", name, err)
	}
	return c, nil
}

// EstimatedCodeSize is about how many bytes the deployed verifier of a
// circuit with n public inputs takes: gnark's Groth16 verifier grows by
// ~137 bytes a public input (solc 0.8.37: 5,137 bytes at 2 inputs,
// 142,640 at 1,000 with a commitment), so it outgrows MaxCodeSize at about
// 140; PLONK's evaluates its public inputs in a loop and stays small (0).
func EstimatedCodeSize(backend proof.Backend, n int) int {
	if backend == proof.Plonk {
		return 0
	}
	return 4863 + 137*n
}

// SizeWarning says when the verifier of a circuit with n public inputs
// will not deploy on Ethereum (EIP-170), and what helps; "" when it fits.
func SizeWarning(backend proof.Backend, n int) string {
	size := EstimatedCodeSize(backend, n)
	if size <= MaxCodeSize {
		return ""
	}
	return fmt.Sprintf("the Solidity verifier of %d public inputs will be about %d bytes, over Ethereum's %d-byte contract limit (EIP-170): it cannot be deployed; compile with --output-visibility hashed (the outputs become one public commitment) or make fewer tensors public", n, size, MaxCodeSize)
}
