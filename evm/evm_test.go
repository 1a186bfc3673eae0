//go:build evm

package evm_test

import (
	"context"
	"encoding/hex"
	"math/big"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/evm"
	"github.com/zkinfer/zkinfer/evm/evmtest"
	"github.com/zkinfer/zkinfer/internal/testkit"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/ops"
	"github.com/zkinfer/zkinfer/proof"
	"github.com/zkinfer/zkinfer/quant"
)

// setup is a compiled, keyed model and a proof of its corpus input.
type setup struct {
	c     *proof.Compiled
	proof *proof.Proof
	v     *evm.Verifier
}

// prepare compiles, sets up and proves a corpus model under a range-check
// mode, skipping models whose operators zkinfer does not support yet.
func prepare(t *testing.T, name string, mode circuit.RangePolicy) *setup {
	t.Helper()
	dir := filepath.Join(testkit.Corpus(t), name)
	in, err := model.ReadInput(filepath.Join(dir, "input.json"))
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	c, err := proof.CompileWith(filepath.Join(dir, "network.onnx"), out, proof.CompileOptions{Quant: quant.Default, Visibility: circuit.DefaultVisibility, RangeCheck: mode})
	if err != nil {
		if strings.Contains(err.Error(), "unsupported operator") {
			t.Skipf("SKIP: %s: %v", name, err)
		}
		t.Fatal(err)
	}
	if mode != circuit.RangeAuto && c.Settings.RangeCheck.String() != mode.String() {
		t.Fatalf("settings record range check %s, want %s", c.Settings.RangeCheck, mode)
	}
	if err := c.Setup(nil); err != nil {
		t.Fatal(err)
	}
	p, err := c.Prove(in, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Verify(p); err != nil {
		t.Fatalf("zkinfer verify rejects the proof: %v", err)
	}
	vk, err := c.ReadAnyVerifyingKey()
	if err != nil {
		t.Fatal(err)
	}
	v, err := exportVK(vk)
	if err != nil {
		t.Fatal(err)
	}
	return &setup{c: c, proof: p, v: v}
}

func exportVK(vk any) (*evm.Verifier, error) { return evm.Export(vk) }

func call(t *testing.T, p *proof.Proof) *evm.Call {
	t.Helper()
	c, err := evm.NewCall(p)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// onChain deploys verifiers and reports what they say.
type onChain struct {
	t     *testing.T
	ctx   context.Context
	solc  *evm.Solc
	chain *evm.Chain
}

func newOnChain(t *testing.T) *onChain {
	solc := evmtest.Solc(t)
	chain, err := evm.NewChain()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { chain.Close() })
	return &onChain{t: t, ctx: context.Background(), solc: solc, chain: chain}
}

type deployed struct {
	*evm.CompiledVerifier
	addr common.Address
}

func (o *onChain) deploy(v *evm.Verifier) *deployed {
	o.t.Helper()
	c, err := evm.CompileVerifier(o.ctx, o.solc, v)
	if err != nil {
		o.t.Fatal(err)
	}
	addr, err := c.Deploy(o.ctx, o.chain)
	if err != nil {
		o.t.Fatal(err)
	}
	return &deployed{c, addr}
}

func (o *onChain) verify(d *deployed, calldata []byte) *evm.Result {
	o.t.Helper()
	r, err := d.Verify(o.ctx, o.chain, d.addr, calldata)
	if err != nil {
		o.t.Fatal(err)
	}
	return r
}

// models are the corpus models proven on chain; conv ones are skipped
// while zkinfer lacks Conv.
var models = []string{"1l_mlp", "accuracy", "1l_conv", "3l_relu_conv_fc"}

// TestVerifierOnChain: for each model and range-check gadget, the exported
// contract accepts the proof `zkinfer verify` accepts, and rejects a
// flipped proof byte, a changed public input, an unreduced public input,
// a proof of the same circuit under other keys and another model's proof.
func TestVerifierOnChain(t *testing.T) {
	o := newOnChain(t)
	var other *setup // the previous model's, for "another model's proof"
	for _, name := range models {
		for _, mode := range []circuit.RangePolicy{circuit.RangeBits, circuit.RangeLookup} {
			t.Run(name+"/"+mode.String(), func(t *testing.T) {
				o := *o
				o.t = t
				s := prepare(t, name, mode)
				wantCommit := 0
				if mode == circuit.RangeLookup {
					wantCommit = 1
				}
				if s.v.Commitments != wantCommit || s.v.Inputs != s.c.Settings.PublicInputs {
					t.Fatalf("verifier takes %d inputs and %d commitments, want %d and %d", s.v.Inputs, s.v.Commitments, s.c.Settings.PublicInputs, wantCommit)
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
				t.Logf("%s/%s: %d constraints, %d public inputs: gas %d, calldata %d bytes", name, mode, s.c.Settings.Constraints, s.v.Inputs, r.GasUsed, r.Calldata)

				// want lists the acceptable reasons ("": any).
				reject := func(what string, data []byte, want ...string) {
					t.Helper()
					r := o.verify(d, data)
					if r.Accepted {
						t.Fatalf("%s: accepted on chain", what)
					}
					if len(want) > 0 && !slices.Contains(want, r.Reason) {
						t.Errorf("%s: rejected with %q, want %q", what, r.Reason, want)
					}
				}
				// Proof bytes start after selector, offset, N inputs and the length.
				proofAt := 4 + 32*(s.v.Inputs+2)
				for _, i := range []int{0, 70, 200, 255, s.v.ProofBytes() - 1} {
					bad := append([]byte(nil), good...)
					bad[proofAt+i] ^= 0x01
					reject("proof byte "+itoa(i)+" flipped", bad)
				}
				for i := range s.v.Inputs {
					bad := append([]byte(nil), good...)
					bad[4+32*(i+1)+31] ^= 0x01
					reject("public input "+itoa(i)+" changed", bad, "ProofInvalid")
				}
				bad := append([]byte(nil), good...)
				word := bad[4+32 : 4+64]
				new(big.Int).Add(new(big.Int).SetBytes(word), ecc.BN254.ScalarField()).FillBytes(word)
				reject("public input 0 + r", bad, "PublicInputNotInField")
				reject("truncated proof", good[:len(good)-32])

				// The same circuit under other keys (small circuits: it is a
				// second setup). With a commitment, its key differs too.
				if s.c.Settings.Constraints < 10_000 {
					again := prepare(t, name, mode)
					reject("proof under other keys", call(t, again.proof).Calldata(), "ProofInvalid", "CommitmentInvalid")
				}
				if other != nil {
					oc := call(t, other.proof)
					reject("another model's proof", oc.Calldata())
					if oc.Check(s.v) == nil {
						t.Logf("%s and this model have verifiers of the same shape", name)
					}
					// Forced into this verifier's shape: still rejected.
					if len(oc.Proof) == s.v.ProofBytes() {
						ins := make([]*big.Int, s.v.Inputs)
						for i := range ins {
							ins[i] = big.NewInt(0)
							if i < len(oc.Inputs) {
								ins[i] = oc.Inputs[i]
							}
						}
						forced := &evm.Call{Proof: oc.Proof, Inputs: ins}
						reject("another model's proof in this shape", forced.Calldata(), "ProofInvalid", "CommitmentInvalid")
					}
				}
				other = s
			})
		}
	}
}

func itoa(i int) string { return big.NewInt(int64(i)).String() }

// TestCalldataMatchesABIPack checks the hand-written encoding against
// go-ethereum's ABI packer and the selector against the ABI.
func TestCalldataMatchesABIPack(t *testing.T) {
	for _, n := range []int{1, 4, 17} {
		for _, commit := range []int{0, 1} {
			js, err := evm.VerifierABI(n, commit)
			if err != nil {
				t.Fatal(err)
			}
			a, err := abi.JSON(strings.NewReader(string(js)))
			if err != nil {
				t.Fatal(err)
			}
			c := &evm.Call{Proof: make([]byte, 256+commit*128)}
			for i := range c.Proof {
				c.Proof[i] = byte(i * 7)
			}
			arr := reflect.New(reflect.ArrayOf(n, reflect.TypeOf(&big.Int{}))).Elem()
			for i := range n {
				v := new(big.Int).Lsh(big.NewInt(int64(i+1)), uint(8*i))
				c.Inputs = append(c.Inputs, v)
				arr.Index(i).Set(reflect.ValueOf(v))
			}
			want, err := a.Pack("verifyProof", c.Proof, arr.Interface())
			if err != nil {
				t.Fatal(err)
			}
			if got := c.Calldata(); hex.EncodeToString(got) != hex.EncodeToString(want) {
				t.Fatalf("n=%d: calldata\n%x\nwant\n%x", n, got, want)
			}
		}
	}
}

// TestExportedABIIsSolcs compiles exported verifiers of both shapes and
// compares solc's ABI with the one Export writes.
func TestExportedABIIsSolcs(t *testing.T) {
	o := newOnChain(t)
	for _, mode := range []circuit.RangePolicy{circuit.RangeBits, circuit.RangeLookup} {
		s := prepare(t, "1l_mlp", mode)
		cs, err := o.solc.Compile(o.ctx, map[string][]byte{"Verifier.sol": s.v.Source})
		if err != nil {
			t.Fatal(err)
		}
		if err := evm.SameABI(cs["Verifier"].ABI, s.v.ABI); err != nil {
			t.Fatalf("%s: %v", mode, err)
		}
		if evm.SameABI(cs["Verifier"].ABI, mustABI(t, s.v.Inputs+1, s.v.Commitments)) == nil {
			t.Fatal("SameABI does not tell a different input count apart")
		}
	}
}

func mustABI(t *testing.T, n, c int) []byte {
	b, err := evm.VerifierABI(n, c)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestBadCalls: malformed proof files are one-line errors, not panics.
func TestBadCalls(t *testing.T) {
	good := &proof.Proof{Protocol: proof.Groth16, Proof: "00", PublicInputs: []string{"0x" + strings.Repeat("00", 32)}}
	for name, p := range map[string]*proof.Proof{
		"protocol":      {Protocol: "plonk", Proof: good.Proof},
		"hex":           {Protocol: proof.Groth16, Proof: "zz"},
		"short proof":   good,
		"input length":  {Protocol: proof.Groth16, Proof: good.Proof, PublicInputs: []string{"0x00"}},
		"input modulus": {Protocol: proof.Groth16, Proof: good.Proof, PublicInputs: []string{"0x" + strings.Repeat("ff", 32)}},
	} {
		_, err := evm.NewCall(p)
		if err == nil || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: err = %v, want a one-line error", name, err)
		}
	}
}

// TestAutoRangeCheck: by default a small model is compiled with bit
// decomposition, recorded in settings.json, so its verifier has no
// commitment.
func TestAutoRangeCheck(t *testing.T) {
	dir := t.TempDir()
	c, err := proof.Compile("../examples/credit/model.onnx", dir, quant.Default, circuit.DefaultVisibility, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Settings.RangeCheck != ops.RangeBits || c.Settings.Constraints > ops.AutoBitsMaxConstraints {
		t.Fatalf("auto chose %q for %d constraints", c.Settings.RangeCheck, c.Settings.Constraints)
	}
	opened, err := proof.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if opened.Settings.RangeCheck != ops.RangeBits {
		t.Fatalf("settings.json records range check %q", opened.Settings.RangeCheck)
	}
	if err := c.Setup(nil); err != nil {
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
	if v.Commitments != 0 || v.ProofBytes() != 256 {
		t.Fatalf("default verifier has %d commitments", v.Commitments)
	}
	if _, err := circuit.ParseRangePolicy("bit"); err == nil {
		t.Fatal("an unknown range check was accepted")
	}
	if _, err := proof.CompileWith("../examples/credit/model.onnx", t.TempDir(), proof.CompileOptions{Quant: quant.Default, Visibility: circuit.DefaultVisibility, RangeCheck: 7}); err == nil {
		t.Fatal("an unknown range-check policy compiled")
	}
}
