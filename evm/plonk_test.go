//go:build evm

package evm_test

import (
	"encoding/hex"
	"math/big"
	"path/filepath"
	"strings"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/ethereum/go-ethereum/accounts/abi"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/evm"
	"github.com/zkinfer/zkinfer/internal/testkit"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/proof"
	"github.com/zkinfer/zkinfer/quant"
)

// preparePlonk compiles, sets up (from snarkjs's power-9 powers of tau) and
// proves 1l_mlp for PLONK.
func preparePlonk(t *testing.T, mode circuit.RangePolicy) *setup {
	t.Helper()
	dir := filepath.Join(testkit.Corpus(t), "1l_mlp")
	in, err := model.ReadInput(filepath.Join(dir, "input.json"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := proof.CompileWith(filepath.Join(dir, "network.onnx"), t.TempDir(), proof.CompileOptions{
		Quant: quant.Default, Visibility: circuit.DefaultVisibility, RangeCheck: mode, Backend: proof.Plonk})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.SetupWith(proof.SetupOptions{SRS: "../proof/srs/testdata/pot9.ptau"}); err != nil {
		t.Fatal(err)
	}
	p, err := c.Prove(in, nil)
	if err != nil {
		t.Fatal(err)
	}
	vk, err := c.ReadAnyVerifyingKey()
	if err != nil {
		t.Fatal(err)
	}
	v, err := evm.Export(vk)
	if err != nil {
		t.Fatal(err)
	}
	return &setup{c: c, proof: p, v: v}
}

// TestPlonkOnChain: gnark's PLONK verifier, exported and compiled with
// solc (its ABI is the one Export writes), accepts the proof `zkinfer
// verify` accepts and rejects a flipped proof byte, a changed public input,
// a truncated proof and a Groth16 proof; with and without a BSB22
// commitment (lookup range checks).
func TestPlonkOnChain(t *testing.T) {
	o := newOnChain(t)
	g16 := prepare(t, "1l_mlp", circuit.RangeBits) // a Groth16 proof of the same model
	for _, mode := range []circuit.RangePolicy{circuit.RangeBits, circuit.RangeLookup} {
		t.Run(mode.String(), func(t *testing.T) {
			o := *o
			o.t = t
			s := preparePlonk(t, mode)
			wantCommit := 0
			if mode == circuit.RangeLookup {
				wantCommit = 1
			}
			if s.v.Contract != evm.PlonkContractName || s.v.Commitments != wantCommit || s.v.Inputs != s.c.Settings.PublicInputs {
				t.Fatalf("verifier %s takes %d inputs and %d commitments", s.v.Contract, s.v.Inputs, s.v.Commitments)
			}
			d := o.deploy(s.v)
			c := call(t, s.proof)
			if err := c.Check(s.v); err != nil {
				t.Fatal(err)
			}
			good := c.Calldata()
			r := o.verify(d, good)
			if !r.Accepted {
				t.Fatalf("the contract rejects a valid proof: %s", r.Reason)
			}
			t.Logf("1l_mlp/%s plonk: %d constraints, %d public inputs: gas %d, calldata %d bytes", mode, s.c.Settings.Constraints, s.v.Inputs, r.GasUsed, r.Calldata)

			reasons := map[string]int{} // Verify reverts on malformed input, returns false on a wrong proof
			reject := func(what string, data []byte) {
				t.Helper()
				r := o.verify(d, data)
				if r.Accepted {
					t.Fatalf("%s: accepted on chain", what)
				}
				reasons[r.Reason]++
			}
			proofAt := 4 + 32*3 // selector, two offsets, the length
			for _, i := range []int{0, 70, 200, 400, s.v.ProofBytes() - 1} {
				bad := append([]byte(nil), good...)
				bad[proofAt+i] ^= 0x01
				reject("proof byte "+itoa(i)+" flipped", bad)
			}
			inputsAt := len(good) - 32*s.v.Inputs
			for i := range s.v.Inputs {
				bad := append([]byte(nil), good...)
				bad[inputsAt+32*i+31] ^= 0x01
				reject("public input "+itoa(i)+" changed", bad)
			}
			bad := append([]byte(nil), good...)
			w := bad[inputsAt : inputsAt+32]
			new(big.Int).Add(new(big.Int).SetBytes(w), ecc.BN254.ScalarField()).FillBytes(w)
			reject("public input 0 + r", bad)
			short := &evm.Call{Backend: proof.Plonk, Proof: c.Proof[:len(c.Proof)-32], Inputs: c.Inputs}
			reject("truncated proof", short.Calldata())

			gc := call(t, g16.proof)
			if err := gc.Check(s.v); err == nil || !strings.Contains(err.Error(), "proof was made with groth16, the verifier is plonk") {
				t.Fatalf("a Groth16 proof fits the PLONK verifier: %v", err)
			}
			reject("a Groth16 proof", gc.Calldata())
			if err := c.Check(g16.v); err == nil || !strings.Contains(err.Error(), "proof was made with plonk, the verifier is groth16") {
				t.Fatalf("a PLONK proof fits the Groth16 verifier: %v", err)
			}
			t.Logf("rejections: %v", reasons)
			if reasons["Verify returned false"] == 0 {
				t.Fatal("no rejection went through Verify's false: the bool is not checked")
			}
		})
	}
}

// TestPlonkCalldataMatchesABIPack checks the hand-written encoding of
// Verify(bytes, uint256[]) against go-ethereum's ABI packer.
func TestPlonkCalldataMatchesABIPack(t *testing.T) {
	js, err := evm.PlonkVerifierABI()
	if err != nil {
		t.Fatal(err)
	}
	a, err := abi.JSON(strings.NewReader(string(js)))
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{0, 1, 4, 17} {
		for _, size := range []int{768, 864, 770} {
			c := &evm.Call{Backend: proof.Plonk, Proof: make([]byte, size)}
			for i := range c.Proof {
				c.Proof[i] = byte(i * 7)
			}
			ins := []*big.Int{}
			for i := range n {
				ins = append(ins, new(big.Int).Lsh(big.NewInt(int64(i+1)), uint(8*i)))
			}
			c.Inputs = ins
			want, err := a.Pack("Verify", c.Proof, ins)
			if err != nil {
				t.Fatal(err)
			}
			if got := c.Calldata(); hex.EncodeToString(got) != hex.EncodeToString(want) {
				t.Fatalf("n=%d size=%d: calldata\n%x\nwant\n%x", n, size, got, want)
			}
		}
	}
}
