//go:build evm

package evm

import (
	"context"
	"time"

	"github.com/zkinfer/zkinfer/proof"
)

// OnChainOptions choose how VerifyOnChain checks a proof.
type OnChainOptions struct {
	// Verify are the expectations zkinfer checks off chain first (a model
	// commitment, an input commitment, the claim, the context); the
	// wrapper registers Verify.ModelCommitment, or the proof's own when it
	// is empty (OnChainResult.RegisteredFromProof).
	Verify proof.VerifyOptions
	// Bare deploys and calls the verifier alone, without the wrapper: its
	// checks are then zkinfer's, off chain.
	Bare bool
	// Progress, when set, hears about the slow steps.
	Progress proof.Progress
}

// OnChainResult is what VerifyOnChain saw on the chain. Accepted is true
// only when every contract it called accepted the proof.
type OnChainResult struct {
	Accepted bool
	Verifier *Result // the bare verifier's transaction
	Wrapper  *Result // the wrapper's check (nil with Bare)
	// Signature is the verifier's function; WrapperName the wrapper's
	// contract.
	Signature, WrapperName string
	// Registered is the model commitment the wrapper was deployed with;
	// RegisteredFromProof says it was the proof's own, for want of an
	// expected one.
	Registered          string
	RegisteredFromProof bool
}

// VerifyOnChain checks proof p of compiled directory c as `zkinfer
// verify-evm` does: zkinfer's off-chain checks (an *InvalidError when they
// refuse), then the exported verifier and its wrapper compiled with the
// pinned solc, deployed on go-ethereum's simulated chain (the wrapper
// registering the expected model commitment), and called: the verifier's
// verifyProof (or Verify) as a transaction, then the wrapper's check for
// the context the proof carries. A proof a contract rejects is a result
// with Accepted false and the reason, not an error.
func VerifyOnChain(ctx context.Context, c *proof.Compiled, p *proof.Proof, opt OnChainOptions) (*OnChainResult, error) {
	v, err := ExportDir(c)
	if err != nil {
		return nil, err
	}
	call, err := CheckedCall(c, v, p, opt.Verify)
	if err != nil {
		return nil, err
	}
	solc, err := FindSolc()
	if err != nil {
		return nil, err
	}
	chain, err := NewChain()
	if err != nil {
		return nil, err
	}
	defer chain.Close()
	res := &OnChainResult{Signature: v.Signature()}
	start := time.Now()
	if opt.Bare {
		cv, err := CompileVerifier(ctx, solc, v)
		if err != nil {
			return nil, err
		}
		opt.Progress.Log("verify-evm: compiled %s with solc %s (%.1fs)", v.Contract, SolcVersion, time.Since(start).Seconds())
		addr, err := cv.Deploy(ctx, chain)
		if err != nil {
			return nil, err
		}
		if res.Verifier, err = cv.Verify(ctx, chain, addr, call.Calldata()); err != nil {
			return nil, err
		}
		res.Accepted = res.Verifier.Accepted
		return res, nil
	}
	w, err := NewWrapper(c, v, "", "")
	if err != nil {
		return nil, err
	}
	cw, err := CompileWrapper(ctx, solc, w)
	if err != nil {
		return nil, err
	}
	res.WrapperName = w.Name
	opt.Progress.Log("verify-evm: compiled %s and %s with solc %s (%.1fs)", v.Contract, w.Name, SolcVersion, time.Since(start).Seconds())
	res.Registered = opt.Verify.ModelCommitment
	if w.Spec.ModelCommitment != "" && res.Registered == "" {
		res.Registered, res.RegisteredFromProof = p.Commitments["params"], true
	}
	addr, verifierAddr, err := cw.Deploy(ctx, chain, res.Registered)
	if err != nil {
		return nil, err
	}
	if res.Verifier, err = cw.Verifier.Verify(ctx, chain, verifierAddr, call.Calldata()); err != nil {
		return nil, err
	}
	if !res.Verifier.Accepted {
		return res, nil
	}
	// The wrapper's view, for the context the proof carries (checked above
	// against the expected one, when given).
	data, err := w.Calldata(WrapperCheck, call)
	if err != nil {
		return nil, err
	}
	if res.Wrapper, err = cw.Send(ctx, chain, chain.From, addr, data); err != nil {
		return nil, err
	}
	res.Accepted = res.Wrapper.Accepted
	return res, nil
}
