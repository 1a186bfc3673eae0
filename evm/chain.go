//go:build evm

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
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/node"
	"github.com/ethereum/go-ethereum/params"
)

// Chain is go-ethereum's in-process simulated chain with a few funded
// accounts: From sends every transaction unless TransactFrom names another
// of Accounts. Each transaction is mined at once.
type Chain struct {
	sim      *simulated.Backend
	client   simulated.Client
	keys     map[common.Address]*ecdsa.PrivateKey
	From     common.Address
	Accounts []common.Address // From first
	chainID  *big.Int
}

// chainAccounts is how many funded accounts NewChain makes.
const chainAccounts = 3

// maxTxGas is the per-transaction gas cap (EIP-7825, 2^24), the limit a
// transaction whose gas cannot be estimated (it reverts) is sent with.
const maxTxGas = 1 << 24

// NewChain starts a simulated chain with fresh accounts. Close it when
// done.
func NewChain() (*Chain, error) { return newChain(nil) }

// NewDevChain starts a simulated chain whose first account (From) has a
// fixed, public key: its addresses, and so the context bytes a proof for a
// contract deployed there is bound to, are the same in every run
// (DevContext). Never use that key on a real chain.
func NewDevChain() (*Chain, error) {
	key, err := crypto.ToECDSA(crypto.Keccak256([]byte("zkinfer simulated chain account 0")))
	if err != nil {
		return nil, err
	}
	return newChain(key)
}

func newChain(first *ecdsa.PrivateKey) (*Chain, error) {
	balance := new(big.Int).Lsh(big.NewInt(1), 100)
	alloc := types.GenesisAlloc{}
	keys := map[common.Address]*ecdsa.PrivateKey{}
	var accounts []common.Address
	for i := range chainAccounts {
		key, err := crypto.GenerateKey()
		if i == 0 && first != nil {
			key = first
		}
		if err != nil {
			return nil, err
		}
		a := crypto.PubkeyToAddress(key.PublicKey)
		alloc[a], keys[a] = types.Account{Balance: balance}, key
		accounts = append(accounts, a)
	}
	sim := simulated.NewBackend(alloc, func(_ *node.Config, eth *ethconfig.Config) {
		eth.Genesis.Config = osaka(eth.Genesis.Config)
	})
	c := &Chain{sim: sim, client: sim.Client(), keys: keys, From: accounts[0], Accounts: accounts}
	var err error
	if c.chainID, err = c.client.ChainID(context.Background()); err != nil {
		sim.Close()
		return nil, fmt.Errorf("simulated chain: %w", err)
	}
	return c, nil
}

// osaka is the simulated chain's configuration running Osaka, the fork
// Ethereum's mainnet runs, rather than go-ethereum's development forks
// (Amsterdam, Bogota), whose state-gas metering (EIP-8037) prices a new
// storage slot several times higher than mainnet does: gas measured here is
// what a mainnet transaction pays.
func osaka(dev *params.ChainConfig) *params.ChainConfig {
	c := *dev
	c.AmsterdamTime, c.BogotaTime = nil, nil
	return &c
}

// ChainID is the chain's id (block.chainid).
func (c *Chain) ChainID() *big.Int { return new(big.Int).Set(c.chainID) }

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
	return c.DeployABI(ctx, code, nil)
}

// DeployABI is Deploy that names a revert with the custom errors of errs.
func (c *Chain) DeployABI(ctx context.Context, code []byte, errs *abi.ABI) (common.Address, error) {
	r, err := c.send(ctx, c.From, nil, code, errs)
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
	return c.send(ctx, c.From, &to, data, errs)
}

// TransactFrom is Transact sent by from, one of Accounts.
func (c *Chain) TransactFrom(ctx context.Context, from, to common.Address, data []byte, errs *abi.ABI) (*Receipt, error) {
	if c.keys[from] == nil {
		return nil, fmt.Errorf("simulated chain: %s is not one of its accounts", from)
	}
	return c.send(ctx, from, &to, data, errs)
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

func (c *Chain) send(ctx context.Context, from common.Address, to *common.Address, data []byte, errs *abi.ABI) (*Receipt, error) {
	head, err := c.client.HeaderByNumber(ctx, nil)
	if err != nil {
		return nil, err
	}
	nonce, err := c.client.PendingNonceAt(ctx, from)
	if err != nil {
		return nil, err
	}
	tip := big.NewInt(1_000_000_000)
	feeCap := new(big.Int).Add(new(big.Int).Mul(head.BaseFee, big.NewInt(2)), tip)
	msg := ethereum.CallMsg{From: from, To: to, GasFeeCap: feeCap, GasTipCap: tip, Data: data}
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
	signed, err := types.SignTx(tx, types.LatestSignerForChainID(c.chainID), c.keys[from])
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
