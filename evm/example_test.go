//go:build evm

package evm_test

import (
	"context"
	"fmt"
	"os"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/evm"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/proof"
	"github.com/zkinfer/zkinfer/quant"
)

// Checking a proof as an Ethereum contract would: zkinfer's own checks,
// then the exported verifier and the directory's wrapper contract on
// go-ethereum's simulated chain (solc from `npm ci`). Not run by go test
// without solc: it has no Output comment.
func ExampleVerifyOnChain() {
	dir, _ := os.MkdirTemp("", "zkinfer")
	defer os.RemoveAll(dir)
	c, err := proof.Compile("../examples/credit/model.onnx", dir, quant.Default, circuit.DefaultVisibility, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := c.Setup(nil); err != nil {
		fmt.Println(err)
		return
	}
	input, _ := model.ReadInput("../examples/credit/input.json")
	p, err := c.Prove(input, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := evm.VerifyOnChain(context.Background(), c, p, evm.OnChainOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("accepted: %v; gas: verifier %d, wrapper %d\n", res.Accepted, res.Verifier.GasUsed, res.Wrapper.GasUsed)
}
