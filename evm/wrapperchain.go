//go:build evm

package evm

import (
	"context"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/proof"
)

// CompiledWrapper is a wrapper compiled by solc together with its verifier,
// ready to deploy (its constructor deploys the verifier).
type CompiledWrapper struct {
	Wrapper  *Wrapper
	Verifier *CompiledVerifier // the bare verifier, for calls to it
	Bytecode []byte            // the wrapper's creation code
	errs     *abi.ABI
}

// CompileWrapper compiles the wrapper and its verifier, checks solc's ABIs
// are the ones Export and NewWrapper wrote, and that every contract fits
// the EVM's size limits.
func CompileWrapper(ctx context.Context, solc *Solc, w *Wrapper) (*CompiledWrapper, error) {
	cs, err := solc.Compile(ctx, map[string][]byte{w.Spec.VerifierFile: w.Verifier.Source, w.File: w.Source})
	if err != nil {
		return nil, err
	}
	v, err := checkCompiled(cs, w.Verifier.Contract, w.Verifier.ABI, w.Verifier.Inputs)
	if err != nil {
		return nil, err
	}
	c, err := checkCompiled(cs, w.Name, w.ABI, w.Verifier.Inputs)
	if err != nil {
		return nil, err
	}
	if len(c.Bytecode) > MaxInitCodeSize {
		return nil, fmt.Errorf("evm: the wrapper's creation code (with its verifier) is %d bytes, over the EVM's %d-byte limit (EIP-3860): make fewer tensors public", len(c.Bytecode), MaxInitCodeSize)
	}
	errs, err := ParseABI(w.ABI)
	if err != nil {
		return nil, err
	}
	return &CompiledWrapper{Wrapper: w, Verifier: &CompiledVerifier{Verifier: w.Verifier, Bytecode: v.Bytecode}, Bytecode: c.Bytecode, errs: errs}, nil
}

// ConstructorArgs encodes the wrapper's constructor arguments: the model
// commitment to register, as `zkinfer commit` prints it (Pedersen: 0x and
// 128 hex digits, a point of G1; Poseidon2: 0x and 64), or "" for a circuit
// without one.
func (w *Wrapper) ConstructorArgs(modelCommitment string) ([]byte, error) {
	if w.Spec.ModelCommitment == "" {
		if modelCommitment != "" {
			return nil, fmt.Errorf("this circuit has no model commitment to register (its weights are not hashed)")
		}
		return nil, nil
	}
	if modelCommitment == "" {
		return nil, fmt.Errorf("the wrapper registers the weights' %s commitment at deployment: pass the one `zkinfer commit` prints", w.Spec.ModelCommitment)
	}
	var raw []byte
	if w.Spec.ModelCommitment == circuit.Pedersen {
		d, err := proof.ParsePoint(modelCommitment)
		if err != nil {
			return nil, err
		}
		b := d.RawBytes()
		raw = b[:]
	} else {
		v, err := circuit.ParseSalt(modelCommitment)
		if err != nil {
			return nil, fmt.Errorf("%.80q is not a poseidon2 model commitment (0x and 64 hex digits, below r)", modelCommitment)
		}
		raw = word(v)
	}
	// constructor(bytes): the offset, the length, the bytes (64 or 32: no padding).
	return append(append(word64(32), word64(len(raw))...), raw...), nil
}

// Deploy deploys the wrapper, which deploys its verifier, registering
// modelCommitment (see ConstructorArgs); it returns both addresses.
func (cw *CompiledWrapper) Deploy(ctx context.Context, chain *Chain, modelCommitment string) (wrapper, verifier common.Address, err error) {
	args, err := cw.Wrapper.ConstructorArgs(modelCommitment)
	if err != nil {
		return wrapper, verifier, err
	}
	code := append(append([]byte(nil), cw.Bytecode...), args...)
	if wrapper, err = chain.DeployABI(ctx, code, cw.errs); err != nil {
		return wrapper, verifier, err
	}
	out, err := chain.Call(ctx, wrapper, Selector("verifier()"), cw.errs)
	if err != nil {
		return wrapper, verifier, err
	}
	if len(out) != 32 {
		return wrapper, verifier, fmt.Errorf("evm: the wrapper's verifier() returned %d bytes", len(out))
	}
	return wrapper, common.BytesToAddress(out), nil
}

// Send sends calldata (Wrapper.Calldata) to the wrapper at addr as a
// transaction from one of the chain's accounts: accepted when it does not
// revert, and the reason (a custom error of the wrapper) when it does.
func (cw *CompiledWrapper) Send(ctx context.Context, chain *Chain, from, addr common.Address, calldata []byte) (*Result, error) {
	r, err := chain.TransactFrom(ctx, from, addr, calldata, cw.errs)
	if err != nil {
		return nil, err
	}
	return &Result{Accepted: r.OK, Reason: r.Revert, GasUsed: r.GasUsed, Calldata: len(calldata), Verifier: addr}, nil
}

// Read calls a view of the wrapper at addr; a revert is a *RevertError
// naming the wrapper's error.
func (cw *CompiledWrapper) Read(ctx context.Context, chain *Chain, addr common.Address, calldata []byte) ([]byte, error) {
	return chain.Call(ctx, addr, calldata, cw.errs)
}

// ContextOf reads the context value the wrapper at addr expects from
// subject now.
func (cw *CompiledWrapper) ContextOf(ctx context.Context, chain *Chain, addr, subject common.Address) (*big.Int, error) {
	out, err := cw.Read(ctx, chain, addr, append(Selector("contextOf(address)"), common.LeftPadBytes(subject.Bytes(), 32)...))
	if err != nil {
		return nil, err
	}
	return new(big.Int).SetBytes(out), nil
}
