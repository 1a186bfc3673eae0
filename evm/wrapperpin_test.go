//go:build evm

package evm_test

import (
	"context"
	"encoding/hex"
	"math/big"
	"reflect"
	"strings"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend"
	"github.com/consensys/gnark/backend/groth16"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
	"github.com/consensys/gnark/backend/solidity"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/ethereum/go-ethereum/accounts/abi"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/evm"
	"github.com/zkinfer/zkinfer/evm/evmtest"
	"github.com/zkinfer/zkinfer/ops"
	"github.com/zkinfer/zkinfer/proof"
)

// looseClaim has the public inputs of a claim on a secret output Y — an
// optional output commitment, the claim's tag, its bounds, the context —
// and compares Y with the bounds it is given without pinning them, as
// directories of format 1 did (docs/SOUNDNESS.md, issue 12): whoever holds
// its proving key can prove Y ≥ 1234 and present it as the claim Y ≥ 2868.
type looseClaim struct {
	Public []frontend.Variable `gnark:",public"`
	Y      frontend.Variable

	hashedOut, lower, upper bool
}

func (c *looseClaim) Define(api frontend.API) error {
	pub := c.Public
	if c.hashedOut { // a stand-in commitment: Y³
		api.AssertIsEqual(pub[0], api.Mul(c.Y, c.Y, c.Y))
		pub = pub[1:]
	}
	api.Mul(pub[0], pub[0]) // the tag, in a constraint but free
	i := 1
	if c.lower {
		api.ToBinary(api.Sub(c.Y, pub[i]), 16) // Y - lower ≥ 0
		i++
	}
	if c.upper {
		api.ToBinary(api.Sub(pub[i], c.Y), 16) // upper - Y ≥ 0
		i++
	}
	api.Mul(pub[i], pub[i]) // the context
	return nil
}

// TestWrapperPinsClaim: the wrapper fills in the claim's tag and bounds
// from its own constants. Under a circuit that does not pin them (the
// hole issue 12 found), a proof of a lowered bound or another tag verifies
// with the bare verifier, and the wrapper refuses it; it accepts the
// honest proof. The test fails if the wrapper takes the claim's values
// from anywhere but its constants.
func TestWrapperPinsClaim(t *testing.T) {
	solc := evmtest.Solc(t)
	chain := newChain(t)
	ctx := context.Background()
	tag := func(claim string) *big.Int {
		c, err := circuit.ParseClaim(claim)
		if err != nil {
			t.Fatal(err)
		}
		return c.Tag()
	}
	for _, tc := range []struct {
		name, claim      string
		circ             looseClaim
		honest, forged   []int64 // the bounds: the claim's, and the forger's
		honestY, forgedY int64
		forgedClaim      string // the tag the forger states
	}{
		{name: ">=", claim: "output[0] >= 0.7", circ: looseClaim{lower: true}, honest: []int64{2868}, forged: []int64{1234}, honestY: 3705, forgedY: 1234},
		{name: "<=", claim: "output[0] <= 0.5", circ: looseClaim{upper: true}, honest: []int64{2048}, forged: []int64{3705}, honestY: 1234, forgedY: 3705},
		{name: "in", claim: "output[0] in [0.6, 0.8]", circ: looseClaim{lower: true, upper: true}, honest: []int64{2458, 3276}, forged: []int64{1000, 1300}, honestY: 3000, forgedY: 1234},
		{name: "argmax", claim: "argmax(output) == 2", forgedClaim: "argmax(output) == 0", honestY: 7, forgedY: 7},
		{name: ">=, hashed output", claim: "output[0] >= 0.7", circ: looseClaim{lower: true, hashedOut: true}, honest: []int64{2868}, forged: []int64{1234}, honestY: 3705, forgedY: 1234},
	} {
		t.Run(tc.name, func(t *testing.T) {
			circ := tc.circ
			n := 2 + len(tc.honest)
			var segs []circuit.Segment
			if circ.hashedOut {
				n++
				segs = append(segs, circuit.Segment{Name: "output_commitment", Len: 1})
			}
			segs = append(segs, circuit.Segment{Name: "claim", Len: 1 + len(tc.honest)}, circuit.Segment{Name: "context", Len: 1})
			circ.Public = make([]frontend.Variable, n)
			cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, &circ)
			if err != nil {
				t.Fatal(err)
			}
			pk, vk, err := groth16.Setup(cs)
			if err != nil {
				t.Fatal(err)
			}
			v, err := evm.Export(vk)
			if err != nil {
				t.Fatal(err)
			}
			spec := evm.WrapperSpec{Segments: segs, Claim: tc.claim,
				Constants: []evm.Constant{{Name: "CLAIM_TAG", Doc: "tag", Value: tag(tc.claim)}}}
			for i, b := range tc.honest {
				spec.Constants = append(spec.Constants, evm.Constant{Name: []string{"CLAIM_A", "CLAIM_B"}[i], Doc: "bound", Value: big.NewInt(b)})
			}
			w, err := spec.Generate(v)
			if err != nil {
				t.Fatal(err)
			}
			cw, err := evm.CompileWrapper(ctx, solc, w)
			if err != nil {
				t.Fatal(err)
			}
			addr, verifier, err := cw.Deploy(ctx, chain, "")
			if err != nil {
				t.Fatal(err)
			}
			from := chain.From
			context, err := cw.ContextOf(ctx, chain, addr, from)
			if err != nil {
				t.Fatal(err)
			}
			// prove proves Y under the stated tag and bounds.
			prove := func(y int64, claim string, bounds []int64) *evm.Call {
				t.Helper()
				a := looseClaim{Y: y}
				var pub []*big.Int
				if circ.hashedOut {
					pub = append(pub, big.NewInt(y*y*y))
				}
				pub = append(pub, tag(claim))
				for _, b := range bounds {
					pub = append(pub, big.NewInt(b))
				}
				pub = append(pub, context)
				for _, p := range pub {
					a.Public = append(a.Public, p)
				}
				wit, err := frontend.NewWitness(&a, ecc.BN254.ScalarField())
				if err != nil {
					t.Fatal(err)
				}
				prf, err := groth16.Prove(cs, pk, wit, solidity.WithProverTargetSolidityVerifier(backend.GROTH16))
				if err != nil {
					t.Fatal(err)
				}
				return &evm.Call{Backend: proof.Groth16, Proof: prf.(*groth16bn254.Proof).MarshalSolidity(), Inputs: pub}
			}
			forgedClaim := tc.claim
			if tc.forgedClaim != "" {
				forgedClaim = tc.forgedClaim
			}
			forged := prove(tc.forgedY, forgedClaim, tc.forged)
			r, err := cw.Verifier.Verify(ctx, chain, verifier, forged.Calldata())
			if err != nil {
				t.Fatal(err)
			}
			if !r.Accepted {
				t.Fatalf("the forged proof is rejected by the bare verifier (%s): this circuit was meant not to pin the claim", r.Reason)
			}
			for _, fn := range []string{evm.WrapperCheck, evm.WrapperVerify} {
				data, err := w.Calldata(fn, forged)
				if err != nil {
					t.Fatal(err)
				}
				r, err := cw.Send(ctx, chain, from, addr, data)
				if err != nil {
					t.Fatal(err)
				}
				if r.Accepted || r.Reason != "ProofRejected" {
					t.Fatalf("the forged proof (%s, bounds %v) through the wrapper's %s: accepted %v, %s", forgedClaim, tc.forged, fn, r.Accepted, r.Reason)
				}
			}
			data, err := w.Calldata(evm.WrapperVerify, prove(tc.honestY, tc.claim, tc.honest))
			if err != nil {
				t.Fatal(err)
			}
			if r, err := cw.Send(ctx, chain, from, addr, data); err != nil || !r.Accepted {
				t.Fatalf("the honest proof: %v %+v", err, r)
			}
		})
	}
}

