//go:build evm

package evm_test

import (
	"context"
	"math/big"
	"slices"
	"strconv"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"

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

const (
	creditModel = "../examples/credit/model.onnx"
	creditInput = "../examples/credit/input.json"
)

// wrapped is a compiled, keyed directory whose wrapper is deployed on a
// simulated chain, registering the commitment of the weights in weights
// (salt paramSalt) when they are hashed.
type wrapped struct {
	t               *testing.T
	ctx             context.Context
	chain           *evm.Chain
	c               *proof.Compiled
	cw              *evm.CompiledWrapper
	addr, verifier  common.Address
	weights         string
	paramSalt, salt *big.Int
	modelCommitment string
	input           [][]float64
}

// newWrapped compiles and sets up path under opt, and deploys its wrapper.
func newWrapped(t *testing.T, chain *evm.Chain, solc *evm.Solc, path, input string, opt proof.CompileOptions) *wrapped {
	t.Helper()
	in, err := model.ReadInput(input)
	if err != nil {
		t.Fatal(err)
	}
	if opt.Quant == (quant.Settings{}) {
		opt.Quant = quant.Default
	}
	// The zero RangeCheck is auto: bits for these small models, so their
	// verifiers have at most the weights' commitment.
	w := &wrapped{t: t, ctx: context.Background(), chain: chain, c: evmtest.Keyed(t, path, opt), input: in,
		paramSalt: big.NewInt(0x1234), salt: big.NewInt(0x99)}
	if opt.Visibility.SecretParams() {
		w.weights = path
	}
	w.modelCommitment = w.commitment(path, w.paramSalt)
	vk, err := w.c.ReadAnyVerifyingKey()
	if err != nil {
		t.Fatal(err)
	}
	v, err := evm.Export(vk)
	if err != nil {
		t.Fatal(err)
	}
	wr, err := evm.NewWrapper(w.c, v, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if w.cw, err = evm.CompileWrapper(w.ctx, solc, wr); err != nil {
		t.Fatal(err)
	}
	if w.addr, w.verifier, err = w.cw.Deploy(w.ctx, chain, w.modelCommitment); err != nil {
		t.Fatal(err)
	}
	return w
}

// commitment is the model commitment of the weights at path with salt, as
// `zkinfer commit` prints it ("" when the weights are not hashed).
func (w *wrapped) commitment(path string, salt *big.Int) string {
	w.t.Helper()
	vis := w.c.Settings.Visibility
	var (
		d   string
		err error
	)
	switch {
	case vis.PedersenParams():
		d, err = w.c.PedersenModelCommitment(path, salt)
	case vis.Params == circuit.Hashed:
		d, err = proof.ModelCommitment(path, w.c.Settings.Quant, vis.ParamBits, salt)
	}
	if err != nil {
		w.t.Fatal(err)
	}
	return d
}

// contextFor is the context the wrapper expects from subject at nonce.
func (w *wrapped) contextFor(subject common.Address, nonce int64) []byte {
	w.t.Helper()
	b, err := evm.ContextBytes(w.chain.ChainID(), w.addr, subject, big.NewInt(nonce))
	if err != nil {
		w.t.Fatal(err)
	}
	return b
}

// prove proves the directory's input with the weights at weights (and
// paramSalt), bound to context.
func (w *wrapped) prove(weights string, paramSalt *big.Int, context []byte) *evm.Call {
	w.t.Helper()
	p, err := w.c.ProveWith(w.input, proof.ProveOptions{Weights: weights, Salt: w.salt, ParamSalt: paramSalt, Context: context})
	if err != nil {
		w.t.Fatal(err)
	}
	if err := w.c.VerifyWith(p, proof.VerifyOptions{Context: context}); err != nil {
		w.t.Fatalf("zkinfer verify rejects the proof: %v", err)
	}
	cl, err := evm.NewCall(p)
	if err != nil {
		w.t.Fatal(err)
	}
	return cl
}

// send sends the wrapper's fn with the call's proof and values from.
func (w *wrapped) send(fn string, from common.Address, c *evm.Call) *evm.Result {
	w.t.Helper()
	data, err := w.cw.Wrapper.Calldata(fn, c)
	if err != nil {
		w.t.Fatal(err)
	}
	r, err := w.cw.Send(w.ctx, w.chain, from, w.addr, data)
	if err != nil {
		w.t.Fatal(err)
	}
	return r
}

// expect fails the test unless sending fn gives the reason want ("" for
// acceptance).
func (w *wrapped) expect(what, fn string, from common.Address, c *evm.Call, want string) *evm.Result {
	w.t.Helper()
	r := w.send(fn, from, c)
	switch {
	case want == "" && !r.Accepted:
		w.t.Fatalf("%s: %s rejected: %s", what, fn, r.Reason)
	case want != "" && r.Accepted:
		w.t.Fatalf("%s: %s accepted, want %s", what, fn, want)
	case want != "" && r.Reason != want:
		w.t.Fatalf("%s: %s rejected with %s, want %s", what, fn, r.Reason, want)
	}
	return r
}

// bare sends the call to the bare verifier.
func (w *wrapped) bare(c *evm.Call) *evm.Result {
	w.t.Helper()
	r, err := w.cw.Verifier.Verify(w.ctx, w.chain, w.verifier, c.Calldata())
	if err != nil {
		w.t.Fatal(err)
	}
	return r
}

// publicInputs asks the wrapper which public inputs it passes for the
// call's values.
func (w *wrapped) publicInputs(c *evm.Call) []*big.Int {
	w.t.Helper()
	data, err := w.cw.Wrapper.Calldata(evm.WrapperPublicInputs, c)
	if err != nil {
		w.t.Fatal(err)
	}
	out, err := w.cw.Read(w.ctx, w.chain, w.addr, data)
	if err != nil {
		w.t.Fatal(err)
	}
	if w.c.Settings.Backend == proof.Plonk {
		out = out[64:] // offset, length
	}
	var vals []*big.Int
	for i := 0; i+32 <= len(out); i += 32 {
		vals = append(vals, new(big.Int).SetBytes(out[i:i+32]))
	}
	return vals
}

// withInput returns a copy of c with public input i set to v.
func withInput(c *evm.Call, i int, v *big.Int) *evm.Call {
	d := *c
	d.Inputs = slices.Clone(c.Inputs)
	d.Inputs[i] = v
	return &d
}

// TestWrapperOnChain: for each kind of public input, the wrapper accepts
// the proof `zkinfer verify` accepts, bound to its sender and nonce, and
// passes the verifier exactly the proof's public inputs. It refuses the
// proof presented again (reused nonce) or by another sender (WrongContext;
// ProofRejected when that sender states its own context), any value it
// takes changed (ProofRejected), a fixed-point value without a canonical
// field encoding (ValueOutOfRange), and a proof made with other weights
// (WrongModelCommitment), which the bare verifier accepts: its key pins
// only the architecture. Each edited claim constant is refused by the bare
// verifier. Deployment refuses a malformed model commitment.
func TestWrapperOnChain(t *testing.T) {
	solc := evmtest.Solc(t)
	chain := newChain(t)
	hashed := func(scheme circuit.Binding) circuit.Visibility {
		return circuit.Visibility{Input: circuit.Private, Params: circuit.Hashed, Output: circuit.Private, ParamBits: 20, ParamCommitment: scheme}
	}
	claim := func(v circuit.Visibility, c string) circuit.Visibility { v.Claim = c; return v }
	type tc struct {
		name, path, input string
		opt               proof.CompileOptions
	}
	cases := []tc{
		{"fixed weights, public output", creditModel, creditInput, proof.CompileOptions{Visibility: circuit.DefaultVisibility}},
		{"claim >=, pedersen weights", creditModel, creditInput, proof.CompileOptions{Visibility: claim(hashed(circuit.Pedersen), "output[0] >= 0.7")}},
		{"claim <=, hashed input and output", creditModel, creditInput, proof.CompileOptions{Visibility: circuit.Visibility{
			Input: circuit.Hashed, Params: circuit.Fixed, Output: circuit.Hashed, Claim: "output[0] <= 0.95"}}},
		{"claim in, poseidon2 weights, public input", creditModel, creditInput, proof.CompileOptions{Visibility: func() circuit.Visibility {
			v := claim(hashed(circuit.Poseidon2), "output[0] in [0.5, 0.95]")
			v.Input = circuit.Public
			return v
		}()}},
		{"plonk, hashed output", creditModel, creditInput, proof.CompileOptions{Backend: proof.Plonk, Visibility: circuit.Visibility{
			Input: circuit.Private, Params: circuit.Fixed, Output: circuit.Hashed}}},
	}
	if path, input, ok := testkit.LookupCorpusModel("1l_mlp"); ok {
		in, err := model.ReadInput(input)
		if err != nil {
			t.Fatal(err)
		}
		v := circuit.Visibility{Input: circuit.Private, Params: circuit.Fixed, Output: circuit.Private, Claim: "argmax(output) == " + strconv.Itoa(testkit.Argmax(t, path, in))}
		cases = append(cases, tc{"claim argmax (1l_mlp)", path, input, proof.CompileOptions{Visibility: v}})
	} else {
		t.Log("SKIP the argmax claim: no corpus")
	}
	field := ecc.BN254.ScalarField()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := newWrapped(t, chain, solc, tc.path, tc.input, tc.opt)
			from, other := chain.Accounts[0], chain.Accounts[1]
			nonce, err := w.nonce(from)
			if err != nil {
				t.Fatal(err)
			}
			good := w.prove(w.weights, w.paramSalt, w.contextFor(from, nonce))
			if got := w.publicInputs(good); !slices.EqualFunc(got, good.Inputs, func(a, b *big.Int) bool { return a.Cmp(b) == 0 }) {
				t.Fatalf("the wrapper passes public inputs %v, the proof has %v", got, good.Inputs)
			}
			bare := w.bare(good)
			if !bare.Accepted {
				t.Fatalf("the bare verifier rejects the proof: %s", bare.Reason)
			}
			check := w.expect("the proof", evm.WrapperCheck, from, good, "")
			verify := w.expect("the proof", evm.WrapperVerify, from, good, "")
			t.Logf("gas: bare verifier %d, wrapper check %d, wrapper verify %d (first proof of this sender: its nonce goes from 0 to 1)", bare.GasUsed, check.GasUsed, verify.GasUsed)

			last := len(good.Inputs) - 1
			w.expect("the same proof again", evm.WrapperVerify, from, good, "WrongContext")
			w.expect("the proof from another sender", evm.WrapperVerify, other, good, "WrongContext")
			theirs, err := w.cw.ContextOf(w.ctx, chain, w.addr, other)
			if err != nil {
				t.Fatal(err)
			}
			w.expect("the proof from another sender, stating its context", evm.WrapperVerify, other, withInput(good, last, theirs), "ProofRejected")

			segs := circuit.Layout(w.c.Model, w.c.Settings.Visibility).Public
			off := 0
			for _, s := range segs {
				v := good.Inputs[off]
				switch s.Name {
				case "claim": // constants of the wrapper: the bare verifier refuses each edited
					for i := range s.Len {
						lowered := new(big.Int).Sub(good.Inputs[off+i], big.NewInt(1))
						if r := w.bare(withInput(good, off+i, lowered.Mod(lowered, field))); r.Accepted {
							t.Fatalf("claim public input %d lowered by 1: accepted by the bare verifier", i)
						}
					}
				case "param_commitment":
					w.expect(s.Name+" changed", evm.WrapperCheck, from, withInput(good, off, plusOne(v)), "WrongModelCommitment")
				default:
					w.expect(s.Name+" changed", evm.WrapperCheck, from, withInput(good, off, plusOne(v)), "ProofRejected")
				}
				if s.Name == "input" || s.Name == "output" {
					w.outOfRange(good, off)
				}
				off += s.Len
			}
			if w.weights != "" {
				w.otherWeights(good, tc.path)
			}
		})
	}
}

