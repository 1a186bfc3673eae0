package proof

import (
	"encoding/hex"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/frontend"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/dp"
	"github.com/zkinfer/zkinfer/internal/testkit"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/onnx"
	"github.com/zkinfer/zkinfer/ops"
	"github.com/zkinfer/zkinfer/quant"
)

const creditModel = "../examples/credit/model.onnx"

// pinCase is a compiled circuit with an honest assignment.
type pinCase struct {
	m    *model.Model
	vis  circuit.Visibility
	cs   constraint.ConstraintSystem
	good *circuit.Circuit
}

// newPinCase compiles the model at path under vis with backend and assigns
// the honest witness of input in (weights from the model file itself).
func newPinCase(t *testing.T, path string, backend Backend, vis circuit.Visibility, in [][]float64) *pinCase {
	t.Helper()
	g, err := onnx.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	var m *model.Model
	if vis.SecretParams() {
		m, err = model.CompileSecret(g, quant.Default, vis.Bits())
	} else {
		m, err = model.Compile(g, quant.Default)
	}
	if err != nil {
		t.Fatal(err)
	}
	w := &circuit.Witness{Salt: big.NewInt(99), ParamSalt: big.NewInt(5), Context: []byte("lender 0x42, nonce 7")}
	if vis.DP != nil {
		w.DP = &circuit.DPWitness{Seed: big.NewInt(31337), Coins: []byte("pinning-test-coins-0123456789")}
	}
	if vis.SecretParams() {
		if w.Params, err = m.ParamValues(); err != nil {
			t.Fatal(err)
		}
	}
	if w.Inputs, err = m.Quantize(in); err != nil {
		t.Fatal(err)
	}
	if w.Outputs, err = model.Run(m, &ops.IntArith{}, append(slices.Clone(w.Inputs), w.Params...)); err != nil {
		t.Fatal(err)
	}
	good, err := circuit.AssignWitness(m, vis, w)
	if err != nil {
		t.Fatal(err)
	}
	b, err := circuit.Build(m, vis, circuit.BuildOptions{System: system(backend), RangeCheck: circuit.RangeLookup})
	if err != nil {
		t.Fatal(err)
	}
	return &pinCase{m: m, vis: vis, cs: b.CS, good: good}
}

// solves reports whether the circuit accepts the honest witness with public
// input i replaced by v.
func (p *pinCase) solves(t *testing.T, i int, v *big.Int) bool {
	t.Helper()
	a := *p.good
	a.Public = slices.Clone(p.good.Public)
	if i >= 0 {
		a.Public[i] = v
	}
	w, err := frontend.NewWitness(&a, ecc.BN254.ScalarField())
	if err != nil {
		t.Fatal(err)
	}
	return p.cs.IsSolved(w) == nil
}

