//go:build evm

package lender_test

import (
	"context"
	"encoding/hex"
	"math/big"
	"slices"
	"strings"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/ethereum/go-ethereum/common"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/evm"
	"github.com/zkinfer/zkinfer/evm/evmtest"
	"github.com/zkinfer/zkinfer/internal/testkit"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/proof"
	"github.com/zkinfer/zkinfer/quant"
)

const (
	creditModel = "../credit/model.onnx"
	goodInput   = "../credit/input.json"
	riskyInput  = "../credit/input_risky.json"
	claim       = "output[0] >= 0.7"
)

var salt = big.NewInt(0x1234) // the lender's weights' salt

// lender is the Lender contract deployed on a simulated chain over the
// credit model compiled with hashed weights and the claim.
type lender struct {
	*evmtest.Deployed
	t *testing.T
	c *proof.Compiled
}

// prove proves input with the weights at weights, bound to borrower's
// current nonce as the contract states it (contextBytes).
func (l *lender) prove(c *proof.Compiled, input, weights string, borrower common.Address) (*evm.Call, error) {
	l.t.Helper()
	out := l.Call("contextBytes", borrower)
	in, err := model.ReadInput(input)
	if err != nil {
		l.t.Fatal(err)
	}
	opt := proof.ProveOptions{Context: out[0].([]byte)}
	if c.Settings.Visibility.SecretParams() {
		opt.Weights, opt.ParamSalt = weights, salt
	}
	p, err := c.ProveWith(in, opt)
	if err != nil {
		return nil, err
	}
	if err := c.VerifyWith(p, proof.VerifyOptions{Context: opt.Context}); err != nil {
		l.t.Fatalf("zkinfer verify rejects the proof: %v", err)
	}
	call, err := evm.NewCall(p)
	if err != nil {
		l.t.Fatal(err)
	}
	return call, nil
}

func (l *lender) mustProve(c *proof.Compiled, input, weights string, borrower common.Address) *evm.Call {
	l.t.Helper()
	call, err := l.prove(c, input, weights, borrower)
	if err != nil {
		l.t.Fatal(err)
	}
	return call
}

// apply sends applyForLoan(proof, context) from borrower; want is the
// revert reason, "" for a granted loan.
func (l *lender) apply(what string, borrower common.Address, call *evm.Call, want string) *evm.Receipt {
	l.t.Helper()
	return l.Send(what, borrower, want, "applyForLoan", call.Proof, call.Inputs[len(call.Inputs)-1])
}

func (l *lender) loans(borrower common.Address) int64 {
	l.t.Helper()
	return l.Call("loans", borrower)[0].(*big.Int).Int64()
}