func plusOne(v *big.Int) *big.Int {
	s := new(big.Int).Add(v, big.NewInt(1))
	return s.Mod(s, ecc.BN254.ScalarField())
}

// nonce reads the wrapper's nonce of subject.
func (w *wrapped) nonce(subject common.Address) (int64, error) {
	out, err := w.cw.Read(w.ctx, w.chain, w.addr, append(evm.Selector("nonces(address)"), common.LeftPadBytes(subject.Bytes(), 32)...))
	if err != nil {
		return 0, err
	}
	return new(big.Int).SetBytes(out).Int64(), nil
}

// outOfRange: a fixed-point argument (public input i; claims come after
// inputs and outputs, so it is the i-th word after the proof's offset)
// above (r-1)/2, below -(r-1)/2, or the value encoded as v - r, is refused
// before the verifier: every value has exactly one encoding.
func (w *wrapped) outOfRange(c *evm.Call, i int) {
	w.t.Helper()
	field := ecc.BN254.ScalarField()
	half := new(big.Int).Rsh(field, 1)
	data, err := w.cw.Wrapper.Calldata(evm.WrapperCheck, c)
	if err != nil {
		w.t.Fatal(err)
	}
	mod := new(big.Int).Lsh(big.NewInt(1), 256)
	for name, v := range map[string]*big.Int{
		"(r-1)/2 + 1":   new(big.Int).Add(half, big.NewInt(1)),
		"-(r-1)/2 - 1":  new(big.Int).Neg(new(big.Int).Add(half, big.NewInt(1))),
		"the value - r": new(big.Int).Sub(ops.Signed(field, c.Inputs[i]), field),
	} {
		bad := slices.Clone(data)
		new(big.Int).Mod(v, mod).FillBytes(bad[4+32+32*i : 4+64+32*i])
		r, err := w.cw.Send(w.ctx, w.chain, w.chain.From, w.addr, bad)
		if err != nil {
			w.t.Fatal(err)
		}
		if r.Accepted || r.Reason != "ValueOutOfRange" {
			w.t.Fatalf("a fixed-point argument set to %s: accepted %v, reason %s", name, r.Accepted, r.Reason)
		}
	}
}

