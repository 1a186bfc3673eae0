//go:build evm

package evmtest

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi"

	"github.com/zkinfer/zkinfer/evm"
	"github.com/zkinfer/zkinfer/proof"
)

// ConsumerSetup is a consumer contract (a lender, a vault: a contract that
// inherits a directory's wrapper) compiled with that directory's verifier
// and wrapper, and a simulated chain to deploy it on.
type ConsumerSetup struct {
	Verifier *evm.Verifier
	Contract *evm.Contract
	ABI      *abi.ABI
	Chain    *evm.Chain
}

// Consumer compiles the consumer contract in file sol (its contract named
// after the file: Lender.sol holds Lender) with c's exported verifier, as
// Verifier.sol, and a wrapper named wrapper, and starts a simulated chain
// that closes when the test ends.
func Consumer(t testing.TB, c *proof.Compiled, wrapper, sol string) *ConsumerSetup {
	t.Helper()
	solc := Solc(t)
	vk, err := c.ReadAnyVerifyingKey()
	if err != nil {
		t.Fatal(err)
	}
	v, err := evm.Export(vk)
	if err != nil {
		t.Fatal(err)
	}
	w, err := evm.NewWrapper(c, v, wrapper, "Verifier.sol")
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(sol)
	if err != nil {
		t.Fatal(err)
	}
	contracts, err := solc.Compile(context.Background(), map[string][]byte{"Verifier.sol": v.Source, w.File: w.Source, sol: src})
	if err != nil {
		t.Fatal(err)
	}
	name := strings.TrimSuffix(sol, ".sol")
	con := contracts[name]
	if con == nil {
		t.Fatalf("%s holds no contract %s", sol, name)
	}
	a, err := evm.ParseABI(con.ABI)
	if err != nil {
		t.Fatal(err)
	}
	chain, err := evm.NewChain()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { chain.Close() })
	return &ConsumerSetup{Verifier: v, Contract: con, ABI: a, Chain: chain}
}