// TestPublicInputsPinned: under every visibility, claim kind and backend,
// moving any public input of an honest witness by ±1 makes the circuit
// unsatisfiable — every public input is pinned (claim tags and bounds:
// asserted equal to their compile-time values) or determined by the
// witness (outputs, commitments) — except the public inputs (the data the
// statement is about: moving one may leave the outputs unchanged) and the
// context, which is free in the solver by design and bound by the proof
// instead (CheckPublicWires, TestContextBinds). A forged claim bound, the attack of
// issue 12, is one of these perturbations; the test fails if the circuit
// stops pinning it.
func TestPublicInputsPinned(t *testing.T) {
	credit, err := model.ReadInput("../examples/credit/input.json")
	if err != nil {
		t.Fatal(err)
	}
	type tc struct {
		name    string
		path    string
		in      [][]float64
		backend Backend
		vis     circuit.Visibility
	}
	priv := func(claim string) circuit.Visibility {
		return circuit.Visibility{Input: circuit.Private, Params: circuit.Fixed, Output: circuit.Private, Claim: claim}
	}
	cases := []tc{
		{"claim >=", creditModel, credit, Groth16, priv("output[0] >= 0.7")},
		{"claim >", creditModel, credit, Groth16, priv("output[0] > -0.5")},
		{"claim <=", creditModel, credit, Groth16, priv("output[0] <= 0.95")},
		{"claim <", creditModel, credit, Groth16, priv("output[0] < 0.95")},
		{"claim in", creditModel, credit, Groth16, priv("output[0] in [0.5, 0.95]")},
		{"claim in, plonk", creditModel, credit, Plonk, priv("output[0] in [0.5, 0.95]")},
		{"claim, hashed output", creditModel, credit, Groth16, circuit.Visibility{Input: circuit.Hashed, Params: circuit.Fixed, Output: circuit.Hashed, Claim: "output[0] >= 0.7"}},
		{"public input and output", creditModel, credit, Groth16, circuit.Visibility{Input: circuit.Public, Params: circuit.Fixed, Output: circuit.Public}},
		{"poseidon2 weights", creditModel, credit, Groth16, circuit.Visibility{Input: circuit.Private, Params: circuit.Hashed, Output: circuit.Public, ParamCommitment: circuit.Poseidon2, ParamBits: 20}},
		{"pedersen weights", creditModel, credit, Groth16, circuit.Visibility{Input: circuit.Hashed, Params: circuit.Hashed, Output: circuit.Hashed, ParamCommitment: circuit.Pedersen, ParamBits: 20}},
		{"poseidon2 weights, plonk", creditModel, credit, Plonk, circuit.Visibility{Input: circuit.Private, Params: circuit.Hashed, Output: circuit.Hashed, ParamCommitment: circuit.Poseidon2, ParamBits: 20}},
		{"dp release", creditModel, credit, Groth16, circuit.Visibility{Input: circuit.Private, Params: circuit.Fixed, Output: circuit.Private,
			DP: &circuit.DPRelease{Mechanism: dp.Laplace, Epsilon: dp.Decimal{Num: 1, Den: 1}, Sensitivity: dp.Decimal{Num: 1, Den: 10}}}},
	}
	if path, input, ok := testkit.LookupCorpusModel("1l_mlp"); ok {
		in, err := model.ReadInput(input)
		if err != nil {
			t.Fatal(err)
		}
		cases = append(cases, tc{"argmax", path, in, Groth16, priv("")})
	}
	one := big.NewInt(1)
	field := ecc.BN254.ScalarField()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			vis := c.vis
			if c.name == "argmax" {
				vis.Claim = "argmax(output) == " + strconv.Itoa(testkit.Argmax(t, c.path, c.in))
			}
			p := newPinCase(t, c.path, c.backend, vis, c.in)
			if !p.solves(t, -1, nil) {
				t.Fatal("the honest witness does not satisfy the circuit")
			}
			segs := circuit.Layout(p.m, vis)
			ctx := segs.Offset(circuit.SegContext)
			if ctx != len(p.good.Public)-1 {
				t.Fatalf("the context is public input %d of %d, want the last", ctx, len(p.good.Public))
			}
			for i, v := range p.good.Public {
				x := toBig(t, v)
				for _, d := range []*big.Int{one, new(big.Int).Neg(one)} {
					moved := new(big.Int).Add(x, d)
					moved.Mod(moved, field)
					// The context is free in the solver, but a DP release's
					// noise key binds it: there it is determined too.
					ctxFree := i == ctx && vis.DP == nil
					free := ctxFree || segs.Name(i) == circuit.SegInput // the verifier's to choose
					if got := p.solves(t, i, moved); got && !free || !got && ctxFree {
						t.Errorf("public input %d (%s) moved by %v: satisfied %v", i, segs.Name(i), d, got)
					}
				}
			}
		})
	}
}

// TestForgedClaimRejected is issue 12's attack on examples/credit compiled
// with "output[0] >= 0.7" and a private output: the risky applicant (score
// ≈ 0.30) with the claim's tag and its bound lowered to its own score. The
// prover must fail to prove it with the directory's proving key; were the
// bound not pinned, the proof would be made, and gnark's own verifier would
// have to reject it, which it cannot (the test then fails naming that).
// The same for "<=", "in [a, b]", a hashed output and argmax (the honest
// witness of the true argmax under the tag of another index).
func TestForgedClaimRejected(t *testing.T) {
	good, err := model.ReadInput("../examples/credit/input.json")
	if err != nil {
		t.Fatal(err)
	}
	risky, err := model.ReadInput("../examples/credit/input_risky.json")
	if err != nil {
		t.Fatal(err)
	}
	type forgery struct {
		claim, holds string // the circuit's claim; a claim the input satisfies
		path         string
		in           [][]float64
		out          circuit.Vis
	}
	cases := []forgery{
		{"output[0] >= 0.7", "output[0] >= 0.25", creditModel, risky, circuit.Private},
		{"output[0] >= 0.7", "output[0] >= 0.25", creditModel, risky, circuit.Hashed},
		{"output[0] <= 0.5", "output[0] <= 0.95", creditModel, good, circuit.Private},
		{"output[0] in [0.6, 0.8]", "output[0] in [0.25, 0.8]", creditModel, risky, circuit.Private},
	}
	if path, input, ok := testkit.LookupCorpusModel("1l_mlp"); ok {
		in, err := model.ReadInput(input)
		if err != nil {
			t.Fatal(err)
		}
		k := strconv.Itoa(testkit.Argmax(t, path, in))
		wrong := "0"
		if k == "0" {
			wrong = "1"
		}
		cases = append(cases, forgery{"argmax(output) == " + wrong, "argmax(output) == " + k, path, in, circuit.Private})
	}
	for _, tc := range cases {
		t.Run(tc.claim+"/"+string(tc.out), func(t *testing.T) {
			vis := circuit.Visibility{Input: circuit.Private, Params: circuit.Fixed, Output: tc.out, Claim: tc.claim}
			c := compileSetup(t, tc.path, vis)
			// The honest witness of a claim that holds, relabelled with the
			// directory's claim tag: its bounds are the forged ones.
			weak := vis
			weak.Claim = tc.holds
			forged := newPinCase(t, tc.path, Groth16, weak, tc.in).good
			cl, err := circuit.ParseClaim(tc.claim)
			if err != nil {
				t.Fatal(err)
			}
			off := circuit.Layout(c.Model, vis).Offset(circuit.SegClaim)
			forged.Public[off] = cl.Tag()
			wit, err := frontend.NewWitness(forged, ecc.BN254.ScalarField())
			if err != nil {
				t.Fatal(err)
			}
			cs, err := c.ReadCircuit()
			if err != nil {
				t.Fatal(err)
			}
			pk, err := c.readProvingKey()
			if err != nil {
				t.Fatal(err)
			}
			prf, err := groth16.Prove(cs, pk, wit)
			if err == nil {
				vk, err := c.readGroth16VerifyingKey()
				if err != nil {
					t.Fatal(err)
				}
				pub, _ := wit.Public()
				if groth16.Verify(prf, vk, pub) == nil {
					t.Fatalf("a forged %q proof was made with the directory's proving key and gnark's verifier accepts it", tc.claim)
				}
				t.Fatalf("a forged %q proof was made with the directory's proving key", tc.claim)
			}
			t.Logf("forged witness refused by the prover: %v", firstLine(err))
		})
	}
}

