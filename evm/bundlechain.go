//go:build evm

package evm

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/zkinfer/zkinfer/proof/segment"
)

// CompiledBundle is a bundle contract compiled by solc with its segments'
// verifiers, ready to deploy.
type CompiledBundle struct {
	Bundle    *Bundle
	Verifiers []*CompiledVerifier // each segment's, for calls to it and, when Linked, to deploy
	Bytecode  []byte              // the bundle's creation code
	errs      *abi.ABI
}

// CompileBundle compiles the bundle contract and its verifiers, checks
// solc's ABIs are the ones NewBundle and Export wrote, and that every
// contract fits the EVM's size limits.
func CompileBundle(ctx context.Context, solc *Solc, b *Bundle) (*CompiledBundle, error) {
	src := map[string][]byte{b.File: b.Source}
	for _, s := range b.Segments {
		src[s.File] = s.Verifier.Source
	}
	cs, err := solc.Compile(ctx, src)
	if err != nil {
		return nil, err
	}
	cb := &CompiledBundle{Bundle: b}
	for _, s := range b.Segments {
		v, err := checkCompiled(cs, s.Verifier.Contract, s.Verifier.ABI, s.Verifier.Inputs)
		if err != nil {
			return nil, err
		}
		cb.Verifiers = append(cb.Verifiers, &CompiledVerifier{Verifier: s.Verifier, Bytecode: v.Bytecode})
	}
	c, err := checkCompiled(cs, b.Name, b.ABI, 0)
	if err != nil {
		return nil, err
	}
	if len(c.Bytecode) > MaxInitCodeSize {
		return nil, fmt.Errorf("evm: the bundle contract's creation code (with its %d verifiers) is %d bytes, over the EVM's %d-byte limit (EIP-3860): export it with linked verifiers", len(b.Segments), len(c.Bytecode), MaxInitCodeSize)
	}
	cb.Bytecode = c.Bytecode
	if cb.errs, err = ParseABI(b.ABI); err != nil {
		return nil, err
	}
	return cb, nil
}

// ConstructorArgs encodes the constructor's arguments: the verifiers'
// addresses when Linked, then the model commitment to register (0x and 64
// hex digits, as `zkinfer commit` prints a segmented directory's), or ""
// for a bundle without one.
func (b *Bundle) ConstructorArgs(verifiers []common.Address, modelCommitment string) ([]byte, error) {
	var out []byte
	if b.Linked {
		if len(verifiers) != len(b.Segments) {
			return nil, fmt.Errorf("evm: %d verifier addresses for %d segments", len(verifiers), len(b.Segments))
		}
		for _, a := range verifiers {
			out = append(out, common.LeftPadBytes(a.Bytes(), 32)...)
		}
	}
	if !b.commitment {
		if modelCommitment != "" {
			return nil, errors.New("this bundle has no model commitment to register (its weights are not hashed)")
		}
		return out, nil
	}
	if modelCommitment == "" {
		return nil, errors.New("the bundle contract registers the model commitment at deployment: pass the one `zkinfer commit` prints")
	}
	raw := common.FromHex(modelCommitment)
	if len(raw) != 32 || len(modelCommitment) != 66 {
		return nil, fmt.Errorf("%.80q is not a segmented model commitment (0x and 64 hex digits)", modelCommitment)
	}
	return append(out, raw...), nil
}

// Deploy deploys the bundle contract (and, when Linked, each verifier
// first), registering modelCommitment; it returns the bundle's address and
// its verifiers'.
func (cb *CompiledBundle) Deploy(ctx context.Context, chain *Chain, modelCommitment string) (common.Address, []common.Address, error) {
	var addr common.Address
	var vs []common.Address
	if cb.Bundle.Linked {
		for _, v := range cb.Verifiers {
			a, err := v.Deploy(ctx, chain)
			if err != nil {
				return addr, nil, err
			}
			vs = append(vs, a)
		}
	}
	args, err := cb.Bundle.ConstructorArgs(vs, modelCommitment)
	if err != nil {
		return addr, nil, err
	}
	if addr, err = chain.DeployABI(ctx, append(append([]byte(nil), cb.Bytecode...), args...), cb.errs); err != nil {
		return addr, nil, err
	}
	vs = vs[:0]
	for k := range cb.Verifiers {
		out, err := chain.Call(ctx, addr, Selector(fmt.Sprintf("verifier%d()", k)), cb.errs)
		if err != nil {
			return addr, nil, err
		}
		vs = append(vs, common.BytesToAddress(out))
	}
	return addr, vs, nil
}

// Send sends calldata to the bundle contract at addr as a transaction:
// accepted when it does not revert, and the reason when it does, with the
// segment it names (SegmentRejected(1)).
func (cb *CompiledBundle) Send(ctx context.Context, chain *Chain, addr common.Address, calldata []byte) (*Result, error) {
	r, err := chain.Transact(ctx, addr, calldata, cb.errs)
	if err != nil {
		return nil, err
	}
	res := &Result{Accepted: r.OK, Reason: r.Revert, GasUsed: r.GasUsed, Calldata: len(calldata), Verifier: addr}
	if !r.OK {
		res.Reason = cb.revertDetail(ctx, chain, addr, calldata, r.Revert)
	}
	return res, nil
}

