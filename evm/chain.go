package evm

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"encoding/binary"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
)

// Chain is go-ethereum's in-process simulated chain with one funded
// account that sends every transaction. Each transaction is mined at once.
type Chain struct {
	sim     *simulated.Backend
	client  simulated.Client
	key     *ecdsa.PrivateKey
	From    common.Address
	chainID *big.Int
}

// maxTxGas is the per-transaction gas cap (EIP-7825, 2^24), the limit a
// transaction whose gas cannot be estimated (it reverts) is sent with.
const maxTxGas = 1 << 24

// NewChain starts a simulated chain. Close it when done.
func NewChain() (*Chain, error) {
	key, err := crypto.GenerateKey()
	if err != nil {
		return nil, err
	}
	from := crypto.PubkeyToAddress(key.PublicKey)
	balance := new(big.Int).Lsh(big.NewInt(1), 100)
	sim := simulated.NewBackend(types.GenesisAlloc{from: {Balance: balance}})
	c := &Chain{sim: sim, client: sim.Client(), key: key, From: from}
	if c.chainID, err = c.client.ChainID(context.Background()); err != nil {
		sim.Close()
		return nil, fmt.Errorf("simulated chain: %w", err)
	}
	return c, nil
}

// Close stops the chain.
func (c *Chain) Close() error { return c.sim.Close() }

// Receipt is the outcome of a mined transaction.
type Receipt struct {
	OK       bool
	GasUsed  uint64         // the whole transaction's gas, 21,000 and calldata included
	Contract common.Address // for a deployment
	Revert   string         // why a failed call reverted, when known
	Logs     []*types.Log
}

// Deploy creates a contract from creation code (constructor arguments
// appended) and fails unless it succeeds.
func (c *Chain) Deploy(ctx context.Context, code []byte) (common.Address, error) {
	r, err := c.send(ctx, nil, code, nil)
	if err != nil {
		return common.Address{}, err
	}
	if !r.OK {
		return common.Address{}, fmt.Errorf("deployment reverted: %s", r.Revert)
	}
	return r.Contract, nil
}

// Transact sends data to a contract and mines it; a reverted transaction
// is a Receipt with OK false, not an error.
func (c *Chain) Transact(ctx context.Context, to common.Address, data []byte, errs *abi.ABI) (*Receipt, error) {
	return c.send(ctx, &to, data, errs)
}

// Call runs a read-only call; a revert is returned as an error carrying
// the decoded reason.
func (c *Chain) Call(ctx context.Context, to common.Address, data []byte, errs *abi.ABI) ([]byte, error) {
	out, err := c.client.CallContract(ctx, ethereum.CallMsg{From: c.From, To: &to, Data: data}, nil)
	if err != nil {
		if reason, ok := revertReason(err, errs); ok {
			return nil, &RevertError{Reason: reason}
		}
		return nil, err
	}
	return out, nil
}

// RevertError is a call that reverted.
type RevertError struct{ Reason string }

func (e *RevertError) Error() string { return "reverted: " + e.Reason }

func (c *Chain) send(ctx context.Context, to *common.Address, data []byte, errs *abi.ABI) (*Receipt, error) {
	head, err := c.client.HeaderByNumber(ctx, nil)
	if err != nil {
		return nil, err
	}
	nonce, err := c.client.PendingNonceAt(ctx, c.From)
	if err != nil {
		return nil, err
	}
	tip := big.NewInt(1_000_000_000)
	feeCap := new(big.Int).Add(new(big.Int).Mul(head.BaseFee, big.NewInt(2)), tip)
	msg := ethereum.CallMsg{From: c.From, To: to, GasFeeCap: feeCap, GasTipCap: tip, Data: data}
	reason := ""
	gas, err := c.client.EstimateGas(ctx, msg)
	if err != nil {
		r, ok := revertReason(err, errs)
		if !ok {
			r = err.Error()
		}
		reason, gas = r, maxTxGas // send it anyway: the receipt records the failure and its gas
	}
	tx := types.NewTx(&types.DynamicFeeTx{ChainID: c.chainID, Nonce: nonce, GasTipCap: tip, GasFeeCap: feeCap, Gas: gas, To: to, Data: data})
	signed, err := types.SignTx(tx, types.LatestSignerForChainID(c.chainID), c.key)
	if err != nil {
		return nil, err
	}
	if err := c.client.SendTransaction(ctx, signed); err != nil {
		return nil, fmt.Errorf("sending the transaction: %w", err)
	}
	c.sim.Commit()
	rc, err := c.client.TransactionReceipt(ctx, signed.Hash())
	if err != nil {
		return nil, fmt.Errorf("the transaction was not mined: %w", err)
	}
	r := &Receipt{OK: rc.Status == types.ReceiptStatusSuccessful, GasUsed: rc.GasUsed, Contract: rc.ContractAddress, Logs: rc.Logs}
	if !r.OK {
		r.Revert = reason
		if r.Revert == "" {
			r.Revert = "unknown reason"
		}
	}
	return r, nil
}

// revertReason decodes a revert's data: a custom error of errs, Error(string)
// or Panic(uint256).
func revertReason(err error, errs *abi.ABI) (string, bool) {
	data, ok := ethclient.RevertErrorData(err)
	if !ok {
		return "", false
	}
	return DecodeRevert(data, errs), true
}

// DecodeRevert names revert data.
func DecodeRevert(data []byte, errs *abi.ABI) string {
	if len(data) < 4 {
		return "no reason given"
	}
	if reason, err := abi.UnpackRevert(data); err == nil {
		return reason
	}
	if errs != nil {
		for name, e := range errs.Errors {
			if string(e.ID[:4]) == string(data[:4]) {
				return name
			}
		}
	}
	var sel [4]byte
	copy(sel[:], data)
	return fmt.Sprintf("error 0x%08x", binary.BigEndian.Uint32(sel[:]))
}

// ParseABI parses ABI JSON.
func ParseABI(js []byte) (*abi.ABI, error) {
	a, err := abi.JSON(bytes.NewReader(js))
	if err != nil {
		return nil, fmt.Errorf("abi: %w", err)
	}
	return &a, nil
}
