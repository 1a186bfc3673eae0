package lender_test

import (
	"context"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/evm"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/proof"
	"github.com/zkinfer/zkinfer/quant"
)

const creditDir = "../credit"

// keyed compiles and sets up a model into a temporary directory.
func keyed(t *testing.T, modelPath string) *proof.Compiled {
	t.Helper()
	c, err := proof.Compile(modelPath, t.TempDir(), quant.Default, circuit.DefaultVisibility, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Setup(nil); err != nil {
		t.Fatal(err)
	}
	return c
}

func prove(t *testing.T, c *proof.Compiled, input string) *evm.Call {
	t.Helper()
	in, err := model.ReadInput(input)
	if err != nil {
		t.Fatal(err)
	}
	p, err := c.Prove(in, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Verify(p); err != nil {
		t.Fatal(err)
	}
	call, err := evm.NewCall(p)
	if err != nil {
		t.Fatal(err)
	}
	return call
}

// TestLender: the lender grants a loan for a valid proof of a good score,
// and refuses a valid proof of a low score, a forged score, a proof under
// other keys and another model's proof.
func TestLender(t *testing.T) {
	solc, err := evm.FindSolc()
	if errors.Is(err, evm.ErrNoSolc) {
		t.Skipf("SKIP: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	modelPath := filepath.Join(creditDir, "model.onnx")
	if _, err := os.Stat(modelPath); err != nil {
		t.Fatalf("the credit model is missing: %v", err)
	}
	ctx := context.Background()

	c := keyed(t, modelPath)
	if c.Settings.PublicInputs != 1 {
		t.Fatalf("the credit circuit has %d public inputs, the test expects the score alone", c.Settings.PublicInputs)
	}
	good := prove(t, c, filepath.Join(creditDir, "input.json"))
	risky := prove(t, c, filepath.Join(creditDir, "input_risky.json"))

	vk, err := c.ReadVerifyingKey()
	if err != nil {
		t.Fatal(err)
	}
	v, err := evm.Export(vk)
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("Lender.sol")
	if err != nil {
		t.Fatal(err)
	}
	contracts, err := solc.Compile(ctx, map[string][]byte{"Verifier.sol": v.Source, "Lender.sol": src})
	if err != nil {
		t.Fatal(err)
	}
	lenderABI, err := evm.ParseABI(contracts["Lender"].ABI)
	if err != nil {
		t.Fatal(err)
	}

	chain, err := evm.NewChain()
	if err != nil {
		t.Fatal(err)
	}
	defer chain.Close()
	verifier, err := chain.Deploy(ctx, contracts["Verifier"].Bytecode)
	if err != nil {
		t.Fatal(err)
	}
	// Threshold 0.5 at the score's fixed-point scale.
	scale := c.Settings.Outputs[0].Scale
	threshold := new(big.Int).Lsh(big.NewInt(1), uint(scale-1))
	deploy := func(verifier common.Address) (common.Address, error) {
		args, err := lenderABI.Pack("", verifier, big.NewInt(int64(v.Inputs)), big.NewInt(0), threshold)
		if err != nil {
			t.Fatal(err)
		}
		return chain.Deploy(ctx, append(append([]byte(nil), contracts["Lender"].Bytecode...), args...))
	}
	if _, err := deploy(common.HexToAddress("0x1234")); err == nil {
		t.Fatal("a lender over an address without code was deployed")
	}
	lender, err := deploy(verifier)
	if err != nil {
		t.Fatal(err)
	}

	apply := func(call *evm.Call) *evm.Receipt {
		t.Helper()
		data, err := lenderABI.Pack("applyForLoan", call.Proof, call.Inputs)
		if err != nil {
			t.Fatal(err)
		}
		r, err := chain.Transact(ctx, lender, data, lenderABI)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	loans := func() int64 {
		t.Helper()
		out, err := chain.Call(ctx, lender, mustPack(t, lenderABI, "loans", chain.From), lenderABI)
		if err != nil {
			t.Fatal(err)
		}
		return new(big.Int).SetBytes(out).Int64()
	}
	refuse := func(what string, call *evm.Call, want string) {
		t.Helper()
		r := apply(call)
		if r.OK {
			t.Fatalf("%s: loan granted", what)
		}
		if r.Revert != want {
			t.Fatalf("%s: refused with %q, want %q", what, r.Revert, want)
		}
	}

	// A valid proof of a good score: granted.
	r := apply(good)
	if !r.OK {
		t.Fatalf("valid proof of score %v refused: %s", good.Inputs[0], r.Revert)
	}
	if n := loans(); n != 1 {
		t.Fatalf("loans = %d after one grant", n)
	}
	if len(r.Logs) != 1 || r.Logs[0].Topics[0] != lenderABI.Events["LoanGranted"].ID {
		t.Fatalf("no LoanGranted event: %v", r.Logs)
	}
	t.Logf("applyForLoan: gas %d (score %v, threshold %v)", r.GasUsed, good.Inputs[0], threshold)

	// A valid proof of a low score: refused by the lender.
	if risky.Inputs[0].Cmp(threshold) >= 0 {
		t.Fatalf("the risky applicant scores %v, not below %v", risky.Inputs[0], threshold)
	}
	refuse("valid proof of a low score", risky, "ScoreTooLow")

	// The low score's proof with the score raised: refused by the verifier.
	forged := &evm.Call{Proof: risky.Proof, Inputs: []*big.Int{new(big.Int).Set(good.Inputs[0])}}
	refuse("forged score", forged, "ProofRejected")

	// The same model under other keys: the deployed verifier refuses it.
	refuse("proof under other keys", prove(t, keyed(t, modelPath), filepath.Join(creditDir, "input.json")), "ProofRejected")

	// Wrong number of inputs.
	refuse("two inputs", &evm.Call{Proof: good.Proof, Inputs: []*big.Int{good.Inputs[0], good.Inputs[0]}}, "WrongInputCount")

	// Another model with one public output, scoring high: still refused.
	corpus := os.Getenv("ZKINFER_CORPUS_DIR")
	if corpus == "" {
		corpus = "../../../shared/corpus/ezkl"
	}
	other := filepath.Join(corpus, "2l_relu_fc")
	if _, err := os.Stat(other); err != nil {
		t.Logf("SKIP another model's proof: corpus not found at %s", corpus)
	} else {
		oc := prove(t, keyed(t, filepath.Join(other, "network.onnx")), filepath.Join(other, "input.json"))
		if len(oc.Inputs) != 1 {
			t.Fatalf("2l_relu_fc has %d public inputs, want 1", len(oc.Inputs))
		}
		refuse("another model's proof", oc, "ProofRejected")
		oc.Inputs[0] = new(big.Int).Set(good.Inputs[0]) // with a passing score
		refuse("another model's proof, passing score", oc, "ProofRejected")
	}
	if n := loans(); n != 1 {
		t.Fatalf("loans = %d, want 1: a refused application was granted", n)
	}
}

func mustPack(t *testing.T, a *abi.ABI, method string, args ...any) []byte {
	t.Helper()
	b, err := a.Pack(method, args...)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
