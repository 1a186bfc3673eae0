//go:build evm

package strategy_test

import (
	"context"
	"encoding/hex"
	"math/big"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/ethereum/go-ethereum/common"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/evm"
	"github.com/zkinfer/zkinfer/evm/evmtest"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/ops"
	"github.com/zkinfer/zkinfer/proof"
	"github.com/zkinfer/zkinfer/quant"
)

var salt = big.NewInt(0x5eed) // the operator's weights' salt

const (
	sell, hold, buy = 0, 1, 2
)

// features reads a market snapshot as the oracle posts it: fixed point at
// the model's input scale.
func features(t *testing.T, c *proof.Compiled, path string) ([][]float64, [6]*big.Int) {
	t.Helper()
	in, err := model.ReadInput(path)
	if err != nil {
		t.Fatal(err)
	}
	q, err := c.Model.Quantize(in)
	if err != nil {
		t.Fatal(err)
	}
	var f [6]*big.Int
	for i, v := range q[0].Data {
		f[i] = big.NewInt(v)
	}
	return in, f
}

// signedArgs are a proof's public input and output as the wrapper takes
// them: int256 fixed point.
func signedArgs(call *evm.Call) (in [6]*big.Int, out [3]*big.Int) {
	field := ecc.BN254.ScalarField()
	for i := range in {
		in[i] = ops.Signed(field, call.Inputs[i])
	}
	for i := range out {
		out[i] = ops.Signed(field, call.Inputs[6+i])
	}
	return in, out
}

// TestVault: the vault trades on a valid proof of the registered strategy
// for the posted features, bound to the operator's nonce, and refuses a
// replayed proof (in the same round and in a later one with the same
// features), a proof for stale features, a proof of another strategy, a
// tampered decision, and the operator's proof sent by someone else.
func TestVault(t *testing.T) {
	ctx := context.Background()
	vis := circuit.Visibility{Input: circuit.Public, Params: circuit.Hashed, Output: circuit.Public, ParamBits: 20, ParamCommitment: circuit.Pedersen}
	c := evmtest.Keyed(t, "model.onnx", proof.CompileOptions{Quant: quant.Default, Visibility: vis, RangeCheck: circuit.RangeBits})
	commitment, err := c.PedersenModelCommitment("model.onnx", salt)
	if err != nil {
		t.Fatal(err)
	}
	cs := evmtest.Consumer(t, c, "StrategyModel", "Vault.sol")
	vaultABI, chain := cs.ABI, cs.Chain
	contracts := map[string]*evm.Contract{"Vault": cs.Contract}
	operator, oracle, other := chain.Accounts[0], chain.Accounts[1], chain.Accounts[2]
	d, err := hex.DecodeString(strings.TrimPrefix(commitment, "0x"))
	if err != nil {
		t.Fatal(err)
	}
	args, err := vaultABI.Pack("", d, oracle)
	if err != nil {
		t.Fatal(err)
	}
	v := &evmtest.Deployed{T: t, Chain: chain, ABI: vaultABI}
	if v.Addr, err = chain.DeployABI(ctx, slices.Concat(contracts["Vault"].Bytecode, args), vaultABI); err != nil {
		t.Fatal(err)
	}

	// prove proves the strategy's decision on the snapshot at path with
	// the weights at weights, bound to the operator's current nonce.
	prove := func(path, weights string) *evm.Call {
		t.Helper()
		in, _ := features(t, c, path)
		cb := v.Call("contextBytes", operator)[0].([]byte)
		start := time.Now()
		p, err := c.ProveWith(in, proof.ProveOptions{Weights: weights, ParamSalt: salt, Context: cb})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("proved %s in %v (%d constraints)", path, time.Since(start).Round(time.Millisecond), c.Settings.Constraints)
		if err := c.VerifyWith(p, proof.VerifyOptions{Context: cb}); err != nil {
			t.Fatal(err)
		}
		call, err := evm.NewCall(p)
		if err != nil {
			t.Fatal(err)
		}
		return call
	}
	trade := func(what string, from common.Address, call *evm.Call, want string) *evm.Receipt {
		t.Helper()
		in, out := signedArgs(call)
		return v.Send(what, from, want, "trade", call.Proof, in, out, call.Inputs[len(call.Inputs)-1])
	}
	post := func(path string) {
		t.Helper()
		_, f := features(t, c, path)
		v.Send("post "+path, oracle, "", "postMarket", f)
	}
	position := func() int64 { return v.Call("position")[0].(*big.Int).Int64() }

	if _, f := features(t, c, "buy.json"); true {
		v.Send("features posted by someone else", other, "NotOracle", "postMarket", f)
	}
	post("buy.json")
	good := prove("buy.json", "model.onnx")
	trade("the operator's proof, sent by someone else", other, good, "NotOperator")
	r := trade("a valid proof of a buy", operator, good, "")
	if position() != 1 {
		t.Fatalf("position %d after a buy", position())
	}
	t.Logf("trade: gas %d (a buy, first trade)", r.GasUsed)

	// The same proof again: this round is traded; in the next round with
	// the same features, the operator's nonce is spent.
	trade("the same proof again, same round", operator, good, "AlreadyTraded")
	post("buy.json")
	trade("the same proof in a later round with the same features", operator, good, "WrongContext")

	// A proof for the previous features, once the oracle posts new ones.
	stale := prove("buy.json", "model.onnx")
	post("sell.json")
	trade("a proof on stale features", operator, stale, "StaleMarket")

	// Another strategy of the same architecture: its proof is valid, but
	// not of the registered model.
	trade("another strategy's proof", operator, prove("sell.json", "other_model.onnx"), "WrongModelCommitment")

	// The decision tampered with: sell's and buy's logits swapped.
	sold := prove("sell.json", "model.onnx")
	in, out := signedArgs(sold)
	if out[sell].Cmp(out[buy]) <= 0 || out[sell].Cmp(out[hold]) <= 0 {
		t.Fatalf("the model does not sell on sell.json: %v", out)
	}
	out[sell], out[buy] = out[buy], out[sell]
	v.Send("a tampered decision", operator, "ProofRejected", "trade", sold.Proof, in, out, sold.Inputs[len(sold.Inputs)-1])
	r = trade("the honest sell", operator, sold, "")
	t.Logf("trade: gas %d (a sell)", r.GasUsed)
	if position() != 0 || v.Call("tradedRound")[0].(*big.Int).Int64() != 3 {
		t.Fatalf("position %d, last traded round %v: want 0 after a buy and a sell, round 3", position(), v.Call("tradedRound")[0])
	}
}
