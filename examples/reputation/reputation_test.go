//go:build evm

package reputation_test

import (
	"context"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/evm"
	"github.com/zkinfer/zkinfer/evm/evmtest"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/proof"
	"github.com/zkinfer/zkinfer/quant"
)

const claim = "output[0] >= 0.8"

func compile(t *testing.T, claim string) *proof.Compiled {
	vis := circuit.Visibility{Input: circuit.Private, Params: circuit.Fixed, Output: circuit.Private, Claim: claim}
	return evmtest.Keyed(t, "model.onnx", proof.CompileOptions{Quant: quant.Default, Visibility: vis, RangeCheck: circuit.RangeBits})
}

// TestReputation: a trusted seller gets the badge for a proof of the
// claim, bound to them and their nonce; an untrusted seller cannot prove
// it; the same proof again, the seller's proof sent by someone else, and a
// valid proof of a lower threshold (other keys) are refused.
func TestReputation(t *testing.T) {
	ctx := context.Background()
	c := compile(t, claim)
	cs := evmtest.Consumer(t, c, "ReputationModel", "Reputation.sol")
	repABI, chain := cs.ABI, cs.Chain
	contracts := map[string]*evm.Contract{"Reputation": cs.Contract}
	addr, err := chain.DeployABI(ctx, contracts["Reputation"].Bytecode, repABI)
	if err != nil {
		t.Fatal(err)
	}
	seller, other := chain.Accounts[1], chain.Accounts[2]

	rep := &evmtest.Deployed{T: t, Chain: chain, ABI: repABI, Addr: addr}
	call := rep.Call
	prove := func(c *proof.Compiled, path string, who common.Address) (*evm.Call, error) {
		t.Helper()
		in, err := model.ReadInput(path)
		if err != nil {
			t.Fatal(err)
		}
		cb := call("contextBytes", who)[0].([]byte)
		start := time.Now()
		p, err := c.ProveWith(in, proof.ProveOptions{Context: cb})
		if err != nil {
			return nil, err
		}
		t.Logf("proved %s in %v (%d constraints)", path, time.Since(start).Round(time.Millisecond), c.Settings.Constraints)
		if err := c.VerifyWith(p, proof.VerifyOptions{Context: cb}); err != nil {
			t.Fatal(err)
		}
		return evm.NewCall(p)
	}
	attest := func(what string, from common.Address, pc *evm.Call, want string) *evm.Receipt {
		t.Helper()
		return rep.Send(what, from, want, "attest", pc.Proof, pc.Inputs[len(pc.Inputs)-1])
	}
	trusted := func(who common.Address) bool { return call("isTrusted", who)[0].(bool) }

	good, err := prove(c, "trusted.json", seller)
	if err != nil {
		t.Fatal(err)
	}
	attest("the seller's proof, sent by someone else", other, good, "WrongContext")
	r := attest("a trusted seller's proof", seller, good, "")
	t.Logf("attest: gas %d (first badge)", r.GasUsed)
	if !trusted(seller) || trusted(other) {
		t.Fatalf("isTrusted: seller %v, other %v", trusted(seller), trusted(other))
	}
	attest("the same proof again", seller, good, "WrongContext")

	// An untrusted seller's score (0.003) cannot be proven at 0.8.
	if _, err := prove(c, "untrusted.json", other); err == nil || !strings.Contains(err.Error(), "does not hold") {
		t.Fatalf("proving the untrusted seller: %v", err)
	}
	// The same model with a lower threshold proves them: its own keys, and
	// a claim ReputationModel does not pin, so its proof fails here.
	low, err := prove(compile(t, "output[0] >= 0.001"), "untrusted.json", other)
	if err != nil {
		t.Fatal(err)
	}
	attest("a proof of a lower threshold", other, low, "ProofRejected")
	if trusted(other) {
		t.Fatal("the untrusted seller got the badge")
	}

	fresh, err := prove(c, "trusted.json", seller)
	if err != nil {
		t.Fatal(err)
	}
	r = attest("the seller's next proof", seller, fresh, "")
	t.Logf("attest: gas %d (a renewal)", r.GasUsed)
	if n := call("nonces", seller)[0].(*big.Int); n.Int64() != 2 {
		t.Fatalf("the seller's nonce is %v after two badges", n)
	}
}