// TestLender: the lender grants a loan for a valid proof of a good
// applicant, bound to the applicant and its nonce, and refuses the risky
// applicant (who cannot even be proven), a proof with the claim's bound
// edited, the same proof from another sender, a reused nonce, a proof made
// with other weights and a proof of another model.
func TestLender(t *testing.T) {
	ctx := context.Background()
	vis := circuit.Visibility{Input: circuit.Private, Params: circuit.Hashed, Output: circuit.Private,
		ParamBits: 20, ParamCommitment: circuit.Pedersen, Claim: claim}
	c := evmtest.Keyed(t, creditModel, proof.CompileOptions{Quant: quant.Default, Visibility: vis, RangeCheck: circuit.RangeBits})
	commitment, err := c.PedersenModelCommitment(creditModel, salt)
	if err != nil {
		t.Fatal(err)
	}
	cs := evmtest.Consumer(t, c, "CreditModel", "Lender.sol")
	v, lenderABI, chain := cs.Verifier, cs.ABI, cs.Chain
	contracts := map[string]*evm.Contract{"Lender": cs.Contract}
	l := &lender{Deployed: &evmtest.Deployed{T: t, Chain: chain, ABI: lenderABI}, t: t, c: c}
	deploy := func(commitment []byte) (common.Address, error) {
		args, err := lenderABI.Pack("", commitment)
		if err != nil {
			t.Fatal(err)
		}
		return chain.DeployABI(ctx, slices.Concat(contracts["Lender"].Bytecode, args), lenderABI)
	}
	d, err := hex.DecodeString(strings.TrimPrefix(commitment, "0x"))
	if err != nil {
		t.Fatal(err)
	}
	offCurve := slices.Clone(d)
	offCurve[63] ^= 1
	if _, err := deploy(offCurve); err == nil || !strings.Contains(err.Error(), "BadModelCommitment") {
		t.Fatalf("a lender registering a point off the curve: %v", err)
	}
	if l.Addr, err = deploy(d); err != nil {
		t.Fatal(err)
	}
	borrower, other := chain.Accounts[0], chain.Accounts[1]

	// A valid proof of a good applicant, bound to them: granted.
	good := l.mustProve(c, goodInput, creditModel, borrower)
	r := l.apply("a valid proof of a good applicant", borrower, good, "")
	if l.loans(borrower) != 1 || len(r.Logs) != 1 || r.Logs[0].Topics[0] != lenderABI.Events["LoanGranted"].ID {
		t.Fatalf("loans = %d, logs %v after one grant", l.loans(borrower), r.Logs)
	}
	t.Logf("applyForLoan: gas %d (the applicant's first loan: two storage slots from zero)", r.GasUsed)

	// The risky applicant (score ≈ 0.30) cannot be proven at all.
	if _, err := l.prove(c, riskyInput, creditModel, borrower); err == nil || !strings.Contains(err.Error(), "does not hold") {
		t.Fatalf("proving the risky applicant: %v", err)
	}

	// The same proof again: its nonce is spent.
	l.apply("the same proof again", borrower, good, "WrongContext")

	// A fresh proof of the borrower, sent by someone else (copied from the
	// mempool): refused; then by the borrower: granted.
	fresh := l.mustProve(c, goodInput, creditModel, borrower)
	l.apply("the borrower's proof from another sender", other, fresh, "WrongContext")
	r = l.apply("the borrower's second proof", borrower, fresh, "")
	t.Logf("applyForLoan: gas %d (a later loan)", r.GasUsed)

	// The claim's bound edited: the verifier refuses it, and the lender
	// passes the verifier its own constant, never the caller's.
	field := ecc.BN254.ScalarField()
	bound := circuit.Layout(c.Model, vis).Offset("claim") + 1
	lowered := slices.Clone(fresh.Inputs)
	lowered[bound] = new(big.Int).Mod(big.NewInt(1234), field) // the risky applicant's score
	verifier := l.Call("verifier")[0].(common.Address)
	vc := &evm.CompiledVerifier{Verifier: v}
	res, err := vc.Verify(ctx, chain, verifier, (&evm.Call{Backend: fresh.Backend, Proof: fresh.Proof, Inputs: lowered}).Calldata())
	if err != nil {
		t.Fatal(err)
	}
	if res.Accepted || res.Reason != "ProofInvalid" {
		t.Fatalf("the verifier with the claim's bound lowered: accepted %v, %s", res.Accepted, res.Reason)
	}
	pubOut := l.Call("publicInputs", fresh.Inputs[len(fresh.Inputs)-1])
	if pub := pubOut[0].([3]*big.Int); pub[bound].Cmp(fresh.Inputs[bound]) != 0 || pub[bound].Cmp(lowered[bound]) == 0 {
		t.Fatalf("the lender passes the bound %v, the circuit's is %v", pub[bound], fresh.Inputs[bound])
	}

	// Other weights: a valid proof, refused for its model commitment.
	l.apply("a proof made with other weights", borrower, l.mustProve(c, goodInput, testkit.OtherWeights(t, creditModel), borrower), "WrongModelCommitment")

	// Another model: the credit model with its weights fixed in the circuit.
	plain := evmtest.Keyed(t, creditModel, proof.CompileOptions{Quant: quant.Default, Visibility: circuit.DefaultVisibility, RangeCheck: circuit.RangeBits})
	l.apply("another model's proof", borrower, l.mustProve(plain, goodInput, "", borrower), "WrongProofLength")

	if n := l.loans(borrower) + l.loans(other); n != 2 {
		t.Fatalf("%d loans granted, want 2: a refused application was granted", n)
	}
}