// TestWrapperCalldataMatchesABIPack checks the hand-written encoding of the
// wrapper's calls against go-ethereum's ABI packer over the wrapper's ABI,
// for layouts with every kind of argument, and the fixed-point values
// against the signed values the field elements carry.
func TestWrapperCalldataMatchesABIPack(t *testing.T) {
	field := ecc.BN254.ScalarField()
	seg := func(name string, n int) circuit.Segment { return circuit.Segment{Name: name, Len: n} }
	for _, tc := range []struct {
		segs       []circuit.Segment
		commitment circuit.Binding
		backend    proof.Backend
	}{
		{segs: []circuit.Segment{seg("output", 3), seg("context", 1)}},
		{segs: []circuit.Segment{seg("input", 2), seg("param_commitment", 1), seg("output", 1), seg("context", 1)}, commitment: circuit.Poseidon2, backend: proof.Plonk},
		{segs: []circuit.Segment{seg("input_commitment", 1), seg("output_commitment", 1), seg("claim", 2), seg("context", 1)}, commitment: circuit.Pedersen},
	} {
		n := 0
		for _, s := range tc.segs {
			n += s.Len
		}
		backend := tc.backend
		if backend == "" {
			backend = proof.Groth16
		}
		v := &evm.Verifier{Backend: backend, Contract: evm.ContractName, Inputs: n, Commitments: 1}
		if backend == proof.Plonk {
			v.Contract, v.Commitments = evm.PlonkContractName, 0
		}
		spec := evm.WrapperSpec{Segments: tc.segs, ModelCommitment: tc.commitment}
		if (circuit.Wires{Public: tc.segs}).Offset("claim") >= 0 {
			spec.Claim = "output[0] >= 0.5"
			spec.Constants = []evm.Constant{{Name: "CLAIM_TAG", Value: big.NewInt(1)}, {Name: "CLAIM_LOWER", Value: big.NewInt(2)}}
		}
		w, err := spec.Generate(v)
		if err != nil {
			t.Fatal(err)
		}
		a, err := abi.JSON(strings.NewReader(string(w.ABI)))
		if err != nil {
			t.Fatal(err)
		}
		c := &evm.Call{Backend: backend, Proof: make([]byte, v.ProofBytes())}
		for i := range c.Proof {
			c.Proof[i] = byte(i * 7)
		}
		var args []any // the packer's arguments: the proof, then one per segment but the claim's
		off := 0
		for _, s := range tc.segs {
			var vals []*big.Int
			for i := range s.Len {
				x := big.NewInt(int64(1000*off + i + 1))
				if i%2 == 1 {
					x.Sub(field, x) // a negative value
				}
				c.Inputs = append(c.Inputs, x)
				vals = append(vals, ops.Signed(field, x))
			}
			off += s.Len
			switch s.Name {
			case "claim":
			case "input", "output":
				arr := reflect.New(reflect.ArrayOf(s.Len, reflect.TypeOf(&big.Int{}))).Elem()
				for i, x := range vals {
					arr.Index(i).Set(reflect.ValueOf(x))
				}
				args = append(args, arr.Interface())
			default:
				args = append(args, vals[0])
			}
		}
		for _, fn := range []string{evm.WrapperVerify, evm.WrapperCheck, evm.WrapperPublicInputs} {
			in := append([]any{c.Proof}, args...)
			if fn == evm.WrapperPublicInputs {
				in = args
			}
			want, err := a.Pack(fn, in...)
			if err != nil {
				t.Fatalf("%s: %v", fn, err)
			}
			got, err := w.Calldata(fn, c)
			if err != nil {
				t.Fatal(err)
			}
			if hex.EncodeToString(got) != hex.EncodeToString(want) {
				t.Fatalf("%v %s: calldata\n%x\nwant\n%x", tc.segs, fn, got, want)
			}
		}
	}
}