func firstLine(err error) string {
	s := err.Error()
	for i, r := range s {
		if r == '\n' {
			return s[:i]
		}
	}
	return s
}

// toBig reads an assignment's value (int64 or *big.Int).
func toBig(t *testing.T, v frontend.Variable) *big.Int {
	switch x := v.(type) {
	case int64:
		return big.NewInt(x)
	case *big.Int:
		return new(big.Int).Set(x)
	}
	t.Fatalf("unexpected assignment %T", v)
	return nil
}

// TestContextBinds: a proof made for one context verifies only for it.
// Its context public input is bound by the proof (gnark's verifier rejects
// the same proof with another context: were the input in no constraint, its
// verifying-key point would be zero and the edit would go through), and
// `verify --context` rejects a proof made for another context or none.
func TestContextBinds(t *testing.T) {
	in, err := model.ReadInput("../examples/credit/input.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, backend := range []Backend{Groth16, Plonk} {
		t.Run(backend.String(), func(t *testing.T) {
			c := compilePlain(t, creditModel, backend)
			alice, bob := []byte("chain 1, lender 0x42, borrower alice, nonce 0"), []byte("chain 1, lender 0x42, borrower bob, nonce 0")
			p, err := c.ProveWith(in, ProveOptions{Context: alice})
			if err != nil {
				t.Fatal(err)
			}
			if err := c.VerifyWith(p, VerifyOptions{Context: alice}); err != nil {
				t.Fatalf("the proof for its own context: %v", err)
			}
			if err := c.Verify(p); err != nil {
				t.Fatalf("the proof with no expected context: %v", err)
			}
			if err := c.VerifyWith(p, VerifyOptions{Context: bob}); err == nil {
				t.Fatal("a proof for alice verified for bob")
			}
			// Bob's context in the file and in the public input: the proof
			// itself must fail.
			forged := *p
			forged.PublicInputs = slices.Clone(p.PublicInputs)
			forged.PublicInputs[len(forged.PublicInputs)-1] = fieldHex(circuit.ContextValue(bob))
			forged.Context = "0x" + hexString(bob)
			if err := c.VerifyWith(&forged, VerifyOptions{Context: bob}); err != errInvalid {
				t.Fatalf("alice's proof with bob's context: %v, want %v", err, errInvalid)
			}
			// The file's context edited alone.
			forged = *p
			forged.Context = "0x" + hexString(bob)
			if err := c.Verify(&forged); err == nil || !strings.Contains(err.Error(), "does not hash") {
				t.Fatalf("edited context: %v", err)
			}
			none, err := c.Prove(in, nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := c.VerifyWith(none, VerifyOptions{Context: alice}); err == nil || !strings.Contains(err.Error(), "no context") {
				t.Fatalf("a proof without context, checked for alice's: %v", err)
			}
		})
	}
}

// compilePlain compiles a model with the default visibility and backend
// and sets it up (PLONK with a development SRS).
func compilePlain(t *testing.T, path string, backend Backend) *Compiled {
	t.Helper()
	dir := t.TempDir()
	c, err := CompileWith(path, dir, CompileOptions{Quant: quant.Default, Visibility: circuit.DefaultVisibility, Backend: backend})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.SetupWith(SetupOptions{UnsafeDevSRS: backend == Plonk}); err != nil {
		t.Fatal(err)
	}
	return c
}

func hexString(b []byte) string { return hex.EncodeToString(b) }
