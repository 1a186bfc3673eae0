package proof

import (
	"bytes"
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/backend/solidity"
	"github.com/consensys/gnark/backend/witness"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/consensys/gnark/std/rangecheck"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/internal/onnxbuild"
	"github.com/zkinfer/zkinfer/internal/testkit"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/ops"
	"github.com/zkinfer/zkinfer/proof/verifier"
	"github.com/zkinfer/zkinfer/quant"
)

// fixture is a compiled, set-up directory of a tiny model
// (onnxbuild.GemmRelu: Gemm and Relu, 4 inputs, 2 public outputs, lookup
// range checks so that proofs carry a Groth16 commitment) and one valid
// proof: what the verifier fuzzers mutate.
type fixture struct {
	dir       string
	c         *Compiled
	proof     *Proof
	proofJSON []byte
	raw       []byte // the proof's bytes
	pub       []byte // the public inputs, concatenated
	vk, pk    []byte // vk.bin, pk.bin
	cs        constraint.ConstraintSystem
	wit       witness.Witness // the proof's full witness
}

var fixtureDirs []string

var fixtureInput = [][]float64{{0.5, -1, 2, 0.25}}

var theFixture = sync.OnceValues(func() (*fixture, error) {
	dir, err := os.MkdirTemp("", "zkinfer-fuzz")
	if err != nil {
		return nil, err
	}
	fixtureDirs = append(fixtureDirs, dir)
	src := filepath.Join(dir, "tiny.onnx")
	if err := os.WriteFile(src, onnxbuild.Bytes(onnxbuild.GemmRelu()), 0o644); err != nil {
		return nil, err
	}
	f := &fixture{dir: filepath.Join(dir, "c")}
	if f.c, err = CompileWith(src, f.dir, CompileOptions{Quant: quant.Default, Visibility: circuit.DefaultVisibility, RangeCheck: circuit.RangeLookup}); err != nil {
		return nil, err
	}
	if err := f.c.Setup(nil); err != nil {
		return nil, err
	}
	if f.proof, err = f.c.Prove(fixtureInput, nil); err != nil {
		return nil, err
	}
	p := filepath.Join(dir, "proof.json")
	if err := WriteProof(p, f.proof); err != nil {
		return nil, err
	}
	if f.proofJSON, err = os.ReadFile(p); err != nil {
		return nil, err
	}
	if f.raw, err = hex.DecodeString(f.proof.Proof); err != nil {
		return nil, err
	}
	for _, s := range f.proof.PublicInputs {
		b, _ := hex.DecodeString(strings.TrimPrefix(s, "0x"))
		f.pub = append(f.pub, b...)
	}
	if f.vk, err = os.ReadFile(f.c.path(VerifyingKey)); err != nil {
		return nil, err
	}
	if f.pk, err = os.ReadFile(f.c.path(ProvingKey)); err != nil {
		return nil, err
	}
	if f.cs, err = f.c.ReadCircuit(); err != nil {
		return nil, err
	}
	in, err := f.c.Model.Quantize(fixtureInput)
	if err != nil {
		return nil, err
	}
	outs, err := model.Run(f.c.Model, &ops.IntArith{}, in)
	if err != nil {
		return nil, err
	}
	a, err := circuit.Assign(f.c.Model, circuit.DefaultVisibility, in, outs)
	if err != nil {
		return nil, err
	}
	if f.wit, err = frontend.NewWitness(a, ecc.BN254.ScalarField()); err != nil {
		return nil, err
	}
	return f, nil
})

func getFixture(tb testing.TB) *fixture {
	tb.Helper()
	f, err := theFixture()
	if err != nil {
		tb.Fatal(err)
	}
	return f
}

func TestMain(m *testing.M) {
	code := m.Run()
	for _, d := range fixtureDirs {
		os.RemoveAll(d)
	}
	os.Exit(code)
}

// slowExec is how long one fuzz input may take before it counts as a hang.
const slowExec = 10 * time.Second