// TestWrapperSpecErrors: a wrapper that cannot be right is not generated,
// and constructor arguments that cannot be a model commitment are refused
// before deployment; each error is one line.
func TestWrapperSpecErrors(t *testing.T) {
	seg := func(name string, n int) circuit.Segment { return circuit.Segment{Name: name, Len: n} }
	g16 := &evm.Verifier{Backend: proof.Groth16, Contract: evm.ContractName, Inputs: 2}
	good := evm.WrapperSpec{Segments: []circuit.Segment{seg("output", 1), seg("context", 1)}}
	for name, tc := range map[string]struct {
		spec evm.WrapperSpec
		v    *evm.Verifier
	}{
		"name not an identifier":  {evm.WrapperSpec{Name: "1x", Segments: good.Segments}, g16},
		"name of the verifier":    {evm.WrapperSpec{Name: "Verifier", Segments: good.Segments}, g16},
		"verifier file in a path": {evm.WrapperSpec{VerifierFile: "../V.sol", Segments: good.Segments}, g16},
		"inputs differ":           {good, &evm.Verifier{Backend: proof.Groth16, Contract: evm.ContractName, Inputs: 3}},
		"unknown segment":         {evm.WrapperSpec{Segments: []circuit.Segment{seg("extra", 1), seg("context", 1)}}, g16},
		"no context last":         {evm.WrapperSpec{Segments: []circuit.Segment{seg("context", 1), seg("output", 1)}}, g16},
		"claim without constants": {evm.WrapperSpec{Segments: []circuit.Segment{seg("claim", 1), seg("context", 1)}}, g16},
		"pedersen, no commitment": {evm.WrapperSpec{Segments: good.Segments, ModelCommitment: circuit.Pedersen}, g16},
		"poseidon2 without input": {evm.WrapperSpec{Segments: []circuit.Segment{seg("param_commitment", 1), seg("context", 1)}}, g16},
		"unknown commitment":      {evm.WrapperSpec{Segments: good.Segments, ModelCommitment: "sha3"}, g16},
		"claim text with a quote": {evm.WrapperSpec{Segments: good.Segments, Claim: `output[0] >= "1"`}, g16},
	} {
		if _, err := tc.spec.Generate(tc.v); err == nil || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: err = %v, want one line", name, err)
		}
	}
	w, err := good.Generate(g16)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.ConstructorArgs("0x2a"); err == nil {
		t.Error("a commitment registered for fixed weights")
	}
	v1 := &evm.Verifier{Backend: proof.Groth16, Contract: evm.ContractName, Inputs: 2, Commitments: 1}
	for scheme, bad := range map[circuit.Binding][]string{
		circuit.Pedersen:  {"", "0x2a", "0x" + strings.Repeat("00", 63) + "01"}, // not 64 bytes; not on the curve
		circuit.Poseidon2: {"", "0xzz", "0x" + strings.Repeat("ff", 32)},        // not hex; not below r
	} {
		spec := good
		spec.ModelCommitment = scheme
		if scheme == circuit.Poseidon2 {
			spec.Segments = []circuit.Segment{seg("param_commitment", 1), seg("context", 1)}
		}
		w, err := spec.Generate(v1)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range bad {
			if _, err := w.ConstructorArgs(c); err == nil || strings.Contains(err.Error(), "\n") {
				t.Errorf("%s commitment %q: err = %v", scheme, c, err)
			}
		}
	}
}
