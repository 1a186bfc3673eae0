//go:build evm

package evm

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/zkinfer/zkinfer/proof"
)

// ConsumerOptions name a contract that inherits the wrapper (as
// examples/lender/Lender.sol does) for VerifyWithConsumer.
type ConsumerOptions struct {
	// Verify are the expectations zkinfer checks off chain first; the
	// consumer is deployed with Verify.ModelCommitment, or the proof's
	// own when it is empty.
	Verify proof.VerifyOptions
	// Path is the consumer's Solidity file; it imports the wrapper as
	// "./NAME.sol" (the wrapper takes that NAME).
	Path   string
	Source []byte
	// Function is the consumer's function called with (proof, context);
	// "" picks its one non-view function taking (bytes, uint256).
	Function string
	Progress proof.Progress
}

// ConsumerResult is what the consumer's call did on the chain.
type ConsumerResult struct {
	Contract, Function string // the consumer and its function's signature
	Receipt            *Receipt
	Registered         string // the model commitment it was deployed with
	// Context is what the consumer expects a proof to be bound to
	// (DevContext), for the hint when it rejects one.
	Context []byte
}

var importRe = regexp.MustCompile(`import\s*\{\s*(\w+)\s*\}\s*from\s*"\./(\w+)\.sol"`)

// DevContext is the context bytes a proof must be bound to (prove
// --context) for the consumer VerifyWithConsumer deploys on NewDevChain:
// the chain's id, the consumer's address (From's first deployment), From,
// and From's nonce 0 in the consumer.
func DevContext(chain *Chain) ([]byte, error) {
	return ContextBytes(chain.ChainID(), crypto.CreateAddress(chain.From, 0), chain.From, new(big.Int))
}

// VerifyWithConsumer checks proof p as verify does (an *InvalidError when
// the checks refuse), compiles the consumer with the directory's verifier
// and wrapper, deploys it first on a NewDevChain (registering the model
// commitment, when its constructor takes one), and calls its function with
// the proof and the proof's context from From. A reverted call is a result
// whose Receipt is not OK, not an error.
func VerifyWithConsumer(ctx context.Context, c *proof.Compiled, p *proof.Proof, opt ConsumerOptions) (*ConsumerResult, error) {
	v, err := ExportDir(c)
	if err != nil {
		return nil, err
	}
	call, err := CheckedCall(c, v, p, opt.Verify)
	if err != nil {
		return nil, err
	}
	m := importRe.FindSubmatch(opt.Source)
	if m == nil || string(m[1]) != string(m[2]) {
		return nil, fmt.Errorf("%s imports no wrapper: it must import {NAME} from \"./NAME.sol\" and inherit NAME (see examples/lender/Lender.sol)", opt.Path)
	}
	w, err := NewWrapper(c, v, string(m[1]), v.Contract+".sol")
	if err != nil {
		return nil, err
	}
	solc, err := FindSolc()
	if err != nil {
		return nil, err
	}
	file := filepath.Base(opt.Path)
	name := strings.TrimSuffix(file, filepath.Ext(file))
	cs, err := solc.Compile(ctx, map[string][]byte{w.Spec.VerifierFile: v.Source, w.File: w.Source, file: opt.Source})
	if err != nil {
		return nil, err
	}
	con, ok := cs[name]
	if !ok {
		return nil, fmt.Errorf("%s defines no contract %s (the contract is named after its file)", opt.Path, name)
	}
	opt.Progress.Log("verify-evm: compiled %s with %s and %s (solc %s)", name, w.Name, v.Contract, SolcVersion)
	cabi, err := ParseABI(con.ABI)
	if err != nil {
		return nil, err
	}
	wabi, err := ParseABI(w.ABI)
	if err != nil {
		return nil, err
	}
	fn, err := consumerFunction(cabi, wabi, opt.Function, name)
	if err != nil {
		return nil, err
	}
	res := &ConsumerResult{Contract: name, Function: fn.Sig, Registered: opt.Verify.ModelCommitment}
	var args []byte
	switch in := cabi.Constructor.Inputs; {
	case len(in) == 0:
	case len(in) == 1 && in[0].Type.T == abi.BytesTy && w.Spec.ModelCommitment != "":
		if res.Registered == "" {
			res.Registered = p.Commitments["params"]
		}
		if args, err = w.ConstructorArgs(res.Registered); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("the constructor of %s takes %d arguments: verify-evm deploys it with the model commitment (bytes) or nothing", name, len(in))
	}
	chain, err := NewDevChain()
	if err != nil {
		return nil, err
	}
	defer chain.Close()
	if res.Context, err = DevContext(chain); err != nil {
		return nil, err
	}
	addr, err := chain.DeployABI(ctx, slices.Concat(con.Bytecode, args), cabi)
	if err != nil {
		return nil, fmt.Errorf("deploying %s: %w", name, err)
	}
	data, err := cabi.Pack(fn.Name, call.Proof, call.Inputs[len(call.Inputs)-1])
	if err != nil {
		return nil, err
	}
	if res.Receipt, err = chain.Transact(ctx, addr, data, cabi); err != nil {
		return nil, err
	}
	return res, nil
}

// consumerFunction finds the function named name, or the one non-view
// function taking (bytes, uint256) that the consumer adds to the
// wrapper's (whose ABI is inherited).
func consumerFunction(a, inherited *abi.ABI, name, contract string) (*abi.Method, error) {
	var found []abi.Method
	for _, m := range a.Methods {
		in := m.Inputs
		if m.IsConstant() || len(in) != 2 || in[0].Type.T != abi.BytesTy || in[1].Type.String() != "uint256" {
			continue
		}
		if _, ok := inherited.Methods[m.Name]; ok && name == "" {
			continue
		}
		if name == "" || m.Name == name {
			found = append(found, m)
		}
	}
	switch {
	case len(found) == 1:
		return &found[0], nil
	case name != "":
		return nil, fmt.Errorf("%s has no function %s(bytes proof, uint256 context) that changes state", contract, name)
	case len(found) == 0:
		return nil, errors.New(contract + " has no function (bytes proof, uint256 context) that changes state: write one that calls _verifyFor (see examples/lender/Lender.sol)")
	}
	return nil, fmt.Errorf("%s has %d functions taking (bytes, uint256): name one with --call", contract, len(found))
}