// sameProof reports whether q says what the fixture's proof says: the same
// proof bytes, public inputs, outputs, commitments and claim. Verification
// must accept nothing else.
func (f *fixture) sameProof(q *Proof) bool {
	p := f.proof
	raw, err := hex.DecodeString(q.Proof)
	if err != nil || !bytes.Equal(raw, f.raw) || q.Protocol != p.Protocol || q.ModelSHA256 != p.ModelSHA256 || q.Claim != p.Claim {
		return false
	}
	vals, err := q.PublicValues()
	want, _ := p.PublicValues()
	if err != nil || len(vals) != len(want) {
		return false
	}
	for i := range vals {
		if vals[i].Cmp(want[i]) != 0 {
			return false
		}
	}
	if len(q.Outputs) != len(p.Outputs) {
		return false
	}
	for i := range p.Outputs {
		if !slices.Equal(q.Outputs[i], p.Outputs[i]) {
			return false
		}
	}
	if len(q.Commitments) != len(p.Commitments) {
		return false
	}
	for k, v := range p.Commitments {
		if !strings.EqualFold(q.Commitments[k], v) {
			return false
		}
	}
	return true
}

// FuzzReadProof feeds arbitrary bytes as a proof file to the parser and the
// verifier of the fixture: never a panic, every error on one line, and
// only a file that says what the original says verifies.
func FuzzReadProof(f *testing.F) {
	fx := getFixture(f)
	f.Add(fx.proofJSON)
	f.Add([]byte(`{"protocol": "groth16-bn254", "proof": "00", "public_inputs": ["0x1"]}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		defer testkit.CheckFast(t, time.Now(), slowExec)
		p, err := verifier.ParseProof("proof.json", b)
		if err != nil {
			testkit.CheckOneLine(t, err)
			return
		}
		if err := fx.c.Verify(p); err != nil {
			testkit.CheckOneLine(t, err)
			return
		}
		if !fx.sameProof(p) {
			t.Fatalf("verified a proof file that differs from the original:\n%s", b)
		}
	})
}

// FuzzVerify mutates the fixture proof's bytes, public inputs and outputs
// directly (byte-level mutations of the JSON rarely keep it parseable):
// verification must never panic and must accept only the original.
func FuzzVerify(f *testing.F) {
	fx := getFixture(f)
	out := fx.proof.Outputs[0]
	f.Add(fx.raw, fx.pub, out[0], out[1])
	f.Add(fx.raw[:len(fx.raw)-1], fx.pub, out[0], out[1])
	f.Add(fx.raw, fx.pub[:len(fx.pub)-32], out[0], out[1])
	f.Add(fx.raw, fx.pub, out[0]+1.0/4096, out[1])
	f.Fuzz(func(t *testing.T, raw, pub []byte, o0, o1 float64) {
		defer testkit.CheckFast(t, time.Now(), slowExec)
		p := *fx.proof
		p.Proof = hex.EncodeToString(raw)
		p.PublicInputs = nil
		for len(pub) > 0 {
			n := min(32, len(pub))
			p.PublicInputs = append(p.PublicInputs, "0x"+hex.EncodeToString(pub[:n]))
			pub = pub[n:]
		}
		p.Outputs = [][]float64{{o0, o1}}
		if err := fx.c.Verify(&p); err != nil {
			testkit.CheckOneLine(t, err)
			return
		}
		if !fx.sameProof(&p) {
			t.Fatalf("verified a modified proof: %x %v %v", raw, p.PublicInputs, p.Outputs)
		}
	})
}

// FuzzVerifyingKey feeds arbitrary bytes as vk.bin: decoding allocates in
// proportion to the input, never panics, and a key that decodes verifies
// the fixture proof only if it is the original key.
func FuzzVerifyingKey(f *testing.F) {
	fx := getFixture(f)
	f.Add(fx.vk)
	f.Add(fx.vk[:len(fx.vk)/2])
	pub, err := fx.publicWitness()
	if err != nil {
		f.Fatal(err)
	}
	prf, err := DecodeGroth16(fx.raw, 1)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		defer testkit.CheckFast(t, time.Now(), slowExec)
		vk, err := decodeVerifyingKey(b, fx.c.Settings.PublicInputs)
		if err != nil {
			testkit.CheckOneLine(t, err)
			return
		}
		err = groth16.Verify(prf, vk, pub, solidity.WithVerifierTargetSolidityVerifier(backend.GROTH16))
		if err != nil {
			return
		}
		var buf bytes.Buffer
		vk.WriteTo(&buf)
		if !bytes.Equal(buf.Bytes(), fx.vk) {
			t.Fatalf("a different verifying key verifies the proof")
		}
	})
}

// publicWitness returns the fixture proof's public inputs as a witness.
func (f *fixture) publicWitness() (witness.Witness, error) {
	vals, err := f.proof.PublicValues()
	if err != nil {
		return nil, err
	}
	w, err := witness.New(ecc.BN254.ScalarField())
	if err != nil {
		return nil, err
	}
	ch := make(chan any, len(vals))
	for _, v := range vals {
		ch <- v
	}
	close(ch)
	return w, w.Fill(len(vals), 0, ch)
}

// FuzzProvingKey feeds arbitrary bytes as pk.bin: decoding allocates in
// proportion to the input and never panics, and every error is one line.
// The seed is the key of a circuit of a few constraints with a commitment
// (a model's key makes each run slow); proving with what decodes is too
// slow under the fuzzer's instrumentation: TestProveWithDamagedKeys does
// that for a sample.
func FuzzProvingKey(f *testing.F) {
	cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, &tinyCircuit{})
	if err != nil {
		f.Fatal(err)
	}
	pk, _, err := groth16.Setup(cs)
	if err != nil {
		f.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := pk.WriteRawTo(&buf); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add(buf.Bytes()[:buf.Len()-1])
	f.Fuzz(func(t *testing.T, b []byte) {
		defer testkit.CheckFast(t, time.Now(), slowExec)
		pk, err := decodeProvingKey(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			testkit.CheckOneLine(t, err)
			return
		}
		if err := keyMatches(pk, cs); err != nil {
			testkit.CheckOneLine(t, err)
		}
	})
}

// tinyCircuit proves Y = X² for an 8-bit X with a lookup range check,
// which gives its keys a commitment.
type tinyCircuit struct {
	X, Y frontend.Variable `gnark:",public"`
}

func (c *tinyCircuit) Define(api frontend.API) error {
	api.AssertIsEqual(api.Mul(c.X, c.X), c.Y)
	rangecheck.New(api).Check(c.X, 8)
	return nil
}

// TestProveWithDamagedKeys: a proving key with one byte changed, at
// positions spread over the file, is refused or proves (a wrong key gives
// a proof that does not verify), never a crash.
func TestProveWithDamagedKeys(t *testing.T) {
	fx := getFixture(t)
	proved := 0
	for i := 0; i < 48; i++ {
		b := slices.Clone(fx.pk)
		pos := i * (len(b) - 1) / 47
		b[pos] ^= byte(1 << (i % 8))
		pk, err := decodeProvingKey(bytes.NewReader(b), int64(len(b)))
		if err == nil {
			err = keyMatches(pk, fx.cs)
		}
		if err == nil {
			proved++
			_, err = safeProve(fx.cs, pk, fx.wit, solidity.WithProverTargetSolidityVerifier(backend.GROTH16))
		}
		if err != nil {
			testkit.CheckOneLine(t, err)
		}
	}
	if proved == 0 {
		t.Fatal("no damaged key reached the prover")
	}
	t.Logf("%d of 48 damaged keys reached the prover", proved)
}

// FuzzSettings feeds arbitrary bytes as settings.json of the fixture
// directory: opening it and verifying the fixture proof with it never
// panics and fails, if at all, on one line.
func FuzzSettings(f *testing.F) {
	fx := getFixture(f)
	js, err := os.ReadFile(fx.c.path(SettingsFile))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(js)
	f.Add([]byte(`{"version": 1}`))
	dir := f.TempDir()
	for _, name := range []string{ModelFile, CircuitFile, VerifyingKey} {
		b, err := os.ReadFile(fx.c.path(name))
		if err != nil {
			f.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			f.Fatal(err)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		defer testkit.CheckFast(t, time.Now(), slowExec)
		if err := os.WriteFile(filepath.Join(dir, SettingsFile), b, 0o644); err != nil {
			t.Fatal(err)
		}
		c, err := Open(dir)
		if err != nil {
			testkit.CheckOneLine(t, err)
			return
		}
		if err := c.Verify(fx.proof); err != nil {
			testkit.CheckOneLine(t, err)
		}
	})
}