// otherWeights: a proof made with other weights (or the same weights and
// another salt), bound to the right context, is accepted by the bare
// verifier, whose key depends only on the architecture, and refused by the
// wrapper, which compares the model commitment with the registered one;
// with Poseidon2, also when the call states the registered commitment.
func (w *wrapped) otherWeights(good *evm.Call, path string) {
	w.t.Helper()
	from := w.chain.From
	nonce, err := w.nonce(from)
	if err != nil {
		w.t.Fatal(err)
	}
	ctx := w.contextFor(from, nonce)
	for what, po := range map[string]*evm.Call{
		"other weights": w.prove(testkit.OtherWeights(w.t, path), w.paramSalt, ctx),
		"another salt":  w.prove(w.weights, big.NewInt(7), ctx),
	} {
		if r := w.bare(po); !r.Accepted {
			w.t.Fatalf("%s: the bare verifier rejects the proof (%s): this test expects it to accept", what, r.Reason)
		}
		w.expect(what, evm.WrapperVerify, from, po, "WrongModelCommitment")
		if off := circuit.Layout(w.c.Model, w.c.Settings.Visibility).Offset("param_commitment"); off >= 0 {
			w.expect(what+", stating the registered commitment", evm.WrapperVerify, from, withInput(po, off, good.Inputs[off]), "ProofRejected")
		}
	}
}

// newChain starts a simulated chain for the test.
func newChain(t *testing.T) *evm.Chain {
	t.Helper()
	chain, err := evm.NewChain()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { chain.Close() })
	return chain
}