// revertDetail runs the call again read-only to decode the revert's
// arguments: "SegmentRejected(1)".
func (cb *CompiledBundle) revertDetail(ctx context.Context, chain *Chain, addr common.Address, calldata []byte, name string) string {
	_, err := chain.client.CallContract(ctx, ethereum.CallMsg{From: chain.From, To: &addr, Data: calldata}, nil)
	data, ok := ethclient.RevertErrorData(err)
	if !ok || len(data) < 4 {
		return name
	}
	for n, e := range cb.errs.Errors {
		if string(e.ID[:4]) != string(data[:4]) {
			continue
		}
		vals, err := e.Inputs.Unpack(data[4:])
		if err != nil || len(vals) == 0 {
			return n
		}
		s := n + "("
		for i, v := range vals {
			if i > 0 {
				s += ", "
			}
			s += fmt.Sprint(v)
		}
		return s + ")"
	}
	return name
}

// BundleOnChainResult is what VerifyBundleOnChain saw on the chain.
type BundleOnChainResult struct {
	Accepted bool
	Bundle   *Result   // the bundle contract's checkBundle
	Segments []*Result // each segment's proof sent to its verifier alone, for its gas
	Name     string    // the bundle contract's name
	// Registered is the model commitment the bundle was deployed with;
	// RegisteredFromProof says it was the bundle's own, for want of an
	// expected one.
	Registered          string
	RegisteredFromProof bool
	Linked              bool
}

// VerifyBundleOnChain checks bundle b of segmented directory d as `zkinfer
// verify-evm` does: zkinfer's off-chain checks (segment.Dir.Verify; an
// *InvalidError when they refuse), then the bundle contract and its
// verifiers compiled with the pinned solc, deployed on the simulated chain
// (registering the expected model commitment, or the bundle's own), each
// segment's verifier called alone (its gas), and the bundle's checkBundle
// for the context the proofs carry.
func VerifyBundleOnChain(ctx context.Context, d *segment.Dir, b *segment.Bundle, opt OnChainOptions) (*BundleOnChainResult, error) {
	if err := d.Verify(b, opt.Verify); err != nil {
		return nil, &InvalidError{err}
	}
	bc, err := NewBundle(d, "", false)
	if err != nil {
		return nil, err
	}
	calls, err := BundleCalls(b.Segments)
	if err != nil {
		return nil, err
	}
	data, err := bc.Calldata(BundleCheck, calls)
	if err != nil {
		return nil, err
	}
	solc, err := FindSolc()
	if err != nil {
		return nil, err
	}
	start := time.Now()
	cb, err := CompileBundle(ctx, solc, bc)
	if err != nil {
		return nil, err
	}
	opt.Progress.Log("verify-evm: compiled %s and %d segment verifiers with solc %s (%.1fs)", bc.Name, len(bc.Segments), SolcVersion, time.Since(start).Seconds())
	chain, err := NewChain()
	if err != nil {
		return nil, err
	}
	defer chain.Close()
	res := &BundleOnChainResult{Name: bc.Name, Registered: opt.Verify.ModelCommitment, Linked: bc.Linked}
	if bc.commitment && res.Registered == "" {
		res.Registered, res.RegisteredFromProof = b.Commitments["params"], true
	}
	addr, verifiers, err := cb.Deploy(ctx, chain, res.Registered)
	if err != nil {
		return nil, err
	}
	res.Accepted = true
	for k, c := range calls {
		r, err := cb.Verifiers[k].Verify(ctx, chain, verifiers[k], c.Calldata())
		if err != nil {
			return nil, err
		}
		res.Segments = append(res.Segments, r)
		res.Accepted = res.Accepted && r.Accepted
	}
	if res.Bundle, err = cb.Send(ctx, chain, addr, data); err != nil {
		return nil, err
	}
	res.Accepted = res.Accepted && res.Bundle.Accepted
	return res, nil
}

// ContextOf reads the context value the bundle at addr expects from
// subject now.
func (cb *CompiledBundle) ContextOf(ctx context.Context, chain *Chain, addr, subject common.Address) (*big.Int, error) {
	out, err := chain.Call(ctx, addr, append(Selector("contextOf(address)"), common.LeftPadBytes(subject.Bytes(), 32)...), cb.errs)
	if err != nil {
		return nil, err
	}
	return new(big.Int).SetBytes(out), nil
}

// Read calls a view of the bundle contract at addr; a revert is a
// *RevertError naming the contract's error.
func (cb *CompiledBundle) Read(ctx context.Context, chain *Chain, addr common.Address, calldata []byte) ([]byte, error) {
	return chain.Call(ctx, addr, calldata, cb.errs)
}
