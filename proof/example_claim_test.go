package proof_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/proof"
	"github.com/zkinfer/zkinfer/quant"
)

// A lender's proof: the applicant's score clears 0.7, the score itself
// stays secret, and the proof is bound to the context the lender chose
// (here a plain label; a contract uses its chain, address, the borrower
// and a nonce: see the evm package). Describe says what was proven.
func ExampleCompiled_Describe() {
	dir, _ := os.MkdirTemp("", "zkinfer")
	defer os.RemoveAll(dir)

	vis := circuit.Visibility{Input: circuit.Private, Params: circuit.Fixed, Output: circuit.Private, Claim: "output[0] >= 0.7"}
	c, err := proof.CompileWith(creditModel, dir, proof.CompileOptions{Quant: quant.Default, Visibility: vis})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := c.Setup(nil); err != nil {
		fmt.Println(err)
		return
	}
	ctx := []byte("loan 17 for alice")
	good, _ := model.ReadInput(creditInput)
	p, err := c.ProveWith(good, proof.ProveOptions{Context: ctx})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := c.VerifyWith(p, proof.VerifyOptions{Context: ctx}); err != nil {
		fmt.Println(err)
		return
	}
	// The statement starts with the model file's SHA-256.
	fmt.Println(strings.SplitN(c.Describe(p), "…, ", 2)[1])
	fmt.Println("for bob:", c.VerifyWith(p, proof.VerifyOptions{Context: []byte("loan 17 for bob")}) != nil)

	risky, _ := model.ReadInput("../examples/credit/input_risky.json")
	_, err = c.ProveWith(risky, proof.ProveOptions{Context: ctx})
	fmt.Println(err)
	// Output:
	// whose weights are fixed in the circuit, ran on a private input that stays secret, and its outputs satisfy the claim "output[0] >= 0.7" (the outputs themselves stay secret); the proof is bound to the context 0x6c6f616e20313720666f7220616c696365
	// for bob: true
	// prove: the claim "output[0] >= 0.7" does not hold for this input
}
