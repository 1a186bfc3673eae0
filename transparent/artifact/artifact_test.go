package artifact

import (
	"encoding/hex"
	"encoding/json"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/internal/onnxbuild"
	"github.com/zkinfer/zkinfer/internal/testkit"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/proof"
	"github.com/zkinfer/zkinfer/proof/verifier"
	"github.com/zkinfer/zkinfer/quant"
	"github.com/zkinfer/zkinfer/transparent/wire"
)

func compiled(t *testing.T) (*Compiled, [][]float64) {
	t.Helper()
	path, input := testkit.CorpusModel(t, "1l_mlp")
	c, err := Compile(path, filepath.Join(t.TempDir(), "d"), quant.Default, circuit.DefaultVisibility)
	if err != nil {
		t.Fatal(err)
	}
	in, err := model.ReadInput(input)
	if err != nil {
		t.Fatal(err)
	}
	return c, in
}

func TestProveVerify(t *testing.T) {
	c, in := compiled(t)
	if !IsDir(c.Dir) {
		t.Fatal("IsDir is false for a compiled directory")
	}
	o, err := Open(c.Dir)
	if err != nil {
		t.Fatal(err)
	}
	p, err := o.Prove(in, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := o.Verify(p, verifier.Options{}); err != nil {
		t.Fatalf("honest proof rejected: %v", err)
	}
	for _, c := range []struct {
		name string
		opt  verifier.Options
	}{
		{"context", verifier.Options{Context: []byte{1}}}, // the proof is bound to none
		{"key", verifier.Options{VerifyingKeySHA256: "00"}},
		{"claim", verifier.Options{Claim: "argmax = 0"}},
	} {
		if err := o.Verify(p, c.opt); err == nil {
			t.Errorf("%s: an expectation the backend cannot check was accepted", c.name)
		}
	}
}

func TestOpenRefuses(t *testing.T) {
	for _, c := range []struct {
		name string
		edit func(dir string) error
		want string
	}{
		{"chain digest", func(dir string) error {
			return editSettings(dir, func(s map[string]any) { s["circuit_sha256"] = strings.Repeat("0", 64) })
		}, "compile again"},
		{"output scale", func(dir string) error {
			return editSettings(dir, func(s map[string]any) { s["outputs"].([]any)[0].(map[string]any)["scale"] = 10.0 })
		}, "compile again"},
		{"visibility", func(dir string) error {
			return editSettings(dir, func(s map[string]any) { s["visibility"].(map[string]any)["input"] = "public" })
		}, "private input only"},
		{"model", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, proof.ModelFile), []byte("other"), 0o644)
		}, "does not match the model"},
		{"backend", func(dir string) error {
			return editSettings(dir, func(s map[string]any) { s["backend"] = "groth16-bn254" })
		}, "not sumcheck"},
		{"version", func(dir string) error {
			return editSettings(dir, func(s map[string]any) { s["version"] = 1.0 })
		}, "format version 1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cc, _ := compiled(t)
			if err := c.edit(cc.Dir); err != nil {
				t.Fatal(err)
			}
			if _, err := Open(cc.Dir); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want %q", err, c.want)
			}
		})
	}
}

func editSettings(dir string, f func(map[string]any)) error {
	p := filepath.Join(dir, proof.SettingsFile)
	b, err := os.ReadFile(p)
	if err != nil {
		return err
	}
	var s map[string]any
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	f(s)
	b, _ = json.Marshal(s)
	return os.WriteFile(p, b, 0o644)
}

func TestCompileRefusesVisibility(t *testing.T) {
	path, _ := testkit.CorpusModel(t, "1l_mlp")
	for _, vis := range []circuit.Visibility{
		{Input: circuit.Public, Params: circuit.Fixed, Output: circuit.Public},
		{Input: circuit.Private, Params: circuit.Private, Output: circuit.Public},
		{Input: circuit.Private, Params: circuit.Fixed, Output: circuit.Hashed},
	} {
		if _, err := Compile(path, filepath.Join(t.TempDir(), "d"), quant.Default, vis); err == nil || !strings.Contains(err.Error(), "--backend groth16") {
			t.Errorf("%+v: %v", vis, err)
		}
	}
}

