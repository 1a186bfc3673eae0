//go:build evm

package evmtest

import (
	"context"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"

	"github.com/zkinfer/zkinfer/evm"
)

// Deployed is a contract on a test's simulated chain, called and sent to
// through its ABI; an error of the chain itself fails the test, a revert
// is a result.
type Deployed struct {
	T     testing.TB
	Chain *evm.Chain
	ABI   *abi.ABI
	Addr  common.Address
}

// Call calls the view method with args and returns its unpacked results.
func (d *Deployed) Call(method string, args ...any) []any {
	d.T.Helper()
	data, err := d.ABI.Pack(method, args...)
	if err != nil {
		d.T.Fatal(err)
	}
	out, err := d.Chain.Call(context.Background(), d.Addr, data, d.ABI)
	if err != nil {
		d.T.Fatalf("%s: %v", method, err)
	}
	res, err := d.ABI.Unpack(method, out)
	if err != nil {
		d.T.Fatal(err)
	}
	return res
}

// Send sends method with args from sender from and fails the test unless
// the transaction ends as wanted: want is the revert reason, "" for
// success. what names the case in the failure.
func (d *Deployed) Send(what string, from common.Address, want, method string, args ...any) *evm.Receipt {
	d.T.Helper()
	data, err := d.ABI.Pack(method, args...)
	if err != nil {
		d.T.Fatal(err)
	}
	r, err := d.Chain.TransactFrom(context.Background(), from, d.Addr, data, d.ABI)
	if err != nil {
		d.T.Fatal(err)
	}
	switch {
	case want == "" && !r.OK:
		d.T.Fatalf("%s: reverted (%s)", what, r.Revert)
	case want != "" && r.OK:
		d.T.Fatalf("%s: accepted, want %s", what, want)
	case want != "" && r.Revert != want:
		d.T.Fatalf("%s: reverted with %s, want %s", what, r.Revert, want)
	}
	return r
}
