//go:build evm

package evm

import (
	"context"
	"math/big"

	"github.com/ethereum/go-ethereum/common"

	"github.com/zkinfer/zkinfer/proof"
)

// Result is the outcome of one on-chain verification.
type Result struct {
	Accepted bool
	Reason   string // why it was rejected
	GasUsed  uint64 // of the verifyProof transaction, 21,000 and calldata included
	Calldata int    // bytes
	Verifier common.Address
}

// Deploy deploys the verifier on the chain.
func (c *CompiledVerifier) Deploy(ctx context.Context, chain *Chain) (common.Address, error) {
	return chain.Deploy(ctx, c.Bytecode)
}

// Verify sends the call to the verifier at addr as a transaction. A Groth16
// proof is accepted when the transaction succeeds (verifyProof reverts
// otherwise); a PLONK proof when it succeeds and Verify returns true, which
// a read-only call of the same data tells.
func (c *CompiledVerifier) Verify(ctx context.Context, chain *Chain, addr common.Address, calldata []byte) (*Result, error) {
	errs, err := ParseABI(c.Verifier.ABI)
	if err != nil {
		return nil, err
	}
	r, err := chain.Transact(ctx, addr, calldata, errs)
	if err != nil {
		return nil, err
	}
	res := &Result{Accepted: r.OK, Reason: r.Revert, GasUsed: r.GasUsed, Calldata: len(calldata), Verifier: addr}
	if r.OK && c.Verifier.Backend == proof.Plonk {
		out, err := chain.Call(ctx, addr, calldata, errs)
		if err != nil {
			return nil, err
		}
		if len(out) != 32 || new(big.Int).SetBytes(out).Cmp(big.NewInt(1)) != 0 {
			res.Accepted, res.Reason = false, "Verify returned false"
		}
	}
	return res, nil
}