// TestStatementEdits: a proof file whose statement is edited consistently
// (its listed values agree with its public inputs, so the statement checks
// pass) is still refused: a context added (the transcript absorbed none),
// and an output moved by 2^64, whose low 64 bits are the proven output.
func TestStatementEdits(t *testing.T) {
	c, in := compiled(t)
	p, err := c.Prove(in, nil)
	if err != nil {
		t.Fatal(err)
	}
	segs := c.Settings.Layout()
	for _, e := range []struct {
		name string
		edit func(q *verifier.Proof)
		want string
	}{
		{"context", func(q *verifier.Proof) {
			q.Context = "0x01"
			q.PublicInputs[segs.Offset(circuit.SegContext)] = verifier.FieldHex(circuit.ContextValue([]byte{1}))
		}, "the transparent proof does not hold"},
		{"output + 2^64", func(q *verifier.Proof) {
			off := segs.Offset(circuit.SegOutput)
			v, _ := new(big.Int).SetString(strings.TrimPrefix(q.PublicInputs[off], "0x"), 16)
			v.Add(v, new(big.Int).Lsh(big.NewInt(1), 64))
			q.PublicInputs[off] = verifier.FieldHex(v)
			f, _ := new(big.Float).SetMantExp(new(big.Float).SetInt(v), -c.Settings.Outputs[0].Scale).Float64()
			q.Outputs = [][]float64{append([]float64(nil), q.Outputs[0]...)}
			q.Outputs[0][0] = f
		}, "not an output"},
		{"output + 1", func(q *verifier.Proof) {
			off := segs.Offset(circuit.SegOutput)
			v, _ := new(big.Int).SetString(strings.TrimPrefix(q.PublicInputs[off], "0x"), 16)
			v.Add(v, big.NewInt(1))
			q.PublicInputs[off] = verifier.FieldHex(v)
			q.Outputs = [][]float64{append([]float64(nil), q.Outputs[0]...)}
			q.Outputs[0][0] += 1.0 / float64(int(1)<<c.Settings.Outputs[0].Scale)
		}, "the transparent proof does not hold"},
	} {
		t.Run(e.name, func(t *testing.T) {
			q := *p
			q.PublicInputs = append([]string(nil), p.PublicInputs...)
			e.edit(&q)
			if _, err := verifier.CheckStatement(&c.Settings, &q, verifier.Options{}); err != nil {
				t.Fatalf("the edit is not consistent: %v", err)
			}
			if err := c.Verify(&q, verifier.Options{}); err == nil || !strings.Contains(err.Error(), e.want) {
				t.Fatalf("got %v, want %q", err, e.want)
			}
		})
	}
}

// TestCNN: a CNN (onnxbuild.ConvStem: Conv, ReLU, max pool, Flatten, Gemm)
// is compiled, proven and verified; its Gemm's rescale has no ReLU, and a
// value changed there is refused (every byte of a rescale proof is read by
// rescale.Verify, with or without ReLU).
func TestCNN(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "stem.onnx")
	if err := os.WriteFile(path, onnxbuild.Bytes(onnxbuild.ConvStem(4)), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := Compile(path, filepath.Join(dir, "d"), quant.Default, circuit.DefaultVisibility)
	if err != nil {
		t.Fatal(err)
	}
	if c.Chain.CNN == nil || c.Chain.CNN.Dense[0].ReLU {
		t.Fatalf("lowered to %s; the test needs a CNN whose Gemm has no ReLU", c.Chain.Describe())
	}
	x := make([]float64, c.Model.Inputs[0].Size())
	for i := range x {
		x[i] = float64(i%7)/4 - 0.7
	}
	p, err := c.Prove([][]float64{x}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Verify(p, verifier.Options{}); err != nil {
		t.Fatalf("honest CNN proof rejected: %v", err)
	}
	raw, _ := hex.DecodeString(p.Proof)
	prf, err := wire.DecodeCNN(raw)
	if err != nil {
		t.Fatal(err)
	}
	fin := prf.Requan[0].Check.Finals
	fin[len(fin)-1].SetOne()
	b, _ := wire.EncodeCNN(prf)
	q := *p
	q.Proof = hex.EncodeToString(b)
	if err := c.Verify(&q, verifier.Options{}); err == nil || !strings.Contains(err.Error(), "rescale") {
		t.Fatalf("a changed value in a rescale without ReLU: %v", err)
	}
}
