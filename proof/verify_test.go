package proof

import (
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/internal/onnxbuild"
	"github.com/zkinfer/zkinfer/internal/tamper"
	"github.com/zkinfer/zkinfer/internal/testkit"
	"github.com/zkinfer/zkinfer/ops"
	"github.com/zkinfer/zkinfer/quant"
)

// TestVerifyRejects: every malformed or edited proof is invalid, with a
// reason on one line, and never a panic.
func TestVerifyRejects(t *testing.T) {
	fx := getFixture(t)
	type edit struct {
		name string
		f    func(p *Proof)
		want string
	}
	var cases []edit
	for _, c := range tamper.Proofs(fx.raw) {
		cases = append(cases, edit{"proof: " + c.Name, func(p *Proof) { p.Proof = hex.EncodeToString(c.Raw) }, c.Want})
	}
	field := ecc.BN254.ScalarField()
	cases = append(cases,
		edit{"proof not hex", func(p *Proof) { p.Proof = "zz" + p.Proof[2:] }, "not hex"},
		edit{"one public input fewer", func(p *Proof) { p.PublicInputs = p.PublicInputs[1:] }, "public inputs"},
		edit{"one public input more", func(p *Proof) { p.PublicInputs = append(p.PublicInputs, p.PublicInputs[0]) }, "public inputs"},
		edit{"public input not reduced", func(p *Proof) {
			v := make([]byte, 32)
			field.FillBytes(v)
			p.PublicInputs[0] = "0x" + hex.EncodeToString(v)
		}, "not reduced"},
		edit{"public input too short", func(p *Proof) { p.PublicInputs[0] = "0x01" }, "32-byte"},
		edit{"public input edited", func(p *Proof) {
			b := []byte(p.PublicInputs[0])
			b[len(b)-1] ^= 1
			p.PublicInputs[0] = string(b)
		}, "outputs[0][0]"},
		edit{"public input and output edited together", func(p *Proof) {
			b := []byte(p.PublicInputs[0])
			b[len(b)-1] ^= 1
			p.PublicInputs[0] = string(b)
			vals, _ := p.PublicValues()
			p.Outputs[0][0] = quant.Dequantize(ops.Signed(field, vals[0]).Int64(), fx.c.Model.Outputs[0].Scale)
		}, "not valid"},
		edit{"output edited", func(p *Proof) { p.Outputs[0][1] += 1.0 / 4096 }, "outputs[0][1]"},
		edit{"output missing", func(p *Proof) { p.Outputs[0] = p.Outputs[0][:1] }, "outputs[0] has 1 values"},
		edit{"outputs missing", func(p *Proof) { p.Outputs = nil }, "lists 0 outputs"},
		edit{"protocol", func(p *Proof) { p.Protocol = "plonk-bn254" }, "made with plonk"},
		edit{"unknown protocol", func(p *Proof) { p.Protocol = Backend(strings.Repeat("x", 1000)) }, "protocol"},
		edit{"model hash", func(p *Proof) { p.ModelSHA256 = strings.Repeat("0", 64) }, "SHA-256"},
		edit{"claim added", func(p *Proof) { p.Claim = "output[0] >= 0" }, "claim"},
		edit{"commitment added", func(p *Proof) { p.Commitments = map[string]string{"input": "0x01"} }, "commitment"},
	)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := *fx.proof
			p.PublicInputs = slices.Clone(fx.proof.PublicInputs)
			p.Outputs = [][]float64{slices.Clone(fx.proof.Outputs[0])}
			c.f(&p)
			err := fx.c.Verify(&p)
			if err == nil {
				t.Fatal("verified")
			}
			testkit.CheckOneLine(t, err)
			if !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %q does not mention %q", err, c.want)
			}
		})
	}
	if err := fx.c.Verify(fx.proof); err != nil {
		t.Fatalf("the original no longer verifies: %v", err)
	}
}

// TestForeignKeys: another circuit's verifying key is refused (a different
// public-input count) or fails verification (the same count); another
// circuit's proving key is refused before proving.
func TestForeignKeys(t *testing.T) {
	fx := getFixture(t)
	dir := t.TempDir()
	src := filepath.Join(dir, "tiny.onnx")
	if err := os.WriteFile(src, onnxbuild.Bytes(onnxbuild.GemmRelu()), 0o644); err != nil {
		t.Fatal(err)
	}
	// The same model at another scale: same public inputs, other circuit.
	qs := quant.Default
	qs.Scale = 10
	other, err := CompileWith(src, filepath.Join(dir, "other"), CompileOptions{Quant: qs, Visibility: circuit.DefaultVisibility, RangeCheck: circuit.RangeLookup})
	if err != nil {
		t.Fatal(err)
	}
	if err := other.Setup(nil); err != nil {
		t.Fatal(err)
	}
	// Public inputs too: more of them.
	vis := circuit.DefaultVisibility
	vis.Input = circuit.Public
	wide, err := CompileWith(src, filepath.Join(dir, "wide"), CompileOptions{Quant: quant.Default, Visibility: vis, RangeCheck: circuit.RangeLookup})
	if err != nil {
		t.Fatal(err)
	}
	if err := wide.Setup(nil); err != nil {
		t.Fatal(err)
	}
	copyDir := func(t *testing.T) *Compiled {
		d := t.TempDir()
		for _, f := range []string{SettingsFile, ModelFile, CircuitFile, ProvingKey, VerifyingKey} {
			b, err := os.ReadFile(fx.c.path(f))
			if err != nil {
				t.Fatal(err)
			}
			os.WriteFile(filepath.Join(d, f), b, 0o644)
		}
		c, err := Open(d)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	for _, c := range []struct {
		name, key string
		from      *Compiled
		want      string
	}{
		{"verifying key of another circuit", VerifyingKey, other, "not valid"},
		{"verifying key with other public inputs", VerifyingKey, wide, "another model's key"},
		{"corrupt verifying key", VerifyingKey, nil, "verifying key"},
		{"proving key of another circuit", ProvingKey, wide, "another circuit"},
		{"corrupt proving key", ProvingKey, nil, "proving key"},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := copyDir(t)
			b := []byte("corrupt")
			if c.from != nil {
				var err error
				if b, err = os.ReadFile(c.from.path(c.key)); err != nil {
					t.Fatal(err)
				}
			}
			os.WriteFile(d.path(c.key), b, 0o644)
			var err error
			if c.key == VerifyingKey {
				err = d.Verify(fx.proof)
			} else {
				_, err = d.Prove(fixtureInput, nil)
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one mentioning %q", err, c.want)
			}
			testkit.CheckOneLine(t, err)
		})
	}
}
